#include "deploy/kfp_v1_deploy.hpp"

#include <ostream>

#include "pipecc/backends/argo.hpp"
#include "deploy/request_printer.hpp"
#include "pipecc/error.hpp"

namespace pipecc::deploy {
namespace {

nlohmann::json pipeline_spec(const std::string& pipeline_id, const nlohmann::json& parameters) {
    nlohmann::json spec{{"pipeline_id", pipeline_id}};
    if (!parameters.empty()) spec["parameters"] = parameters;
    return spec;
}

nlohmann::json references(const std::string& experiment_id, const std::string& version_id) {
    return {resource_reference("EXPERIMENT", experiment_id, "OWNER"),
            resource_reference("PIPELINE_VERSION", version_id, "CREATOR")};
}

std::string ensure_pipeline(const WorkflowFile& file, const KfpDeployOptions& options, KfpV1Client& kfp,
                            std::ostream& out) {
    if (auto p = kfp.find_pipeline(options.name)) {
        const auto id = reply_id(*p, "id");
        out << "pipeline " << options.name << ": exists (" << id << ")\n";
        return id;
    }
    const auto id = reply_id(kfp.upload_pipeline(options.name, file), "id");
    out << "pipeline " << options.name << ": " << created_or_would(kfp.dry_run()) << " (" << id << ")\n";
    return id;
}

std::string ensure_version(const WorkflowFile& file, const KfpDeployOptions& options, const std::string& pipeline_id,
                           KfpV1Client& kfp, std::ostream& out) {
    const std::string label = "version " + options.version + " of " + options.name;
    auto existing = kfp.find_version(pipeline_id, options.version);
    if (!existing) {
        const auto reply = kfp.upload_version(pipeline_id, options.version, file);
        if (reply.dry_run) {
            out << label << ": would upload (<version_id>)\n";
            return "<version_id>";
        }
        if (reply.ok()) {
            const auto id = reply_id(reply.json(), "id");
            out << label << ": uploaded (" << id << ")\n";
            return id;
        }
        // The name may have been taken since the lookup (KFP 1.8 says so with a 500, not a 409):
        // if a version of that name exists now, compare with it.
        existing = kfp.find_version(pipeline_id, options.version);
        if (!existing) require_ok(reply, "uploading " + label);
    }
    const auto id = reply_id(*existing, "id");
    if (!same_workflow(kfp.version_template(id), file)) {
        throw Error(label + " already exists with different content; version names are unique, so give this "
                            "content a new --version");
    }
    out << label << ": already uploaded with the same content (" << id << ")\n";
    return id;
}

std::string ensure_experiment(const KfpDeployOptions& options, KfpV1Client& kfp, std::ostream& out) {
    if (auto e = kfp.find_experiment(options.experiment)) {
        const auto id = reply_id(*e, "id");
        out << "experiment " << options.experiment << ": exists (" << id << ")\n";
        return id;
    }
    const auto id = reply_id(kfp.create_experiment(options.experiment), "id");
    out << "experiment " << options.experiment << ": " << created_or_would(kfp.dry_run()) << " (" << id << ")\n";
    return id;
}

}  // namespace

std::string referenced_version(const nlohmann::json& job_or_run) {
    for (const auto& ref : job_or_run.value("resource_references", nlohmann::json::array())) {
        if (ref.value("/key/type"_json_pointer, std::string()) == "PIPELINE_VERSION" &&
            ref.value("relationship", "") == "CREATOR") {
            return ref.value("/key/id"_json_pointer, std::string());
        }
    }
    return {};
}

bool is_our_job(const nlohmann::json& job, const std::string& pipeline_id) {
    return job.value("/pipeline_spec/pipeline_id"_json_pointer, std::string()) == pipeline_id &&
           job.value("description", "").rfind(kDeployedBy, 0) == 0;
}

RecurringPlan plan_jobs(const std::vector<nlohmann::json>& jobs, const std::string& pipeline_id,
                        const std::string& version_id, const std::string& cron, Retire retire) {
    RecurringPlan plan;
    for (const auto& job : jobs) {
        if (!is_our_job(job, pipeline_id)) continue;
        const std::string id = job.value("id", "");
        const bool enabled = job.value("enabled", false);
        if (!plan.keep && enabled && referenced_version(job) == version_id &&
            job.value("/trigger/cron_schedule/cron"_json_pointer, std::string()) == cron) {
            plan.keep = id;
        } else if (enabled || retire == Retire::Delete) {
            plan.retire.push_back(id);
        }
    }
    return plan;
}

nlohmann::json job_body(const KfpDeployOptions& options, const std::string& experiment_id,
                        const std::string& pipeline_id, const std::string& version_id, const std::string& cron,
                        const nlohmann::json& parameters) {
    nlohmann::json job{
        {"name", options.name},
        {"description", std::string(kDeployedBy) + "pipeline " + options.name + ", version " + options.version},
        {"pipeline_spec", pipeline_spec(pipeline_id, parameters)},
        {"resource_references", references(experiment_id, version_id)},
        {"max_concurrency", std::to_string(options.max_concurrency)},
        {"trigger", {{"cron_schedule", {{"cron", cron}}}}},
        // The server reads `enabled`, not `mode` (resource_manager.go CreateJob: Spec.Enabled).
        {"enabled", true},
        {"no_catchup", options.no_catchup},
    };
    if (!options.service_account.empty()) job["service_account"] = options.service_account;
    return job;
}

nlohmann::json v1_run_body(const KfpDeployOptions& options, const std::string& experiment_id,
                           const std::string& pipeline_id, const std::string& version_id,
                           const nlohmann::json& parameters) {
    nlohmann::json run{
        {"name", options.name + " " + options.version},
        {"pipeline_spec", pipeline_spec(pipeline_id, parameters)},
        {"resource_references", references(experiment_id, version_id)},
    };
    if (!options.service_account.empty()) run["service_account"] = options.service_account;
    return run;
}

void deploy_kfp_v1(const WorkflowFile& file, const KfpDeployOptions& options, KfpV1Client& kfp, std::ostream& out,
                   std::ostream& status) {
    // Everything that can be refused locally is, before the first request.
    if (!options.pipeline_root.empty()) {
        throw Error("--pipeline-root is a KFP v2 setting; a KFP 1.8 Workflow keeps its artifacts where its "
                    "templates say");
    }
    const auto parameters = workflow_parameters(file.workflow, options.params);
    if (options.recurring && !file.schedule && !options.cron) {
        throw Error(file.path + " has no schedule (no " + std::string(argo::kScheduleAnnotation) +
                    " annotation): give the pipeline a schedule() or --cron for --recurring");
    }
    const std::string cron = recurring_cron(file.schedule, options, status);

    const auto pipeline_id = ensure_pipeline(file, options, kfp, out);
    const auto version_id = ensure_version(file, options, pipeline_id, kfp, out);
    const auto experiment_id = ensure_experiment(options, kfp, out);

    if (options.recurring) {
        const auto plan = plan_jobs(kfp.list_jobs(), pipeline_id, version_id, cron, options.retire);
        // The new job exists before the old ones stop, so the pipeline is never without a schedule.
        if (plan.keep) {
            out << "job: already pinned to " << options.version << " (" << *plan.keep << "), cron \"" << cron << "\"\n";
        } else {
            const auto created =
                kfp.create_job(job_body(options, experiment_id, pipeline_id, version_id, cron, parameters));
            out << "job: " << created_or_would(kfp.dry_run()) << " (" << reply_id(created, "id") << "), cron \"" << cron
                << "\"\n";
        }
        for (const auto& id : plan.retire) {
            if (options.retire == Retire::Delete) {
                kfp.delete_job(id);
                out << "job " << id << " of an earlier deploy: deleted\n";
            } else {
                kfp.disable_job(id);
                out << "job " << id << " of an earlier deploy: disabled\n";
            }
        }
    }

    if (options.run) {
        const auto detail = kfp.create_run(v1_run_body(options, experiment_id, pipeline_id, version_id, parameters));
        const auto run_id = reply_id(detail.value("run", nlohmann::json::object()), "id");
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
