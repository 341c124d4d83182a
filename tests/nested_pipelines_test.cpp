// Nested pipelines: a Pipeline run as a task of another, with inputs and outputs. KFP: a graph
// component with dag.outputs; Argo: a DAG template with inputs and outputs. And the checks on them.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sstream>

#include "test_support.hpp"

namespace pipecc::test::nested_pipelines_test {
namespace {

Component extract() { return component("extract").input<String>("day").output<String>("table"); }
Component report() { return component("report").input<String>("table").output<Artifact>("html"); }

// A two-step pipeline that returns a String and an Artifact.
Pipeline prepare() {
    Pipeline inner("prepare");
    auto day = inner.param<String>("day");
    auto region = inner.param<String>("region", "asia");
    auto first = inner.add(extract()).arg("day", concat(day, "-", region));
    auto second = inner.add(report()).arg("table", first.output<String>("table"));
    inner.output("table", first.output<String>("table")).output("html", second.output<Artifact>("html"));
    return inner;
}

YAML::Node templates(const YAML::Node& wf) { return wf["spec"]["templates"]; }

}  // namespace

TEST_CASE("KFP: a nested pipeline is a graph component with its parameters as inputs and dag.outputs", "[nested]") {
    Pipeline p("outer");
    auto nested = p.add(prepare()).arg("day", run::created_at().in_zone("Asia/Tokyo").format("%Y%m%d"));
    p.add(consumer()).arg("x", nested.output<String>("table"));
    const YAML::Node spec = kfp_spec(p);

    const YAML::Node comp = spec["components"]["comp-prepare"];
    REQUIRE(comp);
    CHECK_FALSE(comp["executorLabel"]);
    CHECK(keys_of(comp["inputDefinitions"]["parameters"]) == std::vector<std::string>{"day", "region"});
    CHECK(comp["inputDefinitions"]["parameters"]["region"]["defaultValue"].as<std::string>() == "asia");
    CHECK(comp["dag"]["outputs"]["parameters"]["table"]["valueFromParameter"]["producerSubtask"].as<std::string>() == "extract");
    CHECK(comp["dag"]["outputs"]["artifacts"]["html"]["artifactSelectors"][0]["outputArtifactKey"].as<std::string>() == "html");
    CHECK(comp["outputDefinitions"]["artifacts"]["html"]["artifactType"]["schemaTitle"].as<std::string>() == "system.Artifact");
    // Inside, the parameters are the component's own inputs, not pipeline channels.
    const YAML::Node extract_task = comp["dag"]["tasks"]["extract"];
    CHECK(extract_task["inputs"]["parameters"]["pipelinechannel--day"]["componentInputParameter"].as<std::string>() == "day");

    const YAML::Node root = spec["root"]["dag"]["tasks"];
    CHECK(root["prepare"]["componentRef"]["name"].as<std::string>() == "comp-prepare");
    CHECK(root["consumer"]["inputs"]["parameters"]["x"]["taskOutputParameter"]["producerTask"].as<std::string>() == "prepare");
    CHECK(strings_of(root["consumer"]["dependentTasks"]) == std::vector<std::string>{"prepare"});
    // The formatted run time is resolved in the outer pipeline and passed in.
    CHECK(root["prepare"]["inputs"]["parameters"]["day"]["taskOutputParameter"]);
}

TEST_CASE("Argo: a nested pipeline is a DAG template with inputs and outputs", "[nested]") {
    Pipeline p("outer");
    auto nested = p.add(prepare()).arg("day", "20260101");
    p.add(consumer()).arg("x", nested.output<String>("table"));
    p.add(component("viewer").input<Artifact>("page")).arg("page", nested.output<Artifact>("html"));
    const YAML::Node wf = argo_wf(p);

    const YAML::Node dag = by_name(templates(wf), "prepare");
    REQUIRE(dag);
    CHECK(names_of(dag["inputs"]["parameters"]) == std::vector<std::string>{"day", "region"});
    CHECK(by_name(dag["inputs"]["parameters"], "region")["default"].as<std::string>() == "asia");
    CHECK(by_name(dag["outputs"]["parameters"], "table")["valueFrom"]["parameter"].as<std::string>() ==
          "{{tasks.extract.outputs.parameters.table}}");
    CHECK(by_name(dag["outputs"]["artifacts"], "html")["from"].as<std::string>() == "{{tasks.report.outputs.artifacts.html}}");
    const YAML::Node extract_task = by_name(dag["dag"]["tasks"], "extract");
    CHECK(by_name(extract_task["arguments"]["parameters"], "day")["value"].as<std::string>() ==
          "{{inputs.parameters.day}}-{{inputs.parameters.region}}");

    const YAML::Node entry = by_name(templates(wf), "outer")["dag"]["tasks"];
    CHECK(by_name(entry, "prepare")["template"].as<std::string>() == "prepare");
    CHECK(by_name(by_name(entry, "prepare")["arguments"]["parameters"], "day")["value"].as<std::string>() == "20260101");
    CHECK(by_name(by_name(entry, "consumer")["arguments"]["parameters"], "x")["value"].as<std::string>() ==
          "{{tasks.prepare.outputs.parameters.table}}");
    CHECK(by_name(by_name(entry, "viewer")["arguments"]["artifacts"], "page")["from"].as<std::string>() ==
          "{{tasks.prepare.outputs.artifacts.html}}");
}

TEST_CASE("Argo: a nested pipeline's parameter reaches a branch inside it as a DAG input", "[nested]") {
    Pipeline inner("inner");
    auto mode = inner.param<String>("mode");
    inner.If(mode == "full", [&] { inner.add(consumer()).arg("x", mode); });
    Pipeline p("outer");
    p.add(inner).arg("mode", p.param<String>("mode", "full"));
    const YAML::Node wf = argo_wf(p);

    const YAML::Node inner_dag = by_name(templates(wf), "inner")["dag"]["tasks"];
    const YAML::Node branch = by_name(inner_dag, "condition-1");
    CHECK(branch["when"].as<std::string>() == "\"{{inputs.parameters.mode}}\" == \"full\"");
    CHECK(by_name(branch["arguments"]["parameters"], "mode")["value"].as<std::string>() == "{{inputs.parameters.mode}}");
    const YAML::Node body = by_name(by_name(templates(wf), "condition-1")["dag"]["tasks"], "consumer");
    CHECK(by_name(body["arguments"]["parameters"], "x")["value"].as<std::string>() == "{{inputs.parameters.mode}}");
    const YAML::Node entry = by_name(templates(wf), "outer")["dag"]["tasks"];
    CHECK(by_name(by_name(entry, "inner")["arguments"]["parameters"], "mode")["value"].as<std::string>() ==
          "{{workflow.parameters.mode}}");
}

TEST_CASE("Argo: a nested parameter and a task output whose inputs would share a name are an error", "[nested][errors]") {
    Pipeline inner("inner");
    auto ab = inner.param<String>("a-b");
    auto b = inner.add(component("a").output<String>("b"), "a").output<String>("b");
    inner.If(ab == "x", [&] { inner.add(component("c").input<String>("p").input<String>("q")).arg("p", ab).arg("q", b); });
    Pipeline p("outer");
    p.add(inner).arg("a-b", "x");
    CHECK_NOTHROW(compile(p, {.engine = Engine::kfp()}));
    auto err = error_of([&] { compile(p, {.engine = Engine::argo()}); });
    REQUIRE(err);
    CHECK(err->where().pipeline == "inner");
    CHECK_THAT(err->message(), Catch::Contains("inside condition-1, 'a-b' names both"));
}

TEST_CASE("a nested pipeline returns the collected outputs of its loop", "[nested]") {
    Pipeline fan("fan");
    std::optional<Value<Float>> score;
    fan.parallel_for<String>(fan.param<List>("shards"), [&](const Value<String>& shard) {
        score = fan.add(component("score").input<String>("x").output<Float>("score")).arg("x", shard).output<Float>("score");
    });
    fan.output("scores", collected(*score));
    Pipeline p("outer");
    auto nested = p.add(fan).arg("shards", Value<List>(nlohmann::json::array({"a", "b"})));
    p.add(component("pick").input<List>("all")).arg("all", nested.output<List>("scores"));

    const YAML::Node comp = kfp_spec(p)["components"]["comp-fan"];
    const YAML::Node out = comp["dag"]["outputs"]["parameters"]["scores"]["valueFromParameter"];
    CHECK(out["producerSubtask"].as<std::string>() == "for-loop-1");
    CHECK(out["outputParameterKey"].as<std::string>() == "pipelinechannel--score-score");
    CHECK(comp["outputDefinitions"]["parameters"]["scores"]["parameterType"].as<std::string>() == "LIST");

    const YAML::Node dag = by_name(templates(argo_wf(p)), "fan");
    CHECK(by_name(dag["outputs"]["parameters"], "scores")["valueFrom"]["parameter"].as<std::string>() ==
          "{{tasks.for-loop-1.outputs.parameters.score-score}}");
}

TEST_CASE("pipelines nested 200 deep compile on both targets", "[nested]") {
    Pipeline level("level-0");
    level.output("out", level.add(extract()).arg("day", level.param<String>("day")).output<String>("table"));
    for (int i = 1; i < 200; ++i) {
        Pipeline next("level-" + std::to_string(i));
        auto t = next.add(level).arg("day", next.param<String>("day"));
        next.output("out", t.output<String>("out"));
        level = next;
    }
    Pipeline p("deep");
    p.add(consumer()).arg("x", p.add(level).arg("day", "d").output<String>("out"));
    const YAML::Node spec = kfp_spec(p);
    CHECK(spec["components"]["comp-level-0"]["dag"]["tasks"]["extract"]);
    CHECK(spec["components"]["comp-level-1"]["dag"]["tasks"]["level-0"]["componentRef"]["name"].as<std::string>() == "comp-level-0");
    const YAML::Node wf = argo_wf(p);
    CHECK(templates(wf).size() == 1 + 200 + 2);  // the entry, one DAG per level, extract and consumer
}

TEST_CASE("a nested pipeline is a snapshot: later changes to it do not reach the task", "[nested]") {
    Pipeline inner("inner");
    inner.add(consumer()).arg("x", "a");
    Pipeline p("outer");
    p.add(inner);
    inner.add(consumer(), "later").arg("x", "b");
    CHECK(keys_of(kfp_spec(p)["components"]["comp-inner"]["dag"]["tasks"]) == std::vector<std::string>{"consumer"});
}

TEST_CASE("nested pipeline errors name the pipeline, task and what to do", "[nested][errors]") {
    SECTION("a pod setting on the task that runs a pipeline") {
        Pipeline p("outer");
        p.add(prepare()).arg("day", "d").memory_request("1G");
        auto err = check_error(p);
        REQUIRE(err);
        CHECK(err->where().task == "prepare");
        CHECK_THAT(err->message(), Catch::Contains("runs pipeline 'prepare', which has no pod of its own: set memory"));
    }
    SECTION("a required parameter of the nested pipeline left unbound") {
        Pipeline p("outer");
        p.add(prepare());
        auto err = check_error(p);
        REQUIRE(err);
        CHECK(err->where().task == "prepare");
        CHECK(err->where().input == "day");
        CHECK_THAT(err->message(), Catch::Contains("is not bound"));
    }
    SECTION("an output the nested pipeline does not return") {
        Pipeline p("outer");
        auto t = p.add(prepare()).arg("day", "d");
        p.add(consumer()).arg("x", t.output<String>("nope"));
        auto err = check_error(p);
        REQUIRE(err);
        CHECK_THAT(err->message(), Catch::Contains("task 'prepare' has no output 'nope'"));
    }
    SECTION("an exit handler inside the nested pipeline") {
        Pipeline inner("inner");
        inner.add(consumer()).arg("x", "a");
        inner.on_exit(component("notify"));
        Pipeline p("outer");
        auto err = error_of([&] { p.add(inner); });
        REQUIRE(err);
        CHECK(err->where().pipeline == "inner");
        CHECK_THAT(err->message(), Catch::Contains("belong to the outermost pipeline"));
    }
    SECTION("a schedule on the nested pipeline") {
        Pipeline inner("inner");
        inner.add(consumer()).arg("x", "a");
        inner.schedule("0 6 * * *");
        auto err = error_of([&] { Pipeline("outer").add(inner); });
        REQUIRE(err);
        CHECK_THAT(err->message(), Catch::Contains("cannot have a schedule"));
    }
    SECTION("a mistake inside the nested pipeline is reported when it is added") {
        Pipeline inner("inner");
        inner.add(consumer());
        auto err = error_of([&] { Pipeline("outer").add(inner); });
        REQUIRE(err);
        CHECK(err->where().pipeline == "inner");
        CHECK(err->where().task == "consumer");
    }
    SECTION("a pipeline run as a task of itself") {
        Pipeline p("outer");
        p.add(consumer()).arg("x", "a");
        auto err = error_of([&] { p.add(p); });
        REQUIRE(err);
        CHECK_THAT(err->message(), Catch::Contains("cannot run itself"));
    }
}

TEST_CASE("pipeline outputs must be body task outputs or collected() ones", "[nested][errors]") {
    SECTION("a parameter") {
        Pipeline p("p");
        p.add(consumer()).arg("x", "a");
        p.output("o", p.param<String>("s"));
        auto err = check_error(p);
        REQUIRE(err);
        CHECK_THAT(err->message(), Catch::Contains("output 'o': a pipeline returns a task's output, or collected() or one_of() of some"));
    }
    SECTION("an output of a task inside a branch") {
        Pipeline p("p");
        auto flip = p.add(component("flip").output<String>("side"));
        p.If(flip.output<String>("side") == "heads", [&] {
            p.output("o", p.add(extract()).arg("day", "d").output<String>("table"));
        });
        auto err = check_error(p);
        REQUIRE(err);
        CHECK_THAT(err->message(), Catch::Contains("output 'o': reads output 'table' of task 'extract', which runs only if"));
    }
    SECTION("an output of a hook task") {
        Pipeline p("p");
        p.add(consumer()).arg("x", "a");
        p.output("o", p.on_exit(extract()).arg("day", "d").output<String>("table"));
        auto err = check_error(p);
        REQUIRE(err);
        CHECK_THAT(err->message(), Catch::Contains("runs after the pipeline ends"));
    }
    SECTION("two outputs of one name") {
        Pipeline p("p");
        auto t = p.add(extract()).arg("day", "d");
        p.output("o", t.output<String>("table")).output("o", t.output<String>("table"));
        auto err = check_error(p);
        REQUIRE(err);
        CHECK_THAT(err->message(), Catch::Contains("output 'o' is declared twice"));
    }
    SECTION("an output of another pipeline") {
        Pipeline other("other");
        auto t = other.add(extract()).arg("day", "d");
        Pipeline p("p");
        p.add(consumer()).arg("x", "a");
        p.output("o", t.output<String>("table"));
        auto err = check_error(p);
        REQUIRE(err);
        CHECK_THAT(err->message(), Catch::Contains("belongs to another pipeline"));
    }
}

TEST_CASE("the graph dump shows nested pipelines, outputs and loops", "[nested][dump]") {
    Pipeline p("outer");
    auto t = p.add(prepare()).arg("day", "d");
    p.output("t", t.output<String>("table"));
    // A task in a loop once made the dump walk the groups forever.
    p.parallel_for<String>(p.param<List>("xs"), [&](const Value<String>& x) { p.add(consumer()).arg("x", x); });
    std::ostringstream out;
    p.dump(out);
    CHECK_THAT(out.str(), Catch::Contains("component prepare runs pipeline prepare (2 tasks)"));
    CHECK_THAT(out.str(), Catch::Contains("output t <- "));
    CHECK_THAT(out.str(), Catch::Contains("for each of"));
}

}  // namespace pipecc::test::nested_pipelines_test
