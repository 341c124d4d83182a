// `pipecc run` in real containers. Every task runs in podman, in one of two images this machine
// builds (tests/tools/runner_images.sh): a tools image with dash, GNU date, the zone files and
// Debian's python3, where a component's own script really runs; and a stub image whose
// application tools print their arguments and write each output they are given. The tests read
// the run's record: the commands as KFP's driver and launcher would resolve them, each attempt's
// times, the values passed between tasks. No runtime means a failure, not a skip.
//
// The engine rules these runs check, as read at kubeflow/pipelines tag 2.17.0 (backend/src/v2/)
// and argoproj/argo-workflows tag v4.1.2:
// - order: compiler/argocompiler/dag.go `addImplicitDependencies` (producers of task outputs are
//   dependencies) and `depends` (`a.Succeeded && ...`, so a failed or skipped upstream skips a
//   task; none for ALL_UPSTREAM_TASKS_COMPLETED, the exit hooks);
// - values: driver/resolve.go (run values only as a whole constant, taskFinalStatus from the first
//   dependentTask, outputs found at the producing task whatever its DAG's state), driver/util.go
//   and component/launcher_v2.go (placeholders, /tmp/kfp/outputs files, LocalPathForURI);
// - loops: driver/resolve.go iteration inputs, iteratorPolicy.parallelismLimit;
// - retries: argocompiler/container.go hands retryPolicy to Argo, whose
//   workflow/controller/operator.go processNodeRetries waits duration * factor^n and stops at
//   backoff.maxDuration counted from the first attempt;
// - caching: driver/cache.go getFingerPrint and cacheutils/cache.go GenerateCacheKey;
// - timeouts: kfp-kubernetes activeDeadlineSeconds, the pod's deadline per attempt.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "test_support.hpp"
#include "tools/subprocess.hpp"

namespace local_run_test {

using namespace pipecc;
using nlohmann::json;
using Catch::Contains;
namespace fs = std::filesystem;

constexpr const char* kTools = "localhost/pipecc-test/tools:2";
constexpr const char* kStub = "localhost/pipecc-test/stub:1";

// podman's settings for this machine, after the test images exist.
const std::string& containers_conf() {
    static const std::string conf = [] {
        const auto r = test::run_process({"bash", std::string(PIPECC_SOURCE_DIR) + "/tests/tools/runner_images.sh",
                                          std::string(PIPECC_TESTS_BINARY_DIR) + "/runner-images"});
        if (r.exit_code != 0) throw std::runtime_error("cannot make the runner's test images:\n" + r.err);
        return r.out.substr(0, r.out.find('\n'));
    }();
    return conf;
}

std::string golden(const std::string& name) { return std::string(PIPECC_SOURCE_DIR) + "/tests/golden/" + name; }

// The images whose commands these pipelines really run (shells, `python -c`) go to the tools
// image; application images to the stub. `overrides` maps an image elsewhere.
std::vector<std::string> image_flags(const std::string& ir_path, const std::map<std::string, std::string>& overrides = {}) {
    std::vector<std::string> flags;
    std::set<std::string> seen;
    const YAML::Node spec = YAML::LoadAllFromFile(ir_path).at(0);
    for (const auto& ex : spec["deploymentSpec"]["executors"]) {
        if (!ex.second["container"]) continue;
        const std::string image = ex.second["container"]["image"].as<std::string>();
        if (!seen.insert(image).second) continue;
        const bool real = image.rfind("python:", 0) == 0 || image.rfind("busybox:", 0) == 0 ||
                          image.rfind("alpine:", 0) == 0 || image.rfind("debian:", 0) == 0;
        const auto o = overrides.find(image);
        flags.insert(flags.end(), {"--image", image + "=" + (o != overrides.end() ? o->second : real ? kTools : kStub)});
    }
    return flags;
}

// A value for each secret and config map key the file's tasks read into env.
std::vector<std::string> secret_flags(const std::string& ir_path) {
    std::vector<std::string> flags;
    const auto docs = YAML::LoadAllFromFile(ir_path);
    if (docs.size() < 2) return flags;
    for (const auto& ex : docs[1]["platforms"]["kubernetes"]["deploymentSpec"]["executors"]) {
        for (const auto& s : ex.second["secretAsEnv"])
            for (const auto& k : s["keyToEnv"])
                flags.insert(flags.end(), {"--secret", s["secretName"].as<std::string>() + "/" +
                                                           k["secretKey"].as<std::string>() + "=https://hooks.example/t"});
        for (const auto& s : ex.second["configMapAsEnv"])
            for (const auto& k : s["keyToEnv"])
                flags.insert(flags.end(), {"--secret", s["configMapName"].as<std::string>() + "/" +
                                                           k["configMapKey"].as<std::string>() + "=settings"});
    }
    return flags;
}

struct Run {
    int code = -1;
    std::string out, err;
    json record;
    std::string dir;

