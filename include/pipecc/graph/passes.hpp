#pragma once
/// The ordered checks that every graph passes before any backend sees it.

#include <iosfwd>
#include <string_view>
#include <vector>

#include "pipecc/graph/graph.hpp"

namespace pipecc::graph {

/// One named check over the graph. It throws `pipecc::Error` naming pipeline, task and input,
/// and may fill derived fields (`Task::deps`, `Graph::topo_order`).
struct Pass {
    std::string_view name;
    std::string_view what;
    void (*run)(Graph&);
};

/// The checks in the order they run: names, references, scopes, bindings, settings, order.
///
/// @code
/// for (const auto& pass : graph::passes()) std::cout << pass.name << ": " << pass.what << '\n';
/// @endcode
const std::vector<Pass>& passes();

/// Runs every pass in order. With `trace`, writes the pass name and the graph after each pass.
void run_passes(Graph& g, std::ostream* trace = nullptr);

/// Fills `Task::deps` and `Graph::topo_order` (the "order" pass); throws on a cycle. Rewrites that
/// add tasks call it again.
void compute_order(Graph& g);

/// The groups other than the body in the order engines number them (kfp's `condition-N`):
/// parents before children, siblings in declaration order.
///
/// @code
/// std::vector<int> number(g.groups.size());  // groups[0], the body, keeps 0
/// int n = 0;
/// for (GroupId id : group_order(g)) number[id] = ++n;
/// @endcode
std::vector<GroupId> group_order(const Graph& g);

/// A human-readable dump of the graph: parameters, components, tasks, bindings and settings.
void dump(const Graph& g, std::ostream& out);

/// The kfp SDK's Kubernetes name rule: lower-case, runs of other characters become one '-',
/// no leading or trailing '-', at most 63 characters. May return "" (the caller rejects it).
///
/// @code
/// std::string name = sanitize_k8s_name("Train Model!");  // "train-model"
/// @endcode
std::string sanitize_k8s_name(std::string_view name);

/// A Kubernetes resource quantity ("500m", "60G", "1.5Gi") in its base unit (cores or bytes),
/// or nullopt if it is not one.
std::optional<double> parse_quantity(std::string_view quantity);

}  // namespace pipecc::graph
