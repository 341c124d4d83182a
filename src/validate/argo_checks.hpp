#pragma once
/// The Argo rules beyond the schema: what `argo lint` checks before a workflow runs.

#include <yaml-cpp/yaml.h>

#include "validate/problem.hpp"
#include "validate/walk_budget.hpp"

namespace pipecc::validate {

/// Checks a Workflow, CronWorkflow, WorkflowTemplate or ClusterWorkflowTemplate document:
/// apiVersion and a name; unique template and task names; entrypoint, onExit, step and task
/// template references; DAG dependencies exist and have no cycle.
///
/// @code
/// check_argo_structure(doc, budget, found);
/// @endcode
void check_argo_structure(const YAML::Node& doc, WalkBudget& budget, Findings& found);

/// Checks the `{{…}}` references of every template of a workflow spec: `{{inputs.parameters.x}}`
/// and `{{inputs.artifacts.x}}` name the template's inputs, `{{tasks.t…}}`/`{{steps.s…}}` name a
/// task/step of that DAG/steps template, and their `outputs.parameters.p`/`outputs.artifacts.a`
/// outputs its template declares. Expressions (`{{=…}}`) and other variables are left to Argo.
///
/// @code
/// check_argo_variables(field(doc, "spec"), budget, found);
/// @endcode
void check_argo_variables(const YAML::Node& spec, WalkBudget& budget, Findings& found);

/// The workflow spec of an Argo document: `spec`, or `spec.workflowSpec` of a CronWorkflow.
///
/// @code
/// const YAML::Node spec = workflow_spec(doc);
/// @endcode
YAML::Node workflow_spec(const YAML::Node& doc);

}  // namespace pipecc::validate