    const json& task(const std::string& path) const {
        for (const auto& t : record.at("tasks"))
            if (t.at("task") == path) return t;
        throw std::runtime_error("no task " + path + " in the record");
    }
    std::string log(const std::string& path) const {
        const json& attempts = task(path).at("attempts");
        if (attempts.empty()) return "";
        return test::read_whole_file(attempts.back().at("log").get<std::string>()).value_or("");
    }
};

Run run_pipeline(const test::TempDir& dir, const std::string& ir, std::vector<std::string> flags) {
    std::vector<std::string> argv = {PIPECC_CLI, "run", ir, "--root", (dir.path() / "root").string(), "--record",
                                     (dir.path() / "record.json").string(), "--pull", "never"};
    // A cache of its own for each run, unless the test shares one.
    if (std::find(flags.begin(), flags.end(), "--cache-dir") == flags.end())
        argv.insert(argv.end(), {"--cache-dir", (dir.path() / "cache").string()});
    argv.insert(argv.end(), flags.begin(), flags.end());
    const auto r = test::run_process(argv, "", {{"CONTAINERS_CONF", containers_conf()}});
    Run run{r.exit_code, r.out, r.err, json(), dir.path().string()};
    if (const auto text = test::read_whole_file(dir.path() / "record.json")) run.record = json::parse(*text);
    return run;
}

std::vector<std::string> concat_flags(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

std::string compile_to(const test::TempDir& dir, const Pipeline& p) {
    const std::string path = (dir.path() / (p.name() + ".kfp.yaml")).string();
    std::ofstream(path) << compile(p, {.engine = Engine::kfp()});
    return path;
}

TEST_CASE("run: every example's KFP IR runs to success in containers", "[run][examples]") {
    for (const auto& entry : fs::directory_iterator(std::string(PIPECC_SOURCE_DIR) + "/tests/golden")) {
        const std::string name = entry.path().filename().string();
        if (name.size() < 9 || name.substr(name.size() - 9) != ".kfp.yaml") continue;
        DYNAMIC_SECTION(name) {
            test::TempDir dir;
            const Run r = run_pipeline(dir, entry.path().string(),
                                       concat_flags(image_flags(entry.path().string()), secret_flags(entry.path().string())));
            INFO(r.out << r.err);
            CHECK(r.code == 0);
            REQUIRE(r.record.is_object());
            CHECK(r.record.at("run").at("state") == "Succeeded");
        }
    }
}

TEST_CASE("run: daily_prediction writes to the Tokyo date's path, and its exit hook gets Succeeded", "[run][examples]") {
    test::TempDir dir;
    const std::string ir = golden("daily_prediction.kfp.yaml");
    // 16:30 UTC on 31 March is 01:30 on 1 April in Tokyo.
    const Run r = run_pipeline(dir, ir, concat_flags(concat_flags(image_flags(ir), secret_flags(ir)),
                                                     {"--created-at", "2024-03-31T16:30:00Z"}));
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    const auto has = [](const json& command, const std::string& word) {
        return std::find(command.begin(), command.end(), json(word)) != command.end();
    };
    const json& extract = r.task("exit-handler-1/bigquery-extract").at("attempts").at(0).at("command");
    CHECK(has(extract, "gs://my-gcp-project/predictions/20240401/01"));
    CHECK(has(r.task("exit-handler-1/predict").at("attempts").at(0).at("command"), "gs://my-gcp-project/predictions/20240401/01"));
    CHECK_THAT(r.log("exit-handler-1/predict"), Contains("--output-dir gs://my-gcp-project/predictions/20240401/01"));
    // sh -c SCRIPT status run_name run_url: $0 is the status.
    const json& hook = r.task("slack-notification").at("attempts").at(0).at("command");
    REQUIRE(hook.size() == 6);
    CHECK(hook.at(3) == "Succeeded");
    CHECK(hook.at(5) == "https://kfp.example.com/#/runs/details/" + r.record.at("run").at("id").get<std::string>());
    CHECK_THAT(r.log("slack-notification"), Contains("daily-prediction " + r.record.at("run").at("name").get<std::string>() +
                                                     ": Succeeded"));
    // The secret reaches the container's env, and the record shows only its name.
    CHECK_THAT(r.log("slack-notification"), Contains("https://hooks.example/t"));
    CHECK(r.task("slack-notification").at("attempts").at(0).at("env") == json::array({"SLACK_WEBHOOK_URL=<secret slack-webhook/url>"}));
}

TEST_CASE("run: a task that fails gives the exit hook Failed, and the run exits 1", "[run][hooks]") {
    test::TempDir dir;
    const std::string ir = golden("daily_prediction.kfp.yaml");
    const std::string app = "asia-docker.pkg.dev/my-gcp-project/ml/prediction@sha256:"
                            "9a4c1e0f2b3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7";
    // Real python has no module `prediction`: the extract step exits 1.
    const Run r = run_pipeline(dir, ir, concat_flags(image_flags(ir, {{app, kTools}}), secret_flags(ir)));
    INFO(r.out << r.err);
    CHECK(r.code == 1);
    CHECK(r.task("exit-handler-1/bigquery-extract").at("state") == "Failed");
    CHECK_THAT(r.task("exit-handler-1/bigquery-extract").at("reason").get<std::string>(),
               Contains("exited with code 1") && Contains("No module named 'prediction'"));
    CHECK(r.task("exit-handler-1/predict").at("state") == "Skipped");
    CHECK(r.task("exit-handler-1").at("state") == "Failed");
    CHECK(r.task("slack-notification").at("state") == "Succeeded");
    CHECK(r.task("slack-notification").at("attempts").at(0).at("command").at(3) == "Failed");
    CHECK(r.record.at("run").at("state") == "Failed");
    CHECK_THAT(r.out, Contains("No module named 'prediction'"));
}

TEST_CASE("run: a loop of 6 with parallelism 2 never runs more than 2, and collected() keeps item order", "[run][loops]") {
    test::TempDir dir;
    const std::string ir = golden("parallel_training.kfp.yaml");
    const Run r = run_pipeline(dir, ir, concat_flags(image_flags(ir), {"--param", "trials=6", "--max-parallel", "4"}));
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    std::vector<std::pair<double, double>> spans;
    for (int i = 0; i < 6; ++i) {
        const json& a = r.task("for-loop-1[" + std::to_string(i) + "]/train").at("attempts").at(0);
        spans.emplace_back(a.at("started").get<double>(), a.at("ended").get<double>());
    }
    int most = 0;
    for (const auto& [start, end] : spans) {
        const int at_start = int(std::count_if(spans.begin(), spans.end(),
                                               [&](const auto& s) { return s.first <= start && start < s.second; }));
        most = std::max(most, at_start);
    }
    CHECK(most == 2);
    // train writes 1 - |lr - 0.05| with lr = 0.1 / (i + 1); pick-best gets them in item order.
    const json& accuracies = r.task("pick-best").at("inputs").at("parameters").at("accuracies");
    REQUIRE(accuracies.size() == 6);
    for (int i = 0; i < 6; ++i) CHECK(accuracies.at(i).get<double>() == Approx(1 - std::abs(0.1 / (i + 1) - 0.05)));
}

Component writer(const std::string& name) {
    return Component(name)
        .image("busybox:1.37")
        .input<String>("msg")
        .output<String>("Output")
        .command({"sh", "-c", "printf '%s' \"$0\" > \"$1\"", input_value("msg"), output_path("Output")});
}

TEST_CASE("run: an If whose condition is false skips its body, and one_of gives the branch that ran", "[run][conditions]") {
    test::TempDir dir;
    Pipeline p("branches");
    const auto mode = p.param<String>("mode", "fast");
    const Value<String> text =
        p.If(mode == "fast", [&] { return p.add(writer("say-fast")).arg("msg", "fast path").output<String>("Output"); })
            .Else([&] { return p.add(writer("say-slow")).arg("msg", "slow path").output<String>("Output"); });
    p.add(writer("report")).arg("msg", text);
    const std::string ir = compile_to(dir, p);
    for (const std::string mode_value : {"fast", "slow"}) {
        DYNAMIC_SECTION(mode_value) {
            test::TempDir run_dir;
            const Run r = run_pipeline(run_dir, ir, concat_flags(image_flags(ir), {"--param", "mode=" + mode_value}));
            INFO(r.out << r.err);
            REQUIRE(r.code == 0);
            const std::string ran = mode_value == "fast" ? "say-fast" : "say-slow";
            const std::string other = mode_value == "fast" ? "say-slow" : "say-fast";
            const auto ends_with = [](const std::string& s, const std::string& tail) {
                return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
            };
            int ran_tasks = 0, other_tasks = 0, false_conditions = 0;
            for (const auto& t : r.record.at("tasks")) {
                const std::string path = t.at("task");
                if (ends_with(path, "/" + ran)) {
                    ++ran_tasks;
                    CHECK(t.at("state") == "Succeeded");
                }
                if (ends_with(path, "/" + other)) ++other_tasks;
                if (t.at("state") == "Skipped") {
                    ++false_conditions;
                    CHECK(t.at("reason") == "condition is false");
                }
            }
            CHECK(ran_tasks == 1);
            // The false branch's group was skipped, so its DAG, and the task in it, never started.
            CHECK(other_tasks == 0);
            CHECK(false_conditions == 1);
            CHECK(r.task("report").at("inputs").at("parameters").at("msg") == mode_value + " path");
        }
    }
}

TEST_CASE("run: a task retried twice runs three times, with its backoff between", "[run][retries]") {
    test::TempDir dir;
    Pipeline p("retries");
    p.add(Component("flaky").image("busybox:1.37").command({"sh", "-c", "echo attempt; exit 3"}))
        .retry(2, std::chrono::seconds(1), 1.0);
    const std::string ir = compile_to(dir, p);
    const Run r = run_pipeline(dir, ir, image_flags(ir));
    INFO(r.out << r.err);
    CHECK(r.code == 1);
    const json& attempts = r.task("flaky").at("attempts");
    REQUIRE(attempts.size() == 3);
    for (const auto& a : attempts) CHECK(a.at("exit_code") == 3);
    for (int i = 1; i < 3; ++i)
        CHECK(attempts.at(i).at("started").get<double>() - attempts.at(i - 1).at("ended").get<double>() >= 0.95);
    CHECK_THAT(r.out, Contains("attempt 1  Failed, retrying in 1s"));
    CHECK_THAT(r.task("flaky").at("reason").get<std::string>(), Contains("exited with code 3"));
}

TEST_CASE("run: a retry that would wait past the backoff's max duration is not made, as in Argo", "[run][retries]") {
    // KFP passes backoffMaxDuration to Argo's retryStrategy.backoff.maxDuration, a bound on the
    // whole task from its first attempt (processNodeRetries, workflow/controller/operator.go, v4.1.2).
    test::TempDir dir;
    Pipeline p("bounded");
    p.add(Component("flaky").image("busybox:1.37").command({"sh", "-c", "exit 3"}))
        .retry(5, std::chrono::seconds(1), 1.0, std::chrono::seconds(3));
    const std::string ir = compile_to(dir, p);
    const Run r = run_pipeline(dir, ir, image_flags(ir));
    INFO(r.out << r.err);
    CHECK(r.code == 1);
    // How many attempts fit depends on how fast containers start; the rule holds either way.
    const json& attempts = r.task("flaky").at("attempts");
    REQUIRE(attempts.size() >= 2);
    CHECK(attempts.size() < 6);
    const double first = attempts.at(0).at("started").get<double>();
    for (std::size_t i = 1; i < attempts.size(); ++i) CHECK(attempts.at(i).at("started").get<double>() - first <= 3.1);
    CHECK(attempts.back().at("ended").get<double>() + 1 > first + 3);
    CHECK_THAT(r.task("flaky").at("reason").get<std::string>(), Contains("the backoff's max duration of 3 s"));
}

TEST_CASE("run: a cached task reuses an earlier run's outputs, keyed by its inputs", "[run][cache]") {
    test::TempDir cache;
    Pipeline p("cached");
    const auto day = p.param<String>("day", "20240401");
    // The producer's outputs are new each time it really runs: a random id.
    auto made = p.add(Component("produce")
                          .image("busybox:1.37")
                          .input<String>("day")
                          .output<String>("id")
                          .output<Dataset>("rows")
                          .command({"sh", "-c", "cat /proc/sys/kernel/random/uuid > \"$1\"; echo \"$0\" > \"$2\"",
                                    input_value("day"), output_path("id"), output_path("rows")}))
                     .arg("day", day);
    p.add(Component("consume")
              .image("busybox:1.37")
              .input<String>("id")
              .input<Dataset>("rows")
              .command({"sh", "-c", "echo \"$0 $(cat \"$1\")\"", input_value("id"), input_path("rows")}))
        .arg("id", made.output<String>("id"))
        .arg("rows", made.output<Dataset>("rows"));
    test::TempDir dir;
    const std::string ir = compile_to(dir, p);
    const auto run = [&](std::vector<std::string> extra) {
        auto r = std::make_unique<test::TempDir>();
        auto flags = concat_flags(image_flags(ir), extra);
        flags = concat_flags(flags, {"--cache-dir", (cache.path() / "c").string()});
        Run result = run_pipeline(*r, ir, flags);
        return std::make_pair(std::move(r), std::move(result));
    };
    const auto [dir1, first] = run({});
    INFO(first.out << first.err);
    REQUIRE(first.code == 0);
    CHECK(first.task("produce").at("state") == "Succeeded");
    const std::string id = first.task("produce").at("outputs").at("parameters").at("id");

    const auto [dir2, second] = run({});
    INFO(second.out << second.err);
    REQUIRE(second.code == 0);
    CHECK(second.task("produce").at("state") == "Cached");
    CHECK(second.task("produce").at("attempts").empty());
    CHECK(second.task("produce").at("outputs").at("parameters").at("id") == id);
    // The consumer is cached too (same inputs); its artifact was copied in for later readers.
    CHECK(second.task("consume").at("state") == "Cached");

    const auto [dir3, other_day] = run({"--param", "day=20240402"});
    REQUIRE(other_day.code == 0);
    CHECK(other_day.task("produce").at("state") == "Succeeded");
    CHECK(other_day.task("produce").at("outputs").at("parameters").at("id") != id);
    CHECK_THAT(other_day.log("consume"), Contains("20240402"));

    const auto [dir4, no_cache] = run({"--no-cache"});
    REQUIRE(no_cache.code == 0);
    CHECK(no_cache.task("produce").at("state") == "Succeeded");
    CHECK(no_cache.task("consume").at("state") == "Succeeded");
    CHECK_THAT(no_cache.log("consume"), Contains("20240401"));
}

TEST_CASE("run: a task's timeout stops each attempt, as activeDeadlineSeconds stops a pod", "[run][retries]") {
    test::TempDir dir;
    Pipeline p("slow");
    p.add(Component("nap").image("busybox:1.37").command({"sleep", "60"})).timeout(std::chrono::seconds(2)).retry(1);
    const std::string ir = compile_to(dir, p);
    const Run r = run_pipeline(dir, ir, image_flags(ir));
    INFO(r.out << r.err);
    CHECK(r.code == 1);
    const json& attempts = r.task("nap").at("attempts");
    REQUIRE(attempts.size() == 2);
    for (const auto& a : attempts) {
        const double ran = a.at("ended").get<double>() - a.at("started").get<double>();
        CHECK(ran >= 1.9);
        CHECK(ran < 10);
    }
    CHECK(r.task("nap").at("reason") == "stopped at its timeout of 2 s (activeDeadlineSeconds)");
}

TEST_CASE("run: bad input is a clear error with exit 2, and nothing starts", "[run][errors]") {
    test::TempDir dir;
    const std::string ir = golden("hello.kfp.yaml");
    SECTION("an image mapping that no task uses") {
        const Run r = run_pipeline(dir, ir, {"--image", "nope:1=" + std::string(kTools)});
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Contains("--image nope:1=") && Contains("no task runs image nope:1") && Contains("alpine:3.20"));
    }
    SECTION("a runtime that is not installed") {
        const auto r = test::run_process({PIPECC_CLI, "run", ir, "--runtime", "podman", "--root", dir.path().string()},
                                         "", {{"PATH", dir.path().string()}});
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Contains("--runtime podman: podman is not on PATH"));
    }
    SECTION("an Argo file") {
        const Run r = run_pipeline(dir, golden("hello.argo.yaml"), {});
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Contains("an Argo workflow: pipecc run runs KFP v2 IR only"));
    }
    SECTION("a pipeline input without a default") {
        Pipeline p("needs-input");
        p.add(writer("w")).arg("msg", p.param<String>("msg"));
        const Run r = run_pipeline(dir, compile_to(dir, p), {});
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Contains("pipeline input 'msg' has no default: give it with --param msg=VALUE"));
    }
    SECTION("a secret without a value fails its task, naming the flag") {
        const std::string daily = golden("daily_prediction.kfp.yaml");
        const Run r = run_pipeline(dir, daily, image_flags(daily));
        CHECK(r.code == 1);
        CHECK_THAT(r.task("slack-notification").at("reason").get<std::string>(),
                   Contains("give its value with --secret slack-webhook/url=VALUE"));
    }
}

