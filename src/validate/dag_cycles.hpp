#pragma once
/// Finding dependency cycles in a task graph, without recursion (a DAG may have thousands of tasks).

#include <string>
#include <unordered_map>
#include <vector>

namespace pipecc::validate {

/// The tasks at which a depth-first walk of `edges` (task → the tasks it depends on, in order)
/// closes a cycle; empty for a DAG. Unknown names in the lists are ignored.
///
/// @code
/// cycle_entries({{"a", {"b"}}, {"b", {"a"}}}) == std::vector<std::string>{"a"}
/// @endcode
std::vector<std::string> cycle_entries(const std::vector<std::pair<std::string, std::vector<std::string>>>& edges);

}  // namespace pipecc::validate
