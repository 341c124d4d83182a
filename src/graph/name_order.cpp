#include "pipecc/graph/name_order.hpp"

#include <algorithm>

#include "support/byte_order_word.hpp"

namespace pipecc::graph {
namespace {

struct Key {
    std::uint64_t head;
    std::uint64_t next;
    std::uint32_t index;
};

}  // namespace

std::vector<std::uint32_t> sorted_by_name(const std::vector<std::string_view>& names) {
    std::vector<Key> keys;
    keys.reserve(names.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
        keys.push_back({pipecc::detail::byte_order_word(names[i], 0), pipecc::detail::byte_order_word(names[i], 8),
                        static_cast<std::uint32_t>(i)});
    }
    std::sort(keys.begin(), keys.end(), [&names](const Key& a, const Key& b) {
        if (a.head != b.head) return a.head < b.head;
        if (a.next != b.next) return a.next < b.next;
        const int c = names[a.index].compare(names[b.index]);
        return c != 0 ? c < 0 : a.index < b.index;
    });
    std::vector<std::uint32_t> order;
    order.reserve(keys.size());
    for (const Key& k : keys) order.push_back(k.index);
    return order;
}

std::vector<std::uint32_t> name_ranks(const std::vector<std::string_view>& names) {
    const std::vector<std::uint32_t> order = sorted_by_name(names);
    std::vector<std::uint32_t> rank(order.size());
    for (std::uint32_t pos = 0; pos < order.size(); ++pos) rank[order[pos]] = pos;
    return rank;
}

}  // namespace pipecc::graph
