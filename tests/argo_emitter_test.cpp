// The Argo Workflow emitter: compiled Workflows read back with yaml-cpp and checked field by field.
#include <chrono>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace argo_emitter_test {

using namespace pipecc;
using Catch::Contains;
using test::argo_wf;
using test::by_name;
using test::component;
using test::names_of;

namespace {

YAML::Node templates(const YAML::Node& wf) { return wf["spec"]["templates"]; }

YAML::Node dag_tasks(const YAML::Node& wf) {
    const auto entry = by_name(templates(wf), wf["spec"]["entrypoint"].as<std::string>());
    return entry["dag"]["tasks"];
}

YAML::Node dag_task(const YAML::Node& wf, const std::string& name) { return by_name(dag_tasks(wf), name); }

YAML::Node template_of(const YAML::Node& wf, const std::string& task) {
    return by_name(templates(wf), dag_task(wf, task)["template"].as<std::string>());
}

std::string arg_value(const YAML::Node& wf, const std::string& task, const std::string& input) {
    return by_name(dag_task(wf, task)["arguments"]["parameters"], input)["value"].as<std::string>();
}

}  // namespace

TEST_CASE("argo: the Workflow has its kind, generateName and a DAG entrypoint", "[argo]") {
    Pipeline p("Daily Thanks");
    p.description("says thanks");
    p.add(component("say"), "hello");
    const auto wf = argo_wf(p);
    CHECK(wf["apiVersion"].as<std::string>() == "argoproj.io/v1alpha1");
    CHECK(wf["kind"].as<std::string>() == "Workflow");
    CHECK(wf["metadata"]["generateName"].as<std::string>() == "daily-thanks-");
    CHECK_FALSE(wf["metadata"]["name"]);
    CHECK(wf["metadata"]["annotations"]["workflows.argoproj.io/title"].as<std::string>() == "Daily Thanks");
    CHECK(wf["metadata"]["annotations"]["workflows.argoproj.io/description"].as<std::string>() == "says thanks");
    CHECK(wf["spec"]["entrypoint"].as<std::string>() == "daily-thanks");
    const auto entry = by_name(templates(wf), "daily-thanks");
    REQUIRE(entry);
    REQUIRE(entry["dag"]["tasks"].IsSequence());
    CHECK(names_of(entry["dag"]["tasks"]) == std::vector<std::string>{"hello"});
    CHECK_FALSE(entry["container"]);
    // The entry template comes first, then the task's container template.
    CHECK(names_of(templates(wf)) == std::vector<std::string>{"daily-thanks", "say"});
    CHECK(template_of(wf, "hello")["container"]["image"].as<std::string>() == "alpine:3.20");
    // No parameters: no spec.arguments.
    CHECK_FALSE(wf["spec"]["arguments"]);
}

TEST_CASE("argo: a component named like the pipeline gets another template name", "[argo]") {
    Pipeline p("hello");
    p.add(component("hello"));
    const auto wf = argo_wf(p);
    CHECK(names_of(templates(wf)) == std::vector<std::string>{"hello", "hello-2"});
    CHECK(dag_task(wf, "hello")["template"].as<std::string>() == "hello-2");
    CHECK(template_of(wf, "hello")["container"]);
}

TEST_CASE("argo: pipeline parameters are workflow arguments with string defaults", "[argo]") {
    Pipeline p("p");
    p.param<String>("root", {.default_value = "gs://b", .description = "bucket"});
    p.param<Int>("n", 5);
    p.param<Float>("rate", 2);
    p.param<Bool>("flag", true);
    p.param<String>("needed");
    p.add(component("c"), "t");
    const auto params = argo_wf(p)["spec"]["arguments"]["parameters"];
    REQUIRE(params.IsSequence());
    CHECK(names_of(params) == std::vector<std::string>{"root", "n", "rate", "flag", "needed"});
    CHECK(by_name(params, "root")["value"].as<std::string>() == "gs://b");
    CHECK(by_name(params, "root")["description"].as<std::string>() == "bucket");
    // Argo parameter values are strings.
    for (const char* name : {"root", "n", "rate", "flag"}) {
        CAPTURE(name);
        CHECK(test::is_string_scalar(by_name(params, name)["value"]));
    }
    CHECK(by_name(params, "n")["value"].as<std::string>() == "5");
    CHECK(by_name(params, "rate")["value"].as<std::string>() == "2.0");
    CHECK(by_name(params, "flag")["value"].as<std::string>() == "true");
    CHECK_FALSE(by_name(params, "needed")["value"]);
}

