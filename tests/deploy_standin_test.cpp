// `pipecc deploy kfp|vertex` end to end: the real tool against the stand-in server
// (tests/tools/deploy_standin.py), started and stopped by each test on a free port of 127.0.0.1.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tools/deploy_cli.hpp"
#include "tools/deploy_standin.hpp"
#include "tools/subprocess.hpp"

namespace deploy_standin_test {

using namespace pipecc::test;
using Catch::Contains;
using nlohmann::json;

namespace {

const std::string kToken = "tok-5e3c1d9a7f";
const std::string kDaily = std::string(PIPECC_SOURCE_DIR) + "/tests/golden/daily_prediction.kfp.yaml";
const std::string kThanks = std::string(PIPECC_SOURCE_DIR) + "/tests/golden/daily_thanks.kfp.yaml";

std::vector<std::string> kfp_args(const DeployStandin& s, const std::string& pipeline, const std::string& version) {
    return {"deploy", "kfp", "--host", s.url(), "--pipeline", pipeline, "--pipeline-version", version,
            "--experiment", "daily", "--retry-delay", "0.01", "--poll-interval", "0.05"};
}

// The daily example's PipelineSpec with its header (schedule 06:00 Asia/Tokyo) and without its
// PlatformSpec document, which `deploy vertex` refuses.
std::string daily_without_platform_spec(const TempDir& dir) {
    const auto text = read_whole_file(kDaily).value();
    const auto cut = text.find("\n---\n");
    REQUIRE(cut != std::string::npos);
    REQUIRE(text.substr(cut).find("platforms:") != std::string::npos);
    const std::string path = dir / "daily_prediction.kfp.yaml";
    std::ofstream(path) << text.substr(0, cut + 1);
    return path;
}

}  // namespace

TEST_CASE("deploy kfp: a first deploy, the same version again, and other content under that version", "[deploy]") {
    SKIP_WITHOUT_STANDIN();
    DeployStandin s;
    auto first = pipecc_cli(kfp_args(s, kDaily, "v1") + std::vector<std::string>{"--recurring"});
    INFO(first.err);
    REQUIRE(first.exit_code == 0);
    CHECK_THAT(first.out, Contains("pipeline daily-prediction: created"));
    CHECK_THAT(first.out, Contains("version v1 of daily-prediction: uploaded"));
    CHECK_THAT(first.out, Contains("experiment daily: created"));
    CHECK_THAT(first.out, Contains("cron \"0 0 21 * * *\""));

    const auto log = s.requests();
    const auto w = writes(log);
    REQUIRE(w.size() == 4);
    CHECK(w[0]["path"] == "/apis/v2beta1/pipelines");
    CHECK(w[1]["path"] == "/apis/v2beta1/pipelines/upload_version");
    CHECK(w[1]["query"]["name"] == "v1");
    CHECK(w[1]["files"].contains("uploadfile"));
    CHECK(w[2]["path"] == "/apis/v2beta1/experiments");
    CHECK(w[3]["path"] == "/apis/v2beta1/recurringruns");
    CHECK(w[3]["body"]["max_concurrency"] == "1");
    CHECK(w[3]["body"]["mode"] == "ENABLE");
    CHECK(w[3]["body"]["pipeline_version_reference"]["pipeline_version_id"].is_string());

    auto again = pipecc_cli(kfp_args(s, kDaily, "v1") + std::vector<std::string>{"--recurring"});
    REQUIRE(again.exit_code == 0);
    CHECK_THAT(again.out, Contains("already uploaded with the same content"));
    CHECK_THAT(again.out, Contains("recurring run: already pinned to v1"));
    CHECK(writes(s.requests()).size() == 4);  // a no-op: nothing created, changed or deleted

    auto other = pipecc_cli(kfp_args(s, kThanks, "v1") + std::vector<std::string>{"--name", "daily-prediction"});
    CHECK(other.exit_code == 1);
    CHECK_THAT(other.err, Contains("version v1 of daily-prediction already exists with different content"));
    CHECK(writes(s.requests()).size() == 4);
}

// The daily example schedules 06:00 in Asia/Tokyo (tests/golden/daily_prediction.kfp.yaml's
// header). KFP 2.17.0 checks the cron with robfig/cron v1.2.0 cron.Parse (api_converter.go; go.mod
// pins v1.2.0), which has no TZ= prefix, and its controller fires crons in CRON_SCHEDULE_TIMEZONE,
// UTC by default (backend/src/crd/controller/scheduledworkflow/util/const.go). So the recurring
// run gets 21:00 UTC, seconds first; the old `TZ=Asia/Tokyo 0 0 6 * * *` is refused with 400.
TEST_CASE("deploy kfp --recurring: Tokyo 06:00 reaches KFP as the controller's 21:00, which robfig/cron parses",
          "[deploy][cron]") {
    SKIP_WITHOUT_STANDIN();
    DeployStandin s;
    auto r = pipecc_cli(kfp_args(s, kDaily, "v1") + std::vector<std::string>{"--recurring"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("recurring run: created (") && Contains("cron \"0 0 21 * * *\""));
    json created;
    for (const auto& req : s.requests()) {
        if (req["method"] == "POST" && req["path"] == "/apis/v2beta1/recurringruns") created = req;
    }
    REQUIRE(created.is_object());
    CHECK(created["status"] == 200);
    CHECK(created["body"]["trigger"]["cron_schedule"]["cron"] == "0 0 21 * * *");

    // What pipecc sent before: seven fields for robfig/cron v1.2.0 (parser.go: "Expected 5 to 6 fields").
    json body = created["body"];
    body["trigger"]["cron_schedule"]["cron"] = "TZ=Asia/Tokyo 0 0 6 * * *";
    const auto old = s.send("POST", "/apis/v2beta1/recurringruns", body);
    CHECK(old.status == 400);
    CHECK_THAT(old.body, Contains("Schedule cron is not a supported format") &&
                             Contains("Expected 5 to 6 fields, found 7: TZ=Asia/Tokyo 0 0 6 * * *"));

    // The stand-in's check is robfig/cron v1.2.0 Parse (parser.go, spec.go, constantdelay.go at
    // v1.2.0): defaultParser = Second | Minute | Hour | Dom | Month | DowOptional | Descriptor.
    struct Case {
        const char* cron;
        const char* error;  // nullptr: accepted
    };
    for (const auto& c : std::vector<Case>{
             {"0 0 21 * * *", nullptr},
             {"0 0 21 * *", nullptr},  // five fields: seconds..month, day of week defaults to *
             {"0 30 9 ? JAN-dec Mon-FRI", nullptr},
             {"*/5 *-9 0-23/2 1,,15 * 0,6", nullptr},  // '*-9' is '*'; empty list items are dropped
             {"+0 0 6 * * *", nullptr},                 // strconv.Atoi takes a sign
             {"@daily", nullptr},
             {"@every 1h30m", nullptr},
             {"@every -5s", nullptr},  // Every() rounds anything under a second up to one
             {"", "Empty spec string"},
             {" @daily", "Expected 5 to 6 fields, found 1:  @daily"},
             {"@daily ", "Unrecognized descriptor: @daily "},
             {"@reboot", "Unrecognized descriptor: @reboot"},
             {"@every 1d", "Failed to parse duration @every 1d: time: unknown unit \"d\" in duration \"1d\""},
             {"CRON_TZ=UTC 0 6 * * *", "Failed to parse int from CRON_TZ=UTC"},
             {"0 0 6 * * 7", "End of range (7) above maximum (6): 7"},
             {"0 0 24 * * *", "End of range (24) above maximum (23): 24"},
             {"0 0 6 0 * *", "Beginning of range (0) below minimum (1): 0"},
             {"0 0 6 * 13 *", "End of range (13) above maximum (12): 13"},
             {"0 0 6 * * 5-1", "Beginning of range (5) beyond end of range (1): 5-1"},
             {"0 */0 6 * * *", "Step of range should be a positive number: */0"},
             {"0 1-2-3 6 * * *", "Too many hyphens: 1-2-3"},
             {"0 1/2/3 6 * * *", "Too many slashes: 1/2/3"},
             {"0 6 * *", "Expected 5 to 6 fields, found 4: 0 6 * *"},
         }) {
        INFO("cron '" << c.cron << "'");
        body["trigger"]["cron_schedule"]["cron"] = c.cron;
        const auto reply = s.send("POST", "/apis/v2beta1/recurringruns", body);
        if (c.error) {
            CHECK(reply.status == 400);
            CHECK_THAT(json::parse(reply.body).value("message", ""), Contains(c.error));
        } else {
            CHECK(reply.status == 200);
        }
    }
}

TEST_CASE("deploy kfp: --controller-zone and --fixed-offset decide the cron; a DST zone is refused before any request",
          "[deploy][cron]") {
    SKIP_WITHOUT_STANDIN();
    DeployStandin s;
    auto tokyo = pipecc_cli(kfp_args(s, kDaily, "v1") +
                            std::vector<std::string>{"--recurring", "--controller-zone", "Asia/Tokyo", "--dry-run"});
    INFO(tokyo.err);
    CHECK(tokyo.exit_code == 0);
    CHECK_THAT(tokyo.err, Contains("\"cron\": \"0 0 6 * * *\""));
    CHECK_THAT(tokyo.out, Contains("cron \"0 0 6 * * *\""));

    auto dst = pipecc_cli(kfp_args(s, kDaily, "v1") +
                          std::vector<std::string>{"--recurring", "--time-zone", "America/New_York"});
    CHECK(dst.exit_code == 1);
    CHECK_THAT(dst.err, Contains("time zone 'America/New_York' changes its UTC offset") &&
                            Contains("one fixed zone for the whole cluster") && Contains("--fixed-offset"));
    CHECK(s.requests().empty());

    auto fixed = pipecc_cli(kfp_args(s, kDaily, "v1") + std::vector<std::string>{"--recurring", "--time-zone",
                                                                                "America/New_York", "--fixed-offset"});
    INFO(fixed.err);
    CHECK(fixed.exit_code == 0);
    CHECK_THAT(fixed.err, Contains("warning: --fixed-offset: time zone 'America/New_York' is taken as UTC-05:00"));
    CHECK_THAT(fixed.out, Contains("cron \"0 0 11 * * *\""));

    auto wrap = pipecc_cli(kfp_args(s, kDaily, "v2") + std::vector<std::string>{"--recurring", "--cron", "0 6 1 * *"});
    CHECK(wrap.exit_code == 1);
    CHECK_THAT(wrap.err, Contains("cannot be written as one cron line in UTC"));
    auto seven = pipecc_cli(kfp_args(s, kDaily, "v2") + std::vector<std::string>{"--recurring", "--cron", "0 6 * * 7"});
    CHECK(seven.exit_code == 1);
    CHECK_THAT(seven.err, Contains("write 0 for Sunday"));
}

TEST_CASE("deploy kfp: a new version takes over the recurring run with no gap and no overlap", "[deploy]") {
    SKIP_WITHOUT_STANDIN();
    DeployStandin s;
    REQUIRE(pipecc_cli(kfp_args(s, kDaily, "v1") + std::vector<std::string>{"--recurring"}).exit_code == 0);
    const auto before = s.requests().size();
    auto second = pipecc_cli(kfp_args(s, kDaily, "v2") + std::vector<std::string>{"--recurring"});
    INFO(second.err);
    REQUIRE(second.exit_code == 0);
    CHECK_THAT(second.out, Contains("of an earlier deploy: disabled"));

    const auto log = s.requests();
    std::string pipeline_id;
    for (const auto& r : log) {
        if (r["path"] == "/apis/v2beta1/recurringruns" && r["method"] == "POST") {
            pipeline_id = r["body"]["pipeline_version_reference"]["pipeline_id"];
        }
    }
    REQUIRE(!pipeline_id.empty());
    std::size_t create_at = 0, disable_at = 0;
    for (std::size_t i = before; i < log.size(); ++i) {
        const auto enabled = log[i]["enabled_recurring"].value(pipeline_id, json::array());
        CHECK(enabled.size() >= 1);  // no gap: never without a schedule
        if (log[i]["method"] == "POST" && log[i]["path"] == "/apis/v2beta1/recurringruns") create_at = i;
        if (log[i]["path"].get<std::string>().find(":disable") != std::string::npos) disable_at = i;
        if (enabled.size() > 1) CHECK(i == create_at);  // two only between the create and the next request
    }
    CHECK(create_at > before);
    CHECK(disable_at == create_at + 1);
    const auto final_enabled = log.back()["enabled_recurring"][pipeline_id];
    REQUIRE(final_enabled.size() == 1);
}

TEST_CASE("deploy kfp --run --wait: success, failure, and a live status line", "[deploy]") {
    SKIP_WITHOUT_STANDIN();
    DeployStandin s;
    auto ok = pipecc_cli(kfp_args(s, kDaily, "v1") + std::vector<std::string>{"--run", "--wait"});
    INFO(ok.err);
    CHECK(ok.exit_code == 0);
    CHECK_THAT(ok.out, Contains("run: created"));
    CHECK_THAT(ok.err, Contains(": RUNNING, "));
    CHECK_THAT(ok.err, Contains(": SUCCEEDED, "));
    CHECK_THAT(ok.err, Contains("2/2 tasks done"));

    s.control("config", {{"run_outcome", "FAILED"}});
    auto failed = pipecc_cli(kfp_args(s, kDaily, "v1") + std::vector<std::string>{"--run", "--wait"});
    CHECK(failed.exit_code == 1);
    CHECK_THAT(failed.err, Contains("ended FAILED: task"));

    auto no_run = pipecc_cli(kfp_args(s, kDaily, "v1") + std::vector<std::string>{"--wait"});
    CHECK(no_run.exit_code == 1);
    CHECK_THAT(no_run.err, Contains("--wait needs --run"));
}

TEST_CASE("deploy kfp: bounded retries of 429 and 5xx, clear errors otherwise", "[deploy]") {
    SKIP_WITHOUT_STANDIN();
    DeployStandin s;
    s.control("faults", {{"faults", {{{"method", "GET"}, {"path", "/pipelines/names/"}, {"status", 503}, {"times", 2}},
                                     {{"method", "POST"}, {"path", "upload_version"}, {"status", 429}, {"times", 1}}}}});
    auto retried = pipecc_cli(kfp_args(s, kDaily, "v1"));
    INFO(retried.err);
    CHECK(retried.exit_code == 0);
    CHECK_THAT(retried.err, Contains("HTTP 503 from GET"));
    CHECK_THAT(retried.err, Contains("HTTP 429 from POST"));

    s.control("faults", {{"faults", {{{"path", "/experiments"}, {"status", 500}, {"times", 10}}}}});
    auto exhausted = pipecc_cli(kfp_args(s, kDaily, "v1") + std::vector<std::string>{"--retries", "2"});
    CHECK(exhausted.exit_code == 1);
    CHECK_THAT(exhausted.err, Contains("looking up experiment 'daily': HTTP 500: injected fault"));
    CHECK_THAT(exhausted.err, Contains("retry 2 of 2"));

    s.control("faults", {{"faults", {{{"path", "/pipelines/names/"}, {"status", 404}, {"times", 1}},
                                     {{"method", "POST"}, {"path", "^/apis/v2beta1/pipelines$"}, {"status", 409}}}}});
    auto conflict = pipecc_cli(kfp_args(s, kDaily, "v1"));
    CHECK(conflict.exit_code == 1);
    CHECK_THAT(conflict.err, Contains("creating pipeline 'daily-prediction': HTTP 409: injected fault"));

    // A dropped connection part-way: a clear error, and the same command then completes the deploy.
    s.control("faults", {{"faults", {{{"method", "POST"}, {"path", "recurringruns"}, {"drop", true}}}}});
    auto dropped = pipecc_cli(kfp_args(s, kDaily, "v2") + std::vector<std::string>{"--recurring"});
    CHECK(dropped.exit_code == 1);
    CHECK_THAT(dropped.err, Contains("POST " + s.url() + "/apis/v2beta1/recurringruns failed"));
    auto resumed = pipecc_cli(kfp_args(s, kDaily, "v2") + std::vector<std::string>{"--recurring"});
    CHECK(resumed.exit_code == 0);
    CHECK_THAT(resumed.out, Contains("already uploaded with the same content"));
    CHECK_THAT(resumed.out, Contains("recurring run: created"));

    // The version was uploaded but the reply was lost: the next run finds it, and an upload that
    // races another deploy (409) compares with the version that won.
    s.control("faults", {{"faults", {{{"method", "POST"}, {"path", "upload_version"}, {"drop", true}, {"after", true}}}}});
    auto lost = pipecc_cli(kfp_args(s, kDaily, "v3"));
    CHECK(lost.exit_code == 1);
    s.control("faults", {{"faults", {{{"method", "GET"}, {"path", "/versions$"}, {"reply", {{"pipeline_versions", json::array()}}}}}}});
    auto raced = pipecc_cli(kfp_args(s, kDaily, "v3"));
    INFO(raced.err);
    CHECK(raced.exit_code == 0);
    CHECK_THAT(raced.out, Contains("version v3 of daily-prediction: already uploaded with the same content"));

    s.control("faults", {{"faults", {{{"path", "/pipelines/names/"}, {"delay", 3}}}}});
    auto slow = pipecc_cli(kfp_args(s, kDaily, "v2") + std::vector<std::string>{"--timeout", "0.5"});
    CHECK(slow.exit_code == 1);
    CHECK_THAT(slow.err, Contains("timed out"));

    auto refused =
        pipecc_cli({"deploy", "kfp", "--host", "http://127.0.0.1:1", "--pipeline", kDaily, "--pipeline-version", "v"});
    CHECK(refused.exit_code == 1);
    CHECK_THAT(refused.err, Contains("failed: Failed to connect"));
}

TEST_CASE("deploy kfp: the token authenticates and never appears in output", "[deploy]") {
    SKIP_WITHOUT_STANDIN();
    DeployStandin s;
    s.control("config", {{"token", kToken}});
    auto anonymous = pipecc_cli(kfp_args(s, kDaily, "v1"));
    CHECK(anonymous.exit_code == 1);
    CHECK_THAT(anonymous.err, Contains("HTTP 401: Unauthenticated"));

    TempDir dir;
    std::ofstream(dir / "token") << kToken << "\n";
    auto with_file = pipecc_cli(kfp_args(s, kDaily, "v1") + std::vector<std::string>{"--token-file", dir / "token", "--run"});
    CHECK(with_file.exit_code == 0);
    auto with_env = pipecc_cli(kfp_args(s, kDaily, "v1") + std::vector<std::string>{"--recurring", "--user-id", "me@x"},
                               {{"KFP_TOKEN", kToken}});
    CHECK(with_env.exit_code == 0);
    for (const auto& r : s.requests()) {
        if (r["status"] == 200) CHECK(r["headers"]["Authorization"] == "Bearer " + kToken);
    }
    CHECK(s.requests().back()["headers"]["kubeflow-userid"] == "me@x");

    // Errors, retries and dry runs print no token.
    s.control("faults", {{"faults", {{{"path", "/experiments"}, {"status", 503}, {"times", 10}}}}});
    auto failing = pipecc_cli(kfp_args(s, kDaily, "v1") + std::vector<std::string>{"--retries", "1"}, {{"KFP_TOKEN", kToken}});
    auto dry = pipecc_cli(kfp_args(s, kDaily, "v1") + std::vector<std::string>{"--dry-run", "--run"}, {{"KFP_TOKEN", kToken}});
    CHECK(failing.exit_code == 1);
    CHECK(dry.exit_code == 0);
    for (const auto* r : {&anonymous, &with_file, &with_env, &failing, &dry}) {
        CHECK_THAT(r->out + r->err, !Contains(kToken));
    }
    CHECK_THAT(dry.err, Contains("Authorization: ***"));
}

TEST_CASE("deploy kfp --dry-run prints every request and sends none", "[deploy]") {
    SKIP_WITHOUT_STANDIN();
    DeployStandin s;
    auto dry = pipecc_cli(kfp_args(s, kDaily, "v1") +
                          std::vector<std::string>{"--dry-run", "--recurring", "--run", "--param", "project=p2"});
    INFO(dry.err);
    CHECK(dry.exit_code == 0);
    CHECK(s.requests().empty());
    for (const char* line : {"GET ", "POST ", "/apis/v2beta1/pipelines/names/daily-prediction",
                             "/apis/v2beta1/pipelines/upload_version?pipelineid=%3Cpipeline_id%3E&name=v1",
                             "uploadfile=@daily_prediction.kfp.yaml", "/apis/v2beta1/recurringruns",
                             "\"cron\": \"0 0 21 * * *\"", "/apis/v2beta1/runs", "\"project\": \"p2\""}) {
        CHECK_THAT(dry.err, Contains(line));
    }
    // Nothing was created, so nothing says it was.
    CHECK_THAT(dry.out, Contains("pipeline daily-prediction: would create (<pipeline_id>)") &&
                            Contains("version v1 of daily-prediction: would upload") &&
                            Contains("recurring run: would create") && Contains("run: would create") &&
                            !Contains("created") && !Contains("uploaded"));
    auto bad_param = pipecc_cli(kfp_args(s, kDaily, "v1") + std::vector<std::string>{"--param", "nope=1"});
    CHECK(bad_param.exit_code == 1);
    CHECK_THAT(bad_param.err, Contains("the pipeline has no parameter 'nope'"));
    CHECK(s.requests().empty());
    auto missing = pipecc_cli(kfp_args(s, "/nonexistent.yaml", "v1"));
    CHECK(missing.exit_code == 2);
}

// `--version` beside `pipecc --version` read as pipecc's own; it is `--pipeline-version` now, and the
// old name still works, with a warning.
TEST_CASE("deploy kfp: --pipeline-version, and --version as its old name", "[deploy]") {
    SKIP_WITHOUT_STANDIN();
    DeployStandin s;
    std::vector<std::string> args{"deploy", "kfp", "--host", s.url(), "--pipeline", kDaily, "--dry-run"};
    auto old_name = pipecc_cli(args + std::vector<std::string>{"--version", "v7"});
    CHECK(old_name.exit_code == 0);
    CHECK_THAT(old_name.err, Contains("warning: `deploy kfp --version` is now `--pipeline-version`"));
    CHECK_THAT(old_name.out, Contains("version v7 of daily-prediction: would upload"));
    auto new_name = pipecc_cli(args + std::vector<std::string>{"--pipeline-version", "v7"});
    CHECK(new_name.exit_code == 0);
    CHECK_THAT(new_name.err, !Contains("warning"));
    auto neither = pipecc_cli(args);
    CHECK(neither.exit_code == 2);
    CHECK_THAT(neither.err, Contains("--pipeline-version is required"));
    auto both = pipecc_cli(args + std::vector<std::string>{"--version", "a", "--pipeline-version", "b"});
    CHECK(both.exit_code == 2);
    auto help = pipecc_cli({"deploy", "kfp", "--help"});
    CHECK_THAT(help.out, Contains("--pipeline-version") && !Contains("--version"));
    CHECK(s.requests().empty());
}

TEST_CASE("deploy vertex: a pipeline job, --wait, and a schedule created then updated", "[deploy]") {
    SKIP_WITHOUT_STANDIN();
    DeployStandin s;
    s.control("config", {{"token", kToken}});
    const Env env{{"GOOGLE_OAUTH_ACCESS_TOKEN", kToken}};
    TempDir dir;
    const std::string daily = daily_without_platform_spec(dir);
    const std::vector<std::string> base{"deploy", "vertex", "--project", "proj", "--region", "asia-northeast1",
                                        "--endpoint", s.url(), "--pipeline", daily, "--pipeline-root", "gs://b/root",
                                        "--poll-interval", "0.05", "--retry-delay", "0.01"};
    auto run = pipecc_cli(base + std::vector<std::string>{"--wait", "--label", "team=ml", "--param", "project=p2"}, env);
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    CHECK_THAT(run.out, Contains("pipeline job: created (projects/proj/locations/asia-northeast1/pipelineJobs/daily-prediction-"));
    CHECK_THAT(run.err, Contains("PIPELINE_STATE_SUCCEEDED"));
    const auto job = writes(s.requests()).at(0);
    CHECK(job["query"]["pipelineJobId"].get<std::string>().rfind("daily-prediction-", 0) == 0);
    CHECK(job["body"]["runtimeConfig"]["gcsOutputDirectory"] == "gs://b/root");
    CHECK(job["body"]["runtimeConfig"]["parameterValues"]["project"] == "p2");
    CHECK(job["body"]["labels"]["team"] == "ml");

    auto created = pipecc_cli(base + std::vector<std::string>{"--schedule"}, env);
    CHECK(created.exit_code == 0);
    CHECK_THAT(created.out, Contains("schedule daily-prediction: created"));
    CHECK_THAT(created.out, Contains("cron \"TZ=Asia/Tokyo 0 6 * * *\""));
    auto updated = pipecc_cli(base + std::vector<std::string>{"--schedule", "--cron", "30 7 * * 1"}, env);
    CHECK(updated.exit_code == 0);
    CHECK_THAT(updated.out, Contains("schedule daily-prediction: updated"));
    const auto w = writes(s.requests());
    REQUIRE(w.size() == 3);  // the job, the schedule, its update: --schedule alone starts no run
    CHECK(w[1]["body"]["createPipelineJobRequest"]["parent"] == "projects/proj/locations/asia-northeast1");
    CHECK(w[1]["body"]["maxConcurrentRunCount"] == "1");
    CHECK(w[2]["method"] == "PATCH");
    CHECK(w[2]["query"]["updateMask"] == "createPipelineJobRequest,cron,maxConcurrentRunCount");
    CHECK(w[2]["body"]["cron"] == "TZ=Asia/Tokyo 30 7 * * 1");

    s.control("config", {{"run_outcome", "FAILED"}});
    auto failed = pipecc_cli(base + std::vector<std::string>{"--wait"}, env);
    CHECK(failed.exit_code == 1);
    CHECK_THAT(failed.err, Contains("ended PIPELINE_STATE_FAILED"));

    auto no_token = pipecc_cli(base, {{"GOOGLE_OAUTH_ACCESS_TOKEN", std::nullopt}, {"PATH", "/nonexistent"}});
    CHECK(no_token.exit_code == 1);
    CHECK_THAT(no_token.err, Contains("GOOGLE_OAUTH_ACCESS_TOKEN"));

    const auto sent = s.requests().size();
    auto dry = pipecc_cli(base + std::vector<std::string>{"--schedule", "--run", "--dry-run"}, env);
    CHECK(dry.exit_code == 0);
    CHECK(s.requests().size() == sent);
    CHECK_THAT(dry.err, Contains("POST " + s.url() + "/v1/projects/proj/locations/asia-northeast1/schedules"));
    CHECK_THAT(dry.err, Contains("/pipelineJobs?pipelineJobId=daily-prediction-"));
    CHECK_THAT(dry.out, Contains("schedule daily-prediction: would create") && Contains("pipeline job: would create") &&
                            !Contains("created"));
    for (const auto* r : {&run, &created, &updated, &failed, &dry}) CHECK_THAT(r->out + r->err, !Contains(kToken));
}

TEST_CASE("deploy kfp: TLS is verified unless --insecure", "[deploy]") {
    SKIP_WITHOUT_STANDIN();
    if (!find_program("openssl")) {
        WARN("SKIPPED: openssl is needed to make a test certificate");
        return;
    }
    TempDir dir;
    const auto made = run_process({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                                   "/CN=127.0.0.1", "-keyout", dir / "key.pem", "-out", dir / "cert.pem"});
    REQUIRE(made.exit_code == 0);
    DeployStandin s(TlsFiles{dir / "cert.pem", dir / "key.pem"});
    auto verified = pipecc_cli(kfp_args(s, kDaily, "v1"));
    CHECK(verified.exit_code == 1);
    CHECK_THAT(verified.err, Contains("certificate"));
    CHECK(s.requests().empty());
    auto insecure = pipecc_cli(kfp_args(s, kDaily, "v1") + std::vector<std::string>{"--insecure"});
    INFO(insecure.err);
    CHECK(insecure.exit_code == 0);
}

TEST_CASE("deploy vertex: the token comes from gcloud when the variable is unset", "[deploy]") {
    SKIP_WITHOUT_STANDIN();
    DeployStandin s;
    s.control("config", {{"token", kToken}});
    TempDir bin;
    std::ofstream(bin / "gcloud") << "#!/bin/sh\n[ \"$*\" = 'auth print-access-token' ] && echo " << kToken << "\n";
    std::filesystem::permissions(bin / "gcloud", std::filesystem::perms::owner_all);
    const char* path = std::getenv("PATH");
    TempDir dir;
    auto r = pipecc_cli({"deploy", "vertex", "--project", "proj", "--region", "us-central1", "--endpoint", s.url(),
                         "--pipeline", daily_without_platform_spec(dir), "--pipeline-root", "gs://b/root"},
                        {{"GOOGLE_OAUTH_ACCESS_TOKEN", std::nullopt},
                         {"PATH", bin.path().string() + ":" + (path ? path : "/usr/bin:/bin")}});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out + r.err, !Contains(kToken));
    CHECK(s.requests().back()["headers"]["Authorization"] == "Bearer " + kToken);
}

// A Vertex PipelineJob carries `pipelineSpec` and `runtimeConfig` and has no field for the
// kfp-kubernetes PlatformSpec (../shared/design/engine-facts.md, "Vertex AI Pipelines"): the
// daily example's node selector and Slack secret would be dropped without a word, so the deploy
// stops before any request and points at `--engine vertex`, which names each setting.
TEST_CASE("deploy vertex: an IR with a PlatformSpec is refused before any request", "[deploy]") {
    SKIP_WITHOUT_STANDIN();
    DeployStandin s;
    const Env env{{"GOOGLE_OAUTH_ACCESS_TOKEN", kToken}};
    const std::vector<std::string> base{"deploy", "vertex", "--project", "proj", "--region", "asia-northeast1",
                                        "--endpoint", s.url(), "--pipeline-root", "gs://b/root", "--pipeline"};
    for (const auto& extra : {std::vector<std::string>{}, {"--schedule", "--run"}, {"--dry-run"}}) {
        auto r = pipecc_cli(base + std::vector<std::string>{kDaily} + extra, env);
        CHECK(r.exit_code == 1);
        CHECK_THAT(r.err, Contains(kDaily + " has a kfp-kubernetes PlatformSpec (nodeSelector, secretAsEnv)") &&
                              Contains("a PipelineJob has no field for it") && Contains("silently dropped") &&
                              Contains("--engine vertex"));
        CHECK_THAT(r.err, !Contains("POST "));  // not even printed by --dry-run
    }
    CHECK(s.requests().empty());

    TempDir dir;
    auto plain = pipecc_cli(base + std::vector<std::string>{daily_without_platform_spec(dir)}, env);
    INFO(plain.err);
    CHECK(plain.exit_code == 0);
    CHECK(writes(s.requests()).size() == 1);

    auto wrong = pipecc_cli(base + std::vector<std::string>{kDaily, "--engine", "kfp@2.17"}, env);
    CHECK(wrong.exit_code == 2);
    CHECK_THAT(wrong.err, Contains("pipecc deploy vertex does not deploy to kfp@2.17; it takes vertex"));
}

}  // namespace deploy_standin_test
