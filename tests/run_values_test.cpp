// Run-time values (pipecc::run): every compile error they can raise, with its type, place
// (pipeline, task, input) and wording, and how each value is written on each target when it is
// accepted. The formatting itself is run in resolver_exec_test.cpp and argo_expr_eval_test.cpp.
#include <cstdlib>
#include <optional>
#include <string>

#include <catch2/catch.hpp>

#include "pipecc/graph/time_format.hpp"
#include "test_support.hpp"
#include "tools/subprocess.hpp"

namespace run_values_test {

using namespace pipecc;
using Catch::Contains;
using Catch::StartsWith;
using test::error_of;

namespace {

Component consumer() { return test::component("consumer").input<String>("x"); }

// A pipeline whose task `consumer` gets `value` as input `x`.
Pipeline with_arg(const Value<String>& value) {
    Pipeline p("runvals");
    p.add(consumer(), "consumer").arg("x", value);
    return p;
}

std::optional<Error> compile_error(const Pipeline& p, CompileOptions options) {
    return error_of([&] { (void)compile(p, options); });
}

// The error for `p` on both targets, which must be the same (a check, not a backend, raises it).
std::optional<Error> error_on_both(const Pipeline& p) {
    auto kfp = compile_error(p, {.engine = Engine::kfp()});
    auto argo = compile_error(p, {.engine = Engine::argo()});
    REQUIRE(kfp.has_value() == argo.has_value());
    if (kfp) CHECK(std::string(kfp->what()) == argo->what());
    return kfp;
}

void check_place(const Error& e, const std::string& task, const std::string& input) {
    CHECK(e.where().pipeline == "runvals");
    CHECK(e.where().task == task);
    CHECK(e.where().input == input);
    CHECK_THAT(e.what(), StartsWith("pipeline 'runvals', task '" + task + "'" + (input.empty() ? "" : ", input '" + input + "'")));
}

using test::argo_arg_value;

// Sets an environment variable for the scope, then puts the old value back.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const std::string& value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        setenv(name, value.c_str(), 1);
    }
    ~ScopedEnv() { old_ ? (void)setenv(name_, old_->c_str(), 1) : (void)unsetenv(name_); }

private:
    const char* name_;
    std::optional<std::string> old_;
};

}  // namespace

// --- values known only at the end ------------------------------------------------------------------

TEST_CASE("run values: status() and failures() outside a hook are rejected where they are used", "[run][errors]") {
    for (bool in_string : {false, true}) {
        DYNAMIC_SECTION((in_string ? "inside a concat" : "as the whole value")) {
            auto e = error_on_both(with_arg(in_string ? concat("s=", run::status()) : run::status()));
            REQUIRE(e);
            check_place(*e, "consumer", "x");
            CHECK(e->message() ==
                  "run::status() is only known once the run ends: read it in a task added with on_exit, on_success "
                  "or on_failure");

            e = error_on_both(with_arg(in_string ? concat("f=", run::failures()) : run::failures()));
            REQUIRE(e);
            check_place(*e, "consumer", "x");
            CHECK(e->message() ==
                  "run::failures() is only known once the run ends: read it in a task added with on_exit, on_success "
                  "or on_failure");
        }
    }
}

// What run::failures() lowers to on Argo with expression templates (argo_expr_eval_test.cpp
// evaluates it as the controller does).
constexpr const char* kFailuresList = "{{=workflow.failures == '\"null\"' ? '[]' : sprig.fromJson(workflow.failures)}}";

TEST_CASE("run values: failures() in a hook exists only on Argo", "[run][errors][hooks]") {
    Pipeline p("runvals");
    p.add(test::component("body"), "body");
    p.on_failure(consumer(), "report").arg("x", run::failures());
    auto e = compile_error(p, {.engine = Engine::kfp()});
    REQUIRE(e);
    CHECK(e->where().pipeline == "runvals");
    CHECK(e->where().task == "report");
    CHECK(e->message() == "run::failures() exists only on Argo; on KFP read run::status()");
    CHECK(argo_arg_value(p, Engine::argo(), "report") == kFailuresList);
    // KFP 1.8's Argo has no expression templates: there the value is Argo's quoted form.
    CHECK(argo_arg_value(p, Engine::kfp_v1(), "report") == "{{workflow.failures}}");
}

