#include "pipecc/graph/name_order.hpp"

#include <algorithm>

namespace pipecc::graph {
namespace {

// Bytes [from, from + 8) of `s` as a big-endian number, zero-padded: comparing two such numbers
// orders the bytes as memcmp would, except that a shorter name ties with one padded by NULs,
// which the full comparison then settles.
std::uint64_t word(std::string_view s, std::size_t from) {
    std::uint64_t w = 0;
    for (std::size_t i = 0; i < 8; ++i) {
        w <<= 8;
        if (from + i < s.size()) w |= static_cast<unsigned char>(s[from + i]);
    }
    return w;
}

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
        keys.push_back({word(names[i], 0), word(names[i], 8), static_cast<std::uint32_t>(i)});
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
