// The allocator of the graph's largest arrays: small arrays as std::allocator makes them, large
// ones (4 MiB and more) on their own huge-page mappings; a vector must not notice the change.

#include <catch2/catch.hpp>

#include <cstdint>
#include <new>
#include <string>
#include <vector>

#include "pipecc/graph/large_array.hpp"

namespace large_array_test {

using pipecc::graph::LargeArrayAllocator;

TEST_CASE("a vector on LargeArrayAllocator keeps its elements through growth past 4 MiB, copies and moves",
          "[large_array]") {
    std::vector<std::string, LargeArrayAllocator<std::string>> v;
    // 32-byte strings: 4 MiB is 131,072 of them; the last growths move them into mapped arrays.
    for (int i = 0; i < 300'000; ++i) v.push_back("task-" + std::to_string(i));
    REQUIRE(v.capacity() * sizeof(std::string) >= pipecc::graph::detail::kLargeArrayBytes);
    CHECK(v.front() == "task-0");
    CHECK(v[131'071] == "task-131071");
    CHECK(v.back() == "task-299999");

    const auto copy = v;
    CHECK(copy == v);
    auto moved = std::move(v);
    CHECK(moved == copy);
    moved.resize(10);
    moved.shrink_to_fit();  // back to std::allocator's memory
    CHECK(moved.back() == "task-9");
}

TEST_CASE("LargeArrayAllocator refuses sizes that overflow", "[large_array]") {
    LargeArrayAllocator<std::uint64_t> alloc;
    CHECK_THROWS_AS(alloc.allocate(SIZE_MAX / 4), std::bad_array_new_length);
}

}  // namespace large_array_test
