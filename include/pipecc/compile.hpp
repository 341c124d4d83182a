#pragma once
/// The compiler driver: checks a pipeline's graph and renders it for one target.

#include <ostream>
#include <string>
#include <string_view>

#include "pipecc/backends/argo.hpp"
#include "pipecc/dsl/pipeline.hpp"
#include "pipecc/graph/graph.hpp"

namespace pipecc {

/// The engine to compile for.
enum class Target {
    Kfp,   ///< KFP v2 IR (PipelineSpec): Kubeflow Pipelines v2, Vertex AI Pipelines
    Argo,  ///< Argo Workflow: plain Argo Workflows, Kubeflow Pipelines v1
};

/// The output syntax.
enum class Format { Yaml, Json };

/// What to compile for.
///
/// @code
/// CompileOptions opts{.target = Target::Argo};
/// @endcode
struct CompileOptions {
    Target target = Target::Kfp;
    Format format = Format::Yaml;
    /// Argo target: the oldest Argo version the output must run on.
    argo::Version argo_version{};
    /// Writes the graph after each check pass here (for debugging pipecc and pipelines).
    std::ostream* trace = nullptr;
};

/// The version of pipecc, e.g. "0.1.0".
std::string_view version();

/// A checked copy of the pipeline's graph: names sanitised, dependencies and order filled in.
/// Throws `pipecc::Error` for the first problem found.
///
/// @code
/// graph::Graph g = check(p);
/// @endcode
graph::Graph check(const Pipeline& pipeline, std::ostream* trace = nullptr);

/// Compiles a pipeline to the target's document text. Throws `pipecc::Error`.
///
/// @code
/// std::string ir = compile(p, {.target = Target::Kfp});
/// @endcode
std::string compile(const Pipeline& pipeline, const CompileOptions& options);

/// Compiles an already checked graph.
std::string compile_checked(const graph::Graph& g, const CompileOptions& options);

/// Writes `content` to `path` through a temporary file in the same folder and a rename, so the
/// file is either fully replaced or left untouched. Throws `pipecc::Error` on failure.
///
/// @code
/// write_file_atomic("out/daily.kfp.yaml", compile(p, {}));
/// @endcode
void write_file_atomic(const std::string& path, std::string_view content);

}  // namespace pipecc
