#pragma once
/// The calls `pipecc deploy vertex` makes to the Vertex AI REST API (v1):
/// projects.locations.pipelineJobs and projects.locations.schedules. JSON field names are the
/// API's camelCase ones.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "deploy/http_client.hpp"
#include "deploy/run_wait.hpp"

namespace pipecc::deploy {

/// Where the API is and who we are to it.
///
/// @code
/// VertexConnection c{.project = "p", .region = "asia-northeast1", .token = google_access_token()};
/// @endcode
struct VertexConnection {
    std::string project;
    std::string region;
    std::string endpoint{};  ///< base URL; empty for https://<region>-aiplatform.googleapis.com
    std::string token{};     ///< OAuth access token
};

/// One method per API call. In dry-run mode lookups find nothing and creations return
/// placeholder names.
///
/// @code
/// VertexClient vertex({.project = "p", .region = "asia-northeast1", .token = t}, http);
/// auto job = vertex.create_pipeline_job("daily-20240101000000", body);
/// @endcode
class VertexClient {
public:
    VertexClient(VertexConnection connection, HttpClient& http);

    /// "projects/<p>/locations/<r>", the parent of every resource here.
    std::string parent() const;
    /// Creates the job; an ALREADY_EXISTS reply means an earlier attempt of this very call (a
    /// retried 5xx) created it, since ids are unique per deploy, so the job is read instead.
    nlohmann::json create_pipeline_job(const std::string& job_id, const nlohmann::json& job);
    /// `name` is the job's full resource name.
    RunStatus pipeline_job_status(const std::string& name);
    /// The schedule whose displayName is `display_name` and that is not COMPLETED; throws
    /// pipecc::Error if there are several.
    std::optional<nlohmann::json> find_schedule(const std::string& display_name);
    nlohmann::json create_schedule(const nlohmann::json& schedule);
    /// PATCH with an updateMask of the top-level fields of `schedule`.
    nlohmann::json patch_schedule(const std::string& name, const nlohmann::json& schedule);
    /// Whether requests are only printed (--dry-run).
    bool dry_run() const { return http_.dry_run(); }

private:
    HttpRequest request(std::string method, const std::string& path,
                        const std::vector<std::pair<std::string, std::string>>& query = {}) const;
    nlohmann::json call(HttpRequest r, const std::string& what);

    VertexConnection connection_;
    HttpClient& http_;
};

/// A PipelineJob's state as a RunStatus: finished on PIPELINE_STATE_SUCCEEDED, _FAILED or
/// _CANCELLED; tasks counted from `jobDetail.taskDetails`.
///
/// @code
/// vertex_run_status({{"state", "PIPELINE_STATE_SUCCEEDED"}}).succeeded == true
/// @endcode
RunStatus vertex_run_status(const nlohmann::json& pipeline_job);

}  // namespace pipecc::deploy
