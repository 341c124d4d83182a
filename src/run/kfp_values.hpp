#pragma once
/// The values a KFP task sees, and how KFP 2.17's driver and launcher turn them into text:
/// run values in `runtimeValue` constants (backend/src/v2/driver/resolve.go), placeholders in a
/// container's command and args (driver/util.go, then component/launcher_v2.go `getPlaceholders`
/// and `compileCmdAndArgs`), output parameter files (`collectOutputParameters`) and artifact
/// paths (`LocalPathForURI`).

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pipecc::run {

/// One artifact: its name, type (schemaTitle), URI and metadata.
struct Artifact {
    std::string name;
    std::string type;
    std::string uri;
    nlohmann::json metadata = nlohmann::json::object();
};

/// An artifact as the record and the cache keep it: {name, type, uri, metadata}.
///
/// @code
/// artifact_from_json(artifact_to_json(a)).uri == a.uri
/// @endcode
nlohmann::json artifact_to_json(const Artifact& a);
Artifact artifact_from_json(const nlohmann::json& j);

/// A task's or DAG's parameters (an object) and artifacts (lists, one entry unless collected).
struct Values {
    nlohmann::json params = nlohmann::json::object();
    std::map<std::string, std::vector<Artifact>> artifacts{};
};

/// The run values KFP's driver fills in.
struct RunInfo {
    std::string pipeline_name;
    std::string run_name;       ///< {{$.pipeline_job_name}} (the display name)
    std::string resource_name;  ///< {{$.pipeline_job_resource_name}}
    std::string run_id;         ///< {{$.pipeline_job_uuid}}
    std::string created_at;     ///< {{$.pipeline_job_create_time_utc}}
    std::string scheduled_at;   ///< {{$.pipeline_job_schedule_time_utc}}
    std::string pipeline_root;  ///< the run's root URI: <default root>/<pipeline name>/<run id>
    std::string workspace;      ///< where tasks see the workspace: {{$.workspace_path}}
};

/// A `runtimeValue.constant` as the 2.17 driver resolves it: `{{$.workspace_path}}` is replaced
/// anywhere; a run-value placeholder only when it is the whole string; anything else stays as
/// written. `task_id` is the task's execution number ({{$.pipeline_task_uuid}}).
///
/// @code
/// runtime_constant("{{$.pipeline_job_uuid}}", info, "train", 7) == info.run_id
/// @endcode
nlohmann::json runtime_constant(const nlohmann::json& constant, const RunInfo& info, const std::string& task_name,
                                int task_id);

/// Whether `value` is what a dry run gives for a task output it cannot know ("<task:output>").
///
/// @code
/// is_dry_run_value("<flip-coin:side>")
/// @endcode
bool is_dry_run_value(const nlohmann::json& value);

/// A parameter as the launcher writes it into a placeholder: strings as they are, numbers in
/// Go's shortest 'f' form, booleans as true/false, lists and structs as JSON.
///
/// @code
/// parameter_text(nlohmann::json(3.0)) == "3"
/// @endcode
std::string parameter_text(const nlohmann::json& value);

/// An output parameter file's text as the launcher reads it for `type` (a ParameterType name).
/// Throws pipecc::Error when the text does not spell a value of that type.
///
/// @code
/// output_parameter("42", "NUMBER_INTEGER") == 42
/// @endcode
nlohmann::json output_parameter(const std::string& text, const std::string& type);

/// Where a container sees an artifact's URI: gs:// under /gcs/, minio:// under /minio/, s3://
/// under /s3/. Throws pipecc::Error for another scheme.
///
/// @code
/// local_path_for_uri("minio://mlpipeline/v2/artifacts/p/1/t/0/model") == "/minio/mlpipeline/v2/artifacts/p/1/t/0/model"
/// @endcode
std::string local_path_for_uri(const std::string& uri);

/// The placeholders of one container execution, each with its text.
struct Placeholders {
    std::map<std::string, std::string> text{};
    std::string executor_input{};  ///< the JSON for {{$}}
};

/// Substitutes a container's command or args as the 2.17 driver, then the launcher, does:
/// `{"IfPresent": …}` clauses expand (or vanish) by whether the input has a value; input
/// parameters are substituted in the args without `$.outputs`; then `{{$}}` and every other
/// placeholder. Throws pipecc::Error naming a placeholder that is left, which the engine would
/// hand to the container as literal text.
///
/// @code
/// substitute({"echo", "{{$.inputs.parameters['x']}}"}, placeholders, inputs)  // {"echo", "1"}
/// @endcode
std::vector<std::string> substitute(const std::vector<std::string>& args, const Placeholders& placeholders,
                                    const nlohmann::json& input_params);

}  // namespace pipecc::run
