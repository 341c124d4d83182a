// Lists of artifacts: collected() of an artifact output of a loop, fed to an ArtifactList<T>
// input or returned by a pipeline. KFP writes `isArtifactList` and `artifactSelectors`; Argo
// cannot gather the artifacts of a loop's iterations, so there it is a compile error.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace pipecc::test::artifact_lists_test {
namespace {

using nlohmann::json;

Component doubler() {
    return component("double").input<Int>("num").output<Dataset>("out_dataset");
}
Component adder() {
    return Component("add")
        .image("python:3.11")
        .input<ArtifactList<Dataset>>("in_datasets")
        .output<Dataset>("out_dataset")
        .command({"python", "add.py", input_value("in_datasets"), output_path("out_dataset")});
}

Component shower() { return component("show").input<Dataset>("data"); }

// A loop over `items` that doubles each into a Dataset; returns that Dataset, for collected().
Value<Dataset> doubled_in_loop(Pipeline& p, const json& items) {
    std::optional<Value<Dataset>> made;
    p.parallel_for<Int>(items, [&](const Value<Int>& n) {
        made = p.add(doubler()).arg("num", n).output<Dataset>("out_dataset");
    });
    return *made;
}

// A nested pipeline that returns a Dataset per item of a literal list.
Pipeline make_datasets() {
    Pipeline inner("make-datasets");
    inner.output("Output", collected(doubled_in_loop(inner, json::array({1, 2}))));
    return inner;
}

// kfp's artifacts_simple: a loop makes a Dataset per item; `add` reads them all.
Pipeline math_pipeline(bool with_output) {
    Pipeline p("math-pipeline");
    const auto made = doubled_in_loop(p, json::array({1, 2, 3}));
    p.add(adder()).arg("in_datasets", collected(made));
    if (with_output) p.output("Output", collected(made));
    return p;
}

}  // namespace

TEST_CASE("collected() of an artifact is a list the loop's sub-DAG exports", "[artifact-lists]") {
    const YAML::Node spec = kfp_spec(math_pipeline(true));
    const YAML::Node loop = spec["components"]["comp-for-loop-2"];
    const YAML::Node selector = loop["dag"]["outputs"]["artifacts"]["pipelinechannel--double-out_dataset"]["artifactSelectors"];
    REQUIRE(selector.size() == 1);
    CHECK(selector[0]["outputArtifactKey"].as<std::string>() == "out_dataset");
    CHECK(selector[0]["producerSubtask"].as<std::string>() == "double");
    CHECK_FALSE(loop["dag"]["outputs"]["parameters"]);
    const YAML::Node def = loop["outputDefinitions"]["artifacts"]["pipelinechannel--double-out_dataset"];
    CHECK(def["artifactType"]["schemaTitle"].as<std::string>() == "system.Dataset");
    CHECK(def["isArtifactList"].as<bool>());

    const YAML::Node add = spec["root"]["dag"]["tasks"]["add"];
    const YAML::Node in = add["inputs"]["artifacts"]["in_datasets"]["taskOutputArtifact"];
    CHECK(in["outputArtifactKey"].as<std::string>() == "pipelinechannel--double-out_dataset");
    CHECK(in["producerTask"].as<std::string>() == "for-loop-2");
    CHECK(strings_of(add["dependentTasks"]) == std::vector<std::string>{"for-loop-2"});

    SECTION("the input is declared a list, and its placeholder is the JSON list of the artifacts") {
        const YAML::Node port = spec["components"]["comp-add"]["inputDefinitions"]["artifacts"]["in_datasets"];
        CHECK(port["artifactType"]["schemaTitle"].as<std::string>() == "system.Dataset");
        CHECK(port["isArtifactList"].as<bool>());
        CHECK(strings_of(spec["deploymentSpec"]["executors"]["exec-add"]["container"]["command"])[2] ==
              "{{$.inputs.artifacts['in_datasets']}}");
    }
    SECTION("a pipeline returns the list through the loop's sub-DAG") {
        const YAML::Node out = spec["root"]["dag"]["outputs"]["artifacts"]["Output"]["artifactSelectors"][0];
        CHECK(out["outputArtifactKey"].as<std::string>() == "pipelinechannel--double-out_dataset");
        CHECK(out["producerSubtask"].as<std::string>() == "for-loop-2");
        CHECK(spec["root"]["outputDefinitions"]["artifacts"]["Output"]["isArtifactList"].as<bool>());
    }
    SECTION("a single artifact is still no list") {
        const YAML::Node port = spec["components"]["comp-double"]["outputDefinitions"]["artifacts"]["out_dataset"];
        CHECK_FALSE(port["isArtifactList"]);
    }
}

