// Importers and the pipeline root: bringing existing artifacts into a pipeline, and where a run's
// artifacts go, on both targets.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace pipecc::test::importer_test {
namespace {

Component trainer() { return component("train").input<Dataset>("dataset").output<Model>("model"); }

}  // namespace

TEST_CASE("an importer is a KFP importer executor, with a constant or run-time URI", "[importer]") {
    Pipeline p("p");
    auto second = p.param<String>("second", "gs://b/two.csv");
    auto one = p.importer<Dataset>("gs://b/one.csv", {{"source", "bq"}, {"rows", 3}});
    p.add(trainer()).arg("dataset", one.output<Dataset>("artifact"));
    auto two = p.importer<Dataset>(second, nlohmann::json::object(), true);
    p.add(trainer()).arg("dataset", two.output<Dataset>("artifact"));
    const YAML::Node spec = kfp_spec(p);
    const YAML::Node first = spec["deploymentSpec"]["executors"]["exec-importer"]["importer"];
    CHECK(first["artifactUri"]["constant"].as<std::string>() == "gs://b/one.csv");
    CHECK(first["metadata"]["source"].as<std::string>() == "bq");
    CHECK(first["metadata"]["rows"].as<std::string>() == "3.0");
    CHECK(first["typeSchema"]["schemaTitle"].as<std::string>() == "system.Dataset");
    CHECK_FALSE(first["reimport"]);
    const YAML::Node other = spec["deploymentSpec"]["executors"]["exec-importer-2"]["importer"];
    CHECK(other["artifactUri"]["runtimeParameter"].as<std::string>() == "uri");
    CHECK(other["reimport"].as<bool>());
    CHECK_FALSE(other["metadata"]);
    const YAML::Node tasks = spec["root"]["dag"]["tasks"];
    CHECK(tasks["importer-2"]["inputs"]["parameters"]["uri"]["componentInputParameter"].as<std::string>() == "second");
    CHECK(tasks["train"]["inputs"]["artifacts"]["dataset"]["taskOutputArtifact"]["producerTask"].as<std::string>() == "importer");
    CHECK(spec["components"]["comp-importer"]["outputDefinitions"]["artifacts"]["artifact"]["artifactType"]["schemaTitle"]
              .as<std::string>() == "system.Dataset");
}

TEST_CASE("on Argo an imported artifact is fetched by its readers from the URI", "[importer]") {
    Pipeline p("p");
    auto before = p.add(component("prepare"));
    auto gcs = p.importer<Dataset>("gs://bucket/data/train.csv");
    gcs.after(before);
    auto web = p.importer<Dataset>("https://example.com/x.csv");
    auto s3 = p.importer<Dataset>("s3://b/k.csv");
    p.add(trainer(), "a").arg("dataset", gcs.output<Dataset>("artifact"));
    p.add(trainer(), "b").arg("dataset", web.output<Dataset>("artifact"));
    p.add(trainer(), "c").arg("dataset", s3.output<Dataset>("artifact"));
    const YAML::Node wf = argo_wf(p);
    const YAML::Node tasks = by_name(wf["spec"]["templates"], "p")["dag"]["tasks"];
    CHECK(names_of(tasks) == std::vector<std::string>{"b", "c", "prepare", "a"});
    const YAML::Node a = by_name(tasks, "a");
    CHECK(a["arguments"]["artifacts"][0]["gcs"]["bucket"].as<std::string>() == "bucket");
    CHECK(a["arguments"]["artifacts"][0]["gcs"]["key"].as<std::string>() == "data/train.csv");
    // It waits for what the importer waited for.
    CHECK(a["depends"].as<std::string>() == "prepare");
    CHECK(by_name(tasks, "b")["arguments"]["artifacts"][0]["http"]["url"].as<std::string>() == "https://example.com/x.csv");
    CHECK(by_name(tasks, "c")["arguments"]["artifacts"][0]["s3"]["key"].as<std::string>() == "k.csv");
    CHECK_FALSE(by_name(wf["spec"]["templates"], "importer"));
}

