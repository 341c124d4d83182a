#include "deploy/vertex_deploy.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <random>
#include <set>
#include <ostream>

#include "deploy/cron.hpp"
#include "deploy/request_printer.hpp"
#include "pipecc/error.hpp"

namespace pipecc::deploy {

std::string pipeline_job_id(const std::string& name, std::time_t when, const std::string& suffix) {
    std::string id;
    for (const unsigned char c : name) {
        const char l = static_cast<char>(std::tolower(c));
        id += (std::isalnum(static_cast<unsigned char>(l)) && c < 128) ? l : '-';
    }
    std::tm tm{};
    gmtime_r(&when, &tm);
    char stamp[16];
    std::strftime(stamp, sizeof stamp, "%Y%m%d%H%M%S", &tm);
    // The id must start with a letter.
    if (id.empty() || !std::isalpha(static_cast<unsigned char>(id[0]))) id.insert(0, 1, 'p');
    id.resize(std::min<std::size_t>(id.size(), 128 - 16 - suffix.size()));
    id += '-';
    id += stamp;
    id += '-';
    id += suffix;
    return id;
}

nlohmann::json pipeline_job_body(const PipelineFile& file, const VertexDeployOptions& options,
                                 const nlohmann::json& parameters) {
    nlohmann::json job{
        {"displayName", options.name},
        {"pipelineSpec", file.pipeline_spec},
        {"runtimeConfig", {{"gcsOutputDirectory", options.pipeline_root}, {"parameterValues", parameters}}},
    };
    if (!options.service_account.empty()) job["serviceAccount"] = options.service_account;
    if (!options.labels.empty()) job["labels"] = options.labels;
    return job;
}

void check_vertex_file(const PipelineFile& file) {
    if (file.platform_spec.is_null()) return;
    std::set<std::string> settings;
    const auto executors =
        file.platform_spec.value("/platforms/kubernetes/deploymentSpec/executors"_json_pointer, nlohmann::json::object());
    for (const auto& [_, executor] : executors.items()) {
        if (!executor.is_object()) continue;
        for (const auto& [setting, __] : executor.items()) settings.insert(setting);
    }
    std::string listed;
    for (const auto& s : settings) listed += (listed.empty() ? "" : ", ") + s;
    throw Error(file.path + " has a kfp-kubernetes PlatformSpec" + (listed.empty() ? std::string() : " (" + listed + ")") +
                    ", which Vertex AI does not apply: a PipelineJob has no field for it, so its secrets, node "
                    "selectors, volumes… would be silently dropped; compile the pipeline with --engine vertex, "
                    "which names each such setting");
}

void deploy_vertex(const PipelineFile& file, const VertexDeployOptions& options, VertexClient& vertex,
                   std::ostream& out, std::ostream& status) {
    check_vertex_file(file);
    if (options.max_concurrent_runs < 1) throw Error("--max-concurrency must be at least 1");
    const auto parameters = runtime_parameters(file.pipeline_spec, options.params);
    const auto job = pipeline_job_body(file, options, parameters);
    const std::string cron =
        options.schedule ? vertex_cron(choose_schedule(file.schedule, options.cron, options.time_zone)) : std::string();

    if (options.schedule) {
        const nlohmann::json schedule{
            {"cron", cron},
            {"maxConcurrentRunCount", std::to_string(options.max_concurrent_runs)},
            {"createPipelineJobRequest", {{"parent", vertex.parent()}, {"pipelineJob", job}}},
        };
        if (auto existing = vertex.find_schedule(options.name)) {
            const std::string name = existing->value("name", "");
            vertex.patch_schedule(name, schedule);
            out << "schedule " << options.name << ": updated (" << name << "), cron \"" << cron << "\"\n";
        } else {
            auto create = schedule;
            create["displayName"] = options.name;
            const auto created = vertex.create_schedule(create);
            out << "schedule " << options.name << ": " << created_or_would(vertex.dry_run()) << " ("
                << created.value("name", "") << "), cron \"" << cron << "\"\n";
        }
    }

    if (options.run) {
        char suffix[8];
        std::snprintf(suffix, sizeof suffix, "%04x", static_cast<unsigned>(std::random_device()() & 0xffff));
        const auto created = vertex.create_pipeline_job(pipeline_job_id(options.name, std::time(nullptr), suffix), job);
        const std::string name = created.value("name", "");
        if (name.empty()) throw Error("the server's reply has no name: " + created.dump());
        out << "pipeline job: " << created_or_would(vertex.dry_run()) << " (" << name << ")\n" << std::flush;
        if (options.wait && !vertex.dry_run()) {
            const auto s = wait_for_run(name, [&] { return vertex.pipeline_job_status(name); }, options.wait_options, status);
            if (!s.succeeded) throw Error("pipeline job " + name + " ended " + s.state + (s.error.empty() ? "" : ": " + s.error));
        }
    }
}

}  // namespace pipecc::deploy
