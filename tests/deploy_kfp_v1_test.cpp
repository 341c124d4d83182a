// `pipecc deploy kfp --engine kfp@1.8`: an Argo Workflow deployed through KFP 1.8's v1beta1 API,
// end to end against the stand-in (tests/tools/kfp_v1_standin.py). The API facts are from
// kubeflow/pipelines at tag 1.8.22: backend/api/{pipeline,experiment,run,job,resource_reference,
// filter}.proto (routes, snake_case fields, enum names), backend/src/apiserver/server/
// pipeline_upload_server.go (multipart `uploadfile`, `name`, `pipelineid`), backend/src/common/util/
// template_util.go (ValidateWorkflow: only `kind: Workflow`), backend/src/apiserver/server/
// job_server.go (validateCreateJobRequest: robfig/cron v1.2.0 cron.Parse, max_concurrency 1..10) and
// backend/src/apiserver/resource/resource_manager.go (CreateJob reads `enabled`, not `mode`).
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tools/deploy_cli.hpp"
#include "tools/deploy_standin.hpp"
#include "tools/subprocess.hpp"

namespace deploy_kfp_v1_test {

using namespace pipecc::test;
using Catch::Contains;
using nlohmann::json;

namespace {

const std::string kGolden = std::string(PIPECC_SOURCE_DIR) + "/tests/golden/daily_prediction.argo-kfp-1.8.yaml";
const std::string kCronWorkflow = std::string(PIPECC_SOURCE_DIR) + "/tests/golden/daily_prediction.argo.yaml";
const std::string kIr = std::string(PIPECC_SOURCE_DIR) + "/tests/golden/daily_prediction.kfp.yaml";

std::vector<std::string> v1_args(const DeployStandin& s, const std::string& pipeline, const std::string& version) {
    return {"deploy", "kfp", "--engine", "kfp@1.8", "--host", s.url(), "--pipeline", pipeline,
            "--pipeline-version", version, "--experiment", "daily", "--retry-delay", "0.01", "--poll-interval", "0.05"};
}

// The daily example compiled as a user would: `daily_prediction --engine kfp@1.8`.
std::string compile_daily(const TempDir& dir) {
    const std::string out = dir / "daily_prediction.argo.yaml";
    const auto r = run_process({std::string(PIPECC_EXAMPLES_BIN_DIR) + "/daily_prediction", "--engine", "kfp@1.8", "-o", out});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    REQUIRE(read_whole_file(out).value() == read_whole_file(kGolden).value());
    return out;
}

json last_request(const json& log, const std::string& method, const std::string& path) {
    json found;
    for (const auto& r : log) {
        if (r["method"] == method && r["path"] == path) found = r;
    }
    return found;
}

}  // namespace

TEST_CASE("deploy kfp@1.8 --recurring: pipeline, version, experiment and a job at 21:00 UTC; a re-run changes nothing",
          "[deploy][kfp-v1]") {
    SKIP_WITHOUT_STANDIN();
    DeployStandin s;
    TempDir dir;
    const auto daily = compile_daily(dir);
    auto first = pipecc_cli(v1_args(s, daily, "v1") + std::vector<std::string>{"--recurring", "--param", "project=p2"});
    INFO(first.err);
    REQUIRE(first.exit_code == 0);
    CHECK_THAT(first.out, Contains("pipeline daily-prediction: created"));
    CHECK_THAT(first.out, Contains("version v1 of daily-prediction: uploaded"));
    CHECK_THAT(first.out, Contains("experiment daily: created"));
    CHECK_THAT(first.out, Contains("job: created (") && Contains("cron \"0 0 21 * * *\""));

    const auto w = writes(s.requests());
    REQUIRE(w.size() == 4);
    CHECK(w[0]["path"] == "/apis/v1beta1/pipelines/upload");
    CHECK(w[0]["query"]["name"] == "daily-prediction");
    CHECK(w[0]["files"].contains("uploadfile"));
    CHECK(w[1]["path"] == "/apis/v1beta1/pipelines/upload_version");
    CHECK(w[1]["query"]["name"] == "v1");
    CHECK(w[2]["path"] == "/apis/v1beta1/experiments");
    CHECK(w[2]["body"] == json{{"name", "daily"}});
    REQUIRE(w[3]["path"] == "/apis/v1beta1/jobs");
    CHECK(w[3]["status"] == 200);
    const auto& job = w[3]["body"];
    // 06:00 in Asia/Tokyo (the Workflow's pipecc.dev/ annotations) is 21:00 in the controller's UTC,
    // six fields, seconds first, for robfig/cron v1.2.0.
    CHECK(job["trigger"]["cron_schedule"]["cron"] == "0 0 21 * * *");
    CHECK(job["enabled"] == true);
    CHECK(job["max_concurrency"] == "1");
    CHECK(job["no_catchup"] == false);
    CHECK(job["pipeline_spec"]["parameters"] == json::parse(R"([{"name": "project", "value": "p2"}])"));
    CHECK(job["pipeline_spec"]["pipeline_id"] == w[1]["query"]["pipelineid"]);
    REQUIRE(job["resource_references"].size() == 2);
    CHECK(job["resource_references"][0]["key"]["type"] == "EXPERIMENT");
    CHECK(job["resource_references"][0]["relationship"] == "OWNER");
    CHECK(job["resource_references"][1]["key"]["type"] == "PIPELINE_VERSION");
    CHECK(job["resource_references"][1]["relationship"] == "CREATOR");

    auto again = pipecc_cli(v1_args(s, daily, "v1") + std::vector<std::string>{"--recurring", "--param", "project=p2"});
    INFO(again.err);
    REQUIRE(again.exit_code == 0);
    CHECK_THAT(again.out, Contains("pipeline daily-prediction: exists"));
    CHECK_THAT(again.out, Contains("version v1 of daily-prediction: already uploaded with the same content"));
    CHECK_THAT(again.out, Contains("job: already pinned to v1"));
    CHECK(writes(s.requests()).size() == 4);  // a no-op

    // Other content under a taken version name: refused, nothing written.
    std::string other = read_whole_file(daily).value();
    other.replace(other.find("value: my-gcp-project"), 21, "value: another-project");
    std::ofstream(dir / "other.argo.yaml") << other;
    auto conflict = pipecc_cli(v1_args(s, dir / "other.argo.yaml", "v1"));
    CHECK(conflict.exit_code == 1);
    CHECK_THAT(conflict.err, Contains("version v1 of daily-prediction already exists with different content"));
    CHECK(writes(s.requests()).size() == 4);
}

TEST_CASE("deploy kfp@1.8: a new version takes over the job, created before the old one is disabled",
          "[deploy][kfp-v1]") {
    SKIP_WITHOUT_STANDIN();
    DeployStandin s;
    REQUIRE(pipecc_cli(v1_args(s, kGolden, "v1") + std::vector<std::string>{"--recurring"}).exit_code == 0);
    const auto before = s.requests().size();
    auto second = pipecc_cli(v1_args(s, kGolden, "v2") + std::vector<std::string>{"--recurring"});
    INFO(second.err);
    REQUIRE(second.exit_code == 0);
    CHECK_THAT(second.out, Contains("version v2 of daily-prediction: uploaded"));
    CHECK_THAT(second.out, Contains("of an earlier deploy: disabled"));

    const auto log = s.requests();
    const std::string pipeline_id = last_request(log, "POST", "/apis/v1beta1/jobs")["body"]["pipeline_spec"]["pipeline_id"];
    std::size_t create_at = 0, disable_at = 0;
    for (std::size_t i = before; i < log.size(); ++i) {
        const auto enabled = log[i]["enabled_recurring"].value(pipeline_id, json::array());
        CHECK(enabled.size() >= 1);  // never without a schedule
        if (log[i]["method"] == "POST" && log[i]["path"] == "/apis/v1beta1/jobs") create_at = i;
        if (log[i]["path"].get<std::string>().ends_with("/disable")) disable_at = i;
        if (enabled.size() > 1) CHECK(i == create_at);
    }
    CHECK(create_at > before);
    CHECK(disable_at == create_at + 1);
    REQUIRE(log.back()["enabled_recurring"][pipeline_id].size() == 1);

    // The job left enabled runs v2; a third deploy of v2 is a no-op again.
    auto third = pipecc_cli(v1_args(s, kGolden, "v2") + std::vector<std::string>{"--recurring"});
    CHECK(third.exit_code == 0);
    CHECK_THAT(third.out, Contains("job: already pinned to v2"));
    CHECK(s.requests().size() == log.size() + 5);  // lookups only: pipeline, version, template, experiment, jobs
    CHECK(writes(s.requests()).size() == writes(log).size());
}

TEST_CASE("deploy kfp@1.8 --run --wait: a run of the version, polled to its end", "[deploy][kfp-v1]") {
    SKIP_WITHOUT_STANDIN();
    DeployStandin s;
    auto ok = pipecc_cli(v1_args(s, kGolden, "v1") + std::vector<std::string>{"--run", "--wait"});
    INFO(ok.err);
    CHECK(ok.exit_code == 0);
    CHECK_THAT(ok.out, Contains("run: created ("));
    CHECK_THAT(ok.err, Contains(": Running, ") && Contains(": Succeeded, ") && Contains("4/4 tasks done"));
    const auto run = last_request(s.requests(), "POST", "/apis/v1beta1/runs");
    CHECK(run["status"] == 200);
    CHECK(run["body"]["name"] == "daily-prediction v1");

    s.control("config", {{"run_outcome", "FAILED"}});
    auto failed = pipecc_cli(v1_args(s, kGolden, "v1") + std::vector<std::string>{"--run", "--wait"});
    CHECK(failed.exit_code == 1);
    CHECK_THAT(failed.err, Contains("ended Failed: task"));
}

TEST_CASE("deploy kfp@1.8: what KFP 1.8 would refuse is refused before any request; --dry-run sends nothing",
          "[deploy][kfp-v1]") {
    SKIP_WITHOUT_STANDIN();
    DeployStandin s;
    // KFP 1.8 uploads only kind: Workflow (template_util.go ValidateWorkflow); a CronWorkflow is
    // what --engine argo writes.
    auto cron = pipecc_cli(v1_args(s, kCronWorkflow, "v1") + std::vector<std::string>{"--recurring"});
    CHECK(cron.exit_code == 2);
    CHECK_THAT(cron.err, Contains(kCronWorkflow) && Contains("found kind: CronWorkflow") &&
                             Contains("compile with --engine kfp@1.8"));
    auto ir = pipecc_cli(v1_args(s, kIr, "v1"));
    CHECK(ir.exit_code == 2);
    CHECK_THAT(ir.err, Contains(kIr) && Contains("found no kind") && Contains("KFP v2 IR"));

    TempDir dir;
    std::string text = read_whole_file(kGolden).value();
    for (const char* line : {"    pipecc.dev/schedule: 0 6 * * *\n", "    pipecc.dev/time-zone: Asia/Tokyo\n"}) {
        REQUIRE(text.find(line) != std::string::npos);
        text.erase(text.find(line), std::string(line).size());
    }
    std::ofstream(dir / "unscheduled.yaml") << text;
    auto unscheduled = pipecc_cli(v1_args(s, dir / "unscheduled.yaml", "v1") + std::vector<std::string>{"--recurring"});
    CHECK(unscheduled.exit_code == 1);
    CHECK_THAT(unscheduled.err, Contains("has no schedule (no pipecc.dev/schedule annotation)"));
    auto bad_param = pipecc_cli(v1_args(s, kGolden, "v1") + std::vector<std::string>{"--param", "nope=1"});
    CHECK(bad_param.exit_code == 1);
    CHECK_THAT(bad_param.err, Contains("the pipeline has no parameter 'nope' (it has: gcs_output_dir, project"));
    auto engine = pipecc_cli(v1_args(s, kGolden, "v1") + std::vector<std::string>{"--engine", "argo@4.1"});
    CHECK(engine.exit_code == 2);
    CHECK_THAT(engine.err, Contains("does not deploy to argo@4.1; it takes kfp@1.8, kfp@2.14"));
    CHECK(s.requests().empty());

    auto dry = pipecc_cli(v1_args(s, kGolden, "v1") + std::vector<std::string>{"--dry-run", "--recurring", "--run"});
    INFO(dry.err);
    CHECK(dry.exit_code == 0);
    CHECK(s.requests().empty());
    for (const char* line : {"GET " , "/apis/v1beta1/pipelines?filter=", "/apis/v1beta1/pipelines/upload?name=daily-prediction",
                             "/apis/v1beta1/pipelines/upload_version?name=v1&pipelineid=%3Cpipeline_id%3E",
                             "uploadfile=@daily_prediction.argo-kfp-1.8.yaml", "POST " , "/apis/v1beta1/jobs",
                             "\"cron\": \"0 0 21 * * *\"", "\"id\": \"<version_id>\"", "/apis/v1beta1/runs"}) {
        CHECK_THAT(dry.err, Contains(line));
    }
    CHECK_THAT(dry.out, Contains("pipeline daily-prediction: would create") && Contains("would upload") &&
                            Contains("job: would create") && !Contains("created") && !Contains("uploaded"));
}

// The stand-in itself holds the request shapes KFP 1.8.22 checks, so the tests above can fail.
TEST_CASE("kfp@1.8 stand-in: jobs, uploads and references are checked as KFP 1.8.22 does", "[deploy][kfp-v1]") {
    SKIP_WITHOUT_STANDIN();
    DeployStandin s;
    REQUIRE(pipecc_cli(v1_args(s, kGolden, "v1") + std::vector<std::string>{"--recurring"}).exit_code == 0);
    json job = last_request(s.requests(), "POST", "/apis/v1beta1/jobs")["body"];

    // job_server.go: cron.Parse of robfig/cron v1.2.0, which has no TZ= prefix.
    json tz = job;
    tz["trigger"]["cron_schedule"]["cron"] = "TZ=Asia/Tokyo 0 0 6 * * *";
    auto r = s.send("POST", "/apis/v1beta1/jobs", tz);
    CHECK(r.status == 400);
    CHECK_THAT(r.body, Contains("Schedule cron is not a supported format") && Contains("Expected 5 to 6 fields, found 7"));
    json many = job;
    many["max_concurrency"] = "11";
    CHECK(s.send("POST", "/apis/v1beta1/jobs", many).status == 400);
    // The version counts only as a PIPELINE_VERSION reference of relationship CREATOR (server/util.go
    // getPipelineVersionIdFromResourceReferences); without it nor a pipeline_id there is no pipeline.
    json owner = job;
    owner["resource_references"][1]["relationship"] = "OWNER";
    owner["pipeline_spec"].erase("pipeline_id");
    auto unpinned = s.send("POST", "/apis/v1beta1/jobs", owner);
    CHECK(unpinned.status == 400);
    CHECK_THAT(unpinned.body, Contains("Please specify a pipeline by providing a (workflow manifest) or (pipeline id"));
    // `mode` is not what the server reads: a job sent with it alone is created disabled.
    json mode = job;
    mode.erase("enabled");
    mode["mode"] = "ENABLED";
    auto moded = s.send("POST", "/apis/v1beta1/jobs", mode);
    REQUIRE(moded.status == 200);
    CHECK_FALSE(json::parse(moded.body).contains("enabled"));

    // An upload of anything but kind: Workflow fails with the upload handler's api.Error body.
    pipecc::deploy::Redactor redactor;
    std::ostringstream log;
    pipecc::deploy::HttpClient http({.retries = 0}, redactor, log);
    auto up = http.send({.method = "POST", .url = s.url() + "/apis/v1beta1/pipelines/upload?name=c",
                         .file = pipecc::deploy::FilePart{"uploadfile", "c.yaml", read_whole_file(kCronWorkflow).value()}});
    CHECK(up.status == 500);
    CHECK_THAT(pipecc::deploy::server_message(up.body), Contains("unknown template format") && Contains("kind: CronWorkflow"));
}

}  // namespace deploy_kfp_v1_test