TEST_CASE("run: Ctrl-C stops the running containers and writes the record so far", "[run][interrupt]") {
    test::TempDir dir;
    Pipeline p("sleepy");
    p.add(Component("nap").image("busybox:1.37").command({"sleep", "60"}));
    const std::string ir = compile_to(dir, p);
    std::string line = std::string(PIPECC_CLI) + " run " + ir + " --pull never --root " + (dir / "root") +
                       " --record " + (dir / "record.json");
    for (const auto& f : image_flags(ir)) line += " " + f;
    // sleep as a container's PID 1 ignores SIGTERM: only removing the container stops it.
    const auto r = test::run_process({"bash", "-c", line + " & pid=$!; sleep 2; kill -INT $pid; wait $pid"}, "",
                                     {{"CONTAINERS_CONF", containers_conf()}});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    const json record = json::parse(test::read_whole_file(dir / "record.json").value_or("null"));
    CHECK(record.at("run").at("state") == "Interrupted");
    CHECK(record.at("tasks").at(0).at("reason") == "interrupted");
    const double ran = record.at("tasks").at(0).at("attempts").at(0).at("ended").get<double>() -
                       record.at("tasks").at(0).at("attempts").at(0).at("started").get<double>();
    CHECK(ran < 10);
    const std::string name = "pipecc-" + record.at("run").at("id").get<std::string>().substr(0, 8);
    const auto ps = test::run_process({"podman", "ps", "-a", "-q", "--filter", "name=" + name}, "",
                                      {{"CONTAINERS_CONF", containers_conf()}});
    CHECK(ps.out.empty());
}