TEST_CASE("argo: an artifact pipeline parameter is rejected", "[argo]") {
    Pipeline p("p");
    const auto m = p.param<Model>("m");
    p.add(component("c").input<Model>("m"), "t").arg("m", m);
    auto e = test::error_of([&] { compile(p, {.engine = Engine::argo()}); });
    REQUIRE(e);
    CHECK_THAT(e->what(), Contains("pipeline 'p'") && Contains("'m'") && Contains("Argo"));
}

TEST_CASE("argo: DAG task arguments reference parameters, outputs and artifacts", "[argo]") {
    Pipeline p("p");
    const auto root = p.param<String>("root");
    Task a = p.add(component("src").output<String>("o").output<Int>("n").output<Dataset>("rows"), "a");
    p.add(component("sink")
              .input<String>("from_param")
              .input<String>("from_task")
              .input<String>("joined")
              .input<Int>("lit")
              .input<String>("count_text")
              .input<Dataset>("data"),
          "b")
        .arg("from_param", root)
        .arg("from_task", a.output<String>("o"))
        .arg("joined", concat(root, "/", a.output<String>("o"), ".txt"))
        .arg("lit", 7)
        .arg("count_text", to_string(a.output<Int>("n")))
        .arg("data", a.output<Dataset>("rows"));
    const auto wf = argo_wf(p);
    CHECK(arg_value(wf, "b", "from_param") == "{{workflow.parameters.root}}");
    CHECK(arg_value(wf, "b", "from_task") == "{{tasks.a.outputs.parameters.o}}");
    CHECK(arg_value(wf, "b", "joined") == "{{workflow.parameters.root}}/{{tasks.a.outputs.parameters.o}}.txt");
    CHECK(arg_value(wf, "b", "lit") == "7");
    CHECK(test::is_string_scalar(by_name(dag_task(wf, "b")["arguments"]["parameters"], "lit")["value"]));
    CHECK(arg_value(wf, "b", "count_text") == "{{tasks.a.outputs.parameters.n}}");
    const auto artifacts = dag_task(wf, "b")["arguments"]["artifacts"];
    REQUIRE(artifacts.IsSequence());
    REQUIRE(artifacts.size() == 1);
    CHECK(artifacts[0]["name"].as<std::string>() == "data");
    CHECK(artifacts[0]["from"].as<std::string>() == "{{tasks.a.outputs.artifacts.rows}}");
    CHECK_FALSE(by_name(dag_task(wf, "b")["arguments"]["parameters"], "data"));
    CHECK(dag_task(wf, "b")["depends"].as<std::string>() == "a");
    CHECK(dag_task(wf, "b")["template"].as<std::string>() == "sink");
    // A task without arguments or dependencies has neither key.
    REQUIRE(dag_task(wf, "a"));
    CHECK_FALSE(dag_task(wf, "a")["arguments"]);
    CHECK_FALSE(dag_task(wf, "a")["depends"]);
}

TEST_CASE("argo: dependencies are sorted by name and unique, tasks in topological order", "[argo]") {
    Pipeline p("p");
    const auto src = component("src").output<String>("o");
    Task zeta = p.add(src, "zeta");
    Task alpha = p.add(src, "alpha");
    Task mid = p.add(src, "mid");
    p.add(component("sink").input<String>("x"), "sink")
        .arg("x", concat(zeta.output<String>("o"), alpha.output<String>("o"), zeta.output<String>("o")))
        .after(mid, alpha);
    const auto wf = argo_wf(p);
    CHECK(dag_task(wf, "sink")["depends"].as<std::string>() == "alpha && mid && zeta");
    CHECK(names_of(dag_tasks(wf)) == std::vector<std::string>{"alpha", "mid", "zeta", "sink"});
}

