#pragma once
/// The calls `pipecc deploy kfp --engine kfp@1.8` makes to the Kubeflow Pipelines 1.8 v1beta1
/// REST API (kubeflow/pipelines 1.8.22 backend/api/{pipeline,experiment,run,job,
/// resource_reference,filter}.proto; the multipart upload in
/// backend/src/apiserver/server/pipeline_upload_server.go). grpc-gateway v1.16 marshals with
/// `OrigName: true`, so JSON field names are the protos' snake_case ones, enums their names, int64
/// numbers strings, and false/empty fields are left out of replies.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "deploy/kfp_client.hpp"
#include "deploy/workflow_file.hpp"

namespace pipecc::deploy {

/// One object per call of the v1beta1 API. As KfpClient, in dry-run mode the lookups find nothing
/// and creations return placeholder ids (`<pipeline_id>`), so every request of a first deploy is printed.
///
/// @code
/// KfpV1Client kfp({.host = "http://127.0.0.1:8888"}, http);
/// if (auto p = kfp.find_pipeline("daily")) std::cout << (*p)["id"];
/// @endcode
class KfpV1Client {
public:
    KfpV1Client(KfpConnection connection, HttpClient& http);

    /// ListPipelines filtered on the exact name (in the namespace, if one is set).
    std::optional<nlohmann::json> find_pipeline(const std::string& name);
    /// POST /pipelines/upload?name=: the pipeline with a first version of the pipeline's name
    /// (v1beta1 can create a pipeline only from a file or a URL).
    nlohmann::json upload_pipeline(const std::string& name, const WorkflowFile& file);
    /// ListPipelineVersions of the pipeline (`resource_key` PIPELINE) filtered on the name.
    std::optional<nlohmann::json> find_version(const std::string& pipeline_id, const std::string& name);
    /// The Workflow the server stored for a version (GetPipelineVersionTemplate).
    std::string version_template(const std::string& version_id);
    /// POST /pipelines/upload_version (multipart). Returns the reply as it is: the caller tells a
    /// taken name (KFP 1.8 answers 500 for it, not 409) from other failures.
    HttpResponse upload_version(const std::string& pipeline_id, const std::string& name, const WorkflowFile& file);
    std::optional<nlohmann::json> find_experiment(const std::string& name);
    nlohmann::json create_experiment(const std::string& name);
    /// CreateRun; the reply is a RunDetail (`{run: {id, …}, pipeline_runtime}`).
    nlohmann::json create_run(const nlohmann::json& run);
    RunStatus run_status(const std::string& run_id);
    /// Every job the caller can see (all pages), in the namespace if one is set.
    std::vector<nlohmann::json> list_jobs();
    nlohmann::json create_job(const nlohmann::json& job);
    void disable_job(const std::string& id);
    void delete_job(const std::string& id);
    bool dry_run() const { return http_.dry_run(); }

private:
    std::vector<std::pair<std::string, std::string>> namespace_key() const;
    nlohmann::json placeholder(nlohmann::json reply, const char* id) const;

    KfpApi api_;
    HttpClient& http_;
    std::string ns_;
};

/// The v1beta1 filter (a JSON-encoded `api.Filter`) for `key` EQUALS `value`: v1beta1's
/// Predicate calls the operation `op` (v2beta1: `operation`).
///
/// @code
/// v1_equals_filter("name", "v1") == R"({"predicates":[{"key":"name","op":"EQUALS","string_value":"v1"}]})"
/// @endcode
std::string v1_equals_filter(const std::string& key, const std::string& value);

/// A v1beta1 RunDetail as a RunStatus. `run.status` is the Argo phase (Succeeded, Failed,
/// Error, Skipped, Running, Pending; empty before the controller picks it up); tasks are the
/// Pod nodes of the Workflow in `pipeline_runtime.workflow_manifest`.
///
/// @code
/// kfp_v1_run_status({{"run", {{"status", "Failed"}, {"error", "oom"}}}}).error == "oom"
/// @endcode
RunStatus kfp_v1_run_status(const nlohmann::json& run_detail);

/// A v1beta1 ResourceReference: `{key: {type, id}, relationship}`.
///
/// @code
/// resource_reference("EXPERIMENT", eid, "OWNER")
/// @endcode
nlohmann::json resource_reference(const std::string& type, const std::string& id, const std::string& relationship);

}  // namespace pipecc::deploy
