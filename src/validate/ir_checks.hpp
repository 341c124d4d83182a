#pragma once
/// The KFP v2 IR rules beyond the schema: what the KFP backend resolves when it runs a pipeline.

#include <yaml-cpp/yaml.h>

#include "validate/problem.hpp"
#include "validate/walk_budget.hpp"

namespace pipecc::validate {

/// Checks a PipelineSpec's references: tasks' components, components' executors, task
/// dependencies and producers (and no dependency cycle), inputs bound from the parent component,
/// the placeholders in executors' command/args/env against their components' inputs and outputs,
/// and run-time placeholders such as `{{$.pipeline_job_name}}` only where KFP's driver resolves
/// them (the whole `runtimeValue.constant` of a task input).
///
/// @code
/// check_ir_references(YAML::Load(text), budget, found);
/// @endcode
void check_ir_references(const YAML::Node& spec, WalkBudget& budget, Findings& found);

}  // namespace pipecc::validate
