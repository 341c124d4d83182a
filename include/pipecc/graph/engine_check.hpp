#pragma once
/// The "engine" pass: what the chosen engine, at its version, would not run as the user meant.

#include "pipecc/graph/engine.hpp"
#include "pipecc/graph/graph.hpp"

namespace pipecc::graph {

/// Throws `pipecc::Error` for the first thing in `g` (nested pipelines included) that `engine`
/// refuses, does not apply or resolves wrongly: naming the pipeline, task and setting, the
/// engine with its version, and what to do instead. Runs after `run_passes`, on the user's
/// graph (before the resolver adds its task), and reads the profile once.
///
/// @code
/// graph::check_for_engine(checked, profile(Engine::vertex()));
/// @endcode
void check_for_engine(const Graph& g, const EngineProfile& engine);

}  // namespace pipecc::graph
