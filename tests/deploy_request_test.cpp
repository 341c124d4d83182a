// What `pipecc deploy` sends: typed parameters, YAML read as the servers read it, request bodies,
// URLs, the dry-run printout, and redaction of secrets.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "deploy/http_client.hpp"
#include "deploy/kfp_client.hpp"
#include "deploy/kfp_deploy.hpp"
#include "deploy/pipeline_file.hpp"
#include "deploy/redactor.hpp"
#include "deploy/request_printer.hpp"
#include "deploy/run_wait.hpp"
#include "deploy/vertex_client.hpp"
#include "deploy/vertex_deploy.hpp"
#include "pipecc/error.hpp"

namespace deploy_request_test {

using namespace pipecc::deploy;
using nlohmann::json;

namespace {

const char* const kIr = R"(# PIPELINE DEFINITION
# Name: daily
# Schedule: 0 6 * * *
# Time zone: Asia/Tokyo
pipelineInfo:
  name: daily
root:
  dag:
    tasks: {}
  inputDefinitions:
    parameters:
      date:
        parameterType: STRING
      epochs:
        parameterType: NUMBER_INTEGER
      rate:
        parameterType: NUMBER_DOUBLE
      dry:
        parameterType: BOOLEAN
      tags:
        parameterType: LIST
schemaVersion: 2.1.0
---
platforms:
  kubernetes: {}
)";

}  // namespace

TEST_CASE("deploy: YAML scalars are typed as KFP's server reads them", "[deploy]") {
    CHECK(yaml_to_json("a: 1\nb: '1'\nc: true\nd: 2.5\ne: null\nf: text\ng: \"yes\"\nh: [1, x]\n") ==
          json{{"a", 1}, {"b", "1"}, {"c", true}, {"d", 2.5}, {"e", nullptr}, {"f", "text"}, {"g", "yes"}, {"h", {1, "x"}}});
}