// Inside a longer string too: not wording about strings, which would suggest it works as a whole
// value on KFP, which it never does.
TEST_CASE("run values: failures() inside a string in a KFP hook says it exists only on Argo", "[run][errors][hooks]") {
    Pipeline p("runvals");
    p.add(test::component("body"), "body");
    p.on_failure(consumer(), "report").arg("x", concat("failed: ", run::failures()));
    auto e = compile_error(p, {.engine = Engine::kfp()});
    REQUIRE(e);
    CHECK(e->where().task == "report");
    CHECK(e->message() == "run::failures() exists only on Argo; on KFP read run::status()");
    CHECK(argo_arg_value(p, Engine::argo(), "report") == "failed: " + std::string(kFailuresList));
}

// --- scheduled_at ------------------------------------------------------------------------------------

TEST_CASE("run values: scheduled_at() on Argo needs a schedule", "[run][errors][schedule]") {
    const std::string wording =
        "run::scheduled_at() on the Argo target needs a schedule, which Argo resolves only for CronWorkflows; use "
        "run::created_at() for pipelines started by hand";
    const auto t = run::scheduled_at();
    for (const auto& [label, value] : std::vector<std::pair<std::string, Value<String>>>{
             {"formatted in a zone", t.in_zone("Asia/Tokyo").format("%Y%m%d")},
             {"formatted in UTC", t.format("%Y%m%d")},
             {"inside a concat", concat("at ", t.format("%H"))},
         }) {
        DYNAMIC_SECTION(label) {
            const Pipeline p = with_arg(value);
            CHECK_FALSE(test::check_error(p));
            auto e = compile_error(p, {.engine = Engine::argo()});
            REQUIRE(e);
            check_place(*e, "consumer", "x");
            CHECK(e->message() == wording);
            // KFP resolves it for runs started by hand too (as their creation time).
            CHECK_FALSE(compile_error(p, {.engine = Engine::kfp()}));
        }
    }
    SECTION("as the whole value") {
        Pipeline p("runvals");
        p.add(test::component("consumer").input<Timestamp>("x"), "consumer").arg("x", run::scheduled_at());
        auto e = compile_error(p, {.engine = Engine::argo()});
        REQUIRE(e);
        check_place(*e, "consumer", "x");
        CHECK(e->message() == wording);
    }
    SECTION("with a schedule it is accepted") {
        Pipeline p = with_arg(t.in_zone("Asia/Tokyo").format("%Y%m%d"));
        p.schedule("0 6 * * *", "Asia/Tokyo");
        CHECK_FALSE(compile_error(p, {.engine = Engine::argo()}));
    }
    SECTION("on kfp@1.8 it is refused: KFP 1.8 starts scheduled runs as plain Workflows") {
        // kubeflow/pipelines 1.8.22 backend/src/crd/controller/scheduledworkflow/client/workflow_client.go
        // creates a Workflow from the job's spec; only a CronWorkflow's runs get workflow.scheduledTime.
        Pipeline p = with_arg(t.in_zone("Asia/Tokyo").format("%Y%m%d"));
        p.schedule("0 6 * * *", "Asia/Tokyo");
        auto e = compile_error(p, {.engine = Engine::kfp_v1()});
        REQUIRE(e);
        CHECK(e->where().task == "consumer");
        CHECK_THAT(e->message(), StartsWith("kfp@1.8 starts a recurring run's workflows as plain Workflows"));
    }
}

// On Argo 3.1 the resolver step carries scheduled_at: the error must still name the user's task
// and input, not the inserted step's.
TEST_CASE("run values: scheduled_at() on Argo 3.1 without a schedule names the user's task",
          "[run][errors][schedule]") {
    auto e = compile_error(with_arg(run::scheduled_at().in_zone("Asia/Tokyo").format("%Y%m%d")),
                           {.engine = Engine::kfp_v1()});
    REQUIRE(e);
    CHECK_THAT(e->message(), StartsWith("run::scheduled_at() on the Argo target needs a schedule"));
    CHECK(e->where().task == "consumer");
    CHECK(e->where().input == "x");
}

