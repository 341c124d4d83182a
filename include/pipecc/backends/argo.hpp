#pragma once
/// The Argo Workflows backend: a standalone `argoproj.io/v1alpha1` Workflow that runs on plain
/// Argo (>= 3.4) and uploads to Kubeflow Pipelines v1.

#include "pipecc/emit/document.hpp"
#include "pipecc/graph/graph.hpp"

namespace pipecc::argo {

/// Options for the Argo backend.
struct Options {};

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