TEST_CASE("argo: container templates declare inputs and outputs with KFP v1 paths", "[argo]") {
    Pipeline p("p");
    const auto c = Component("work")
                       .image("alpine:3.20")
                       .input<String>("msg")
                       .input<Int>("n", 3)
                       .optional_input<String>("maybe")
                       .input<Dataset>("rows")
                       .optional_input<Model>("warm")
                       .output<String>("summary")
                       .output<Model>("model")
                       .command({"sh", "-c", "x"})
                       .args({input_value("msg"), input_path("rows"), output_path("summary"), output_path("model"),
                              concat("--n=", input_value("n"))});
    Task a = p.add(component("src").output<Dataset>("d"), "a");
    p.add(c, "t").arg("msg", "hi").arg("rows", a.output<Dataset>("d"));
    const auto wf = argo_wf(p);
    const auto tmpl = template_of(wf, "t");
    CHECK(tmpl["name"].as<std::string>() == "work");

    const auto in_params = tmpl["inputs"]["parameters"];
    CHECK(names_of(in_params) == std::vector<std::string>{"msg", "n", "maybe"});
    CHECK_FALSE(by_name(in_params, "msg")["default"]);
    CHECK(by_name(in_params, "n")["default"].as<std::string>() == "3");
    CHECK(test::is_string_scalar(by_name(in_params, "n")["default"]));
    CHECK(by_name(in_params, "maybe")["default"].as<std::string>().empty());

    const auto in_artifacts = tmpl["inputs"]["artifacts"];
    CHECK(by_name(in_artifacts, "rows")["path"].as<std::string>() == "/tmp/inputs/rows/data");
    CHECK_FALSE(by_name(in_artifacts, "rows")["optional"]);
    CHECK(by_name(in_artifacts, "warm")["optional"].as<bool>());

    const auto out_params = tmpl["outputs"]["parameters"];
    CHECK(by_name(out_params, "summary")["valueFrom"]["path"].as<std::string>() == "/tmp/outputs/summary/data");
    CHECK(by_name(tmpl["outputs"]["artifacts"], "model")["path"].as<std::string>() == "/tmp/outputs/model/data");

    // The command line uses the same paths, and Argo's input syntax.
    CHECK(test::strings_of(tmpl["container"]["args"]) ==
          std::vector<std::string>{"{{inputs.parameters.msg}}", "/tmp/inputs/rows/data", "/tmp/outputs/summary/data",
                                   "/tmp/outputs/model/data", "--n={{inputs.parameters.n}}"});
    CHECK(test::strings_of(tmpl["container"]["command"]) == std::vector<std::string>{"sh", "-c", "x"});
}

TEST_CASE("argo: identical tasks share one template; different settings get name-2", "[argo]") {
    Pipeline p("p");
    const auto c = component("step").input<String>("x");
    p.add(c, "a").arg("x", "1");
    p.add(c, "b").arg("x", "2");
    p.add(c, "c").arg("x", "3");
    p.add(c, "big").arg("x", "4").memory_request("8Gi");
    p.add(c, "big-too").arg("x", "5").memory_request("8Gi");
    const auto wf = argo_wf(p);
    CHECK(names_of(templates(wf)) == std::vector<std::string>{"p", "step", "step-2"});
    for (const char* t : {"a", "b", "c"}) {
        CAPTURE(t);
        CHECK(dag_task(wf, t)["template"].as<std::string>() == "step");
    }
    CHECK(dag_task(wf, "big")["template"].as<std::string>() == "step-2");
    CHECK(dag_task(wf, "big-too")["template"].as<std::string>() == "step-2");
    CHECK(by_name(templates(wf), "step-2")["container"]["resources"]["requests"]["memory"].as<std::string>() == "8Gi");
    CHECK_FALSE(by_name(templates(wf), "step")["container"]["resources"]);
    // Arguments stay per task.
    CHECK(arg_value(wf, "a", "x") == "1");
    CHECK(arg_value(wf, "c", "x") == "3");
}

TEST_CASE("argo: each per-task setting separates templates", "[argo]") {
    using std::chrono::seconds;
    const auto c = component("step");
    auto template_count = [&](auto configure) {
        Pipeline p("p");
        p.add(c, "a");
        configure(p.add(c, "b"));
        return templates(argo_wf(p)).size();
    };
    CHECK(template_count([](Task) {}) == 2);
    CHECK(template_count([](Task t) { t.cpu_limit("1"); }) == 3);
    CHECK(template_count([](Task t) { t.node_selector("k", "v"); }) == 3);
    CHECK(template_count([](Task t) { t.env("A", "1"); }) == 3);
    CHECK(template_count([](Task t) { t.env_from_secret("A", "s", "k"); }) == 3);
    CHECK(template_count([](Task t) { t.retry(2); }) == 3);
    CHECK(template_count([](Task t) { t.timeout(seconds(10)); }) == 3);
    CHECK(template_count([](Task t) { t.caching(false); }) == 3);
    CHECK(template_count([](Task t) { t.display_name("Shown"); }) == 3);
    CHECK(template_count([](Task t) { t.accelerator("nvidia.com/gpu", 1); }) == 3);
}

