#pragma once
/// The Argo Workflows backend: a standalone `argoproj.io/v1alpha1` Workflow that runs on plain
/// Argo (>= 3.4) and uploads to Kubeflow Pipelines v1.

#include <optional>
#include <string_view>

#include "pipecc/emit/document.hpp"
#include "pipecc/graph/graph.hpp"

namespace pipecc::argo {

/// An Argo Workflows version, e.g. 3.5 or 3.1.3.
struct Version {
    int major = 3;
    int minor = 5;
    int patch = 0;

    friend auto operator<=>(const Version&, const Version&) = default;
};

/// Parses "3.5" or "3.1.3"; nullopt if it is not a version.
std::optional<Version> parse_version(std::string_view text);

/// The first version with expression templates that pipecc relies on (`{{=...}}` with sprig and
/// `workflow.creationTimestamp.s`).
inline constexpr Version kExpressionsSince{3, 2, 4};

/// Options for the Argo backend.
struct Options {
    /// The oldest Argo the output must run on; it chooses how run-time values are lowered
    /// and how a schedule is written.
    Version argo_version{};
};

/// What only the Argo target rejects, checked on the user's graph before any lowering adds tasks
/// (so errors name the user's task): run::scheduled_at() without a schedule.
void check(const graph::Graph& g, const Options& options);

/// Lowers a checked graph to a Workflow document. Throws `pipecc::Error` for what Argo cannot
/// express.
///
/// @code
/// doc::Node wf = argo::emit(checked_graph, {});
/// std::string yaml = doc::to_yaml(wf);
/// @endcode
doc::Node emit(const graph::Graph& g, const Options& options);

/// Where a component's files live in the container, following KFP v1's convention.
std::string input_artifact_path(const std::string& input);
std::string output_path(const std::string& output);

}  // namespace pipecc::argo
