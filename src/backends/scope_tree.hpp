#pragma once
/// Sub-DAG nesting shared by the emitters: both nest If branches and loops as DAGs inside DAGs.

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "pipecc/graph/graph.hpp"
#include "pipecc/graph/passes.hpp"

namespace pipecc::backends {

/// Where a dependency of a task in scope `a_scope` on the task named `b_name` in scope `b_scope`
/// lands. A DAG task may only wait for tasks of its own DAG, so the outermost sub-DAG around the
/// waiting task below their common DAG waits for the one around the other, as the kfp SDK does.
/// Returns the waiting item (-1: the task itself, else the scope whose task stands for it) and
/// the name it waits for. `Scopes` holds items with `parent`, `depth` and `task_name`.
///
/// @code
/// auto [waiter, name] = lift_dependency(scopes, scope_of(t), scope_of(d), d.name);
/// @endcode
template <class Scopes>
std::pair<int, const std::string*> lift_dependency(const Scopes& scopes, int a_scope, int b_scope,
                                                   const std::string& b_name) {
    int a = -1;
    const std::string* b = &b_name;
    auto lift_a = [&] {
        a = a_scope;
        a_scope = scopes[a_scope].parent;
    };
    auto lift_b = [&] {
        b = &scopes[b_scope].task_name;
        b_scope = scopes[b_scope].parent;
    };
    while (scopes[a_scope].depth > scopes[b_scope].depth) lift_a();
    while (scopes[b_scope].depth > scopes[a_scope].depth) lift_b();
    while (a_scope != b_scope) {
        lift_a();
        lift_b();
    }
    return {a, b};
}

/// The names a DAG task waits for, sorted and unique, as a YAML sequence.
///
/// @code
/// task.set("dependencies", sorted_names(deps));
/// @endcode
inline doc::Node sorted_names(std::vector<const std::string*>& names) {
    auto less = [](const std::string* a, const std::string* b) { return *a < *b; };
    auto same = [](const std::string* a, const std::string* b) { return *a == *b; };
    std::sort(names.begin(), names.end(), less);
    names.erase(std::unique(names.begin(), names.end(), same), names.end());
    doc::Node out = doc::Node::seq();
    for (const std::string* n : names) out.push(*n);
    return out;
}

/// A group with kfp's number for it (`condition-N`, `for-loop-N`), and for a loop over a literal
/// list the number of its item (`loop-item-param-N`).
struct NumberedGroup {
    graph::GroupId group;
    int number;
    int item_number;
};

/// kfp's group numbers: one counter over the exit handler (1, when there are hooks) and the
/// groups in `group_order`, where a loop over a literal list first takes a number for its item.
///
/// @code
/// for (const auto& [group, number, item] : number_groups(g, has_hooks)) name = "for-loop-" + std::to_string(number);
/// @endcode
inline std::vector<NumberedGroup> number_groups(const graph::Graph& g, bool has_hooks) {
    std::vector<NumberedGroup> out;
    int number = has_hooks ? 1 : 0;
    for (graph::GroupId id : graph::group_order(g)) {
        const graph::Group& group = g.groups[id];
        const bool literal_items = group.items && group.items->as<graph::node::Literal>();
        const int item = literal_items ? ++number : 0;
        out.push_back({id, ++number, item});
    }
    return out;
}

/// The name kfp gives a group's sub-DAG before its number.
inline const char* group_base_name(const graph::Group& group) {
    switch (group.kind) {
        case graph::GroupKind::Branches: return "condition-branches";
        case graph::GroupKind::Loop: return "for-loop";
        default: return "condition";
    }
}

}  // namespace pipecc::backends
