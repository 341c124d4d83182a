#pragma once
/// The KFP v2 IR backend: PipelineSpec (and a kfp-kubernetes PlatformSpec) for Kubeflow Pipelines
/// v2 and Vertex AI Pipelines.

#include <string>

#include "pipecc/emit/document.hpp"
#include "pipecc/graph/graph.hpp"

namespace pipecc::kfp {

/// The IR documents of one pipeline.
struct Documents {
    doc::Node pipeline_spec;
    /// `platforms: kubernetes: ...` for Kubernetes-only settings; null when there are none.
    doc::Node platform_spec;
};

/// Options for the IR backend.
struct Options {
    /// Written as `sdkVersion`.
    std::string sdk_version;
};

/// Lowers a checked graph to IR documents. Throws `pipecc::Error` for what IR cannot express.
///
/// @code
/// kfp::Documents d = kfp::emit(checked_graph, {.sdk_version = "pipecc-0.1.0"});
/// @endcode
Documents emit(const graph::Graph& g, const Options& options);

/// The IR as YAML: a header comment, the PipelineSpec, then `---` and the PlatformSpec if any.
std::string render_yaml(const graph::Graph& g, const Documents& d);

/// The IR as JSON (PipelineSpec only). Throws `pipecc::Error` if there is a PlatformSpec, which
/// only YAML can carry (as with the kfp SDK).
std::string render_json(const graph::Graph& g, const Documents& d);

}  // namespace pipecc::kfp