TEST_CASE("a nested pipeline returns a list of artifacts to the pipeline around it", "[artifact-lists][nested]") {
    Pipeline p("outer");
    auto datasets = p.add(make_datasets()).output<ArtifactList<Dataset>>("Output");
    p.add(adder()).arg("in_datasets", datasets);

    const YAML::Node spec = kfp_spec(p);
    const YAML::Node comp = spec["components"]["comp-make-datasets"];
    CHECK(comp["outputDefinitions"]["artifacts"]["Output"]["isArtifactList"].as<bool>());
    CHECK(comp["dag"]["outputs"]["artifacts"]["Output"]["artifactSelectors"][0]["producerSubtask"].as<std::string>() ==
          "for-loop-2");  // a literal list's loop: kfp numbers its item first
    const YAML::Node in = spec["root"]["dag"]["tasks"]["add"]["inputs"]["artifacts"]["in_datasets"]["taskOutputArtifact"];
    CHECK(in["producerTask"].as<std::string>() == "make-datasets");
    CHECK(in["outputArtifactKey"].as<std::string>() == "Output");
}

TEST_CASE("a loop over a list of artifacts is an artifactIterator", "[artifact-lists][loops]") {
    Pipeline p("outer");
    auto datasets = p.add(make_datasets()).output<ArtifactList<Dataset>>("Output");
    p.parallel_for<Dataset>(datasets, [&](const Value<Dataset>& d) {
        p.If(p.param<Bool>("show", true) == true, [&] { p.add(shower()).arg("data", d); });
    }).parallelism(2);
    // Vertex runs an artifactIterator; KFP's driver refuses it (engine_profile_test.cpp).
    const YAML::Node spec = YAML::LoadAll(compile(p, {.engine = Engine::vertex()})).front();
    const YAML::Node loop = spec["root"]["dag"]["tasks"]["for-loop-1"];
    CHECK_FALSE(loop["parameterIterator"]);
    CHECK(loop["artifactIterator"]["itemInput"].as<std::string>() == "pipelinechannel--make-datasets-Output-loop-item");
    CHECK(loop["artifactIterator"]["items"]["inputArtifact"].as<std::string>() == "pipelinechannel--make-datasets-Output");
    CHECK(loop["iteratorPolicy"]["parallelismLimit"].as<int>() == 2);
    const YAML::Node in = loop["inputs"]["artifacts"]["pipelinechannel--make-datasets-Output"]["taskOutputArtifact"];
    CHECK(in["producerTask"].as<std::string>() == "make-datasets");
    CHECK(strings_of(loop["dependentTasks"]) == std::vector<std::string>{"make-datasets"});

    const YAML::Node defs = spec["components"]["comp-for-loop-1"]["inputDefinitions"]["artifacts"];
    CHECK(defs["pipelinechannel--make-datasets-Output"]["isArtifactList"].as<bool>());
    CHECK(defs["pipelinechannel--make-datasets-Output-loop-item"]["artifactType"]["schemaTitle"].as<std::string>() ==
          "system.Dataset");
    CHECK_FALSE(defs["pipelinechannel--make-datasets-Output-loop-item"]["isArtifactList"]);
    // The item reaches a branch inside the loop as an artifact channel.
    const YAML::Node cond = spec["components"]["comp-for-loop-1"]["dag"]["tasks"]["condition-2"];
    CHECK(cond["inputs"]["artifacts"]["pipelinechannel--make-datasets-Output-loop-item"]["componentInputArtifact"]
              .as<std::string>() == "pipelinechannel--make-datasets-Output-loop-item");
    const YAML::Node show = spec["components"]["comp-condition-2"]["dag"]["tasks"]["show"];
    CHECK(show["inputs"]["artifacts"]["data"]["componentInputArtifact"].as<std::string>() ==
          "pipelinechannel--make-datasets-Output-loop-item");
}