TEST_CASE("importers Argo cannot express are errors naming the importer", "[importer]") {
    auto argo_error = [](Pipeline& p) {
        return error_of([&] { (void)compile(p, {.engine = Engine::argo()}); });
    };
    SECTION("a URI only known at run time") {
        Pipeline p("p");
        auto imp = p.importer<Dataset>(p.param<String>("uri"));
        p.add(trainer()).arg("dataset", imp.output<Dataset>("artifact"));
        auto err = argo_error(p);
        REQUIRE(err);
        CHECK(err->where().task == "importer");
        CHECK(err->where().input == "uri");
        CHECK_THAT(err->message(), Catch::Contains("an importer's URI must be a literal"));
    }
    SECTION("metadata") {
        Pipeline p("p");
        auto imp = p.importer<Dataset>("gs://b/k", {{"a", 1}});
        p.add(trainer()).arg("dataset", imp.output<Dataset>("artifact"));
        auto err = argo_error(p);
        REQUIRE(err);
        CHECK_THAT(err->message(), Catch::Contains("importer metadata is KFP only"));
    }
    SECTION("a scheme Argo cannot fetch") {
        Pipeline p("p");
        auto imp = p.importer<Dataset>("ftp://host/k");
        p.add(trainer()).arg("dataset", imp.output<Dataset>("artifact"));
        auto err = argo_error(p);
        REQUIRE(err);
        CHECK_THAT(err->message(), Catch::Contains("must be gs://, s3:// or http(s):// (got 'ftp://host/k')"));
    }
    SECTION("an importer no task reads, which Argo would drop with its metadata") {
        Pipeline p("p");
        p.importer<Dataset>("gs://b/k", {{"a", 1}});
        p.add(trainer()).arg("dataset", p.importer<Dataset>("gs://b/other").output<Dataset>("artifact"));
        auto err = argo_error(p);
        REQUIRE(err);
        CHECK(err->where().task == "importer");
        CHECK_THAT(err->message(), Catch::Contains("no task reads this importer's artifact"));
        // KFP keeps it: an importer there is a step that records the artifact.
        CHECK_NOTHROW(compile(p, {.engine = Engine::kfp()}));
    }
    SECTION("metadata that is not an object") {
        Pipeline p("p");
        auto err = error_of([&] { p.importer<Dataset>("gs://b/k", nlohmann::json::array({1})); });
        REQUIRE(err);
        CHECK(err->message() == "an importer's metadata must be a JSON object");
    }
}

TEST_CASE("the pipeline root is IR's defaultPipelineRoot and Argo's artifact repository", "[importer]") {
    Pipeline p("p");
    p.add(component("a"));
    p.pipeline_root("gs://bucket/root");
    SECTION("KFP") { CHECK(kfp_spec(p)["defaultPipelineRoot"].as<std::string>() == "gs://bucket/root"); }
    SECTION("Argo needs the repository named") {
        auto err = error_of([&] { (void)compile(p, {.engine = Engine::argo()}); });
        REQUIRE(err);
        CHECK_THAT(err->message(), Catch::Contains("has no Argo form: name the Argo artifact repository"));
        p.artifact_repository("gcs-root", "my-repositories");
        const YAML::Node ref = argo_wf(p)["spec"]["artifactRepositoryRef"];
        CHECK(ref["configMap"].as<std::string>() == "my-repositories");
        CHECK(ref["key"].as<std::string>() == "gcs-root");
    }
    SECTION("a root that is not a URI") {
        p.pipeline_root("bucket/root");
        auto err = check_error(p);
        REQUIRE(err);
        CHECK_THAT(err->message(), Catch::Contains("pipeline root 'bucket/root' is not a URI"));
    }
}

}  // namespace pipecc::test::importer_test
