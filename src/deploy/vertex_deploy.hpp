#pragma once
/// `pipecc deploy vertex`: a run of a compiled pipeline on Vertex AI Pipelines, and its schedule.

#include <ctime>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "deploy/pipeline_file.hpp"
#include "deploy/run_wait.hpp"
#include "deploy/vertex_client.hpp"

namespace pipecc::deploy {

/// The deploy's settings (the command line of `pipecc deploy vertex`).
///
/// @code
/// VertexDeployOptions o{.name = "daily", .pipeline_root = "gs://b/root", .schedule = true, .run = false};
/// @endcode
struct VertexDeployOptions {
    std::string name;                          ///< display name, and the prefix of job ids
    std::string pipeline_root;                 ///< runtimeConfig.gcsOutputDirectory
    std::string service_account{};
    std::map<std::string, std::string> labels{};
    std::map<std::string, std::string> params{};
    bool run = true;                           ///< create a PipelineJob now
    bool schedule = false;                     ///< create or update the schedule
    bool wait = false;
    std::optional<std::string> cron{};         ///< overrides the pipeline's schedule()
    std::optional<std::string> time_zone{};
    int max_concurrent_runs = 1;
    WaitOptions wait_options{};
};

/// Refuses an IR file with a kfp-kubernetes PlatformSpec document: a PipelineJob has no field for
/// it, so Vertex would run the pipeline without its secrets, node selectors, volumes… and say
/// nothing. Throws pipecc::Error naming the file, the settings found and `--engine vertex`.
///
/// @code
/// check_vertex_file(read_pipeline_file("out/daily.kfp.yaml"));  // throws: it has a PlatformSpec
/// @endcode
void check_vertex_file(const PipelineFile& file);

/// Creates the PipelineJob (and waits for it), and creates the schedule or PATCHes the one an
/// earlier deploy made (same display name). Writes what it did to `out`, the `--wait` status
/// line to `status`. Throws pipecc::Error on any failure, including a run that does not succeed,
/// and before any request for a file check_vertex_file refuses.
///
/// @code
/// deploy_vertex(read_pipeline_file("out/daily.kfp.yaml"),
///               {.name = "daily", .pipeline_root = "gs://b/root", .schedule = true}, vertex, std::cout, std::cerr);
/// @endcode
void deploy_vertex(const PipelineFile& file, const VertexDeployOptions& options, VertexClient& vertex,
                   std::ostream& out, std::ostream& status);

/// The PipelineJob body: displayName, pipelineSpec, runtimeConfig, serviceAccount, labels. The
/// PlatformSpec is left out: Vertex does not read Kubernetes settings.
///
/// @code
/// vertex.create_pipeline_job(id, pipeline_job_body(file, options, runtime_parameters(file.pipeline_spec, {})));
/// @endcode
nlohmann::json pipeline_job_body(const PipelineFile& file, const VertexDeployOptions& options,
                                 const nlohmann::json& parameters);

/// A PipelineJob id from the name, a UTC time and a suffix that tells apart deploys within one
/// second: lower case, `[a-z0-9-]`, at most 128 chars.
///
/// @code
/// pipeline_job_id("Daily_Prediction", t, "3f2a") == "daily-prediction-20240101060000-3f2a"
/// @endcode
std::string pipeline_job_id(const std::string& name, std::time_t when, const std::string& suffix);

}  // namespace pipecc::deploy
