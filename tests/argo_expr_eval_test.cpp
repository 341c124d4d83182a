// The Argo lowerings of run-time timestamps really evaluate, with the libraries Argo links (sprig
// v3 and expr, built into tests/tools/argo_expr_eval from Debian's Go packages), to what the
// instant means on a wall clock: the `{{=…}}` expression templates (zones, DST, year boundaries,
// literal text that Go layouts would otherwise eat, scheduled times) and, for Argo before 3.2.4,
// the `{{workflow.creationTimestamp.X}}` strftime sub-keys of plain UTC formats. Each Go layout
// pipecc uses is checked against the C strftime meaning of its directive, and so is each sub-key.
// Text next to tags goes through the controller's passes ("[braces]"): a literal '{' right before
// a tag must still reach the pod as '{' and the value.
#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "pipecc/graph/time_format.hpp"
#include "test_support.hpp"
#include "tools/argo_expr_eval.hpp"

namespace argo_expr_eval_test {

using namespace pipecc;
using Catch::Contains;
using Catch::StartsWith;
using nlohmann::json;

namespace {

// Unix seconds of "YYYY-MM-DDTHH:MM:SSZ".
long long unix_of(const std::string& utc) {
    std::tm tm{};
    REQUIRE(sscanf(utc.c_str(), "%d-%d-%dT%d:%d:%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                   &tm.tm_sec) == 6);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return static_cast<long long>(timegm(&tm));
}

// C's strftime of instant `t` in `zone` (TZ set for the call, then put back).
class CStrftime {
public:
    CStrftime() {
        const char* tz = std::getenv("TZ");
        if (tz) saved_ = tz;
    }
    ~CStrftime() {
        if (saved_) {
            setenv("TZ", saved_->c_str(), 1);
        } else {
            unsetenv("TZ");
        }
        tzset();
    }
    std::string operator()(const std::string& zone, long long t, const std::string& format) {
        if (zone != zone_) {
            setenv("TZ", zone.c_str(), 1);
            tzset();
            zone_ = zone;
        }
        const std::time_t tt = static_cast<std::time_t>(t);
        std::tm tm{};
        localtime_r(&tt, &tm);
        char buf[512];
        const std::size_t n = std::strftime(buf, sizeof buf, format.c_str(), &tm);
        return std::string(buf, n);
    }

private:
    std::optional<std::string> saved_;
    std::string zone_;
};


Pipeline formatted(const std::string& zone, const std::string& format, bool scheduled = false) {
    Pipeline p("fmt");
    if (scheduled) p.schedule("0 6 * * *", "Asia/Tokyo");
    auto t = scheduled ? run::scheduled_at() : run::created_at();
    p.add(test::consumer(), "consumer").arg("x", concat("<", (zone.empty() ? t : t.in_zone(zone)).format(format), ">"));
    return p;
}

// A request that binds every creation-time variable as Argo's controller does, in `controller`.
json created_request(const std::string& text, long long seconds, const std::string& controller = "UTC") {
    return {{"template", text}, {"created_unix", seconds}, {"controller_zone", controller}};
}

struct Case {
    const char* created;
    const char* zone;
    const char* format;
    const char* expected;
};

// Instants, zones and formats that the wall clock makes interesting.
const std::vector<Case> kCases = {
    {"2024-03-31T16:30:00Z", "Asia/Tokyo", "%Y%m%d", "20240401"},
    {"2024-03-31T16:30:00Z", "Asia/Tokyo", "%H", "01"},
    {"2024-03-10T06:30:00Z", "America/New_York", "%H %Z %z", "01 EST -0500"},
    {"2024-03-10T07:30:00Z", "America/New_York", "%H %Z %z", "03 EDT -0400"},
    {"2024-11-03T05:30:00Z", "America/New_York", "%H:%M %Z %z", "01:30 EDT -0400"},
    {"2024-11-03T06:30:00Z", "America/New_York", "%H:%M %Z %z", "01:30 EST -0500"},
    {"2023-12-31T15:30:00Z", "Asia/Tokyo", "%Y%m%d", "20240101"},
    {"2023-12-31T14:59:59Z", "Asia/Tokyo", "%Y%m%d", "20231231"},
    {"2024-01-01T04:00:00Z", "America/New_York", "%Y%m%d", "20231231"},
    {"2024-03-31T16:30:00Z", "Asia/Kolkata", "%H:%M %z", "22:00 +0530"},
    {"2024-03-31T16:30:00Z", "Asia/Tokyo", "%Y-%m-%d %H:%M:%S %Z %z", "2024-04-01 01:30:00 JST +0900"},
    {"2024-03-31T16:30:00Z", "Asia/Tokyo", "%a %b %p", "Mon Apr AM"},
    {"2024-03-31T16:30:00Z", "Asia/Tokyo", "%A, %B %d %y, %I:%M %p", "Monday, April 01 24, 01:30 AM"},
    {"2024-03-31T16:30:00Z", "Asia/Tokyo", "run-%Y/%m/%d at %H:%M", "run-2024/04/01 at 01:30"},
    // Literal text holding Go layout tokens: digits and names a layout would replace.
    {"2024-03-31T16:30:00Z", "Asia/Tokyo", "v2 %Y Jan", "v2 2024 Jan"},
    {"2024-03-31T16:30:00Z", "Asia/Tokyo", "2006-01-02 Monday PM MST %Y", "2006-01-02 Monday PM MST 2024"},
    {"2024-03-31T16:30:00Z", "Asia/Tokyo", "%Y_%m_%d.%H", "2024_04_01.01"},
    {"2024-03-31T16:30:00Z", "Asia/Tokyo", "%d%%%m 05", "01%04 05"},
    {"2024-03-31T16:30:00Z", "Asia/Tokyo", "%H:%M:%S,000", "01:30:00,000"},
    {"2024-03-31T16:30:00Z", "Asia/Tokyo", "%Y年%m月%d日", "2024年04月01日"},
    // Quotes, backslashes and characters JSON escapes on the way through the controller.
    {"2024-03-31T16:30:00Z", "Asia/Tokyo", "it's \\ \"q\" <&> %Y", "it's \\ \"q\" <&> 2024"},
    // Noon and midnight on a 12-hour clock.
    {"2024-03-31T03:00:00Z", "Asia/Tokyo", "%I %p", "12 PM"},
    {"2024-03-31T15:00:00Z", "Asia/Tokyo", "%I %p", "12 AM"},
    {"2024-03-31T15:30:00Z", "America/New_York", "%I:%M %p", "11:30 AM"},
};

}  // namespace

TEST_CASE("argo eval: zoned creation times evaluate to the wall-clock text", "[argo][eval]") {
    if (!test::have_argo_expr_eval()) return;
    json requests = json::array();
    std::vector<std::string> values;
    for (const auto& c : kCases) {
        values.push_back(test::argo_arg_value(formatted(c.zone, c.format)));
        // Only the Unix seconds are bound (and the parent key Argo drops in favour of its children):
        // the expression needs nothing else.
        requests.push_back(test::template_request(
            values.back(), {{"workflow.creationTimestamp", c.created},
                            {"workflow.creationTimestamp.s", std::to_string(unix_of(c.created))}}));
    }
    const auto results = test::argo_eval_batch(requests);
    for (std::size_t i = 0; i < kCases.size(); ++i) {
        const Case& c = kCases[i];
        INFO(c.created << " in " << c.zone << " as \"" << c.format << "\"");
        INFO("parameter value: " << values[i]);
        CHECK_THAT(values[i], Contains("{{=") && Contains("workflow.creationTimestamp.s"));
        INFO("harness error: " << results[i].error);
        REQUIRE(results[i].out);
        CHECK(*results[i].out == test::angled(c.expected));
    }
}

TEST_CASE("argo eval: the same formats in UTC, as expressions from 3.2.4 and strftime sub-keys before",
          "[argo][eval]") {
    if (!test::have_argo_expr_eval()) return;
    CStrftime c_strftime;
    // KFP 1.8 runs Argo 3.1.6 (its go.mod), which has no expression templates.
    for (const Engine v : {Engine::argo(3, 6), Engine::kfp_v1()}) {
        const bool expressions = profile(v).expression_templates;
        DYNAMIC_SECTION(v.name()) {
            json requests = json::array();
            std::vector<std::string> expected, values;
            for (const auto& c : kCases) {
                values.push_back(test::argo_arg_value(formatted("UTC", c.format), v));
                requests.push_back(created_request(values.back(), unix_of(c.created)));
                expected.push_back(test::angled(c_strftime("UTC", unix_of(c.created), c.format)));
            }
            const auto results = test::argo_eval_batch(requests);
            for (std::size_t i = 0; i < kCases.size(); ++i) {
                INFO("format \"" << kCases[i].format << "\" at " << kCases[i].created << "; value: " << values[i]);
                if (expressions) {
                    CHECK_THAT(values[i], Contains("{{=") && Contains("workflow.creationTimestamp.s"));
                } else {
                    CHECK_THAT(values[i], !Contains("{{="));
                }
                INFO("harness error: " << results[i].error);
                REQUIRE(results[i].out);
                CHECK(*results[i].out == expected[i]);
            }
        }
    }
}

TEST_CASE("argo eval: before 3.2.4 a plain UTC format lowers to sub-keys named by its directive letters",
          "[argo][eval]") {
    const Engine old = Engine::kfp_v1();
    for (char d : graph::kTimeDirectives) {
        const std::string format = std::string("%") + d;
        CHECK(test::argo_arg_value(formatted("", format), old) == "<{{workflow.creationTimestamp." + std::string(1, d) + "}}>");
        CHECK(test::argo_arg_value(formatted("UTC", format), old) == "<{{workflow.creationTimestamp." + std::string(1, d) + "}}>");
        CHECK(test::argo_arg_value(formatted("Etc/UTC", format), old) == "<{{workflow.creationTimestamp." + std::string(1, d) + "}}>");
        // From 3.2.4 the expression over the Unix seconds is used, whatever the zone.
        CHECK_THAT(test::argo_arg_value(formatted("", format)), StartsWith("<{{=sprig.dateInZone(") && Contains("'UTC')}}>"));
    }
    CHECK(test::argo_arg_value(formatted("", "run-%Y/%m/%d at %H:%M %% %p"), old) ==
          "<run-{{workflow.creationTimestamp.Y}}/{{workflow.creationTimestamp.m}}/{{workflow.creationTimestamp.d}} at "
          "{{workflow.creationTimestamp.H}}:{{workflow.creationTimestamp.M}} % {{workflow.creationTimestamp.p}}>");
    // Every directive of a long format, in order, and nothing else.
    const std::string all = "%Y-%y-%m-%d %H:%I:%M:%S %p %a %A %b %B %Z %z";
    const std::string value = test::argo_arg_value(formatted("", all), old);
    static const std::regex tag(R"(\{\{([^}]*)\}\})");
    std::string letters;
    for (std::sregex_iterator it(value.begin(), value.end(), tag), end; it != end; ++it) {
        const std::string name = (*it)[1];
        REQUIRE(name.rfind("workflow.creationTimestamp.", 0) == 0);
        REQUIRE(name.size() == std::string("workflow.creationTimestamp.").size() + 1);
        letters += name.back();
    }
    CHECK(letters == "YymdHIMSpaAbBZz");
}

TEST_CASE("argo eval: each directive's Go layout formats like C strftime", "[argo][eval]") {
    if (!test::have_argo_expr_eval()) return;
    CHECK(graph::kTimeDirectives.size() == 15);
    CStrftime c_strftime;
    const std::vector<std::string> zones = {"UTC",          "Asia/Tokyo",          "America/New_York", "Asia/Kolkata",
                                            "Europe/London", "Australia/Lord_Howe", "America/St_Johns"};
    // Every half hour over two days around New York's spring change (noon and midnight everywhere),
    // mid-month instants for every month and weekday name, and years that test %y.
    std::vector<long long> instants;
    for (long long t = unix_of("2024-03-09T00:00:00Z"); t < unix_of("2024-03-11T00:00:00Z"); t += 1800) instants.push_back(t);
    for (int month = 1; month <= 12; ++month) {
        char buf[32];
        snprintf(buf, sizeof buf, "2023-%02d-%02dT12:34:56Z", month, 10 + month);
        instants.push_back(unix_of(buf));
    }
    for (const char* s : {"1970-01-01T00:00:00Z", "1999-12-31T23:59:59Z", "2000-01-01T00:00:00Z", "2009-06-15T08:05:09Z",
                          "2024-11-03T05:59:59Z", "2024-11-03T06:00:00Z", "2037-12-31T23:59:59Z"}) {
        instants.push_back(unix_of(s));
    }
    json requests = json::array();
    struct Expect {
        char d;
        std::string zone;
        long long t;
        std::string c;
    };
    std::vector<Expect> expected;
    for (char d : graph::kTimeDirectives) {
        const std::string layout(graph::go_layout(d));
        REQUIRE_FALSE(layout.empty());
        for (const auto& zone : zones) {
            for (long long t : instants) {
                requests.push_back({{"layout", layout}, {"zone", zone}, {"unix", t}});
                expected.push_back({d, zone, t, c_strftime(zone, t, std::string("%") + d)});
            }
        }
    }
    const auto results = test::argo_eval_batch(requests);
    std::size_t mismatches = 0;
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const Expect& e = expected[i];
        if (results[i].out && *results[i].out == e.c) continue;
        if (++mismatches > 20) break;
        FAIL_CHECK("%" << e.d << " (Go layout \"" << graph::go_layout(e.d) << "\") in " << e.zone << " at " << e.t
                       << ": strftime \"" << e.c << "\", Go \"" << (results[i].out ? *results[i].out : results[i].error)
                       << "\"");
    }
    CHECK(mismatches == 0);
}

TEST_CASE("argo eval: each strftime sub-key means what the C directive means", "[argo][eval]") {
    if (!test::have_argo_expr_eval()) return;
    CStrftime c_strftime;
    std::vector<long long> instants;
    for (long long t = unix_of("2024-03-31T00:00:00Z"); t < unix_of("2024-04-01T00:00:00Z"); t += 1800) instants.push_back(t);
    for (const char* s : {"1999-12-31T23:59:59Z", "2000-01-01T00:00:00Z", "2023-07-04T09:08:07Z", "2023-02-14T12:00:00Z"}) {
        instants.push_back(unix_of(s));
    }
    json requests = json::array();
    std::vector<std::string> expected;
    for (char d : graph::kTimeDirectives) {
        for (long long t : instants) {
            requests.push_back(created_request("{{workflow.creationTimestamp." + std::string(1, d) + "}}", t));
            expected.push_back(c_strftime("UTC", t, std::string("%") + d));
        }
    }
    const auto results = test::argo_eval_batch(requests);
    for (std::size_t i = 0; i < expected.size(); ++i) {
        INFO(requests[i]["template"].get<std::string>() << " at " << requests[i]["created_unix"].get<long long>());
        REQUIRE(results[i].out);
        CHECK(*results[i].out == expected[i]);
    }
}

TEST_CASE("argo eval: directives side by side, with separators, lower like strftime", "[argo][eval]") {
    if (!test::have_argo_expr_eval()) return;
    // Layout text joins adjacent directives and safe separators into one Go layout: check that no
    // pair reads as another Go token.
    CStrftime c_strftime;
    const std::vector<long long> instants = {unix_of("2024-03-10T06:30:05Z"), unix_of("2024-11-03T16:04:00Z"),
                                             unix_of("2023-12-31T23:59:59Z")};
    const std::vector<std::string> separators = {"", " ", "-", "/", ":", ",", "T", ".", "_", "0", "Jan"};
    json requests = json::array();
    std::vector<std::string> formats, expected;
    for (char a : graph::kTimeDirectives) {
        for (char b : graph::kTimeDirectives) {
            for (const auto& sep : separators) {
                const std::string format = std::string("%") + a + sep + "%" + b;
                const std::string value = test::argo_arg_value(formatted("America/New_York", format));
                for (long long t : instants) {
                    requests.push_back(test::template_request(value, {{"workflow.creationTimestamp.s", std::to_string(t)}}));
                    formats.push_back(format);
                    expected.push_back(test::angled(c_strftime("America/New_York", t, format)));
                }
            }
        }
    }
    const auto results = test::argo_eval_batch(requests);
    std::size_t mismatches = 0;
    for (std::size_t i = 0; i < expected.size(); ++i) {
        if (results[i].out && *results[i].out == expected[i]) continue;
        if (++mismatches > 20) break;
        FAIL_CHECK("\"" << formats[i] << "\": strftime " << expected[i] << ", Argo "
                        << (results[i].out ? *results[i].out : results[i].error) << " from "
                        << requests[i]["template"].get<std::string>());
    }
    CHECK(mismatches == 0);
}

TEST_CASE("argo eval: expressions read only the Unix seconds, whatever the controller's zone", "[argo][eval]") {
    if (!test::have_argo_expr_eval()) return;
    json requests = json::array();
    for (const auto& c : kCases) {
        const std::string value = test::argo_arg_value(formatted(c.zone, c.format));
        for (const char* controller : {"UTC", "Asia/Kolkata", "America/Los_Angeles"}) {
            requests.push_back(created_request(value, unix_of(c.created), controller));
        }
    }
    const auto results = test::argo_eval_batch(requests);
    for (std::size_t i = 0; i < results.size(); ++i) {
        const Case& c = kCases[i / 3];
        INFO(c.format << " in " << c.zone << ", controller zone #" << i % 3);
        REQUIRE(results[i].out);
        CHECK(*results[i].out == test::angled(c.expected));
    }
}

// Argo formats the creation-time sub-keys from metav1.Time, which the informer decodes into the
// controller's local zone: a controller run with TZ set to anything but UTC would shift a "UTC"
// format lowered to sub-keys. From 3.2.4 UTC formats are expressions over the Unix seconds.
TEST_CASE("argo eval: plain UTC formats stay UTC under a controller with another local zone", "[argo][eval]") {
    if (!test::have_argo_expr_eval()) return;
    const std::string value = test::argo_arg_value(formatted("UTC", "%Y%m%d %H"));
    const auto results = test::argo_eval_batch(
        json::array({created_request(value, unix_of("2024-03-31T16:30:00Z"), "UTC"),
                     created_request(value, unix_of("2024-03-31T16:30:00Z"), "Asia/Tokyo")}));
    REQUIRE(results[0].out);
    CHECK(*results[0].out == "<20240331 16>");
    REQUIRE(results[1].out);
    CHECK(*results[1].out == "<20240331 16>");
}

TEST_CASE("argo eval: scheduled_at with a schedule reads workflow.scheduledTime in either RFC 3339 form",
          "[argo][eval][schedule]") {
    if (!test::have_argo_expr_eval()) return;
    struct Sched {
        const char* zone;
        const char* format;
        const char* expected;
    };
    const std::vector<Sched> cases = {
        {"Asia/Tokyo", "%Y%m%d %H:%M %Z", "20240401 06:00 JST"},
        {"", "%Y-%m-%dT%H:%M %Z", "2024-03-31T21:00 UTC"},
        {"UTC", "%Y%m%d", "20240331"},
        {"America/New_York", "%a %d %b %I %p", "Sun 31 Mar 05 PM"},
        {"Asia/Tokyo", "v2 %Y Jan", "v2 2024 Jan"},
    };
    // Argo writes the scheduled time in the CronWorkflow's own zone; both denote the same instant.
    for (const char* scheduled : {"2024-04-01T06:00:00+09:00", "2024-03-31T21:00:00Z"}) {
        json requests = json::array();
        std::vector<std::string> values;
        for (const auto& c : cases) {
            values.push_back(test::argo_arg_value(formatted(c.zone, c.format, true)));
            // Creation time a day later: the value must not come from it.
            requests.push_back(
                {{"template", values.back()},
                 {"created_unix", unix_of("2024-04-02T00:00:00Z")},
                 {"vars", {{"workflow.scheduledTime", scheduled}}}});
        }
        const auto results = test::argo_eval_batch(requests);
        for (std::size_t i = 0; i < cases.size(); ++i) {
            INFO("scheduled " << scheduled << ", \"" << cases[i].format << "\" in " << cases[i].zone << ": " << values[i]);
            CHECK_THAT(values[i], Contains("workflow.scheduledTime") && !Contains("creationTimestamp"));
            INFO("harness error: " << results[i].error);
            REQUIRE(results[i].out);
            CHECK(*results[i].out == test::angled(cases[i].expected));
        }
    }
}

// The controller sets workflow.failures to strconv.Quote(json.Marshal(failed nodes))
// (workflow/controller/operator.go, v3.6.0 to v4.1.2), so the plain tag gave hooks a JSON string
// of the list, and `"null"` when nothing failed.
TEST_CASE("argo eval: run::failures() reaches a hook as the JSON list, [] when nothing failed", "[argo][eval][hooks]") {
    if (!test::have_argo_expr_eval()) return;
    Pipeline p("fails");
    p.add(test::component("body"), "body");
    p.on_failure(test::consumer(), "report").arg("x", run::failures());
    Pipeline joined("fails");
    joined.add(test::component("body"), "body");
    joined.on_failure(test::consumer(), "report").arg("x", concat("failed: ", run::failures()));
    const std::string list =
        R"j([{"displayName":"train","message":"Error (exit code 1)","templateName":"train","phase":"Failed",)j"
        R"j("podName":"fails-train-1","finishedAt":"2024-03-31T16:31:00Z"}])j";
    const auto as_argo_sets = [](const std::string& marshalled) { return json(marshalled).dump(); };
    const auto results = test::argo_eval_batch(json::array({
        test::template_request(test::argo_arg_value(p, Engine::argo(), "report"), {{"workflow.failures", as_argo_sets(list)}}),
        test::template_request(test::argo_arg_value(p, Engine::argo(), "report"), {{"workflow.failures", as_argo_sets("null")}}),
        test::template_request(test::argo_arg_value(joined, Engine::argo(3, 6), "report"), {{"workflow.failures", as_argo_sets(list)}}),
        test::template_request(test::argo_arg_value(p, Engine::kfp_v1(), "report"), {{"workflow.failures", as_argo_sets(list)}}),
    }));
    for (const auto& r : results) REQUIRE(r.out);
    CHECK(*results[0].out == list);
    CHECK(json::parse(*results[0].out)[0]["displayName"] == "train");
    CHECK(*results[1].out == "[]");
    CHECK(*results[2].out == "failed: " + list);
    // Without expression templates (KFP 1.8's Argo) it stays Argo's quoted form, as the README says.
    CHECK(*results[3].out == as_argo_sets(list));
}

TEST_CASE("argo eval: raw run times as text carry their offset", "[argo][eval]") {
    if (!test::have_argo_expr_eval()) return;
    Pipeline p("raw");
    p.add(test::consumer(), "consumer").arg("x", run::created_at().in_zone("Asia/Tokyo"));
    Pipeline whole("whole");
    whole.add(test::component("consumer").input<Timestamp>("x"), "consumer").arg("x", run::created_at());
    const long long t = unix_of("2024-03-31T16:30:00Z");
    const auto results = test::argo_eval_batch(json::array({
        created_request(test::argo_arg_value(p), t),
        created_request(test::argo_arg_value(whole), t),
        created_request(test::argo_arg_value(whole, Engine::kfp_v1()), t),
    }));
    REQUIRE(results[0].out);
    CHECK(*results[0].out == "2024-04-01T01:30:00+0900");
    REQUIRE(results[1].out);
    CHECK(*results[1].out == "2024-03-31T16:30:00Z");
    // Argo 3.1's form, which the resolver step test feeds to `date`.
    REQUIRE(results[2].out);
    CHECK(*results[2].out == "2024-03-31T16:30:00+0000");
}

TEST_CASE("argo eval: the examples' Argo parameter values resolve to the dates their comments promise",
          "[argo][eval][examples]") {
    if (!test::have_argo_expr_eval()) return;
    // daily_prediction's comment: "20201114" and "06" for a run created at 2020-11-13T21:00:00Z.
    const long long created = unix_of("2020-11-13T21:00:00Z");
    for (const char* name : {"daily_prediction", "prediction_pipeline"}) {
        DYNAMIC_SECTION(name) {
            test::TempDir dir("pipecc-argo-eval");
            const std::string out = dir / "wf.yaml";
            const auto r = test::run_process({std::string(PIPECC_EXAMPLES_BIN_DIR) + "/" + name, "--target", "argo", "-o", out});
            REQUIRE(r.exit_code == 0);
            const YAML::Node wf = YAML::LoadFile(out);
            const YAML::Node spec = wf["kind"].as<std::string>() == "CronWorkflow" ? wf["spec"]["workflowSpec"] : wf["spec"];
            // Bind what the controller would: parameters' defaults, the run's names, the status, and
            // a stand-in for each task output.
            json vars = json::object();
            for (const auto& param : spec["arguments"]["parameters"]) {
                vars["workflow.parameters." + param["name"].as<std::string>()] = param["value"].as<std::string>();
            }
            vars["workflow.name"] = "daily-prediction-x7k2p";
            vars["workflow.uid"] = "0b9c5e1a-2f4d-4c1e-9a7b-3d2e1f0a9b8c";
            vars["workflow.status"] = "Succeeded";
            vars["workflow.failures"] = "\"null\"";  // strconv.Quote of Argo's empty list
            json requests = json::array();
            std::vector<std::string> where;
            static const std::regex task_ref(R"(\{\{(tasks\.[^}]+)\}\})");
            for (const auto& tmpl : spec["templates"]) {
                if (!tmpl["dag"]) continue;
                for (const auto& task : tmpl["dag"]["tasks"]) {
                    for (const auto& param : task["arguments"]["parameters"]) {
                        const std::string value = param["value"].as<std::string>();
                        json req = created_request(value, created);
                        req["vars"] = vars;
                        for (std::sregex_iterator it(value.begin(), value.end(), task_ref), end; it != end; ++it) {
                            req["vars"][(*it)[1].str()] = test::angled((*it)[1].str());
                        }
                        requests.push_back(req);
                        where.push_back(task["name"].as<std::string>() + "." + param["name"].as<std::string>());
                    }
                }
            }
            REQUIRE(!requests.empty());
            const auto results = test::argo_eval_batch(requests);
            std::map<std::string, std::string> resolved;
            for (std::size_t i = 0; i < results.size(); ++i) {
                INFO(where[i] << ": " << requests[i]["template"].get<std::string>() << "\n" << results[i].error);
                REQUIRE(results[i].out);
                resolved[where[i]] = *results[i].out;
            }
            if (std::string(name) == "daily_prediction") {
                CHECK(resolved["bigquery-extract.output_dir"] == "gs://my-gcp-project/predictions/20201114/06");
                CHECK(resolved["predict.output_dir"] == "gs://my-gcp-project/predictions/20201114/06");
                CHECK(resolved["slack-notification.status"] == "Succeeded");
                CHECK(resolved["slack-notification.run_url"] ==
                      "https://kfp.example.com/#/runs/details/0b9c5e1a-2f4d-4c1e-9a7b-3d2e1f0a9b8c");
            } else {
                CHECK(resolved["initialize.hourly_output_dir"] == "gs://my-gcp-project/predictions/20201114/06");
            }
        }
    }
}

namespace {

constexpr const char* kRunName = "brace-run-x7k2p";

// The passes Argo's controller makes over a DAG task's argument before its pod sees it (v4.1.2
// and v3.6.19): SubstituteParams on the DAG's template (workflow/common/util.go: globals, then
// again with the template's inputs), then ReplaceStrictAny on the task when it runs
// (workflow/controller/dag.go), which resolves tasks.* and must resolve every tasks.* tag.
json dag_argument_passes(const json& globals, const json& task_outputs) {
    json merged = globals;
    merged.update(task_outputs);
    return json::array({{{"vars", globals}}, {{"vars", globals}}, {{"vars", merged}, {"strict", {"tasks", "steps"}}}});
}

// The passes over a container template's command line: SubstituteParams with the globals, then
// with the template's inputs (workflow/common/util.go), then the pod's own (workflowpod.go).
json container_passes(const json& globals, const json& inputs) {
    json merged = globals;
    merged.update(inputs);
    return json::array({{{"vars", globals}}, {{"vars", merged}}, {{"vars", merged}}});
}

json run_globals() { return {{"workflow.name", kRunName}, {"workflow.uid", "0b9c5e1a-2f4d"}}; }

}  // namespace

// Argo opens a tag at the first "{{" and closes it at the next "}}" (valyala/fasttemplate v1.2.2
// template.go Template.Reset, called by util/template/template.go NewTemplate at v4.1.2 and
// v3.6.19), so "{" + "{{workflow.name}}" is the tag "{workflow.name", which no pass resolves: the
// pod gets the text as it is, with no error. The controller substitutes in several passes, each
// rescanning what the one before wrote, so a '{' that one pass writes just before a tag that a
// later pass resolves breaks it the same way.
TEST_CASE("argo eval: the scanner reads a '{' before a tag as part of the tag", "[argo][eval][braces]") {
    if (!test::have_argo_expr_eval()) return;
    const json one_pass = json::array({{{"vars", run_globals()}}});
    const json task_passes = dag_argument_passes(run_globals(), {{"tasks.make.outputs.parameters.v", "V"}});
    const auto results = test::argo_eval_batch(json::array({
        {{"template", "{{{workflow.name}}}"}, {"passes", one_pass}},
        {{"template", "{{{workflow.name}}}"}, {"vars", run_globals()}},
        // A constant of its own resolves in the first pass, before the tag after it.
        {{"template", "{{='{'}}{{tasks.make.outputs.parameters.v}}}"}, {"passes", task_passes}},
        {{"template", "{{='{' + tasks.make.outputs.parameters.v}}}"}, {"passes", task_passes}},
        {{"template", "{{='{' + workflow.name}}}"}, {"passes", one_pass}},
    }));
    CHECK(results[0].out == std::optional<std::string>("{{{workflow.name}}}"));
    CHECK_THAT(results[1].error, Contains("failed to resolve {{{workflow.name}}"));
    CHECK(results[2].out == std::optional<std::string>("{{{tasks.make.outputs.parameters.v}}}"));
    CHECK(results[3].out == std::optional<std::string>("{V}"));
    CHECK(results[4].out == std::optional<std::string>(std::string("{") + kRunName + "}"));
}

TEST_CASE("argo eval: a literal '{' right before a run-time value reaches the pod as '{' and the value",
          "[argo][eval][braces]") {
    if (!test::have_argo_expr_eval()) return;
    Pipeline p("braces");
    auto prefix = p.param<String>("run-prefix", "nightly");
    Task make = p.add(test::component("make").output<String>("out_v"), "make-value");
    const auto jst = run::created_at().in_zone("Asia/Tokyo");
    struct Case {
        const char* name;
        Value<String> value;
        std::string expected;
    };
    const std::vector<Case> values = {
        {"run name", concat("{", run::name(), "}"), std::string("{") + kRunName + "}"},
        {"parameter", concat("{", prefix, "}"), "{nightly}"},
        {"literal ending in '{'", concat("a{", run::name(), "}}b"), std::string("a{") + kRunName + "}}b"},
        {"task output", concat("{", make.output<String>("out_v"), "}"), "{V}"},
        {"formatted time", concat("{", jst.format("%Y%m%d"), "}"), "{20240401}"},
        {"run id and a second '{'", concat("{", run::name(), ",{", run::id(), "}"),
         std::string("{") + kRunName + ",{0b9c5e1a-2f4d}"},
    };
    for (const auto& c : values) {
        DYNAMIC_SECTION(c.name) {
            p.add(test::consumer(), "consumer").arg("x", c.value);
            const std::string text = test::argo_arg_value(p);
            INFO("emitted: " << text);
            json globals = run_globals();
            globals["workflow.parameters.run-prefix"] = "nightly";
            json req = created_request(text, unix_of("2024-03-31T16:30:00Z"));
            req["passes"] = dag_argument_passes(globals, {{"tasks.make-value.outputs.parameters.out_v", "V"}});
            const auto results = test::argo_eval_batch(json::array({req}));
            INFO(results[0].error);
            CHECK(results[0].out == std::optional<std::string>(c.expected));
        }
    }
}

TEST_CASE("argo eval: a literal '{' right before an input on a command line", "[argo][eval][braces]") {
    if (!test::have_argo_expr_eval()) return;
    Pipeline p("braces-cmd");
    const auto c = test::component("echo")
                       .input<String>("msg-in")
                       .command({"sh", "-c", "printf '%s' \"$0\""})
                       .args({concat("{", input_value("msg-in"), "}")});
    p.add(c, "echo").arg("msg-in", "hello");
    const YAML::Node wf = YAML::Load(compile(p, {.engine = Engine::argo()}));
    const YAML::Node tmpl = test::by_name(wf["spec"]["templates"], "echo");
    REQUIRE(tmpl["container"]["args"]);
    const std::string text = tmpl["container"]["args"][0].as<std::string>();
    INFO("emitted: " << text);
    const auto results = test::argo_eval_batch(json::array(
        {{{"template", text}, {"passes", container_passes(run_globals(), {{"inputs.parameters.msg-in", "hello"}})}}}));
    INFO(results[0].error);
    CHECK(results[0].out == std::optional<std::string>("{hello}"));
}

}  // namespace argo_expr_eval_test