TEST_CASE("lists of artifacts are type-checked", "[artifact-lists][errors]") {
    SECTION("a single artifact does not feed a list input") {
        Pipeline p("p");
        auto one = p.add(doubler()).arg("num", 1).output<Dataset>("out_dataset");
        p.add(adder()).arg("in_datasets", one);
        auto err = check_error(p);
        REQUIRE(err);
        CHECK(err->where().task == "add");
        CHECK(err->where().input == "in_datasets");
        CHECK_THAT(err->message(), Catch::Contains("expects List[Dataset] but gets Dataset"));
    }
    SECTION("a list does not feed a single-artifact input") {
        Pipeline p("p");
        const auto made = doubled_in_loop(p, json::array({1}));
        p.add(shower()).arg("data", collected(made));
        auto err = check_error(p);
        REQUIRE(err);
        CHECK_THAT(err->message(), Catch::Contains("expects Dataset but gets List[Dataset]"));
    }
    SECTION("a list of any artifact takes a list of Datasets, not the other way round") {
        Pipeline p("p");
        const auto made = doubled_in_loop(p, json::array({1}));
        p.add(component("any").input<ArtifactList<Artifact>>("all").command({"ls", input_value("all")}))
            .arg("all", collected(made));
        CHECK_FALSE(check_error(p));
        p.add(component("models").input<ArtifactList<Model>>("all")).arg("all", collected(made));
        auto err = check_error(p);
        REQUIRE(err);
        CHECK_THAT(err->message(), Catch::Contains("expects List[Model] but gets List[Dataset]"));
    }
    SECTION("artifacts are collected through loops around the loop, parameters one loop at a time") {
        Pipeline p("p");
        std::optional<Value<Dataset>> made;
        std::optional<Value<Float>> score;
        p.parallel_for<Int>(json::array({1}), [&](const Value<Int>&) {
            p.parallel_for<Int>(json::array({2}), [&](const Value<Int>& n) {
                made = p.add(doubler()).arg("num", n).output<Dataset>("out_dataset");
                score = p.add(component("score").input<Int>("n").output<Float>("s")).arg("n", n).output<Float>("s");
            });
        });
        p.add(adder()).arg("in_datasets", collected(*made));
        CHECK_FALSE(check_error(p));
        p.add(component("best").input<List>("scores")).arg("scores", collected(*score));
        auto err = check_error(p);
        REQUIRE(err);
        CHECK(err->where().task == "best");
        CHECK_THAT(err->message(), Catch::EndsWith("is read only by tasks right after its loop (in the group the loop is in)"));
    }
    SECTION("a list of artifacts has no single path") {
        Pipeline p("p");
        p.add(component("bad").input<ArtifactList<Dataset>>("all").command({"cat", input_path("all")}));
        auto err = check_error(p);
        REQUIRE(err);
        CHECK_THAT(err->message(), Catch::Contains("input 'all' is a list of artifacts, which has no single path: use input_value()"));
    }
}

TEST_CASE("Argo refuses lists of artifacts, naming the feature and the target", "[artifact-lists][errors]") {
    auto argo_error = [](const Pipeline& p) { return error_of([&] { (void)compile(p, {.engine = Engine::argo()}); }); };
    SECTION("as a task's input") {
        auto err = argo_error(math_pipeline(false));
        REQUIRE(err);
        CHECK(err->where().task == "add");
        CHECK(err->where().input == "in_datasets");
        CHECK_THAT(err->message(), Catch::Contains("a list of artifacts (List[Dataset]) is KFP-only: Argo has no value that "
                                                   "holds several artifacts, so it can neither gather a loop's artifacts "
                                                   "with collected() nor loop over them"));
    }
    SECTION("as a pipeline's output") {
        Pipeline p("p");
        const auto made = doubled_in_loop(p, json::array({1}));
        p.output("all", collected(made));
        auto err = argo_error(p);
        REQUIRE(err);
        CHECK_THAT(err->message(), Catch::Contains("output 'all': a list of artifacts (List[Dataset]) is KFP-only"));
    }
    SECTION("as what a loop iterates") {
        Pipeline outer("outer");
        auto datasets = outer.add(make_datasets()).output<ArtifactList<Dataset>>("Output");
        outer.parallel_for<Dataset>(datasets, [&](const Value<Dataset>& d) { outer.add(shower()).arg("data", d); });
        auto err = argo_error(outer);
        REQUIRE(err);
        CHECK(err->where().pipeline == "outer");
        CHECK_THAT(err->message(), Catch::Contains("parallel_for over a list of artifacts (List[Dataset]) is KFP-only"));
    }
}

}  // namespace pipecc::test::artifact_lists_test
