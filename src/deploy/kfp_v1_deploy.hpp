#pragma once
/// `pipecc deploy kfp --engine kfp@1.8`: the idempotent deploy of an Argo Workflow to Kubeflow
/// Pipelines 1.8 through its v1beta1 API, with the semantics of the v2beta1 deploy (kfp_deploy.hpp).

#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "deploy/kfp_deploy.hpp"
#include "deploy/kfp_v1_client.hpp"
#include "deploy/workflow_file.hpp"

namespace pipecc::deploy {

/// Deploys `file`: finds the pipeline by name or uploads it, uploads the version (a no-op when a
/// version of that name stores the same Workflow, an error when it differs), ensures the
/// experiment, then optionally starts a run (and waits for it) and makes the job (KFP 1.8's
/// recurring run) before it disables or deletes those of earlier deploys. The schedule is the
/// Workflow's `pipecc.dev/schedule` and `pipecc.dev/time-zone` annotations unless `--cron` /
/// `--time-zone`. Writes what it did to `out`, the `--wait` line to `status`. Throws
/// pipecc::Error, before any request for what can be checked locally.
///
/// @code
/// deploy_kfp_v1(read_workflow_file("out/daily.argo.yaml"), {.name = "daily", .version = sha, .recurring = true},
///               kfp, std::cout, std::cerr);
/// @endcode
void deploy_kfp_v1(const WorkflowFile& file, const KfpDeployOptions& options, KfpV1Client& kfp, std::ostream& out,
                   std::ostream& status);

/// Whether a v1beta1 Job was made by `pipecc deploy` for this pipeline: its
/// `pipeline_spec.pipeline_id` is the pipeline and its description starts with kDeployedBy.
///
/// @code
/// is_our_job(job_body(options, eid, "p1", vid, cron, {}), "p1") == true
/// @endcode
bool is_our_job(const nlohmann::json& job, const std::string& pipeline_id);

/// The id of the version a Job or Run runs: its PIPELINE_VERSION reference of relationship
/// CREATOR (what the API server reads: server/util.go getPipelineVersionIdFromResourceReferences).
///
/// @code
/// referenced_version(job) == "version-3"
/// @endcode
std::string referenced_version(const nlohmann::json& job_or_run);

/// The hand-over between jobs, as plan_recurring does it for recurring runs: keep an enabled job
/// of ours pinned to this version with this cron; retire our other enabled ones (every other one
/// of ours with Retire::Delete). A job's `enabled` is left out of replies when false.
///
/// @code
/// auto plan = plan_jobs(kfp.list_jobs(), pid, vid, "0 0 21 * * *", Retire::Disable);
/// @endcode
RecurringPlan plan_jobs(const std::vector<nlohmann::json>& jobs, const std::string& pipeline_id,
                        const std::string& version_id, const std::string& cron, Retire retire);

/// The v1beta1 Job body: `trigger.cron_schedule.cron`, `max_concurrency` (an int64, so a string),
/// `enabled`, `no_catchup`, and resource references to the experiment (OWNER) and the version
/// (CREATOR); `parameters` is workflow_parameters' list.
///
/// @code
/// kfp.create_job(job_body(options, eid, pid, vid, "0 0 21 * * *", workflow_parameters(w.workflow, {})));
/// @endcode
nlohmann::json job_body(const KfpDeployOptions& options, const std::string& experiment_id,
                        const std::string& pipeline_id, const std::string& version_id, const std::string& cron,
                        const nlohmann::json& parameters);

/// The v1beta1 Run body, pinned to the version the same way.
///
/// @code
/// kfp.create_run(v1_run_body(options, eid, pid, vid, params));
/// @endcode
nlohmann::json v1_run_body(const KfpDeployOptions& options, const std::string& experiment_id,
                           const std::string& pipeline_id, const std::string& version_id,
                           const nlohmann::json& parameters);

}  // namespace pipecc::deploy
