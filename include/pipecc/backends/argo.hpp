#pragma once
/// The Argo Workflows backend: a standalone `argoproj.io/v1alpha1` Workflow that runs on plain
/// Argo (3.6 to 4.1) and uploads to Kubeflow Pipelines v1.

#include <string>
#include <string_view>

#include "pipecc/emit/document.hpp"
#include "pipecc/graph/engine.hpp"
#include "pipecc/graph/graph.hpp"

namespace pipecc::argo {

/// Options for the Argo backend.
struct Options {
    /// The engine that runs the output (`argo@…` or `kfp@1.8`): it chooses how run-time values
    /// are lowered and whether a schedule is a CronWorkflow.
    Engine engine = Engine::argo();
};

/// The annotations that carry a pipeline's schedule on an engine that takes no CronWorkflow
/// (`kfp@1.8`), for `pipecc deploy kfp` to make the recurring run from.
inline constexpr std::string_view kScheduleAnnotation = "pipecc.dev/schedule";
inline constexpr std::string_view kTimeZoneAnnotation = "pipecc.dev/time-zone";

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
