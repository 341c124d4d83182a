#pragma once
/// The compiler driver: checks a pipeline's graph and renders it for one target.

#include <iosfwd>
#include <string>
#include <string_view>

#include "pipecc/dsl/pipeline.hpp"
#include "pipecc/graph/engine.hpp"
#include "pipecc/graph/graph.hpp"

namespace pipecc {

/// The output syntax.
enum class Format { Yaml, Json };

/// What to compile for.
///
/// @code
/// CompileOptions opts{.engine = Engine::argo(3, 7)};
/// @endcode
struct CompileOptions {
    /// The engine that will run the output, at its version: it chooses the output (Argo or KFP
    /// IR), how run-time values are lowered, and what is refused (`engine_profiles()`).
    Engine engine = Engine::kfp();
    Format format = Format::Yaml;
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

/// Compiles a pipeline to the engine's document text. Throws `pipecc::Error`.
///
/// @code
/// std::string ir = compile(p, {.engine = Engine::kfp()});
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