TEST_CASE("argo: node selector, resources and secret env are on the container template", "[argo]") {
    Pipeline p("p");
    p.add(component("c").env("FROM_COMPONENT", "x"), "t")
        .node_selector("cloud.google.com/gke-nodepool", "high-memory-pool")
        .cpu_request("4")
        .cpu_limit("8")
        .memory_request("60G")
        .memory_limit("64G")
        .accelerator("nvidia.com/gpu", 2)
        .env("LOG_LEVEL", "info")
        .env_from_secret("BQ_KEY", "bigquery-writer", "key.json");
    const auto tmpl = template_of(argo_wf(p), "t");
    CHECK(tmpl["nodeSelector"]["cloud.google.com/gke-nodepool"].as<std::string>() == "high-memory-pool");
    const auto res = tmpl["container"]["resources"];
    CHECK(res["requests"]["cpu"].as<std::string>() == "4");
    CHECK(test::is_string_scalar(res["requests"]["cpu"]));
    CHECK(res["requests"]["memory"].as<std::string>() == "60G");
    CHECK(res["limits"]["cpu"].as<std::string>() == "8");
    CHECK(res["limits"]["memory"].as<std::string>() == "64G");
    CHECK(res["limits"]["nvidia.com/gpu"].as<std::string>() == "2");
    const auto env = tmpl["container"]["env"];
    CHECK(names_of(env) == std::vector<std::string>{"FROM_COMPONENT", "LOG_LEVEL", "BQ_KEY"});
    CHECK(by_name(env, "LOG_LEVEL")["value"].as<std::string>() == "info");
    const auto ref = by_name(env, "BQ_KEY")["valueFrom"]["secretKeyRef"];
    CHECK(ref["name"].as<std::string>() == "bigquery-writer");
    CHECK(ref["key"].as<std::string>() == "key.json");
    CHECK_FALSE(by_name(env, "BQ_KEY")["value"]);
}

TEST_CASE("argo: retryStrategy, activeDeadlineSeconds and the caching label", "[argo]") {
    Pipeline p("p");
    p.add(component("c"), "t")
        .retry(3, std::chrono::seconds(30), 2.0, std::chrono::seconds(600))
        .timeout(std::chrono::hours(1))
        .caching(false)
        .display_name("Shown Name");
    p.add(component("c"), "plain");
    const auto wf = argo_wf(p);
    const auto tmpl = template_of(wf, "t");
    const auto retry = tmpl["retryStrategy"];
    CHECK(retry["limit"].as<std::string>() == "3");
    CHECK(retry["backoff"]["duration"].as<std::string>() == "30s");
    CHECK(test::is_int_scalar(retry["backoff"]["factor"]));
    CHECK(retry["backoff"]["factor"].as<int>() == 2);
    CHECK(retry["backoff"]["maxDuration"].as<std::string>() == "600s");
    CHECK(tmpl["activeDeadlineSeconds"].as<long long>() == 3600);
    CHECK(tmpl["metadata"]["labels"]["pipelines.kubeflow.org/enable_caching"].as<std::string>() == "false");
    CHECK(test::is_string_scalar(tmpl["metadata"]["labels"]["pipelines.kubeflow.org/enable_caching"]));
    CHECK(tmpl["metadata"]["annotations"]["pipelines.kubeflow.org/task_display_name"].as<std::string>() ==
          "Shown Name");

    const auto plain = template_of(wf, "plain");
    REQUIRE(plain);
    CHECK_FALSE(plain["retryStrategy"]);
    CHECK_FALSE(plain["activeDeadlineSeconds"]);
    CHECK_FALSE(plain["metadata"]);
    CHECK_FALSE(plain["nodeSelector"]);
}

TEST_CASE("argo: a Vertex-style accelerator type is rejected", "[argo]") {
    Pipeline p("p");
    p.add(component("c"), "t").accelerator("NVIDIA_TESLA_T4", 1);
    auto e = test::error_of([&] { compile(p, {.engine = Engine::argo()}); });
    REQUIRE(e);
    CHECK_THAT(e->what(), Contains("task 't'") && Contains("NVIDIA_TESLA_T4") && Contains("nvidia.com/gpu"));
    CHECK(e->where().task == "t");
    // The same pipeline is fine for KFP (Vertex AI takes machine types).
    CHECK_NOTHROW(compile(p, {.engine = Engine::kfp()}));
}

