#pragma once
/// Sub-DAG nesting shared by the emitters: both nest If branches as DAGs inside DAGs.

#include <string>
#include <utility>

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

}  // namespace pipecc::backends
