#pragma once
/// Ranks names in byte order without chasing each name on every comparison.

#include <cstdint>
#include <string_view>
#include <vector>

namespace pipecc::graph {

/// The indices of `names` sorted by name (byte order), equal names in index order.
///
/// Each comparison first looks at the names' first 16 bytes, copied into a compact array, and
/// reads the names themselves only when those are equal. Sorting 100,000 task names by
/// comparing the strings in place missed the cache on nearly every comparison.
///
/// @code
/// std::vector<std::string_view> names = {"b", "a", "b"};
/// auto order = sorted_by_name(names);  // {1, 0, 2}
/// @endcode
std::vector<std::uint32_t> sorted_by_name(const std::vector<std::string_view>& names);

/// For each index, its position in `sorted_by_name(names)`.
///
/// @code
/// auto rank = name_ranks({"b", "a"});  // {1, 0}
/// @endcode
std::vector<std::uint32_t> name_ranks(const std::vector<std::string_view>& names);

}  // namespace pipecc::graph
