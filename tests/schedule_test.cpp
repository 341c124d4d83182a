// Schedules: the cron and time-zone checks, with their wording and place, and what a schedule
// becomes. Argo: a CronWorkflow with a fixed metadata.name, `schedule` (before 3.6) or
// `schedules` (3.6 on, required by 4.x), and `timezone`. KFP IR has no schedule field: the YAML
// header carries it for `pipecc deploy`.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "pipecc/graph/time_format.hpp"
#include "test_support.hpp"

namespace schedule_test {

using namespace pipecc;
using Catch::Contains;
using Catch::StartsWith;
using test::error_of;

namespace {

Pipeline scheduled(const std::string& cron, const std::string& zone = "UTC") {
    Pipeline p("nightly");
    p.schedule(cron, zone);
    p.add(test::component("train"), "train");
    return p;
}

std::optional<Error> compile_error(const Pipeline& p, CompileOptions options) {
    return error_of([&] { (void)compile(p, options); });
}

YAML::Node argo_doc(const Pipeline& p, Engine engine = Engine::argo()) {
    return YAML::Load(compile(p, {.engine = engine}));
}

}  // namespace

// --- cron --------------------------------------------------------------------------------------------

TEST_CASE("schedule: a cron string without five fields is rejected", "[schedule][errors]") {
    struct Bad {
        const char* cron;
        int fields;
    };
    for (const auto& c : std::vector<Bad>{{"0 6 * *", 4},
                                          {"0 0 6 * * *", 6},
                                          {"", 0},
                                          {"   ", 0},
                                          {"@daily", 1},
                                          {"0\t6 * *", 4},
                                          {"0 6 * * * 2024", 6}}) {
        DYNAMIC_SECTION("'" << c.cron << "'") {
            auto e = test::check_error(scheduled(c.cron));
            REQUIRE(e);
            CHECK(e->where().pipeline == "nightly");
            CHECK(e->where().task.empty());
            CHECK(e->message() == "cron schedule '" + std::string(c.cron) + "' has " + std::to_string(c.fields) +
                                      " fields; pipecc takes the 5-field form 'minute hour day-of-month month "
                                      "day-of-week', e.g. '0 6 * * *'");
            CHECK_THAT(e->what(), StartsWith("pipeline 'nightly': cron schedule"));
        }
    }
}

TEST_CASE("schedule: a cron field out of range or malformed is rejected, naming the field", "[schedule][errors]") {
    struct Bad {
        const char* cron;
        const char* detail;  // after "schedule '<cron>': "
    };
    const std::vector<Bad> cases = {
        {"60 * * * *", "cron minute field '60': values must lie from 0 to 59"},
        {"0 24 * * *", "cron hour field '24': values must lie from 0 to 23"},
        {"0 6 0 * *", "cron day-of-month field '0': values must lie from 1 to 31"},
        {"0 6 32 * *", "cron day-of-month field '32': values must lie from 1 to 31"},
        {"0 6 * 13 *", "cron month field '13': values must lie from 1 to 12"},
        {"0 6 * 0 *", "cron month field '0': values must lie from 1 to 12"},
        {"0 6 * * 8", "cron day-of-week field '8': values must lie from 0 to 6 (Argo's and KFP's cron parser has no 7: write 0 for Sunday)"},
        // robfig/cron spec.go, `dow = bounds{0, 6, …}` at v1.2.0 (KFP's go.mod) and v3.0.1 (Argo v4.1.2's go.mod).
        {"0 6 * * 7", "cron day-of-week field '7': values must lie from 0 to 6 (Argo's and KFP's cron parser has no 7: write 0 for Sunday)"},
        {"0 6 * * 0-7", "cron day-of-week field '0-7': values must lie from 0 to 6 (Argo's and KFP's cron parser has no 7: write 0 for Sunday)"},
        {"*/0 * * * *", "cron minute field '*/0': the step must be a number from 1 to 59"},
        {"*/60 * * * *", "cron minute field '*/60': the step must be a number from 1 to 59"},
        {"0 */x * * *", "cron hour field '*/x': the step must be a number from 1 to 23"},
        {"0 6 * * MON-SUN", "cron day-of-week field 'MON-SUN': the range 'MON-SUN' is reversed"},
        {"0 6 * DEC-JAN *", "cron month field 'DEC-JAN': the range 'DEC-JAN' is reversed"},
        {"30-10 * * * *", "cron minute field '30-10': the range '30-10' is reversed"},
        {"0 6 * * 5-70", "cron day-of-week field '5-70': values must lie from 0 to 6 (Argo's and KFP's cron parser has no 7: write 0 for Sunday)"},
        {"a b c d e", "cron minute field 'a': 'a' is not a value or range"},
        {"0 6 * * MONDAY", "cron day-of-week field 'MONDAY': 'MONDAY' is not a value or range"},
        {"0 6 * JAN *x", "cron day-of-week field '*x': '*x' is not a value or range"},
        {"1,,2 * * * *", "cron minute field '1,,2': '' is not a value or range"},
        {"0 6 * * 1-", "cron day-of-week field '1-': '1-' is not a value or range"},
        {"0 6 L * *", "cron day-of-month field 'L': 'L' is not a value or range"},
        {"0 6 * * 1#2", "cron day-of-week field '1#2': '1#2' is not a value or range"},
        {"0 6 ? * *", "cron day-of-month field '?': '?' is not a value or range"},
        {"-1 6 * * *", "cron minute field '-1': '-1' is not a value or range"},
        {"0 6 * MON *", "cron month field 'MON': 'MON' is not a value or range"},
    };
    for (const auto& c : cases) {
        DYNAMIC_SECTION("'" << c.cron << "'") {
            auto e = test::check_error(scheduled(c.cron));
            REQUIRE(e);
            CHECK(e->where().pipeline == "nightly");
            CHECK(e->where().task.empty());
            CHECK(e->message() == "schedule '" + std::string(c.cron) + "': " + c.detail);
            // The same check guards both targets.
            CHECK(compile_error(scheduled(c.cron), {.engine = Engine::argo()}));
            CHECK(compile_error(scheduled(c.cron), {.engine = Engine::kfp()}));
        }
    }
}


TEST_CASE("schedule: valid cron strings are accepted", "[schedule]") {
    for (const char* cron : {"0 6 * * *", "*/15 0-23/2 1,15 JAN-DEC MON-FRI", "0 6 * * 0", "0 6 * * 0-6", "5 4 * * sun",
                             "59 23 31 12 6", "0 0 1 jan *", "5/15 * * * *", "0-59 0-23 1-31 1-12 0-6",
                             "  0   6  *  *  *  ", "0\t6 * *\t*"}) {
        DYNAMIC_SECTION("'" << cron << "'") {
            CHECK_FALSE(graph::check_cron(cron));
            CHECK_FALSE(test::check_error(scheduled(cron)));
        }
    }
}

TEST_CASE("schedule: fields split on any whitespace are written with single spaces", "[schedule]") {
    // Argo's and KFP's cron parsers split on any whitespace; the outputs use one form.
    const Pipeline p = scheduled(" 0\t6  * *\t* ");
    CHECK(test::argo_wf(p)["spec"]["schedules"][0].as<std::string>() == "0 6 * * *");
    CHECK_THAT(compile(p, {.engine = Engine::kfp()}), Contains("# Schedule: 0 6 * * *\n"));
    CHECK(graph::normalize_cron("0\t6 * * *") == "0 6 * * *");
}

// --- time zone ---------------------------------------------------------------------------------------

TEST_CASE("schedule: an unknown time zone is rejected", "[schedule][errors][zones]") {
    for (const char* zone : {"Asia/Tokio", "JST-9", "Mars/Olympus_Mons", "tokyo"}) {
        DYNAMIC_SECTION(zone) {
            auto e = test::check_error(scheduled("0 6 * * *", zone));
            REQUIRE(e);
            CHECK(e->where().pipeline == "nightly");
            CHECK(e->where().task.empty());
            CHECK_THAT(e->message(), StartsWith(std::string("schedule: unknown time zone '") + zone +
                                                "' (not in the tz database at "));
            CHECK(compile_error(scheduled("0 6 * * *", zone), {.engine = Engine::argo()}));
        }
    }
    auto e = test::check_error(scheduled("0 6 * * *", "Asia/Tokyo; rm -rf /"));
    REQUIRE(e);
    CHECK(e->message() == "schedule: 'Asia/Tokyo; rm -rf /' is not an IANA time zone name");
}

// --- Argo --------------------------------------------------------------------------------------------

// Argo added `schedules` (a list) in 3.6 and dropped the single `schedule` in 4.0, whose
// validation needs at least one schedule (argo-workflows v4.1.2
// pkg/apis/workflow/v1alpha1/cron_workflow_types.go, workflow/validate/validate.go
// ValidateCronWorkflow): every supported Argo gets the list.
TEST_CASE("schedule on Argo: a CronWorkflow with the schedules list on every supported Argo", "[schedule][argo]") {
    const Pipeline p = scheduled("0 6 * * *", "Asia/Tokyo");
    for (const Engine engine : {Engine::argo(3, 6), Engine::argo(3, 7), Engine::argo(4, 0), Engine::argo(4, 1)}) {
        DYNAMIC_SECTION(engine.name()) {
            const YAML::Node doc = argo_doc(p, engine);
            CHECK(doc["apiVersion"].as<std::string>() == "argoproj.io/v1alpha1");
            CHECK(doc["kind"].as<std::string>() == "CronWorkflow");
            CHECK(doc["metadata"]["name"].as<std::string>() == "nightly");
            CHECK_FALSE(doc["metadata"]["generateName"]);
            const YAML::Node spec = doc["spec"];
            CHECK(test::strings_of(spec["schedules"]) == std::vector<std::string>{"0 6 * * *"});
            CHECK(spec["timezone"].as<std::string>() == "Asia/Tokyo");
            CHECK(test::keys_of(spec) == std::vector<std::string>{"schedules", "timezone", "workflowSpec"});
            CHECK(spec["workflowSpec"]["entrypoint"].as<std::string>() == "nightly");
            CHECK(test::by_name(spec["workflowSpec"]["templates"], "nightly")["dag"]);
        }
    }
}

// KFP 1.8 uploads only `kind: Workflow` ("Unexpected resource type", kubeflow/pipelines 1.8.22
// backend/src/common/util/template_util.go ValidateWorkflow); schedules are its recurring runs.
TEST_CASE("schedule on kfp@1.8: a plain Workflow carrying the schedule for deploy", "[schedule][argo]") {
    const YAML::Node doc = argo_doc(scheduled("0 6 * * *", "Asia/Tokyo"), Engine::kfp_v1());
    CHECK(doc["kind"].as<std::string>() == "Workflow");
    CHECK(doc["metadata"]["generateName"].as<std::string>() == "nightly-");
    CHECK_FALSE(doc["metadata"]["name"]);
    CHECK(doc["metadata"]["annotations"]["pipecc.dev/schedule"].as<std::string>() == "0 6 * * *");
    CHECK(doc["metadata"]["annotations"]["pipecc.dev/time-zone"].as<std::string>() == "Asia/Tokyo");
    CHECK_FALSE(doc["spec"]["schedules"]);
    CHECK_FALSE(doc["spec"]["workflowSpec"]);
    CHECK(doc["spec"]["entrypoint"].as<std::string>() == "nightly");
}

TEST_CASE("schedule on Argo: UTC spellings become timezone UTC; no schedule, a plain Workflow", "[schedule][argo]") {
    for (const char* zone : {"UTC", "Etc/UTC", ""}) {
        DYNAMIC_SECTION("'" << zone << "'") {
            CHECK(argo_doc(scheduled("0 6 * * *", zone))["spec"]["timezone"].as<std::string>() == "UTC");
        }
    }
    Pipeline manual("manual");
    manual.add(test::component("train"), "train");
    const YAML::Node doc = argo_doc(manual);
    CHECK(doc["kind"].as<std::string>() == "Workflow");
    CHECK(doc["metadata"]["generateName"].as<std::string>() == "manual-");
    CHECK_FALSE(doc["metadata"]["name"]);
}

TEST_CASE("schedule on Argo: hooks and scheduled times live in the workflowSpec", "[schedule][argo][hooks]") {
    Pipeline p = scheduled("0 6 * * *", "Asia/Tokyo");
    p.add(test::component("report").input<String>("x").input<Timestamp>("at"), "report")
        .arg("x", concat("for ", run::scheduled_at().in_zone("Asia/Tokyo").format("%Y%m%d")))
        .arg("at", run::scheduled_at());
    p.on_exit(test::component("notify").input<String>("x"), "notify").arg("x", run::status());
    const YAML::Node spec = argo_doc(p)["spec"]["workflowSpec"];
    CHECK(spec["onExit"].as<std::string>() == "nightly-exit");
    const YAML::Node report = test::by_name(test::by_name(spec["templates"], "nightly")["dag"]["tasks"], "report");
    CHECK(test::by_name(report["arguments"]["parameters"], "x")["value"].as<std::string>() ==
          "for {{=sprig.dateInZone('20060102', sprig.toDate('2006-01-02T15:04:05Z07:00', workflow.scheduledTime), "
          "'Asia/Tokyo')}}");
    CHECK(test::by_name(report["arguments"]["parameters"], "at")["value"].as<std::string>() == "{{workflow.scheduledTime}}");
}

// --- KFP ---------------------------------------------------------------------------------------------

TEST_CASE("schedule on KFP: the YAML header carries the cron and the zone", "[schedule][kfp]") {
    const std::string yaml = compile(scheduled("*/15 0-23/2 1,15 JAN-DEC MON-FRI", "Asia/Tokyo"), {.engine = Engine::kfp()});
    CHECK_THAT(yaml, StartsWith("# PIPELINE DEFINITION\n# Name: nightly\n# Schedule: */15 0-23/2 1,15 JAN-DEC MON-FRI\n"
                                "# Time zone: Asia/Tokyo\n"));
    // Still one PipelineSpec document, with no schedule field (the IR has none).
    const auto docs = YAML::LoadAll(yaml);
    REQUIRE(docs.size() == 1);
    CHECK_FALSE(docs[0]["schedule"]);
    CHECK(docs[0]["pipelineInfo"]["name"].as<std::string>() == "nightly");

    Pipeline manual("manual");
    manual.add(test::component("train"), "train");
    const std::string plain = compile(manual, {.engine = Engine::kfp()});
    CHECK_THAT(plain, !Contains("# Schedule:") && !Contains("# Time zone:"));

    // The zone defaults to UTC.
    Pipeline utc("nightly");
    utc.schedule("0 6 * * *");
    utc.add(test::component("train"), "train");
    CHECK_THAT(compile(utc, {.engine = Engine::kfp()}), Contains("# Schedule: 0 6 * * *\n# Time zone: UTC\n"));
}

TEST_CASE("schedule on KFP: the header comes before the inputs", "[schedule][kfp]") {
    Pipeline p = scheduled("0 6 * * *", "Asia/Tokyo");
    p.param<String>("root", "gs://bucket");
    const std::string yaml = compile(p, {.engine = Engine::kfp()});
    CHECK_THAT(yaml, StartsWith("# PIPELINE DEFINITION\n# Name: nightly\n# Schedule: 0 6 * * *\n# Time zone: Asia/Tokyo\n"
                                "# Inputs:\n#    root: String [Default: \"gs://bucket\"]\n"));
}

// JSON has no comments, so the schedule has nowhere to go: like Kubernetes settings, which JSON
// cannot hold either, it is refused rather than dropped without a word.
TEST_CASE("schedule on KFP: JSON output refuses a schedule it cannot hold", "[schedule][kfp][errors]") {
    const Pipeline p = scheduled("0 6 * * *", "Asia/Tokyo");
    auto e = compile_error(p, {.engine = Engine::kfp(), .format = Format::Json});
    REQUIRE(e);
    CHECK(e->where().pipeline == "nightly");
    CHECK_THAT(e->message(), StartsWith("the schedule is recorded in the YAML IR's header") && Contains("--format yaml"));
    // Argo's CronWorkflow holds it in JSON too.
    CHECK_THAT(compile(p, {.engine = Engine::argo(), .format = Format::Json}), Contains("\"0 6 * * *\""));
}

}  // namespace schedule_test
