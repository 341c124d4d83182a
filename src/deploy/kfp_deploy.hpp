#pragma once
/// `pipecc deploy kfp`: an idempotent deploy of a compiled pipeline to Kubeflow Pipelines.

#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "deploy/cron.hpp"
#include "deploy/kfp_client.hpp"
#include "deploy/pipeline_file.hpp"
#include "deploy/run_wait.hpp"

namespace pipecc::deploy {

/// What to do with the recurring runs of earlier deploys once the new one exists: disabling
/// keeps their history; deleting leaves no trace (`--retire delete`).
enum class Retire { Disable, Delete };

/// The deploy's settings (the command line of `pipecc deploy kfp`).
///
/// @code
/// KfpDeployOptions o{.name = "daily", .version = sha, .experiment = "daily", .recurring = true};
/// @endcode
struct KfpDeployOptions {
    std::string name;                          ///< the pipeline's name in KFP
    std::string version;                       ///< the version's name, e.g. the git SHA
    std::string experiment = "Default";
    std::map<std::string, std::string> params{};
    bool run = false;
    bool recurring = false;
    bool wait = false;
    std::optional<std::string> cron{};         ///< overrides the pipeline's schedule()
    std::optional<std::string> time_zone{};
    std::string controller_zone = "UTC";       ///< the controller's CRON_SCHEDULE_TIMEZONE
    bool fixed_offset = false;                 ///< allow a zone with DST, at its standard offset
    int max_concurrency = 1;
    bool no_catchup = false;
    Retire retire = Retire::Disable;
    std::string pipeline_root{};
    std::string service_account{};
    WaitOptions wait_options{};
};

/// Deploys `file`: finds or creates the pipeline, uploads the version (a no-op when a version of
/// that name has the same content, an error when its content differs), ensures the experiment,
/// then optionally starts a run (and waits for it) and installs the recurring run. Writes what it
/// did to `out` and the `--wait` status line to `status`. Throws pipecc::Error on any failure,
/// including a run that does not succeed.
///
/// @code
/// deploy_kfp(read_pipeline_file("out/daily.kfp.yaml"), {.name = "daily", .version = sha, .recurring = true},
///            kfp, std::cout, std::cerr);
/// @endcode
void deploy_kfp(const PipelineFile& file, const KfpDeployOptions& options, KfpClient& kfp, std::ostream& out,
                std::ostream& status);

/// The start of the description `pipecc deploy` gives the recurring runs (KFP 2) and jobs (KFP 1)
/// it makes: what tells them from those someone made by hand, which a deploy never touches.
///
/// @code
/// body["description"] = std::string(kDeployedBy) + "pipeline daily, version v1";
/// @endcode
inline constexpr std::string_view kDeployedBy = "Deployed by pipecc deploy: ";

/// The checks both KFP API versions make before the first request: `--max-concurrency` in 1..10
/// (the API server's limit), and with `--recurring` the schedule (`--cron`/`--time-zone` over the
/// pipeline's) converted by kfp_cron into the controller's zone, warnings written to `status`.
/// Returns that cron, or "" without `--recurring`. Throws pipecc::Error.
///
/// @code
/// const std::string cron = recurring_cron(file.schedule, options, std::cerr);  // "0 0 21 * * *"
/// @endcode
std::string recurring_cron(const std::optional<CronSchedule>& from_pipeline, const KfpDeployOptions& options,
                           std::ostream& status);

/// `j[field]`, a non-empty string, else pipecc::Error quoting the server's reply.
///
/// @code
/// const std::string id = reply_id(kfp.create_experiment("daily"), "experiment_id");
/// @endcode
std::string reply_id(const nlohmann::json& j, const char* field);

/// What to do about the version name: upload it, reuse the existing version of the same content,
/// or refuse because a version of that name holds different content.
enum class VersionAction { Upload, Reuse, Conflict };

/// Decides for `existing`, the version of that name the server has (if any).
///
/// @code
/// if (decide_version(kfp.find_version(pid, "v1"), file) == VersionAction::Conflict) throw Error("…");
/// @endcode
VersionAction decide_version(const std::optional<nlohmann::json>& existing, const PipelineFile& file);

/// The recurring run to keep (an enabled one of an earlier deploy, pinned to this version with
/// this cron), and those of earlier deploys to disable or delete after the new one exists.
struct RecurringPlan {
    std::optional<std::string> keep{};
    std::vector<std::string> retire{};
};

/// Plans the hand-over between recurring runs. `existing` is every recurring run the server
/// lists; only those `pipecc deploy` made for `pipeline_id` are considered (see is_ours).
///
/// @code
/// auto plan = plan_recurring(kfp.list_recurring_runs(), pid, vid, "0 0 21 * * *", Retire::Disable);
/// if (!plan.keep) kfp.create_recurring_run(body);  // first, so there is never no schedule
/// for (auto& id : plan.retire) kfp.disable_recurring_run(id);
/// @endcode
RecurringPlan plan_recurring(const std::vector<nlohmann::json>& existing, const std::string& pipeline_id,
                             const std::string& version_id, const std::string& cron, Retire retire);

/// Whether a recurring run was made by `pipecc deploy` for this pipeline: it points at the
/// pipeline and carries the description pipecc writes.
///
/// @code
/// is_ours(recurring_run_body(options, eid, "p1", vid, cron, {}), "p1") == true
/// @endcode
bool is_ours(const nlohmann::json& recurring_run, const std::string& pipeline_id);

/// The v2beta1RecurringRun body pinned to a version.
///
/// @code
/// kfp.create_recurring_run(recurring_run_body(options, eid, pid, vid, "0 0 21 * * *", params));
/// @endcode
nlohmann::json recurring_run_body(const KfpDeployOptions& options, const std::string& experiment_id,
                                  const std::string& pipeline_id, const std::string& version_id,
                                  const std::string& cron, const nlohmann::json& parameters);

/// The v2beta1Run body pinned to a version.
///
/// @code
/// kfp.create_run(run_body(options, eid, pid, vid, params));
/// @endcode
nlohmann::json run_body(const KfpDeployOptions& options, const std::string& experiment_id,
                        const std::string& pipeline_id, const std::string& version_id,
                        const nlohmann::json& parameters);

}  // namespace pipecc::deploy