// --- time zones --------------------------------------------------------------------------------------

TEST_CASE("run values: an unknown time zone in in_zone is rejected", "[run][errors][zones]") {
    auto e = error_on_both(with_arg(run::created_at().in_zone("Asia/Tokio").format("%Y%m%d")));
    REQUIRE(e);
    check_place(*e, "consumer", "x");
    CHECK_THAT(e->message(), StartsWith("unknown time zone 'Asia/Tokio' (not in the tz database at "));

    // As text without a format, and for scheduled times.
    e = error_on_both(with_arg(concat("t=", run::created_at().in_zone("Europe/Londn").format("%H"))));
    REQUIRE(e);
    CHECK_THAT(e->message(), StartsWith("unknown time zone 'Europe/Londn'"));
    Pipeline sched = with_arg(run::scheduled_at().in_zone("America/NewYork").format("%H"));
    sched.schedule("0 6 * * *");
    e = test::check_error(sched);
    REQUIRE(e);
    CHECK_THAT(e->message(), StartsWith("unknown time zone 'America/NewYork'"));

    for (const char* zone : {"America", "Asia/", "asia/tokyo"}) {
        DYNAMIC_SECTION("not a zone file: " << zone) {
            auto z = error_on_both(with_arg(run::created_at().in_zone(zone).format("%H")));
            REQUIRE(z);
            CHECK_THAT(z->message(), StartsWith(std::string("unknown time zone '") + zone + "'"));
        }
    }
    for (const char* zone : {"../../etc/passwd", "/usr/share/zoneinfo/Asia/Tokyo", "Asia/Tokyo'; date", "Asia/To kyo"}) {
        DYNAMIC_SECTION("not shaped like a zone: " << zone) {
            auto z = error_on_both(with_arg(run::created_at().in_zone(zone).format("%H")));
            REQUIRE(z);
            CHECK(z->message() == std::string("'") + zone + "' is not an IANA time zone name");
        }
    }
    for (const char* zone : {"Asia/Tokyo", "UTC", "Etc/UTC", "America/Argentina/Buenos_Aires"}) {
        DYNAMIC_SECTION("accepted: " << zone) {
            CHECK_FALSE(error_on_both(with_arg(run::created_at().in_zone(zone).format("%H"))));
        }
    }
}

TEST_CASE("run values: zones are checked against $TZDIR", "[run][errors][zones]") {
    const Pipeline p = with_arg(run::created_at().in_zone("Asia/Tokyo").format("%H"));
    {
        test::TempDir empty("pipecc-tzdir");
        ScopedEnv tzdir("TZDIR", empty.path().string());
        auto e = test::check_error(p);
        REQUIRE(e);
        CHECK(e->message() ==
              "unknown time zone 'Asia/Tokyo' (not in the tz database at " + empty.path().string() + ")");
        // UTC needs no database.
        CHECK_FALSE(test::check_error(with_arg(run::created_at().in_zone("UTC").format("%H"))));
    }
    {
        ScopedEnv tzdir("TZDIR", "/nonexistent/zoneinfo");
        auto e = test::check_error(p);
        REQUIRE(e);
        CHECK(e->message() ==
              "cannot check time zone 'Asia/Tokyo': no tz database at /nonexistent/zoneinfo (install tzdata or set TZDIR)");
    }
    CHECK_FALSE(test::check_error(p));
}

// --- formats -----------------------------------------------------------------------------------------

TEST_CASE("run values: a strftime directive that no lowering supports is rejected", "[run][errors][formats]") {
    const std::string supported = "supported: %Y %y %m %d %H %I %M %S %p %a %A %b %B %Z %z and %%";
    for (const char* d : {"j", "s", "e", "c", "D", "F", "T", "u", "V", "G", "k", "l", "N", "P", "E", "O", "+", "-"}) {
        const std::string format = std::string("%Y-%") + d;
        DYNAMIC_SECTION(format) {
            auto e = error_on_both(with_arg(run::created_at().in_zone("Asia/Tokyo").format(format)));
            REQUIRE(e);
            check_place(*e, "consumer", "x");
            CHECK(e->message() == std::string("strftime directive %") + d + " has no lowering on every engine; " +
                                      supported + " (in \"" + format + "\")");
            // Plain UTC formats are checked the same way.
            auto u = error_on_both(with_arg(concat("t=", run::created_at().format(format))));
            REQUIRE(u);
            CHECK_THAT(u->message(), StartsWith(std::string("strftime directive %") + d + " has no lowering"));
        }
    }
}