// Container-component pipelines that the kfp SDK compiled (kfp's own test data), with the
// pipeline inputs they need. Every image maps to the tools image.
struct KfpGolden {
    const char* file;
    std::vector<std::string> params;
    bool runs_here;  ///< false where the command is a program no local image has (my_program, gsutil)
};
const std::vector<KfpGolden>& kfp_goldens() {
    static const std::vector<KfpGolden> files = {
        {"arguments_parameters", {"--param", "param2=7"}, true},
        {"container_io", {"--param", "text=hi"}, false},
        {"container_with_concat_placeholder", {"--param", "text1=hi"}, false},
        {"container_with_if_placeholder", {}, false},
        {"container_with_placeholder_in_fstring", {}, false},
        {"critical__container_component_with_no_inputs", {}, true},
        {"critical__producer_consumer_param_pipeline", {}, true},
        {"critical__two_step_pipeline_containerized", {}, true},
        {"essential__container_no_input", {}, true},
        {"essential__pipeline_with_after", {}, true},
        {"essential__pipeline_with_nested_conditions_yaml", {}, true},
        {"essential__placeholder_with_if_placeholder_none_input_value", {}, true},
        {"gpu-scheduling__nvidia_gpu_scheduling_check", {}, true},
        {"hello_world", {}, true},
        {"mounted_cabundle_configmap", {}, true},
        {"mounted_cabundle_secret", {}, true},
        {"pipeline_with_only_display_name", {}, true},
        {"pipeline_with_task_final_status_yaml", {}, true},
        {"run_as_user_cache_disabled", {}, true},
        {"run_as_user_cache_enabled", {}, true},
        {"sequential_v1", {"--param", "param1=a", "--param", "param2=b"}, true},
        {"sequential_v2", {"--param", "url=gs://b/x"}, false},
        {"two_step_pipeline", {}, false},
    };
    return files;
}

