// graph::sorted_by_name and name_ranks: byte order, ties in index order, whatever the names share.

#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "pipecc/graph/name_order.hpp"

namespace name_order_test {

using pipecc::graph::name_ranks;
using pipecc::graph::sorted_by_name;

namespace {
std::vector<std::uint32_t> reference_order(const std::vector<std::string_view>& names) {
    std::vector<std::uint32_t> order(names.size());
    std::iota(order.begin(), order.end(), 0U);
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return names[a] < names[b]; });
    return order;
}
}  // namespace

TEST_CASE("sorted_by_name orders bytes as memcmp does, ties by index", "[name_order]") {
    using namespace std::string_literals;
    // Prefixes, names past the 16 bytes compared without the strings, NUL padding against real
    // NULs, bytes above 0x7f, and repeats.
    const std::vector<std::string> owned = {
        "step-10", "step-2", "step", "", "step-1", "a-very-long-task-name-b", "a-very-long-task-name-a",
        "a-very-long-task-na", "ab"s, "ab\0"s, "ab\0\0"s, "\xff", "\x7f", "step-2", "", "a-very-long-task-name-a"};
    const std::vector<std::string_view> names(owned.begin(), owned.end());
    const auto order = sorted_by_name(names);
    CHECK(order == reference_order(names));
    CHECK(order.front() == 3);  // the first "" before the second
    CHECK(order[1] == 14);
    const auto rank = name_ranks(names);
    for (std::uint32_t pos = 0; pos < order.size(); ++pos) CHECK(rank[order[pos]] == pos);
}

TEST_CASE("sorted_by_name agrees with a stable sort on random names", "[name_order]") {
    std::mt19937 rng(7);
    for (int round = 0; round < 50; ++round) {
        std::vector<std::string> owned;
        const std::string prefix(std::uniform_int_distribution<int>(0, 20)(rng), 'p');
        for (int i = 0; i < 300; ++i) {
            std::string s = prefix;
            const int len = std::uniform_int_distribution<int>(0, 6)(rng);
            for (int k = 0; k < len; ++k) s += "ab\0-"[std::uniform_int_distribution<int>(0, 3)(rng)];
            owned.push_back(s);
        }
        const std::vector<std::string_view> names(owned.begin(), owned.end());
        CHECK(sorted_by_name(names) == reference_order(names));
    }
}

TEST_CASE("sorted_by_name of no names is empty", "[name_order]") {
    CHECK(sorted_by_name({}).empty());
    CHECK(name_ranks({}).empty());
}

}  // namespace name_order_test