TEST_CASE("run values: malformed formats are rejected", "[run][errors][formats]") {
    struct Bad {
        std::string format;
        std::string message;
    };
    const std::vector<Bad> cases = {
        {"%Y%m%", "the time format ends with a lone '%'"},
        {"%", "the time format ends with a lone '%'"},
        {"100%", "the time format ends with a lone '%'"},
        {"{{workflow.name}} %Y", "the time format contains '{{' or '}}', which engines read as placeholders"},
        {"%Y {{", "the time format contains '{{' or '}}', which engines read as placeholders"},
        {"%Y}}", "the time format contains '{{' or '}}', which engines read as placeholders"},
        {"{{=sprig.date('2006')}}", "the time format contains '{{' or '}}', which engines read as placeholders"},
        {"%Y\n%m", "the time format contains a control character"},
        {"%Y\t%m", "the time format contains a control character"},
    };
    for (const auto& c : cases) {
        DYNAMIC_SECTION("\"" << c.format << "\"") {
            for (const char* zone : {"Asia/Tokyo", ""}) {
                auto t = run::created_at();
                auto e = error_on_both(with_arg(concat("<", (*zone ? t.in_zone(zone) : t).format(c.format), ">")));
                REQUIRE(e);
                check_place(*e, "consumer", "x");
                CHECK(e->message() == c.message + " (in \"" + c.format + "\")");
            }
        }
    }
    // "%%" is a literal percent sign, and single braces are plain text.
    CHECK_FALSE(error_on_both(with_arg(run::created_at().format("100%% {x} %Y"))));
}

// An empty format is also the DSL's marker for "no format" (ISO text), so format("") must be
// refused where it is written rather than compile to an ISO timestamp.
TEST_CASE("run values: an empty format is rejected", "[run][errors][formats]") {
    for (const char* zone : {"Asia/Tokyo", ""}) {
        DYNAMIC_SECTION("zone '" << zone << "'") {
            auto e = error_of([&] {
                auto t = run::created_at();
                (void)(*zone ? t.in_zone(zone) : t).format("");
            });
            REQUIRE(e);
            CHECK(e->message() == "format() needs a strftime format such as \"%Y%m%d\"");
        }
    }
    auto e = error_of([] { (void)run::scheduled_at().format(""); });
    REQUIRE(e);
}

TEST_CASE("run values: every directive pipecc documents is accepted, alone and all together", "[run][formats]") {
    CHECK(graph::kTimeDirectives == "YymdHIMSpaAbBZz");
    std::string all;
    for (char d : graph::kTimeDirectives) {
        const std::string format = std::string("%") + d;
        all += format + " ";
        CHECK_FALSE(error_on_both(with_arg(run::created_at().in_zone("Asia/Tokyo").format(format))));
    }
    CHECK_FALSE(error_on_both(with_arg(run::created_at().in_zone("Asia/Tokyo").format(all + "%%"))));
}

// --- literals ----------------------------------------------------------------------------------------

TEST_CASE("run values: a literal with '{{' in a task argument is rejected", "[run][errors]") {
    for (const auto& [label, value] : std::vector<std::pair<std::string, Value<String>>>{
             {"whole", Value<String>("{{workflow.creationTimestamp.Y}}")},
             {"in a concat", concat("gs://bucket/", "{{$.pipeline_job_create_time_utc}}")},
             {"Argo expression", Value<String>("{{=sprig.date('20060102', sprig.now())}}")},
         }) {
        DYNAMIC_SECTION(label) {
            auto e = error_on_both(with_arg(value));
            REQUIRE(e);
            check_place(*e, "consumer", "x");
            CHECK_THAT(e->message(), StartsWith("literal text contains '{{', which engines read as a placeholder: \""));
            CHECK_THAT(e->message(), Contains("Use typed values (pipeline parameters, task outputs, run:: values) instead"));
        }
    }
    SECTION("through the string-literal overload of Task::arg") {
        Pipeline p("runvals");
        p.add(consumer(), "consumer").arg("x", "today is {{workflow.creationTimestamp.d}}");
        auto e = test::check_error(p);
        REQUIRE(e);
        check_place(*e, "consumer", "x");
    }
}

