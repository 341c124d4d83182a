#include "deploy/kfp_deploy.hpp"

#include <ostream>

#include "deploy/request_printer.hpp"
#include "pipecc/error.hpp"

namespace pipecc::deploy {
namespace {

nlohmann::json runtime_config(const KfpDeployOptions& options, const nlohmann::json& parameters) {
    nlohmann::json config{{"parameters", parameters}};
    if (!options.pipeline_root.empty()) config["pipeline_root"] = options.pipeline_root;
    return config;
}

std::string ensure_pipeline(const KfpDeployOptions& options, KfpClient& kfp, std::ostream& out) {
    if (auto p = kfp.find_pipeline(options.name)) {
        const auto id = reply_id(*p, "pipeline_id");
        out << "pipeline " << options.name << ": exists (" << id << ")\n";
        return id;
    }
    const auto id = reply_id(kfp.create_pipeline(options.name), "pipeline_id");
    out << "pipeline " << options.name << ": " << created_or_would(kfp.dry_run()) << " (" << id << ")\n";
    return id;
}

std::string ensure_version(const PipelineFile& file, const KfpDeployOptions& options, const std::string& pipeline_id,
                           KfpClient& kfp, std::ostream& out) {
    const std::string label = "version " + options.version + " of " + options.name;
    auto existing = kfp.find_version(pipeline_id, options.version);
    if (!existing) {
        const auto reply = kfp.upload_version(pipeline_id, options.version, file);
        if (reply.dry_run) {
            out << label << ": would upload (<pipeline_version_id>)\n";
            return "<pipeline_version_id>";
        }
        if (reply.ok()) {
            const auto id = reply_id(reply.json(), "pipeline_version_id");
            out << label << ": uploaded (" << id << ")\n";
            return id;
        }
        // Someone (or an earlier, interrupted deploy) took the name since the lookup: compare with it.
        if (reply.status != 409) require_ok(reply, "uploading " + label);
        existing = kfp.find_version(pipeline_id, options.version);
        if (!existing) require_ok(reply, "uploading " + label);
    }
    switch (decide_version(existing, file)) {
        case VersionAction::Reuse: {
            const auto id = reply_id(*existing, "pipeline_version_id");
            out << label << ": already uploaded with the same content (" << id << ")\n";
            return id;
        }
        case VersionAction::Conflict:
            throw Error(label + " already exists with different content; version names are unique, so give this "
                                "content a new --version");
        case VersionAction::Upload: break;
    }
    throw InternalError("ensure_version: a version that exists cannot need an upload");
}

std::string ensure_experiment(const KfpDeployOptions& options, KfpClient& kfp, std::ostream& out) {
    if (auto e = kfp.find_experiment(options.experiment)) {
        const auto id = reply_id(*e, "experiment_id");
        out << "experiment " << options.experiment << ": exists (" << id << ")\n";
        return id;
    }
    const auto id = reply_id(kfp.create_experiment(options.experiment), "experiment_id");
    out << "experiment " << options.experiment << ": " << created_or_would(kfp.dry_run()) << " (" << id << ")\n";
    return id;
}

}  // namespace

std::string reply_id(const nlohmann::json& j, const char* field) {
    const auto it = j.find(field);
    if (it == j.end() || !it->is_string() || it->get<std::string>().empty()) {
        throw Error(std::string("the server's reply has no ") + field + ": " + j.dump());
    }
    return it->get<std::string>();
}

std::string recurring_cron(const std::optional<CronSchedule>& from_pipeline, const KfpDeployOptions& options,
                           std::ostream& status) {
    if (options.max_concurrency < 1 || options.max_concurrency > 10) {
        throw Error("--max-concurrency must be between 1 and 10 (KFP's limit)");
    }
    if (!options.recurring) return {};
    const auto k = kfp_cron(choose_schedule(from_pipeline, options.cron, options.time_zone),
                            {.controller_zone = options.controller_zone, .fixed_offset = options.fixed_offset});
    for (const auto& w : k.warnings) status << w << '\n';
    return k.cron;
}

VersionAction decide_version(const std::optional<nlohmann::json>& existing, const PipelineFile& file) {
    if (!existing) return VersionAction::Upload;
    return same_content(existing->value("pipeline_spec", nlohmann::json()), file) ? VersionAction::Reuse
                                                                                  : VersionAction::Conflict;
}

bool is_ours(const nlohmann::json& recurring_run, const std::string& pipeline_id) {
    return recurring_run.value("/pipeline_version_reference/pipeline_id"_json_pointer, std::string()) == pipeline_id &&
           recurring_run.value("description", "").rfind(kDeployedBy, 0) == 0;
}

RecurringPlan plan_recurring(const std::vector<nlohmann::json>& existing, const std::string& pipeline_id,
                             const std::string& version_id, const std::string& cron, Retire retire) {
    RecurringPlan plan;
    for (const auto& rr : existing) {
        if (!is_ours(rr, pipeline_id)) continue;
        const std::string id = rr.value("recurring_run_id", "");
        const bool enabled = rr.value("status", "") == "ENABLED";
        if (!plan.keep && enabled &&
            rr.value("/pipeline_version_reference/pipeline_version_id"_json_pointer, std::string()) == version_id &&
            rr.value("/trigger/cron_schedule/cron"_json_pointer, std::string()) == cron) {
            plan.keep = id;
        } else if (enabled || retire == Retire::Delete) {
            plan.retire.push_back(id);
        }
    }
    return plan;
}

nlohmann::json run_body(const KfpDeployOptions& options, const std::string& experiment_id,
                        const std::string& pipeline_id, const std::string& version_id,
                        const nlohmann::json& parameters) {
    nlohmann::json run{
        {"display_name", options.name + " " + options.version},
        {"experiment_id", experiment_id},
        {"pipeline_version_reference", {{"pipeline_id", pipeline_id}, {"pipeline_version_id", version_id}}},
        {"runtime_config", runtime_config(options, parameters)},
    };
    if (!options.service_account.empty()) run["service_account"] = options.service_account;
    return run;
}

nlohmann::json recurring_run_body(const KfpDeployOptions& options, const std::string& experiment_id,
                                  const std::string& pipeline_id, const std::string& version_id,
                                  const std::string& cron, const nlohmann::json& parameters) {
    nlohmann::json rr{
        {"display_name", options.name},
        {"description", std::string(kDeployedBy) + "pipeline " + options.name + ", version " + options.version},
        {"experiment_id", experiment_id},
        {"pipeline_version_reference", {{"pipeline_id", pipeline_id}, {"pipeline_version_id", version_id}}},
        {"runtime_config", runtime_config(options, parameters)},
        // int64 fields are strings in the API's JSON.
        {"max_concurrency", std::to_string(options.max_concurrency)},
        {"trigger", {{"cron_schedule", {{"cron", cron}}}}},
        {"mode", "ENABLE"},
        {"no_catchup", options.no_catchup},
    };
    if (!options.service_account.empty()) rr["service_account"] = options.service_account;
    return rr;
}

void deploy_kfp(const PipelineFile& file, const KfpDeployOptions& options, KfpClient& kfp, std::ostream& out,
                std::ostream& status) {
    // Everything that can be refused locally is, before the first request.
    const auto parameters = runtime_parameters(file.pipeline_spec, options.params);
    const std::string cron = recurring_cron(file.schedule, options, status);

    const auto pipeline_id = ensure_pipeline(options, kfp, out);
    const auto version_id = ensure_version(file, options, pipeline_id, kfp, out);
    const auto experiment_id = ensure_experiment(options, kfp, out);

    if (options.recurring) {
        const auto plan = plan_recurring(kfp.list_recurring_runs(), pipeline_id, version_id, cron, options.retire);
        // The new recurring run exists before the old ones stop, so the pipeline is never without one.
        if (plan.keep) {
            out << "recurring run: already pinned to " << options.version << " (" << *plan.keep << "), cron \"" << cron
                << "\"\n";
        } else {
            const auto created = kfp.create_recurring_run(
                recurring_run_body(options, experiment_id, pipeline_id, version_id, cron, parameters));
            out << "recurring run: " << created_or_would(kfp.dry_run()) << " ("
                << reply_id(created, "recurring_run_id") << "), cron \"" << cron << "\"\n";
        }
        for (const auto& id : plan.retire) {
            if (options.retire == Retire::Delete) {
                kfp.delete_recurring_run(id);
                out << "recurring run " << id << " of an earlier deploy: deleted\n";
            } else {
                kfp.disable_recurring_run(id);
                out << "recurring run " << id << " of an earlier deploy: disabled\n";
            }
        }
    }

    if (options.run) {
        const auto run = kfp.create_run(run_body(options, experiment_id, pipeline_id, version_id, parameters));
        const auto run_id = reply_id(run, "run_id");
        out << "run: " << created_or_would(kfp.dry_run()) << " (" << run_id << ")\n" << std::flush;
        if (options.wait && !kfp.dry_run()) {
            const auto s = wait_for_run(run_id, [&] { return kfp.run_status(run_id); }, options.wait_options, status);
            if (!s.succeeded) {
                throw Error("run " + run_id + " ended " + s.state + (s.error.empty() ? "" : ": " + s.error));
            }
        }
    }
}

}  // namespace pipecc::deploy
