#pragma once
/// The KFP v2 IR backend: PipelineSpec (and a kfp-kubernetes PlatformSpec) for Kubeflow Pipelines
/// v2 and Vertex AI Pipelines.

#include <optional>
#include <string>

#include "pipecc/emit/document.hpp"
#include "pipecc/graph/graph.hpp"

namespace pipecc::kfp {

/// The IR documents of one pipeline.
struct Documents {
    doc::Node pipeline_spec;
    /// `platforms: kubernetes: ...` for Kubernetes-only settings; null when there are none.
    doc::Node platform_spec;
    /// With `Options::prerender`: bytes of text already rendered, most of the output's size.
    std::size_t rendered_bytes = 0;
};

/// Options for the IR backend.
struct Options {
    /// Written as `sdkVersion`.
    std::string sdk_version;
    /// If set, each task, component and executor is written as text in this format as soon as
    /// it is built (`doc::Prerenderer`), which keeps a large pipeline's memory to about its
    /// text; the Documents can then only be rendered by the matching `render_yaml` or
    /// `render_json`. Unset, they are a tree to inspect or change.
    std::optional<doc::Format> prerender{};
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
