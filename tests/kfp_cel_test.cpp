// The CEL and the value rules that `pipecc run` applies to KFP IR, each as KFP's driver and
// launcher do it at tag 2.17.0 of kubeflow/pipelines (files under backend/src/v2/): trigger conditions and parameter expression selectors
// (backend/src/v2/expression/expression.go), run values in runtimeValue constants (the `switch
// valStr` of driver/resolve.go), placeholder substitution (driver/util.go, then
// component/launcher_v2.go getPlaceholders and compileCmdAndArgs), output parameter files
// (collectOutputParameters) and artifact paths (LocalPathForURI).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "pipecc/error.hpp"
#include "run/cel.hpp"
#include "run/kfp_values.hpp"

namespace kfp_cel_test {

using namespace pipecc;
using namespace pipecc::run;
using nlohmann::json;
using Catch::Contains;

json inputs(json params) { return {{"inputs", {{"parameter_values", std::move(params)}}}}; }

TEST_CASE("cel: the trigger conditions that kfp and pipecc write evaluate as KFP's driver does", "[run][cel]") {
    const json side = inputs({{"pipelinechannel--flip-coin-side", "tails"}, {"pipelinechannel--n", "7"},
                              {"pipelinechannel--threshold", 5}});
    CHECK(cel_eval("inputs.parameter_values['pipelinechannel--flip-coin-side'] == 'heads'", side) == false);
    CHECK(cel_eval("!(inputs.parameter_values['pipelinechannel--flip-coin-side'] == 'heads') && "
                   "inputs.parameter_values['pipelinechannel--flip-coin-side'] == 'tails'",
                   side) == true);
    CHECK(cel_eval("int(inputs.parameter_values['pipelinechannel--n']) > int(inputs.parameter_values['pipelinechannel--threshold'])",
                   side) == true);
    CHECK(cel_eval("inputs.parameter_values['pipelinechannel--threshold'] == 5.0", side) == true);
    CHECK(cel_eval("inputs.parameter_values['pipelinechannel--flip-coin-side'] != 'tails' || 1 + 2 * 3 == 7", side) ==
          true);
    CHECK(cel_eval("'ta' + 'ils' in ['heads', 'tails']", side) == true);
}

TEST_CASE("cel: the branch not taken is not evaluated, so its missing keys are no error", "[run][cel]") {
    const json v = inputs({{"a", "x"}});
    CHECK(cel_eval("inputs.parameter_values['a'] == 'y' && inputs.parameter_values['missing'] == 'z'", v) == false);
    CHECK(cel_eval("inputs.parameter_values['a'] == 'x' || inputs.parameter_values['missing'] == 'z'", v) == true);
    CHECK(cel_eval("true ? 'yes' : inputs.parameter_values['missing']", v) == "yes");
    CHECK_THROWS_WITH(cel_eval("inputs.parameter_values['missing'] == 'z'", v), Contains("no such key 'missing'"));
}

TEST_CASE("cel: a final status selector normalises the state as pipecc's exit tasks read it", "[run][cel]") {
    // The selector pipecc writes for run::status(): KFP gives the producer's execution state.
    const std::string selector =
        "struct_value.state in ['COMPLETE', 'CACHED', 'SUCCEEDED'] ? 'Succeeded' : struct_value.state == 'FAILED' ? "
        "'Failed' : struct_value.state in ['CANCELED', 'CANCELLED', 'CANCELING', 'CANCELLING'] ? 'Cancelled' : 'Error'";
    const auto status = [&](const char* state) {
        return cel_eval(selector, {{"struct_value", {{"state", state}}}});
    };
    CHECK(status("COMPLETE") == "Succeeded");
    CHECK(status("CACHED") == "Succeeded");
    CHECK(status("FAILED") == "Failed");
    CHECK(status("CANCELED") == "Cancelled");
    CHECK(status("RUNNING") == "Error");
}

TEST_CASE("cel: parseJson reads a loop item's field from its JSON text", "[run][cel]") {
    // Selectors see the value's JSON text as string_value (expression.go Select).
    const json item = {{"string_value", R"({"lr": 0.05, "name": "trial-1"})"}};
    CHECK(cel_eval(R"(parseJson(string_value)["lr"])", item) == 0.05);
    CHECK(cel_eval(R"(parseJson(string_value)["name"])", item) == "trial-1");
    CHECK(cel_eval("size(parseJson(string_value))", item) == 2);
}

TEST_CASE("cel: malformed expressions and type mismatches are errors that quote the expression", "[run][cel]") {
    CHECK_THROWS_WITH(cel_eval("1 +", json::object()), Contains("CEL expression \"1 +\""));
    CHECK_THROWS_WITH(cel_eval("'a' < 1", json::object()), Contains("cannot compare"));
    CHECK_THROWS_WITH(cel_eval("int('x1')", json::object()), Contains("is not an integer"));
    CHECK_THROWS_WITH(cel_eval("nope == 1", json::object()), Contains("unknown name 'nope'"));
    CHECK_THROWS_WITH(cel_eval("1 == 1 )", json::object()), Contains("unexpected ')'"));
}

RunInfo info() {
    RunInfo i;
    i.run_name = "daily-20240331";
    i.resource_name = "run-1234";
    i.run_id = "1234-abcd";
    i.created_at = "2024-03-31T16:30:00Z";
    i.scheduled_at = "2024-03-31T16:00:00Z";
    i.workspace = "/kfp-workspace";
    return i;
}

TEST_CASE("kfp values: a run-value placeholder resolves only as the whole constant", "[run][kfp-values]") {
    // driver/resolve.go at 2.17.0: `switch valStr` on the whole string; anything around it leaves the text as it is.
    CHECK(runtime_constant("{{$.pipeline_job_create_time_utc}}", info(), "t", 3) == "2024-03-31T16:30:00Z");
    CHECK(runtime_constant("{{$.pipeline_job_schedule_time_utc}}", info(), "t", 3) == "2024-03-31T16:00:00Z");
    CHECK(runtime_constant("{{$.pipeline_job_name}}", info(), "t", 3) == "daily-20240331");
    CHECK(runtime_constant("{{$.pipeline_job_resource_name}}", info(), "t", 3) == "run-1234");
    CHECK(runtime_constant("{{$.pipeline_job_uuid}}", info(), "t", 3) == "1234-abcd");
    CHECK(runtime_constant("{{$.pipeline_task_name}}", info(), "train", 3) == "train");
    CHECK(runtime_constant("{{$.pipeline_task_uuid}}", info(), "t", 3) == "3");
    CHECK(runtime_constant("run {{$.pipeline_job_uuid}}", info(), "t", 3) == "run {{$.pipeline_job_uuid}}");
    // ...but the workspace path anywhere (strings.ReplaceAll).
    CHECK(runtime_constant("{{$.workspace_path}}/data", info(), "t", 3) == "/kfp-workspace/data");
    CHECK(runtime_constant(json(3), info(), "t", 3) == 3);
}

TEST_CASE("kfp values: parameters enter placeholders as the launcher formats them", "[run][kfp-values]") {
    CHECK(parameter_text("text") == "text");
    CHECK(parameter_text(3.0) == "3");  // strconv.FormatFloat(v, 'f', -1, 64)
    CHECK(parameter_text(0.1) == "0.1");
    CHECK(parameter_text(1e21) == "1000000000000000000000");
    CHECK(parameter_text(2.5e-7) == "0.00000025");
    CHECK(parameter_text(true) == "true");
    CHECK(parameter_text(json::array({1, "a"})) == R"([1,"a"])");
    CHECK(parameter_text(json{{"k", 1}}) == R"({"k":1})");
}

TEST_CASE("kfp values: output parameter files are read by their declared type", "[run][kfp-values]") {
    CHECK(output_parameter("heads", "STRING") == "heads");
    CHECK(output_parameter("42", "NUMBER_INTEGER") == 42);
    CHECK(output_parameter("0.95", "NUMBER_DOUBLE") == 0.95);
    CHECK(output_parameter("true", "BOOLEAN") == true);
    CHECK(output_parameter("[1, 2]", "LIST") == json::array({1, 2}));
    CHECK(output_parameter(R"({"a": 1})", "STRUCT") == json{{"a", 1}});
    CHECK_THROWS_WITH(output_parameter("4.5", "NUMBER_INTEGER"), Contains("not an integer"));
    CHECK_THROWS_WITH(output_parameter("{}", "LIST"), Contains("not a JSON list"));
}

TEST_CASE("kfp values: artifact URIs map to the launcher's local paths", "[run][kfp-values]") {
    CHECK(local_path_for_uri("gs://bucket/a/b") == "/gcs/bucket/a/b");
    CHECK(local_path_for_uri("minio://mlpipeline/v2/artifacts/p") == "/minio/mlpipeline/v2/artifacts/p");
    CHECK(local_path_for_uri("s3://b/k") == "/s3/b/k");
    CHECK_THROWS_WITH(local_path_for_uri("oci://registry/model:1"), Contains("only gs://, minio:// and s3://"));
}

TEST_CASE("kfp values: a constant's own placeholders resolve after the driver put it in", "[run][kfp-values]") {
    // The IR of concat(gcs_root, "/", date): the input holds the constant, whose placeholders name
    // the task's pipeline channels; 2.17's driver pass puts the constant in, the launcher's fills it.
    const json params = {{"output_dir", "{{$.inputs.parameters['pipelinechannel--root']}}/"
                                        "{{$.inputs.parameters['pipelinechannel--day']}}"},
                         {"pipelinechannel--root", "gs://b/p"},
                         {"pipelinechannel--day", "20240401"}};
    Placeholders ph;
    for (const auto& [k, v] : params.items()) ph.text["{{$.inputs.parameters['" + k + "']}}"] = parameter_text(v);
    ph.text["{{$.outputs.parameters['n'].output_file}}"] = "/tmp/kfp/outputs/n";
    const auto out = substitute({"--dir", "{{$.inputs.parameters['output_dir']}}", "{{$.outputs.parameters['n'].output_file}}"},
                                ph, params);
    CHECK(out == std::vector<std::string>{"--dir", "gs://b/p/20240401", "/tmp/kfp/outputs/n"});
}

TEST_CASE("kfp values: IfPresent clauses expand by whether the input has a value", "[run][kfp-values]") {
    const std::string clause = R"({"IfPresent": {"InputName": "opt", "Then": ["--opt", "{{$.inputs.parameters['opt']}}"], "Else": ["--none"]}})";
    Placeholders ph;
    CHECK(substitute({"a", clause}, ph, json{{"opt", "v"}}) == std::vector<std::string>{"a", "--opt", "v"});
    CHECK(substitute({"a", clause}, ph, json::object()) == std::vector<std::string>{"a", "--none"});
    CHECK(substitute({"a", clause}, ph, json{{"opt", nullptr}}) == std::vector<std::string>{"a", "--none"});
}

TEST_CASE("kfp values: {{$}} is the executor input, and a placeholder left over is an error", "[run][kfp-values]") {
    Placeholders ph;
    ph.executor_input = R"({"inputs":{}})";
    CHECK(substitute({"--executor_input", "{{$}}"}, ph, json::object()) ==
          std::vector<std::string>{"--executor_input", R"({"inputs":{}})"});
    CHECK_THROWS_WITH(substitute({"{{$.inputs.artifacts['data']}}"}, ph, json::object()),
                      Contains("placeholder {{$.inputs.artifacts['data']}} has no value here"));
    CHECK_THROWS_WITH(substitute({"{{$.inputs.parameters['x']}}"}, ph, json::object()),
                      Contains("input parameter 'x' has no value"));
}

}  // namespace kfp_cel_test