TEST_CASE("run: IR written by the kfp SDK runs through --dry-run, and for real where busybox can run it", "[run][kfp-sdk]") {
    const fs::path dir = fs::path(PIPECC_SOURCE_DIR) / "../shared/reference/kfp-goldens";
    for (const auto& g : kfp_goldens()) {
        const std::string ir = (dir / (std::string(g.file) + ".yaml")).string();
        DYNAMIC_SECTION(g.file) {
            std::map<std::string, std::string> all_tools;
            const YAML::Node spec = YAML::LoadAllFromFile(ir).at(0);
            for (const auto& ex : spec["deploymentSpec"]["executors"])
                if (ex.second["container"]) all_tools[ex.second["container"]["image"].as<std::string>()] = kTools;
            const auto dry = test::run_process(concat_flags({PIPECC_CLI, "run", ir, "--dry-run"}, g.params));
            INFO(dry.out << dry.err);
            CHECK(dry.exit_code == 0);
            CHECK_THAT(dry.out, Contains("command  "));
            if (g.runs_here) {
                test::TempDir run_dir;
                const Run r = run_pipeline(run_dir, ir, concat_flags(image_flags(ir, all_tools), g.params));
                INFO(r.out << r.err);
                CHECK(r.code == 0);
            }
        }
    }
    CHECK(kfp_goldens().size() >= 10);
}

