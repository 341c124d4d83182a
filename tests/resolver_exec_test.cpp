// The resolver step really runs. Pipelines format run-time timestamps inside a concat, which KFP
// cannot do itself; the test takes the `exec-resolve-run-values` executor out of the compiled IR,
// substitutes the placeholders the way KFP's driver and launcher would (the raw run values, and
// an output file per value), runs its exact command line with posix_spawn (no shell quoting of
// ours in between) and reads what it wrote. Then it resolves the consumer's input from those files
// the way the driver does, and compares the text with what the instant means on a wall clock:
// time zones, daylight-saving changes, year boundaries, every directive, literal text. Old Argo
// (3.1, no expression templates) gets the same step; it is fed the offset form its strftime
// sub-keys produce. The step needs `sh`, GNU `date` and tzdata, which this machine has.
#include <map>
#include <regex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "test_support.hpp"
#include "tools/subprocess.hpp"

namespace resolver_exec_test {

using namespace pipecc;
using Catch::Contains;

namespace {

// KFP's placeholders for the raw run values, as the resolver task receives them.
constexpr const char* kCreateTime = "{{$.pipeline_job_create_time_utc}}";
constexpr const char* kScheduleTime = "{{$.pipeline_job_schedule_time_utc}}";
constexpr const char* kJobName = "{{$.pipeline_job_name}}";
constexpr const char* kJobId = "{{$.pipeline_job_uuid}}";

// A zone that no case formats in: the step must never depend on the container's own zone.
constexpr const char* kContainerZone = "Pacific/Kiritimati";

using test::ProcessResult;

// Replaces each match of `re` by what `f` returns for it, in one pass: values put in are never
// read again as placeholders.
template <class F>
std::string replace_all(const std::string& text, const std::regex& re, F f) {
    std::string out;
    auto last = text.cbegin();
    for (std::sregex_iterator it(text.begin(), text.end(), re), end; it != end; ++it) {
        out.append(last, text.cbegin() + it->position());
        out += f(*it);
        last = text.cbegin() + it->position() + it->length();
    }
    out.append(last, text.cend());
    return out;
}

// node[k1][k2]..., or an undefined node when a key is missing (yaml-cpp throws on a chain through
// a missing key).
YAML::Node at(const YAML::Node& root, std::initializer_list<std::string> keys) {
    YAML::Node node = root;
    for (const auto& k : keys) {
        const YAML::Node& here = node;
        if (!here || !here.IsMap() || !here[k]) return YAML::Node(YAML::NodeType::Undefined);
        node.reset(here[k]);  // rebinds; `node = …` would overwrite the tree
    }
    return node;
}

// The task `name` in the root DAG or in the exit handler's sub-DAG.
YAML::Node find_task(const YAML::Node& spec, const std::string& name) {
    if (auto t = at(spec, {"root", "dag", "tasks", name})) return t;
    for (const auto& comp : spec["components"]) {
        if (auto t = at(comp.second, {"dag", "tasks", name})) return t;
    }
    FAIL("no task " << name << " in the IR");
    return {};
}

bool in_exit_handler(const YAML::Node& spec, const std::string& name) {
    return static_cast<bool>(at(spec, {"components", "comp-exit-handler-1", "dag", "tasks", name}));
}

// The resolver as KFP runs it: returns its output parameters by key, after checking the step
// exited 0. `raw` maps each KFP run-value placeholder to the text the backend substitutes.
struct StepRun {
    ProcessResult process;
    std::map<std::string, std::string> outputs;
    std::vector<std::string> argv;
};



StepRun run_kfp_resolver(const YAML::Node& spec, const std::map<std::string, std::string>& raw,
                         const test::TempDir& dir, const std::map<std::string, std::optional<std::string>>& env = {}) {
    const YAML::Node container = at(spec, {"deploymentSpec", "executors", "exec-resolve-run-values", "container"});
    REQUIRE(container);
    const YAML::Node task = find_task(spec, "resolve-run-values");
    // What the driver gives each input: the runtime constant, a run-value placeholder it fills in.
    std::map<std::string, std::string> inputs;
    for (const auto& kv : task["inputs"]["parameters"]) {
        const std::string placeholder = kv.second["runtimeValue"]["constant"].as<std::string>();
        INFO("resolver input " << kv.first.as<std::string>() << " = " << placeholder);
        REQUIRE(raw.count(placeholder));
        inputs[kv.first.as<std::string>()] = raw.at(placeholder);
    }
    static const std::regex placeholder(R"(\{\{\$\.(inputs|outputs)\.parameters\['([^']+)'\](\.output_file)?\}\})");
    StepRun run;
    std::vector<std::string> output_keys;
    auto substitute = [&](const std::smatch& m) -> std::string {
        if (m[1] == "inputs") {
            INFO("input placeholder " << m[0]);
            REQUIRE(inputs.count(m[2]));
            return inputs.at(m[2]);
        }
        REQUIRE(m[3].matched);
        output_keys.push_back(m[2]);
        return dir / ("outputs/" + m[2].str() + "/data");
    };
    for (const char* part : {"command", "args"}) {
        for (const auto& item : container[part]) {
            const std::string text = item.as<std::string>();
            // Every placeholder is one the test fills in, as the launcher would.
            CHECK_THAT(replace_all(text, placeholder, [](const std::smatch&) { return ""; }), !Contains("{{"));
            run.argv.push_back(replace_all(text, placeholder, substitute));
        }
    }
    REQUIRE(!run.argv.empty());
    CHECK(run.argv.front() == "sh");
    std::map<std::string, std::optional<std::string>> step_env = {
        {"TZ", kContainerZone}, {"LC_ALL", std::nullopt}, {"TZDIR", std::nullopt}};
    for (const auto& [k, v] : env) step_env[k] = v;
    run.process = test::run_process(run.argv, {}, step_env);
    for (const auto& key : output_keys) {
        if (auto text = test::read_whole_file(dir / ("outputs/" + key + "/data"))) run.outputs[key] = *text;
    }
    return run;
}

// The text a task's input receives: what KFP's driver resolves from the IR, given the resolver's
// outputs and the raw run values.
std::string resolve_input(const YAML::Node& spec, const std::string& task_name, const std::string& input,
                          const std::map<std::string, std::string>& resolved,
                          const std::map<std::string, std::string>& raw) {
    const YAML::Node param = at(find_task(spec, task_name), {"inputs", "parameters", input});
    INFO("task " << task_name << ", input " << input);
    REQUIRE(param);
    if (auto c = at(param, {"runtimeValue", "constant"})) {
        const std::string text = c.as<std::string>();
        if (raw.count(text)) return raw.at(text);
        static const std::regex channel(R"(\{\{\$\.inputs\.parameters\['([^']+)'\]\}\})");
        return replace_all(text, channel, [&](const std::smatch& m) {
            return resolve_input(spec, task_name, m[1], resolved, raw);
        });
    }
    if (auto o = param["taskOutputParameter"]) {
        std::string producer = o["producerTask"].as<std::string>();
        std::string key = o["outputParameterKey"].as<std::string>();
        if (producer == "exit-handler-1") {
            // A hook reads a body output that the exit handler's DAG exports.
            const YAML::Node sel = at(spec, {"components", "comp-exit-handler-1", "dag", "outputs", "parameters", key,
                                             "valueFromParameter"});
            REQUIRE(sel);
            producer = sel["producerSubtask"].as<std::string>();
            key = sel["outputParameterKey"].as<std::string>();
        }
        REQUIRE(producer == "resolve-run-values");
        REQUIRE(resolved.count(key));
        return resolved.at(key);
    }
    if (auto p = param["componentInputParameter"]) {
        std::string name = p.as<std::string>();
        if (in_exit_handler(spec, task_name)) {
            name = at(spec, {"root", "dag", "tasks", "exit-handler-1", "inputs", "parameters", name,
                             "componentInputParameter"})
                       .as<std::string>();
        }
        return at(spec, {"root", "inputDefinitions", "parameters", name, "defaultValue"}).as<std::string>();
    }
    FAIL("input binding the test does not resolve");
    return {};
}

// Compiles `p` for KFP, runs its resolver with a run created at `created` (and scheduled at
// `scheduled`), and returns what task `task` receives as input `x`.
std::string kfp_value(const Pipeline& p, const std::string& created, const std::string& scheduled = {},
                      const std::string& task = "consumer") {
    const YAML::Node spec = test::kfp_spec(p);
    const std::map<std::string, std::string> raw = {{kCreateTime, created},
                                                    {kScheduleTime, scheduled.empty() ? created : scheduled},
                                                    {kJobName, "daily-run-7f3k2"},
                                                    {kJobId, "0b9c5e1a-2f4d-4c1e-9a7b-3d2e1f0a9b8c"}};
    test::TempDir dir("pipecc-resolver");
    const StepRun run = run_kfp_resolver(spec, raw, dir);
    INFO("argv[2] (the script):\n" << (run.argv.size() > 2 ? run.argv[2] : std::string()));
    INFO("stderr: " << run.process.err);
    REQUIRE(run.process.exit_code == 0);
    return resolve_input(spec, task, "x", run.outputs, raw);
}

// A pipeline whose one task receives concat("<", created_at in `zone` formatted with `format`, ">").
Pipeline formatted(const std::string& zone, const std::string& format) {
    Pipeline p("fmt");
    auto t = run::created_at();
    p.add(test::consumer(), "consumer").arg("x", concat("<", (zone.empty() ? t : t.in_zone(zone)).format(format), ">"));
    return p;
}

struct Case {
    const char* created;
    const char* zone;
    const char* format;
    const char* expected;
};

}  // namespace

TEST_CASE("resolver step: KFP gets one only when it must format a run value", "[resolver][exec]") {
    Pipeline whole("whole");
    whole.add(test::consumer(), "consumer").arg("x", run::name());
    CHECK_FALSE(at(test::kfp_spec(whole), {"deploymentSpec", "executors", "exec-resolve-run-values"}));

    const YAML::Node spec = test::kfp_spec(formatted("Asia/Tokyo", "%Y%m%d"));
    REQUIRE(spec["deploymentSpec"]["executors"]["exec-resolve-run-values"]);
    const YAML::Node task = spec["root"]["dag"]["tasks"]["resolve-run-values"];
    CHECK(task["inputs"]["parameters"]["created_at"]["runtimeValue"]["constant"].as<std::string>() == kCreateTime);
    // Its inputs name the run: a cached result would be another run's date.
    CHECK_FALSE(task["cachingOptions"]["enableCache"]);
    CHECK(test::strings_of(spec["root"]["dag"]["tasks"]["consumer"]["dependentTasks"]) ==
          std::vector<std::string>{"resolve-run-values"});
}

TEST_CASE("resolver step: a zone's date and hour, across DST changes and year boundaries", "[resolver][exec]") {
    const std::vector<Case> cases = {
        // Tokyo is already on the next day.
        {"2024-03-31T16:30:00Z", "Asia/Tokyo", "%Y%m%d", "20240401"},
        {"2024-03-31T16:30:00Z", "Asia/Tokyo", "%H", "01"},
        {"2024-03-31T16:30:00Z", "", "%Y%m%d %H", "20240331 16"},
        {"2024-03-31T16:30:00Z", "UTC", "%Y%m%d %H", "20240331 16"},
        // New York springs forward at 07:00Z on 2024-03-10: 01:30 EST, then 03:30 EDT.
        {"2024-03-10T06:30:00Z", "America/New_York", "%H %Z %z", "01 EST -0500"},
        {"2024-03-10T07:30:00Z", "America/New_York", "%H %Z %z", "03 EDT -0400"},
        // ... and falls back at 06:00Z on 2024-11-03: 01:30 twice.
        {"2024-11-03T05:30:00Z", "America/New_York", "%H:%M %Z %z", "01:30 EDT -0400"},
        {"2024-11-03T06:30:00Z", "America/New_York", "%H:%M %Z %z", "01:30 EST -0500"},
        {"2024-11-03T07:30:00Z", "America/New_York", "%H:%M %Z", "02:30 EST"},
        // Year boundaries in both directions.
        {"2023-12-31T15:30:00Z", "Asia/Tokyo", "%Y%m%d", "20240101"},
        {"2023-12-31T14:59:59Z", "Asia/Tokyo", "%Y%m%d", "20231231"},
        {"2024-01-01T04:00:00Z", "America/New_York", "%Y%m%d", "20231231"},
        {"2024-01-01T04:00:00Z", "America/New_York", "%y %b %a", "23 Dec Sun"},
        // Half-hour and 45-minute offsets.
        {"2024-03-31T16:30:00Z", "Asia/Kolkata", "%H:%M %z", "22:00 +0530"},
        {"2024-03-31T16:30:00Z", "Asia/Kathmandu", "%H:%M %z", "22:15 +0545"},
    };
    for (const auto& c : cases) {
        DYNAMIC_SECTION(c.created << " in " << (*c.zone ? c.zone : "(no zone)") << " as \"" << c.format << "\"") {
            CHECK(kfp_value(formatted(c.zone, c.format), c.created) == test::angled(c.expected));
        }
    }
}

TEST_CASE("resolver step: formats with literal text and several directives", "[resolver][exec]") {
    const std::vector<Case> cases = {
        {"2024-03-31T16:30:00Z", "Asia/Tokyo", "%Y-%m-%d %H:%M:%S %Z %z", "2024-04-01 01:30:00 JST +0900"},
        {"2024-03-31T16:30:00Z", "UTC", "%Y-%m-%d %H:%M:%S %Z %z", "2024-03-31 16:30:00 UTC +0000"},
        {"2024-03-31T16:30:00Z", "", "%a %b %p", "Sun Mar PM"},
        {"2024-03-31T16:30:00Z", "Asia/Tokyo", "%a %b %p", "Mon Apr AM"},
        {"2024-03-31T16:30:00Z", "Asia/Tokyo", "%A, %B %d %y, %I:%M %p", "Monday, April 01 24, 01:30 AM"},
        {"2024-03-31T16:30:00Z", "Asia/Tokyo", "run-%Y/%m/%d at %H:%M", "run-2024/04/01 at 01:30"},
        {"2024-03-31T16:30:00Z", "Asia/Tokyo", "v2 %Y Jan", "v2 2024 Jan"},
        {"2024-03-31T16:30:00Z", "Asia/Tokyo", "100%% on %d", "100% on 01"},
        // Text that a shell would expand or that would close a quote.
        {"2024-03-31T16:30:00Z", "Asia/Tokyo", "it's $HOME `id` \"q\" \\n $(date) %Y",
         "it's $HOME `id` \"q\" \\n $(date) 2024"},
        // Noon and midnight on a 12-hour clock.
        {"2024-03-31T12:00:00Z", "", "%I %p", "12 PM"},
        {"2024-03-31T00:00:00Z", "", "%I %p", "12 AM"},
        {"2024-03-31T11:59:59Z", "", "%I:%M:%S %p", "11:59:59 AM"},
        {"2024-03-31T13:05:00Z", "", "%I %p", "01 PM"},
    };
    for (const auto& c : cases) {
        DYNAMIC_SECTION(c.created << " in " << (*c.zone ? c.zone : "(no zone)") << " as \"" << c.format << "\"") {
            CHECK(kfp_value(formatted(c.zone, c.format), c.created) == test::angled(c.expected));
        }
    }
}

TEST_CASE("resolver step: the backend's forms of the creation time all parse", "[resolver][exec]") {
    const Pipeline p = formatted("Asia/Tokyo", "%Y%m%d %H:%M:%S");
    for (const char* created : {"2024-03-31T16:30:00Z", "2024-03-31T16:30:00.123456Z", "2024-03-31T16:30:00+00:00",
                                "2024-03-31T16:30:00+0000", "2024-04-01T01:30:00+09:00"}) {
        DYNAMIC_SECTION(created) { CHECK(kfp_value(p, created) == "<20240401 01:30:00>"); }
    }
}

TEST_CASE("resolver step: several values, repeated ones computed once, each in its own output",
          "[resolver][exec]") {
    Pipeline p("many");
    const auto tokyo = run::created_at().in_zone("Asia/Tokyo");
    const auto ny = run::created_at().in_zone("America/New_York");
    p.add(test::consumer(), "consumer")
        .arg("x", concat(tokyo.format("%Y%m%d"), "/", tokyo.format("%H"), "/", ny.format("%Y%m%d"), "/",
                         tokyo.format("%Y%m%d"), "/", run::created_at().format("%Y%m%d"), "/", run::name()));
    const YAML::Node spec = test::kfp_spec(p);
    const YAML::Node outs = at(spec, {"components", "comp-resolve-run-values", "outputDefinitions", "parameters"});
    // Tokyo day, Tokyo hour, New York day, UTC day and the run name; the repeated Tokyo day is one.
    CHECK(test::keys_of(outs).size() == 5);
    CHECK(kfp_value(p, "2023-12-31T15:30:00Z") == "20240101/00/20231231/20240101/20231231/daily-run-7f3k2");
}

TEST_CASE("resolver step: created and scheduled times are kept apart", "[resolver][exec]") {
    Pipeline p("both");
    p.schedule("0 6 * * *", "Asia/Tokyo");
    p.add(test::consumer(), "consumer")
        .arg("x", concat(run::created_at().in_zone("Asia/Tokyo").format("created %Y%m%d %H:%M"), ", ",
                         run::scheduled_at().in_zone("Asia/Tokyo").format("scheduled %Y%m%d %H:%M")));
    CHECK(kfp_value(p, "2024-03-31T21:00:07Z", "2024-03-31T21:00:00Z") ==
          "created 20240401 06:00, scheduled 20240401 06:00");
    CHECK(kfp_value(p, "2024-04-01T03:12:00Z", "2024-03-31T21:00:00Z") ==
          "created 20240401 12:12, scheduled 20240401 06:00");
}

TEST_CASE("resolver step: run name and id inside a string pass through unchanged", "[resolver][exec]") {
    Pipeline p("names");
    p.add(test::consumer(), "consumer").arg("x", concat("run ", run::name(), " (", run::id(), ")"));
    CHECK(kfp_value(p, "2024-03-31T16:30:00Z") == "run daily-run-7f3k2 (0b9c5e1a-2f4d-4c1e-9a7b-3d2e1f0a9b8c)");
}

TEST_CASE("resolver step: pipeline parameters and formatted times share one string", "[resolver][exec]") {
    Pipeline p("mixed");
    auto root = p.param<String>("gcs_root", "gs://bucket/predictions");
    const auto jst = run::created_at().in_zone("Asia/Tokyo");
    p.add(test::consumer(), "consumer").arg("x", concat(root, "/", jst.format("%Y%m%d"), "/", jst.format("%H")));
    CHECK(kfp_value(p, "2020-11-13T21:00:00Z") == "gs://bucket/predictions/20201114/06");
}

TEST_CASE("resolver step: a hook reads a formatted time through the exit handler's outputs",
          "[resolver][exec][hooks]") {
    Pipeline p("hooked");
    p.add(test::component("body"), "body");
    p.on_exit(test::consumer(), "notify")
        .arg("x", concat("day ", run::created_at().in_zone("Asia/Tokyo").format("%Y%m%d")));
    const YAML::Node spec = test::kfp_spec(p);
    REQUIRE(in_exit_handler(spec, "resolve-run-values"));
    CHECK(kfp_value(p, "2024-03-31T16:30:00Z", {}, "notify") == "day 20240401");
}

TEST_CASE("resolver step: the example daily_prediction's dates", "[resolver][exec]") {
    // The example's comment: "20201114" and "06" for a run created at 2020-11-13T21:00:00Z.
    Pipeline p("daily");
    auto root = p.param<String>("gcs_output_dir", "gs://my-gcp-project/predictions");
    const auto created = run::created_at().in_zone("Asia/Tokyo");
    p.add(test::consumer(), "consumer").arg("x", concat(root, "/", created.format("%Y%m%d"), "/", created.format("%H")));
    CHECK(kfp_value(p, "2020-11-13T21:00:00Z") == "gs://my-gcp-project/predictions/20201114/06");
}

TEST_CASE("resolver step on Argo 3.1: fed the offset form of the creation-time sub-keys", "[resolver][exec][argo]") {
    Pipeline p("old-argo");
    const auto jst = run::created_at().in_zone("Asia/Tokyo");
    p.add(test::consumer(), "consumer").arg("x", concat("d=", jst.format("%Y%m%d"), " h=", jst.format("%H %Z")));
    const YAML::Node wf = YAML::Load(compile(p, {.engine = Engine::kfp_v1()}));
    const YAML::Node templates = wf["spec"]["templates"];
    const YAML::Node resolver = test::by_name(templates, "resolve-run-values");
    REQUIRE(resolver);
    const YAML::Node dag = test::by_name(templates, "old-argo")["dag"]["tasks"];
    const YAML::Node step_task = test::by_name(dag, "resolve-run-values");
    REQUIRE(step_task);
    // No expression templates before 3.2.4: the raw creation time comes from strftime sub-keys,
    // with its offset, so the controller's zone cannot shift it.
    const std::string fed =
        test::by_name(step_task["arguments"]["parameters"], "created_at")["value"].as<std::string>();
    CHECK(fed ==
          "{{workflow.creationTimestamp.Y}}-{{workflow.creationTimestamp.m}}-{{workflow.creationTimestamp.d}}T"
          "{{workflow.creationTimestamp.H}}:{{workflow.creationTimestamp.M}}:{{workflow.creationTimestamp.S}}"
          "{{workflow.creationTimestamp.z}}");
    CHECK_THAT(YAML::Dump(wf), !Contains("{{="));

    for (const char* created : {"2024-03-31T16:30:00+0000", "2024-04-01T01:30:00+0900"}) {
        DYNAMIC_SECTION(created) {
            test::TempDir dir("pipecc-resolver-argo");
            std::vector<std::string> argv;
            std::map<std::string, std::string> files;
            static const std::regex out_path(R"(/tmp/outputs/([^/]+)/data)");
            for (const char* part : {"command", "args"}) {
                for (const auto& item : resolver["container"][part]) {
                    std::string text = item.as<std::string>();
                    text = std::regex_replace(text, std::regex(R"(\{\{inputs\.parameters\.created_at\}\})"), created);
                    text = replace_all(text, out_path, [&](const std::smatch& m) {
                        return files[m[1]] = dir / ("outputs/" + m[1].str() + "/data");
                    });
                    CHECK_THAT(text, !Contains("{{"));
                    argv.push_back(text);
                }
            }
            const auto r = test::run_process(argv, {}, {{"TZ", kContainerZone}});
            INFO("stderr: " << r.err);
            REQUIRE(r.exit_code == 0);
            const std::string arg = test::by_name(test::by_name(dag, "consumer")["arguments"]["parameters"], "x")["value"]
                                        .as<std::string>();
            static const std::regex ref(R"(\{\{tasks\.resolve-run-values\.outputs\.parameters\.([^}]+)\}\})");
            const std::string value = replace_all(arg, ref, [&](const std::smatch& m) {
                REQUIRE(files.count(m[1]));
                auto text = test::read_whole_file(files[m[1]]);
                REQUIRE(text);
                return *text;
            });
            CHECK(value == "d=20240401 h=01 JST");
        }
    }
}

// A command substitution passed as an argument escapes `set -e`, and `date -d ""` prints today's
// midnight: a value `date` cannot read must fail the step, never become "" or today's date.
TEST_CASE("resolver step: a run value `date` cannot read fails the step instead of writing a wrong value",
          "[resolver][exec]") {
    const YAML::Node spec = test::kfp_spec(formatted("Asia/Tokyo", "%Y%m%d"));
    for (const char* bad : {"", "not a time", kCreateTime}) {
        DYNAMIC_SECTION("created_at = \"" << bad << "\"") {
            test::TempDir dir("pipecc-resolver-bad");
            const StepRun run = run_kfp_resolver(spec, {{kCreateTime, bad}}, dir);
            INFO("wrote: " << (run.outputs.count("value-0") ? "\"" + run.outputs.at("value-0") + "\"" : "nothing"));
            CHECK(run.process.exit_code != 0);
        }
    }
}

// `date -d " "` is today's midnight too: a blank value is as empty as "".
TEST_CASE("resolver step: a blank run value fails the step", "[resolver][exec]") {
    const YAML::Node spec = test::kfp_spec(formatted("Asia/Tokyo", "%Y%m%d"));
    for (const char* blank : {" ", "\t", "  \n "}) {
        DYNAMIC_SECTION("created_at of " << std::string(blank).size() << " blank characters") {
            test::TempDir dir("pipecc-resolver-blank");
            const StepRun run = run_kfp_resolver(spec, {{kCreateTime, blank}}, dir);
            INFO("wrote: " << (run.outputs.count("value-0") ? "\"" + run.outputs.at("value-0") + "\"" : "nothing"));
            CHECK(run.process.exit_code != 0);
            CHECK_THAT(run.process.err, Contains("created_at"));
            CHECK_FALSE(run.outputs.count("value-0"));
        }
    }
}

// GNU date formats in UTC, and exits 0, when TZ names a zone it has no file for: an image without
// tzdata would write a wrong date. glibc looks in $TZDIR, else /usr/share/zoneinfo.
TEST_CASE("resolver step: a zone the image has no file for fails the step, naming the zone", "[resolver][exec]") {
    test::TempDir no_zones("pipecc-resolver-tzdir");
    const std::map<std::string, std::optional<std::string>> env = {{"TZDIR", no_zones.path().string()}};
    SECTION("a zone") {
        const YAML::Node spec = test::kfp_spec(formatted("Asia/Tokyo", "%Y%m%d %H"));
        test::TempDir dir("pipecc-resolver-nozone");
        const StepRun run = run_kfp_resolver(spec, {{kCreateTime, "2024-03-31T16:30:00Z"}}, dir, env);
        INFO("wrote: " << (run.outputs.count("value-0") ? "\"" + run.outputs.at("value-0") + "\"" : "nothing"));
        CHECK(run.process.exit_code != 0);
        CHECK_THAT(run.process.err, Contains("Asia/Tokyo") && Contains(no_zones.path().string()));
        CHECK_FALSE(run.outputs.count("value-0"));
    }
    SECTION("UTC needs no file") {
        const YAML::Node spec = test::kfp_spec(formatted("UTC", "%Y%m%d %H"));
        test::TempDir dir("pipecc-resolver-utc");
        const StepRun run = run_kfp_resolver(spec, {{kCreateTime, "2024-03-31T16:30:00Z"}}, dir, env);
        INFO("stderr: " << run.process.err);
        CHECK(run.process.exit_code == 0);
        CHECK(run.outputs.count("value-0"));
        CHECK(run.outputs.at("value-0") == "20240331 16");
    }
}

}  // namespace resolver_exec_test
