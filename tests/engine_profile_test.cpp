// Engine profiles: what each engine, at each version, accepts and resolves, and what pipecc
// therefore refuses for it. Each rule cites the engine source it follows (tag and file); the
// repositories are kubeflow/pipelines and argoproj/argo-workflows.
#include <chrono>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli_support.hpp"
#include "test_support.hpp"
#include "tools/subprocess.hpp"

namespace engine_profile_test {

using namespace pipecc;
using Catch::Contains;
using Catch::StartsWith;

namespace {

std::optional<Error> error_for(const Pipeline& p, Engine engine) {
    return test::error_of([&] { (void)compile(p, {.engine = engine}); });
}

Component step(const std::string& name) {
    return Component(name).image("alpine:3.20").input<String>("x").command({"echo", input_value("x")});
}

Pipeline with_task(const std::function<void(Task&)>& set) {
    Pipeline p("engines");
    Task t = p.add(step("work"), "work").arg("x", "hi");
    set(t);
    return p;
}

}  // namespace

TEST_CASE("engines: names parse to profiles, and defaults are the newest versions", "[engine]") {
    CHECK(parse_engine("argo") == Engine::argo(4, 1));
    CHECK(parse_engine("kfp") == Engine::kfp(2, 17));
    CHECK(parse_engine("vertex") == Engine::vertex());
    CHECK(parse_engine("kfp@1.8") == Engine::kfp_v1());
    for (const char* name : {"argo@3.6", "argo@3.7", "argo@4.0", "argo@4.1", "kfp@2.14", "kfp@2.15", "kfp@2.16",
                             "kfp@2.17"}) {
        CAPTURE(name);
        REQUIRE(parse_engine(name));
        CHECK(parse_engine(name)->name() == name);
    }
    // Argo supports its two newest minor versions; 3.5 and older are out of support, and a
    // version pipecc has not read the source of has no profile.
    for (const char* name : {"argo@3.5", "argo@2.9", "kfp@2.13", "kfp@2.18", "vertex@1.0", "argo@", "argo@4",
                             "argo@4.1.2", "airflow", ""}) {
        CAPTURE(name);
        CHECK_FALSE(parse_engine(name));
    }
    CHECK(engine_names() == "argo@3.6, argo@3.7, argo@4.0, argo@4.1, kfp@1.8, kfp@2.14, kfp@2.15, kfp@2.16, "
                            "kfp@2.17, vertex");
    auto e = test::error_of([] { (void)profile(Engine::argo(3, 5)); });
    REQUIRE(e);
    CHECK_THAT(e->message(), Contains("argo@3.5") && Contains("argo@4.1"));
}

// Vertex AI's PipelineJob carries `pipelineSpec` and `runtimeConfig` only: no field for the
// kfp-kubernetes PlatformSpec (aiplatform v1 PipelineJob; kfp sdk-2.17.0-1
// sdk/python/kfp/compiler/pipeline_spec_builder.py writes it as a second document that only the
// KFP backend reads, backend/src/v2/driver/k8s.go). Silently dropping it would run the task
// without its secret or on the wrong nodes, so each such setting is refused.
TEST_CASE("engines: vertex refuses each Kubernetes-only setting, naming task, setting and engine", "[engine][vertex]") {
    struct Case {
        const char* name;
        std::function<void(Task&)> set;
        const char* says;
    };
    const std::vector<Case> cases = {
        {"secret env", [](Task& t) { t.env_from_secret("SLACK_WEBHOOK_URL", "slack-webhook", "url"); },
         "secrets (env SLACK_WEBHOOK_URL from secret 'slack-webhook')"},
        {"node selector", [](Task& t) { t.node_selector("cloud.google.com/gke-nodepool", "high-memory-pool"); },
         "node selectors (cloud.google.com/gke-nodepool=high-memory-pool)"},
        {"secret volume", [](Task& t) { t.secret_volume("sa-key", "/secrets/sa"); }, "secret volumes ('sa-key')"},
        {"config map env", [](Task& t) { t.env_from_config_map("MODE", "settings", "mode"); }, "config maps ('settings')"},
        {"pvc", [](Task& t) { t.pvc_mount("data", "/data"); }, "Kubernetes volumes ('data')"},
        {"ephemeral", [](Task& t) { t.ephemeral_volume("scratch", "/scratch", "10Gi"); }, "Kubernetes volumes ('scratch')"},
        {"toleration", [](Task& t) { t.toleration({.key = "gpu", .op = "Exists", .effect = "NoSchedule"}); }, "tolerations"},
        {"affinity", [](Task& t) { t.node_affinity({{.key = "zone", .op = "In", .values = {"a"}}}); }, "node affinity"},
        {"pod label", [](Task& t) { t.pod_label("team", "ml"); }, "pod labels and annotations"},
        {"pull secret", [](Task& t) { t.image_pull_secret("registry"); }, "image pull secrets ('registry')"},
        {"timeout", [](Task& t) { t.timeout(std::chrono::seconds(600)); }, "task timeouts (600 s)"},
    };
    for (const auto& c : cases) {
        DYNAMIC_SECTION(c.name) {
            const Pipeline p = with_task(c.set);
            auto e = error_for(p, Engine::vertex());
            REQUIRE(e);
            CHECK(e->where().pipeline == "engines");
            CHECK(e->where().task == "work");
            CHECK_THAT(e->message(), StartsWith(std::string("vertex does not apply ") + c.says + ":"));
            CHECK_THAT(e->message(), Contains("a Vertex PipelineJob has no field for Kubernetes settings"));
            // KFP applies the same setting through its PlatformSpec.
            CHECK_FALSE(error_for(p, Engine::kfp()));
        }
    }
    SECTION("what to do instead") {
        auto e = error_for(with_task([](Task& t) { t.node_selector("pool", "big"); }), Engine::vertex());
        REQUIRE(e);
        CHECK_THAT(e->message(), Contains("Set CPU, memory and accelerator, which choose the machine"));
        e = error_for(with_task([](Task& t) { t.env_from_secret("TOKEN", "tok", "t"); }), Engine::vertex());
        REQUIRE(e);
        CHECK_THAT(e->message(), Contains("Secret Manager"));
    }
    SECTION("resources and accelerators are Vertex's own way to choose a machine: accepted") {
        const Pipeline p = with_task([](Task& t) {
            t.cpu_request("4").memory_request("16Gi").memory_limit("16Gi").accelerator("NVIDIA_TESLA_T4", 1);
        });
        CHECK_FALSE(error_for(p, Engine::vertex()));
    }
    SECTION("inside a nested pipeline, the inner task is named") {
        Pipeline inner("inner");
        inner.add(step("deep"), "deep").arg("x", "a").node_selector("pool", "big");
        Pipeline outer("outer");
        outer.add(inner, "run-inner");
        auto e = error_for(outer, Engine::vertex());
        REQUIRE(e);
        CHECK(e->where().pipeline == "inner");
        CHECK(e->where().task == "deep");
    }
}

// The driver fills {{$.pipeline_job_create_time_utc}} and {{$.pipeline_job_schedule_time_utc}}
// from KFP 2.17 (kubeflow/pipelines 2.17.0 backend/src/v2/driver/resolve.go, `switch valStr`;
// kfp #12616, #12628): 2.16 passes an empty value and older ones the raw text.
TEST_CASE("engines: run times below KFP 2.17 are refused, naming 2.17", "[engine][kfp]") {
    Pipeline p("engines");
    p.add(step("work"), "work").arg("x", run::created_at().in_zone("Asia/Tokyo").format("%Y%m%d"));
    for (const Engine old : {Engine::kfp(2, 14), Engine::kfp(2, 15), Engine::kfp(2, 16)}) {
        DYNAMIC_SECTION(old.name()) {
            auto e = error_for(p, old);
            REQUIRE(e);
            CHECK(e->where().task == "work");
            CHECK(e->where().input == "x");
            CHECK_THAT(e->message(), StartsWith(old.name() + " does not fill run::created_at()"));
            CHECK_THAT(e->message(), Contains("KFP 2.17"));
        }
    }
    CHECK_FALSE(error_for(p, Engine::kfp(2, 17)));
    CHECK_FALSE(error_for(p, Engine::vertex()));
    // Run name and id are filled by every version (the same switch in 2.14.0's resolve.go).
    Pipeline named("engines");
    named.add(step("work"), "work").arg("x", run::name());
    CHECK_FALSE(error_for(named, Engine::kfp(2, 14)));
}

// Before 2.17 the launcher substitutes several placeholders of one value in map order, and one
// can be left as raw `{{$.inputs.parameters[…]}}` text (kubeflow/pipelines #11035, #13977); from
// 2.17 the driver substitutes pipeline channels first (2.17.0 backend/src/v2/driver/resolve.go).
// Below 2.17 each such input reads one join step's output instead: every part reaches the step
// as an input's whole value, which every version substitutes.
TEST_CASE("engines: below KFP 2.17 an input joining several values reads a join step", "[engine][kfp]") {
    auto make = [](bool hook) {
        Pipeline p("engines");
        auto bucket = p.param<String>("bucket", "gs://b");
        auto day = p.param<Int>("day", 20240101);
        p.add(step("one"), "one").arg("x", concat(bucket, "/fixed"));
        p.add(step("two"), "two").arg("x", concat(bucket, "/it's/", to_string(day), "/", run::name()));
        if (hook) p.on_exit(step("notify"), "notify").arg("x", concat(bucket, " ", run::name()));
        return p;
    };
    const YAML::Node spec = YAML::LoadAll(compile(make(false), {.engine = Engine::kfp(2, 16)})).front();
    const YAML::Node tasks = spec["root"]["dag"]["tasks"];
    REQUIRE(tasks["two-join-x"]);
    CHECK_FALSE(tasks["one-join-x"]);  // one placeholder: left as it is
    const YAML::Node read = tasks["two"]["inputs"]["parameters"]["x"]["taskOutputParameter"];
    CHECK(read["producerTask"].as<std::string>() == "two-join-x");
    CHECK(read["outputParameterKey"].as<std::string>() == "value");
    // Every input of the join step is one whole placeholder.
    for (const auto& in : tasks["two-join-x"]["inputs"]["parameters"]) {
        if (in.second["runtimeValue"]) {
            const std::string v = in.second["runtimeValue"]["constant"].as<std::string>();
            CHECK((v.find("{{") == 0 && v.find("{{", 2) == std::string::npos));
        }
    }
    // The step really joins: run its command as KFP's launcher would, after substitution.
    const YAML::Node container = spec["deploymentSpec"]["executors"]["exec-two-join-x"]["container"];
    test::TempDir dir("pipecc-join");
    const std::map<std::string, std::string> values{{"part-0", "gs://b"}, {"part-1", "20240101"}, {"part-2", "run-7"}};
    std::vector<std::string> argv;
    for (const char* part : {"command", "args"}) {
        for (const auto& item : container[part]) {
            std::string text = item.as<std::string>();
            for (const auto& [k, v] : values) {
                const std::string ph = "{{$.inputs.parameters['" + k + "']}}";
                for (auto at = text.find(ph); at != std::string::npos; at = text.find(ph)) text.replace(at, ph.size(), v);
            }
            if (text == "{{$.outputs.parameters['value'].output_file}}") text = (dir.path() / "out/value").string();
            argv.push_back(text);
        }
    }
    const auto r = test::run_process(argv);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(test::read_whole_file(dir.path() / "out/value") == std::optional<std::string>("gs://b/it's/20240101/run-7"));
    // 2.17 joins them itself.
    const YAML::Node newest = YAML::LoadAll(compile(make(false), {.engine = Engine::kfp(2, 17)})).front();
    CHECK_FALSE(newest["root"]["dag"]["tasks"]["two-join-x"]);
    // A hook cannot wait for a step of its own: refused, naming 2.17.
    auto e = error_for(make(true), Engine::kfp(2, 16));
    REQUIRE(e);
    CHECK(e->where().task == "notify");
    CHECK_THAT(e->message(), StartsWith("kfp@2.16 may leave one of several values joined in one input unsubstituted"));
    CHECK_THAT(e->message(), Contains("before a hook") && Contains("kfp@2.17"));
}

// The 2.14-2.17 drivers answer "artifact iterator not implemented yet" for a task with an
// `artifactIterator` (kubeflow/pipelines 2.17.0 backend/src/v2/driver/resolve.go).
TEST_CASE("engines: a loop over artifacts is refused on every kfp@2 and accepted on vertex", "[engine][kfp]") {
    const auto make = Component("make").image("alpine:3.20").input<Int>("n").output<Dataset>("part").command(
        {"sh", "-c", "echo > \"$0\"", output_path("part")});
    const auto use = Component("use").image("alpine:3.20").input<Dataset>("d").command({"cat", input_path("d")});
    Pipeline inner("make-datasets");
    std::optional<Value<Dataset>> part;
    inner.parallel_for<Int>(nlohmann::json::array({1, 2}), [&](const Value<Int>& n) {
        part = inner.add(make, "make").arg("n", n).output<Dataset>("part");
    });
    inner.output("Output", collected(*part));
    Pipeline p("engines");
    auto datasets = p.add(inner).output<ArtifactList<Dataset>>("Output");
    p.parallel_for<Dataset>(datasets, [&](const Value<Dataset>& d) { p.add(use, "use").arg("d", d); });
    for (const Engine kfp : {Engine::kfp(2, 14), Engine::kfp(2, 17)}) {
        auto e = error_for(p, kfp);
        REQUIRE(e);
        CHECK(e->where().task == "use");
        CHECK_THAT(e->message(), StartsWith(kfp.name() + " cannot run a parallel_for over artifacts"));
    }
    CHECK_FALSE(error_for(p, Engine::vertex()));
}

// Argo 3.6, 3.7, 4.0 and 4.1 take the same form (expression templates since 3.2.4, the
// `schedules` list since 3.6): the outputs are byte-identical, so the 4.1 goldens stand for all.
TEST_CASE("engines: every supported Argo gets the same bytes", "[engine][argo]") {
    Pipeline p("engines");
    p.schedule("0 6 * * *", "Asia/Tokyo");
    p.add(step("work"), "work").arg("x", concat("day ", run::created_at().in_zone("Asia/Tokyo").format("%Y%m%d")));
    const std::string newest = compile(p, {.engine = Engine::argo()});
    for (const Engine e : {Engine::argo(3, 6), Engine::argo(3, 7), Engine::argo(4, 0)}) {
        CAPTURE(e.name());
        CHECK(compile(p, {.engine = e}) == newest);
    }
    CHECK_THAT(newest, Contains("kind: CronWorkflow") && Contains("schedules:"));
}

// The README's "What each engine supports" is the profiles' own table, and `pipecc engines`
// prints the same.
TEST_CASE("engines: the README's table is the profiles' table", "[engine][docs]") {
    const std::string readme = test::slurp(std::filesystem::path(PIPECC_SOURCE_DIR) / "README.md");
    const std::string begin = "<!-- engines:begin -->\n", end = "<!-- engines:end -->";
    const auto b = readme.find(begin), e = readme.find(end);
    REQUIRE(b != std::string::npos);
    REQUIRE(e != std::string::npos);
    INFO("regenerate the README block with: build/pipecc engines");
    CHECK(readme.substr(b + begin.size(), e - b - begin.size()) == engine_table_markdown());
    test::Scratch s("engines");
    const auto r = s.run("engines");
    CHECK(r.code == 0);
    CHECK(r.out == engine_table_markdown());
    for (const auto& p : engine_profiles()) CHECK_THAT(engine_table_markdown(), Contains("| `" + p.engine.name() + "` |"));
}

// The examples as a user compiles them for each engine: what runs as written compiles, and what
// an engine would drop or leave empty is refused with the task, the setting and the engine.
TEST_CASE("engines: the examples on vertex and kfp@2.16", "[engine][examples]") {
    const auto run = [](const std::string& example, const std::string& engine) {
        const std::string bin = std::string(PIPECC_EXAMPLES_BIN_DIR) + "/" + example;
        return test::run_process({bin, "--engine", engine, "-o", "-"});
    };
    const auto daily = run("daily_prediction", "vertex");
    CHECK(daily.exit_code == 1);
    CHECK_THAT(daily.err, StartsWith("error: pipeline 'daily-prediction', task 'predict': vertex does not apply node "
                                     "selectors (cloud.google.com/gke-nodepool=high-memory-pool)"));
    CHECK(daily.out.empty());
    const auto pager = run("notify_on_failure", "vertex");
    CHECK(pager.exit_code == 1);
    CHECK_THAT(pager.err, Contains("task 'page-on-call': vertex does not apply secrets (env PAGER_URL"));
    for (const char* plain : {"hello", "flip_coin", "parallel_training", "nested_pipeline", "producer_consumer"}) {
        CAPTURE(plain);
        const auto r = run(plain, "vertex");
        CHECK(r.exit_code == 0);
        // Vertex gets the same IR as KFP: only what it would not apply differs, and that is refused.
        CHECK(r.out == run(plain, "kfp").out);
    }
    const auto old = run("daily_prediction", "kfp@2.16");
    CHECK(old.exit_code == 1);
    CHECK_THAT(old.err, Contains("kfp@2.16 does not fill run::created_at()") && Contains("KFP 2.17"));
}

}  // namespace engine_profile_test
