#pragma once
/// The calls `pipecc deploy kfp` makes to the Kubeflow Pipelines v2beta1 REST API
/// (kubeflow/pipelines backend/api/v2beta1/swagger/*.json). JSON field names are the API's
/// snake_case ones.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "deploy/http_client.hpp"
#include "deploy/pipeline_file.hpp"
#include "deploy/run_wait.hpp"

namespace pipecc::deploy {

/// Where the API server is and who we are to it.
///
/// @code
/// KfpConnection c{.host = "https://kfp.example.com", .token = kfp_token(""), .ns = "team-a"};
/// @endcode
struct KfpConnection {
    std::string host;                            ///< e.g. https://kfp.example.com (no trailing /apis)
    std::string token{};                         ///< bearer token; empty for none
    std::string user_id{};                       ///< the auth proxy's user header value; empty for none
    std::string user_id_header = "kubeflow-userid";
    std::string ns{};                            ///< the namespace (multi-user mode); empty for the default
};

/// The requests of one KFP REST API version (`/apis/v2beta1`, `/apis/v1beta1`): the base URL, the
/// bearer token and user header on each, and placeholders in dry-run mode. Both clients share it.
///
/// @code
/// KfpApi api(connection, http, "/apis/v1beta1");
/// auto job = api.call(api.request("GET", "/jobs/" + percent_encode(id)), "reading job " + id);
/// @endcode
class KfpApi {
public:
    KfpApi(KfpConnection connection, HttpClient& http, std::string prefix);

    /// A request for `prefix + path` with the auth headers; empty query values are left out.
    HttpRequest request(std::string method, const std::string& path,
                        const std::vector<std::pair<std::string, std::string>>& query = {}) const;
    /// Sends `r` and returns the reply's JSON, throwing pipecc::Error "<what>: HTTP …" for an
    /// error. A dry run returns `{placeholder_field: "<placeholder_field>"}`, or `{}` without one.
    nlohmann::json call(const HttpRequest& r, const std::string& what, const char* placeholder_field = nullptr);
    HttpClient& http() { return http_; }
    const KfpConnection& connection() const { return connection_; }

private:
    KfpConnection connection_;
    HttpClient& http_;
    std::string prefix_;
};

/// One object per call of the API. In dry-run mode the lookups find nothing and the creations
/// return placeholder ids such as `<pipeline_id>`, so that every request of a first deploy is
/// printed.
///
/// @code
/// KfpClient kfp({.host = "http://127.0.0.1:8888"}, http);
/// if (auto p = kfp.find_pipeline("daily")) std::cout << (*p)["pipeline_id"];
/// @endcode
class KfpClient {
public:
    KfpClient(KfpConnection connection, HttpClient& http);

    std::optional<nlohmann::json> find_pipeline(const std::string& name);
    /// Creates an empty pipeline (no version), so that the first version gets `--version`'s name
    /// rather than the pipeline's, which `/pipelines/upload` would give it.
    nlohmann::json create_pipeline(const std::string& name);
    std::optional<nlohmann::json> find_version(const std::string& pipeline_id, const std::string& name);
    /// POST /pipelines/upload_version (multipart). Returns the reply as it is: a 409 means the
    /// name is taken, which the caller resolves.
    HttpResponse upload_version(const std::string& pipeline_id, const std::string& name, const PipelineFile& file);
    std::optional<nlohmann::json> find_experiment(const std::string& display_name);
    nlohmann::json create_experiment(const std::string& display_name);
    nlohmann::json create_run(const nlohmann::json& run);
    RunStatus run_status(const std::string& run_id);
    /// Every recurring run the caller can see (all pages), in the namespace if one is set.
    std::vector<nlohmann::json> list_recurring_runs();
    nlohmann::json create_recurring_run(const nlohmann::json& recurring_run);
    void disable_recurring_run(const std::string& id);
    void delete_recurring_run(const std::string& id);
    /// Whether requests are only printed (--dry-run).
    bool dry_run() const { return http_.dry_run(); }

private:
    HttpRequest request(std::string method, const std::string& path,
                        const std::vector<std::pair<std::string, std::string>>& query = {}) const {
        return api_.request(std::move(method), path, query);
    }
    nlohmann::json call(const HttpRequest& r, const std::string& what, const char* placeholder_field = nullptr) {
        return api_.call(r, what, placeholder_field);
    }

    KfpApi api_;
    HttpClient& http_;
    std::string ns_;
};

/// The v2beta1 filter (a JSON-encoded `v2beta1Filter`) for `key` EQUALS `value`.
///
/// @code
/// equals_filter("name", "v1") == R"({"predicates":[{"key":"name","operation":"EQUALS","string_value":"v1"}]})"
/// @endcode
std::string equals_filter(const std::string& key, const std::string& value);

/// A v2beta1Run's state as a RunStatus: finished on SUCCEEDED, SKIPPED, FAILED or CANCELED;
/// tasks counted from `run_details.task_details`.
///
/// @code
/// kfp_run_status({{"state", "FAILED"}, {"error", {{"message", "oom"}}}}).error == "oom"
/// @endcode
RunStatus kfp_run_status(const nlohmann::json& run);

}  // namespace pipecc::deploy