// --- how accepted values are written ----------------------------------------------------------------

TEST_CASE("run values: whole values are engine placeholders, with no resolver step", "[run]") {
    struct Whole {
        Value<String> value;
        const char* kfp;
        const char* argo;
    };
    const std::vector<Whole> cases = {
        {run::name(), "{{$.pipeline_job_name}}", "{{workflow.name}}"},
        {run::id(), "{{$.pipeline_job_uuid}}", "{{workflow.uid}}"},
        {run::task_name(), "{{$.pipeline_task_name}}", "consumer"},
    };
    for (const auto& c : cases) {
        const Pipeline p = with_arg(c.value);
        const YAML::Node spec = test::kfp_spec(p);
        CHECK(spec["root"]["dag"]["tasks"]["consumer"]["inputs"]["parameters"]["x"]["runtimeValue"]["constant"]
                  .as<std::string>() == c.kfp);
        CHECK(spec["root"]["dag"]["tasks"].size() == 1);
        CHECK(argo_arg_value(p) == c.argo);
    }
    Pipeline created("runvals");
    created.add(test::component("consumer").input<Timestamp>("x"), "consumer").arg("x", run::created_at());
    CHECK(test::kfp_spec(created)["root"]["dag"]["tasks"]["consumer"]["inputs"]["parameters"]["x"]["runtimeValue"]["constant"]
              .as<std::string>() == "{{$.pipeline_job_create_time_utc}}");
    CHECK(argo_arg_value(created) == "{{workflow.creationTimestamp.RFC3339}}");
}

TEST_CASE("run values: formatted times on Argo are expressions from 3.2.4; before, sub-keys in UTC and a resolver",
          "[run][argo]") {
    const auto t = run::created_at();
    CHECK(argo_arg_value(with_arg(t.format("%Y%m%d"))) ==
          "{{=sprig.dateInZone('20060102', sprig.int64(workflow.creationTimestamp.s), 'UTC')}}");
    CHECK(argo_arg_value(with_arg(t.format("%Y%m%d")), Engine::kfp_v1()) ==
          "{{workflow.creationTimestamp.Y}}{{workflow.creationTimestamp.m}}{{workflow.creationTimestamp.d}}");
    CHECK(argo_arg_value(with_arg(t.in_zone("Asia/Tokyo").format("%Y%m%d"))) ==
          "{{=sprig.dateInZone('20060102', sprig.int64(workflow.creationTimestamp.s), 'Asia/Tokyo')}}");
    // Literal text leaves the Go layout as an expr string, with quotes and backslashes escaped.
    CHECK(argo_arg_value(with_arg(t.in_zone("Asia/Tokyo").format("it's %Y \\ v2"))) ==
          "{{='it\\'s ' + sprig.dateInZone('2006', sprig.int64(workflow.creationTimestamp.s), 'Asia/Tokyo') + ' \\\\ "
          "v2'}}");
    // Expressions arrived in Argo 3.2.4: the version boundary chooses the lowering.
    const Pipeline zoned = with_arg(t.in_zone("Asia/Tokyo").format("%H"));
    CHECK_THAT(argo_arg_value(zoned, Engine::argo(3, 6)), StartsWith("{{=sprig.dateInZone("));
    CHECK(argo_arg_value(zoned, Engine::kfp_v1()) == "{{tasks.resolve-run-values.outputs.parameters.value-0}}");
    // UTC creation times need no expression even on old Argo.
    CHECK(argo_arg_value(with_arg(t.format("%H")), Engine::kfp_v1()) == "{{workflow.creationTimestamp.H}}");
}

}  // namespace run_values_test