TEST_CASE("run: on a terminal a status line is redrawn under the events; elsewhere plain lines", "[run][host]") {
    test::TempDir dir;
    const std::string ir = golden("producer_consumer.kfp.yaml");
    const std::string line = std::string(PIPECC_CLI) + " run " + ir + " --runtime host --root " + (dir / "root") +
                             " --cache-dir " + (dir / "cache");
    // util-linux's script(1) gives the run a pseudo-terminal.
    const auto tty = test::run_process({"script", "-qec", line, (dir / "typescript")});
    INFO(tty.out << tty.err);
    CHECK(tty.exit_code == 0);
    CHECK_THAT(tty.out, Contains("\r\033[K") && Contains(" of 3 ended  running: produce"));
    const auto plain = test::run_process({"sh", "-c", line + " --no-cache"});
    CHECK(plain.exit_code == 0);
    CHECK(plain.out.find('\033') == std::string::npos);
    CHECK_THAT(plain.out, Contains("produce                              attempt 1  Succeeded\n"));
}

TEST_CASE("run: two runs of one name each get a local root of their own", "[run][host]") {
    test::TempDir dir;
    std::vector<std::string> roots;
    for (int i = 0; i < 2; ++i) {
        const std::string record = dir / ("record-" + std::to_string(i) + ".json");
        const auto r = test::run_process({"sh", "-c", "cd " + dir.path().string() + " && " + PIPECC_CLI + " run " +
                                                          golden("hello.kfp.yaml") + " --runtime host --run-name same --record " + record});
        INFO(r.out << r.err);
        REQUIRE(r.exit_code == 0);
        roots.push_back(json::parse(*test::read_whole_file(record)).at("run").at("root").get<std::string>());
    }
    CHECK(roots[0] == (dir.path() / "pipecc-runs" / "same").string());
    CHECK(roots[1].rfind(roots[0] + "-", 0) == 0);
}

