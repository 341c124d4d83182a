#pragma once
/// What one engine, at its version, refuses or would run wrongly in a compiled file that passes
/// the schemas: the same engine profiles the compiler reads.

#include <vector>

#include <yaml-cpp/yaml.h>

#include "pipecc/graph/engine.hpp"
#include "validate/problem.hpp"
#include "validate/walk_budget.hpp"

namespace pipecc::validate {

/// Checks IR documents (the PipelineSpec, then a PlatformSpec if any) for `engine`: a
/// PlatformSpec that Vertex would drop, run-time placeholders an older KFP leaves empty, loops
/// over artifacts KFP's driver refuses, and IR given to an Argo engine.
///
/// @code
/// check_ir_for_engine(docs, profile(Engine::vertex()), budget, found);
/// @endcode
void check_ir_for_engine(const std::vector<YAML::Node>& docs, const EngineProfile& engine, WalkBudget& budget,
                         Findings& found);

/// Checks an Argo document for `engine`: a KFP IR engine reads no Argo workflow, and KFP 1.8
/// uploads only `kind: Workflow`.
///
/// @code
/// check_argo_for_engine(doc, "CronWorkflow", profile(Engine::kfp_v1()), found);
/// @endcode
void check_argo_for_engine(const YAML::Node& doc, const std::string& kind, const EngineProfile& engine,
                           Findings& found);

}  // namespace pipecc::validate
