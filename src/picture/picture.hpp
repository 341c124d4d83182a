#pragma once
/// `pipecc graph`: a pipeline's DAG as a picture, read from compiled KFP IR or Argo YAML.

#include <string>
#include <vector>

namespace pipecc::picture {

/// One task.
///
/// @code
/// for (const Node& n : picture.root.nodes) std::cout << n.id << ' ' << n.label << (n.on_exit ? " (on exit)" : "");
/// @endcode
struct Node {
    std::string id;            ///< unique in the picture, safe in DOT and Mermaid (`n1`, `n2`, …)
    std::string label;         ///< the task's display name
    std::string condition{};   ///< the task's own run condition, if any, as written (`accuracy > 0.9`)
    bool on_exit = false;      ///< an exit-handler task: it runs whatever happened
};

/// What a cluster stands for; the writers style each kind its own way.
///
/// @code
/// if (group.kind == GroupKind::ExitHandler) std::cout << "runs before the exit hooks";
/// @endcode
enum class GroupKind { Pipeline, SubDag, Condition, Loop, ExitHandler };

/// A cluster of tasks: a sub-DAG, a condition, a loop, or an exit handler's body.
///
/// @code
/// for (const Group& g : picture.root.groups) std::cout << g.label << ": " << g.nodes.size() << " tasks\n";
/// @endcode
struct Group {
    std::string id;
    std::string label;
    GroupKind kind = GroupKind::SubDag;
    std::vector<Node> nodes{};
    std::vector<Group> groups{};
};

/// An ordering between two tasks or groups (their ids).
///
/// @code
/// for (const Edge& e : picture.edges) std::cout << e.from << (e.on_exit ? " -on exit-> " : " -> ") << e.to << '\n';
/// @endcode
struct Edge {
    std::string from;
    std::string to;
    bool on_exit = false;  ///< `to` is an exit hook, run once `from` (the body) has ended however it ended
};

/// The whole picture: the pipeline as the outermost group, and its edges.
///
/// @code
/// const Picture p = picture_from_file("out/daily.kfp.yaml");
/// std::cout << to_mermaid(p);
/// @endcode
struct Picture {
    Group root;
    std::vector<Edge> edges{};
};

/// The ids of the tasks and groups directly in `g` that no other of them comes after (`first`)
/// or before (`!first`), in `edges`.
///
/// @code
/// for (const auto& id : ends_of(loop, picture.edges, true)) std::cout << id << " starts the loop\n";
/// @endcode
std::vector<std::string> ends_of(const Group& g, const std::vector<Edge>& edges, bool first);

/// Reads KFP v2 IR (YAML or JSON) or an Argo Workflow, CronWorkflow or WorkflowTemplate. Throws
/// pipecc::Error naming the file if it cannot be read or is neither.
///
/// @code
/// std::cout << to_dot(picture_from_file("out/daily.argo.yaml"));
/// @endcode
Picture picture_from_file(const std::string& path);

/// The same from text (`path` only names it in errors).
///
/// @code
/// picture_from_text("p.yaml", "pipelineInfo: {name: p}\nroot: {dag: {tasks: {}}}\n").root.label == "p"
/// @endcode
Picture picture_from_text(const std::string& path, const std::string& text);

/// Graphviz DOT: clusters for groups, dashed for exit handlers, `on exit` hooks as ellipses after
/// dashed `on exit` edges.
///
/// @code
/// write_file_atomic("daily.dot", to_dot(picture_from_file("out/daily.kfp.yaml")));
/// @endcode
std::string to_dot(const Picture& p);

/// A Mermaid flowchart: subgraphs for groups, exit hooks as stadium shapes.
///
/// @code
/// std::cout << "```mermaid\n" << to_mermaid(p) << "```\n";
/// @endcode
std::string to_mermaid(const Picture& p);

/// SVG from DOT through Graphviz's `dot`. Throws pipecc::Error if `dot` is not on PATH or fails.
///
/// @code
/// write_file_atomic("daily.svg", dot_to_svg(to_dot(p)));
/// @endcode
std::string dot_to_svg(const std::string& dot);

}  // namespace pipecc::picture