TEST_CASE("argo: a non-integer backoff factor is rejected", "[argo]") {
    Pipeline p("p");
    p.add(component("c"), "t").retry(3, std::chrono::seconds(10), 1.5);
    auto e = test::error_of([&] { compile(p, {.engine = Engine::argo()}); });
    REQUIRE(e);
    CHECK_THAT(e->what(), Contains("task 't'") && Contains("backoff") && Contains("1.5"));
    CHECK_NOTHROW(compile(p, {.engine = Engine::kfp()}));
}

TEST_CASE("argo: JSON format is the same Workflow", "[argo]") {
    Pipeline p("p");
    const auto root = p.param<String>("root", "gs://b");
    p.add(component("c").input<String>("x"), "t").arg("x", root).node_selector("k", "v");
    const auto j = nlohmann::json::parse(compile(p, {.engine = Engine::argo(), .format = Format::Json}));
    CHECK(j["kind"] == "Workflow");
    CHECK(j["spec"]["entrypoint"] == "p");
    CHECK(j["spec"]["arguments"]["parameters"][0]["value"] == "gs://b");
    CHECK(j["spec"]["templates"].size() == 2);
    CHECK(j["spec"]["templates"][1]["nodeSelector"]["k"] == "v");
}

TEST_CASE("argo: to_string of a literal in a command line is rendered or rejected, never an internal error",
          "[argo]") {
    // BUG: the scopes check accepts to_string(<literal>) in a component's command, but the Argo
    // emitter's command-line lowering has no case for ToString and throws InternalError.
    Pipeline p("p");
    p.add(Component("c").image("i").command({"sleep", to_string(Value<Int>(3))}), "t");
    std::string out;
    auto e = test::error_of([&] { out = compile(p, {.engine = Engine::argo()}); });
    if (!e) {
        CHECK(test::strings_of(template_of(YAML::Load(out), "t")["container"]["command"]) ==
              std::vector<std::string>{"sleep", "3"});
    }
}

// Argo's scanner would read "{" + "{{tag}}" as the tag "{tag" (see the "[braces]" cases of
// argo_expr_eval_test.cpp); before expression templates (3.2.4) no text writes a '{' there.
TEST_CASE("argo: a literal '{' right before a run-time value is refused before Argo 3.2.4", "[argo][braces]") {
    SECTION("a task's argument") {
        Pipeline p("braces-old");
        p.add(test::consumer(), "consumer").arg("x", concat("{", run::name(), "}"));
        auto e = test::error_of([&] { compile(p, {.engine = Engine::kfp_v1()}); });
        REQUIRE(e);
        CHECK_THAT(e->what(), Contains("'{'") && Contains("3.2.4"));
        CHECK(e->where().pipeline == "braces-old");
        CHECK(e->where().task == "consumer");
        CHECK(e->where().input == "x");
        CHECK_NOTHROW(compile(p, {.engine = Engine::argo(3, 6)}));
    }
    SECTION("a formatted time's own literal text") {
        Pipeline p("braces-old");
        p.add(test::consumer(), "consumer").arg("x", run::created_at().format("%Y{%m"));
        auto e = test::error_of([&] { compile(p, {.engine = Engine::kfp_v1()}); });
        REQUIRE(e);
        CHECK(e->where().input == "x");
    }
    SECTION("a command line") {
        Pipeline p("braces-old");
        p.add(component("echo").input<String>("msg").args({concat("{", input_value("msg"), "}")}), "echo")
            .arg("msg", "hi");
        auto e = test::error_of([&] { compile(p, {.engine = Engine::kfp_v1()}); });
        REQUIRE(e);
        CHECK(e->where().task == "echo");
        CHECK(e->where().input == "msg");
    }
}

TEST_CASE("argo: a '{' before a tag goes inside it as an expression; '{' elsewhere stays text", "[argo][braces]") {
    Pipeline p("braces");
    auto prefix = p.param<String>("run-prefix", "n");
    p.add(test::consumer(), "a").arg("x", concat("{", run::name(), "}"));
    p.add(test::consumer(), "b").arg("x", concat("{", prefix, "} { ", run::id(), " {x}"));
    const auto wf = argo_wf(p);
    CHECK(arg_value(wf, "a", "x") == "{{='{' + workflow.name}}}");
    CHECK(arg_value(wf, "b", "x") == "{{='{' + workflow.parameters['run-prefix']}}} { {{workflow.uid}} {x}");
}

}  // namespace argo_emitter_test