TEST_CASE("run --runtime host: the commands run here, with their files under the local root", "[run][host]") {
    test::TempDir dir;
    const std::string ir = golden("producer_consumer.kfp.yaml");
    const Run r = run_pipeline(dir, ir, {"--runtime", "host"});
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    CHECK(r.record.at("run").at("runtime") == "host");
    // The artifact's path is the object store's folder under --root, not the pod's /minio.
    const std::string root = (dir.path() / "root").string();
    const json& produce = r.task("produce").at("attempts").at(0).at("command");
    CHECK(std::any_of(produce.begin(), produce.end(), [&](const json& w) {
        return w.get<std::string>().rfind(root + "/minio/mlpipeline/v2/artifacts/producer-consumer/", 0) == 0;
    }));
    CHECK_THAT(r.log("consume"), Contains("3 rows"));
}

TEST_CASE("run --dry-run: the resolved commands in order, with no container runtime", "[run][dry-run]") {
    test::TempDir dir;
    const std::string ir = golden("daily_prediction.kfp.yaml");
    // A PATH with no podman or docker, but the tools that pipecc's resolver step uses, which a
    // dry run runs on this machine so that the dates it computes are shown.
    const fs::path bin = dir.path() / "bin";
    fs::create_directories(bin);
    for (const char* tool : {"sh", "date", "mkdir", "dirname"})
        fs::create_symlink(*test::find_program(tool), bin / tool);
    const auto r = test::run_process({PIPECC_CLI, "run", ir, "--dry-run", "--created-at", "2024-03-31T16:30:00Z"}, "",
                                     {{"PATH", bin.string()}});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    const auto at = [&](const std::string& s) { return r.out.find(s); };
    CHECK(at("exit-handler-1/resolve-run-values") < at("exit-handler-1/bigquery-extract"));
    CHECK(at("exit-handler-1/bigquery-extract") < at("exit-handler-1/predict"));
    CHECK(at("exit-handler-1/predict") < at("slack-notification"));
    CHECK_THAT(r.out, Contains("env      SLACK_WEBHOOK_URL=<secret slack-webhook/url>"));
    CHECK_THAT(r.out, Contains("command  python -m prediction.extract --project my-gcp-project "
                               "--output-dir gs://my-gcp-project/predictions/20240401/01 --features /minio/"));
    CHECK_FALSE(fs::exists("pipecc-runs"));

    SECTION("without the resolver's tools, the values it would compute are shown by name") {
        const auto bare = test::run_process({PIPECC_CLI, "run", ir, "--dry-run"}, "", {{"PATH", dir.path().string()}});
        REQUIRE(bare.exit_code == 0);
        CHECK_THAT(bare.out, Contains("--output-dir 'gs://my-gcp-project/predictions/<exit-handler-1/resolve-run-values:value-0>/"));
    }
}

}  // namespace local_run_test
