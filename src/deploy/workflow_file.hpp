#pragma once
/// A compiled Argo Workflow (`--engine kfp@1.8`) as `pipecc deploy kfp --engine kfp@1.8` needs it.

#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "deploy/cron.hpp"

namespace pipecc::deploy {

/// The file's text, the Workflow as JSON, its name and the schedule its annotations carry.
///
/// @code
/// const WorkflowFile w = read_workflow_file("out/daily.argo.yaml");
/// if (w.schedule) std::cout << kfp_cron(*w.schedule).cron;
/// @endcode
struct WorkflowFile {
    std::string path;
    std::string text;
    std::string name{};                      ///< metadata.name, else generateName without its trailing '-'
    std::optional<CronSchedule> schedule{};  ///< from the pipecc.dev/schedule and pipecc.dev/time-zone annotations
    nlohmann::json workflow{};
};

/// Reads and parses a Workflow file. Throws pipecc::Error naming the file if it cannot be read,
/// or is not `apiVersion: argoproj.io/v1alpha1`, `kind: Workflow`: KFP 1.8 uploads nothing else
/// (kubeflow/pipelines 1.8.22 backend/src/common/util/template_util.go ValidateWorkflow).
///
/// @code
/// const auto w = read_workflow_file("out/daily.argo.yaml");
/// std::cout << w.name << ' ' << w.workflow["spec"]["entrypoint"];
/// @endcode
WorkflowFile read_workflow_file(const std::string& path);

/// The same from text (`path` only names it in errors).
///
/// @code
/// parse_workflow_file("w.yaml", "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: d}\n").name == "d"
/// @endcode
WorkflowFile parse_workflow_file(const std::string& path, std::string text);

/// `--param k=v` as KFP 1.8's `pipeline_spec.parameters`: `[{name, value}]`, strings, sorted by
/// name. Each name must be one of the Workflow's `spec.arguments.parameters` (the API server
/// refuses others: util.Workflow VerifyParameters). Throws pipecc::Error for an unknown name.
///
/// @code
/// workflow_parameters(w.workflow, {{"project", "p2"}})  // [{"name": "project", "value": "p2"}]
/// @endcode
nlohmann::json workflow_parameters(const nlohmann::json& workflow, const std::map<std::string, std::string>& values);

/// Whether the template KFP 1.8 stored for a version is this file's Workflow. The server keeps
/// the Workflow re-marshalled as JSON (util.Workflow ToStringForStore), which adds nulls and empty
/// objects (`creationTimestamp: null`, `status: {}`), so both sides are compared without them.
///
/// @code
/// same_workflow(kfp.version_template(vid), w)
/// @endcode
bool same_workflow(const std::string& stored_template, const WorkflowFile& file);

}  // namespace pipecc::deploy