// std::regex recursed once per digit here, and 300,000 of them overflowed the stack (SIGSEGV).
TEST_CASE("deploy: a 300,000-digit scalar is text, not a crash", "[deploy][hostile]") {
    const std::string digits(300'000, '7');
    CHECK(yaml_to_json("a: " + digits + "\n") == json{{"a", digits}});
}

TEST_CASE("deploy: an IR file gives its name, schedule, PipelineSpec and PlatformSpec", "[deploy]") {
    const auto f = parse_pipeline_file("daily.yaml", kIr);
    CHECK(f.name == "daily");
    REQUIRE(f.schedule);
    CHECK(f.schedule->time_zone == "Asia/Tokyo");
    CHECK(f.pipeline_spec["schemaVersion"] == "2.1.0");
    CHECK(f.platform_spec.contains("platforms"));
    CHECK_THROWS_WITH(parse_pipeline_file("x.yaml", "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\n"),
                      Catch::Contains("not a KFP v2 pipeline"));
    CHECK(parse_pipeline_file("d.json", R"({"pipelineInfo": {"name": "j"}, "root": {}})").name == "j");
}

TEST_CASE("deploy: --param values are typed by the pipeline's parameters", "[deploy]") {
    const auto f = parse_pipeline_file("daily.yaml", kIr);
    CHECK(runtime_parameters(f.pipeline_spec, {{"date", "20240101"}, {"epochs", "3"}, {"rate", "0.5"}, {"dry", "true"},
                                               {"tags", R"(["a"])"}}) ==
          json{{"date", "20240101"}, {"epochs", 3}, {"rate", 0.5}, {"dry", true}, {"tags", {"a"}}});
    CHECK_THROWS_WITH(runtime_parameters(f.pipeline_spec, {{"nope", "1"}}), Catch::Contains("it has: date"));
    CHECK_THROWS_WITH(runtime_parameters(f.pipeline_spec, {{"epochs", "3x"}}), Catch::Contains("NUMBER_INTEGER"));
    CHECK_THROWS(runtime_parameters(f.pipeline_spec, {{"dry", "yes"}}));
    CHECK_THROWS(runtime_parameters(f.pipeline_spec, {{"tags", "{}"}}));
}

TEST_CASE("deploy: request bodies follow the KFP and Vertex contracts", "[deploy]") {
    KfpDeployOptions o{.name = "daily", .version = "abc", .max_concurrency = 2, .no_catchup = true};
    // The cron as kfp_cron writes it: robfig/cron v1.2.0 fields, seconds first, no TZ= (KFP 2.17.0
    // api_converter.go).
    const auto rr = recurring_run_body(o, "e1", "p1", "v1", "0 0 21 * * *", json::object());
    CHECK(rr["pipeline_version_reference"] == json{{"pipeline_id", "p1"}, {"pipeline_version_id", "v1"}});
    CHECK(rr["max_concurrency"] == "2");
    CHECK(rr["trigger"]["cron_schedule"]["cron"] == "0 0 21 * * *");
    CHECK(rr["mode"] == "ENABLE");
    CHECK(rr["no_catchup"] == true);
    CHECK(is_ours(rr, "p1"));
    CHECK_FALSE(is_ours(rr, "p2"));
    const auto run = run_body(o, "e1", "p1", "v1", json{{"date", "x"}});
    CHECK(run["runtime_config"]["parameters"]["date"] == "x");
    CHECK(run["experiment_id"] == "e1");

    const auto f = parse_pipeline_file("daily.yaml", kIr);
    const auto job = pipeline_job_body(f, {.name = "daily", .pipeline_root = "gs://b/r", .labels = {{"team", "ml"}}},
                                       json{{"epochs", 2}});
    CHECK(job["runtimeConfig"] == json{{"gcsOutputDirectory", "gs://b/r"}, {"parameterValues", {{"epochs", 2}}}});
    CHECK(job["pipelineSpec"] == f.pipeline_spec);
    CHECK(job["labels"]["team"] == "ml");
    CHECK(pipeline_job_id("Daily_Prediction", 1704088800, "3f2a") == "daily-prediction-20240101060000-3f2a");
    CHECK(pipeline_job_id("9lives", 0, "0000").rfind("p9lives-", 0) == 0);
    CHECK(pipeline_job_id(std::string(300, 'a'), 0, "0000").size() == 128);
}

TEST_CASE("deploy: URLs and filters are encoded", "[deploy]") {
    CHECK(with_query("http://h/x", {{"a", "1 2/3"}, {"b", ""}, {"c", "="}}) == "http://h/x?a=1%202%2F3&c=%3D");
    CHECK(json::parse(equals_filter("name", "v1")) ==
          json{{"predicates", {{{"key", "name"}, {"operation", "EQUALS"}, {"string_value", "v1"}}}}});
    CHECK(server_message(R"({"code":6,"message":"already exists","details":[]})") == "already exists");
    CHECK(server_message(R"({"error":{"code":404,"message":"not found","status":"NOT_FOUND"}})") == "not found");
    CHECK(server_message("<html>bad gateway</html>\n") == "<html>bad gateway</html>");
}

TEST_CASE("deploy: secrets are redacted from printed requests and messages", "[deploy]") {
    Redactor r;
    r.add("s3cr3t-token");
    r.add("");
    CHECK(r.apply("Bearer s3cr3t-token, again s3cr3t-token") == "Bearer ***, again ***");
    const auto text = describe_request({.method = "POST",
                                        .url = "http://h/apis/v2beta1/experiments",
                                        .headers = {{"Authorization", "Bearer anything"}, {"kubeflow-userid", "me"}},
                                        .body = R"({"display_name":"s3cr3t-token"})"},
                                       r);
    CHECK_THAT(text, Catch::StartsWith("POST http://h/apis/v2beta1/experiments\n  Authorization: ***\n"));
    CHECK_THAT(text, Catch::Contains("kubeflow-userid: me"));
    CHECK_THAT(text, !Catch::Contains("s3cr3t") && !Catch::Contains("anything"));
    const auto upload = describe_request(
        {.method = "POST", .url = "u", .file = FilePart{.field = "uploadfile", .filename = "d.yaml", .content = "abc"}}, r);
    CHECK_THAT(upload, Catch::Contains("uploadfile=@d.yaml (3 bytes)"));
}

TEST_CASE("deploy: run states map to finished and succeeded", "[deploy]") {
    const auto failed = kfp_run_status(json::parse(R"({"state": "FAILED", "error": {"message": "oom"},
        "run_details": {"task_details": [{"state": "SUCCEEDED"}, {"state": "RUNNING"}]}})"));
    CHECK(failed.finished);
    CHECK_FALSE(failed.succeeded);
    CHECK(failed.error == "oom");
    CHECK(failed.tasks_done == 1);
    CHECK(failed.tasks_seen == 2);
    CHECK_FALSE(kfp_run_status({{"state", "RUNNING"}}).finished);
    CHECK(vertex_run_status({{"state", "PIPELINE_STATE_SUCCEEDED"}}).succeeded);
    CHECK(vertex_run_status({{"state", "PIPELINE_STATE_CANCELLED"}}).finished);
    CHECK_FALSE(vertex_run_status({{"state", "PIPELINE_STATE_RUNNING"}}).finished);
    CHECK(format_elapsed(3723) == "1h02m03s");
    CHECK(format_elapsed(75) == "1m15s");
    CHECK(format_elapsed(4.9) == "4s");
}

}  // namespace deploy_request_test
