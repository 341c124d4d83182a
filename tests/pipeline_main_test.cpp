// PIPECC_MAIN's driver: flags, exit codes, output files and warnings.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "pipecc/pipecc.hpp"
#include "test_support.hpp"

namespace pipeline_main_test {

using namespace pipecc;
namespace fs = std::filesystem;

namespace {

using Run = test::ProgramRun;

Pipeline small() {
    Pipeline p("small");
    p.add(Component("say").image("alpine:3.20").command({"echo", "hi"}));
    return p;
}

Pipeline broken() {
    Pipeline p("broken");
    p.add(Component("say").image("alpine:3.20").input<String>("msg"));
    return p;
}

// Tasks with distinct display names cannot share Argo templates, so the workflow grows large.
Pipeline huge() {
    Pipeline p("huge");
    const auto c = Component("step").image("alpine:3.20").command({"sh", "-c", std::string(200, 'x')});
    for (int i = 0; i < 3000; ++i) p.add(c).display_name("Step number " + std::to_string(i));
    return p;
}

}  // namespace

TEST_CASE("a pipeline program writes the chosen target to stdout by default", "[main]") {
    const Run kfp = test::run_pipeline_program({}, small);
    CHECK(kfp.code == 0);
    CHECK_THAT(kfp.out, Catch::Contains("schemaVersion: 2.1.0"));
    const Run argo = test::run_pipeline_program({"--target", "argo"}, small);
    CHECK(argo.code == 0);
    CHECK_THAT(argo.out, Catch::StartsWith("apiVersion: argoproj.io/v1alpha1\nkind: Workflow\n"));
    const Run json = test::run_pipeline_program({"--format", "json"}, small);
    CHECK_THAT(json.out, Catch::StartsWith("{\n  \"components\": {"));
}

TEST_CASE("a pipeline error exits 1 with the place and leaves the output file untouched", "[main]") {
    const fs::path file = fs::temp_directory_path() / "pipecc-main-test.yaml";
    std::ofstream(file) << "previous\n";
    const Run r = test::run_pipeline_program({"-o", file.string()}, broken);
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains("error: pipeline 'broken', task 'say', input 'msg': required input"));
    std::ifstream in(file);
    std::string content((std::istreambuf_iterator<char>(in)), {});
    CHECK(content == "previous\n");
    fs::remove(file);
}

TEST_CASE("a bad command line exits 2", "[main]") {
    CHECK(test::run_pipeline_program({"--target", "airflow"}, small).code == 2);
    CHECK(test::run_pipeline_program({"--argo-version", "three"}, small).code == 2);
    CHECK(test::run_pipeline_program({"--no-such-flag"}, small).code == 2);
}

TEST_CASE("main: --engine picks the engine, and --target and --argo-version are shorthands for it", "[main][engine]") {
    const std::string argo41 = test::run_pipeline_program({"--engine", "argo"}, small).out;
    CHECK_THAT(argo41, Catch::StartsWith("apiVersion: argoproj.io/v1alpha1\n"));
    CHECK(test::run_pipeline_program({"--target", "argo"}, small).out == argo41);
    CHECK(test::run_pipeline_program({"--argo-version", "3.6"}, small).out ==
          test::run_pipeline_program({"--engine", "argo@3.6"}, small).out);
    CHECK(test::run_pipeline_program({"--engine", "argo@4.1", "--target", "argo"}, small).code == 0);
    CHECK(test::run_pipeline_program({"--engine", "kfp@2.16"}, small).code == 0);
    CHECK(test::run_pipeline_program({"--engine", "vertex"}, small).code == 0);
    CHECK(test::run_pipeline_program({"--engine", "kfp@1.8"}, small).code == 0);
    // Argo 2.9 and 3.5 are out of support (Argo supports its two newest minor versions): refused, not
    // silently written for.
    for (const char* old : {"2.9", "3.5", "3.1"}) {
        const Run r = test::run_pipeline_program({"--argo-version", old}, small);
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Catch::Contains("Argo " + std::string(old) + " is not supported"));
    }
    const Run unknown = test::run_pipeline_program({"--engine", "airflow@2.9"}, small);
    CHECK(unknown.code == 2);
    CHECK_THAT(unknown.err, Catch::Contains("no engine airflow@2.9") && Catch::Contains("kfp@2.17"));
    CHECK(test::run_pipeline_program({"--engine", "kfp", "--target", "argo"}, small).code == 2);
    CHECK(test::run_pipeline_program({"--engine", "argo@3.7", "--argo-version", "4.1"}, small).code == 2);
    CHECK(test::run_pipeline_program({"--target", "kfp", "--argo-version", "4.1"}, small).code == 2);
    // --help names the choices as a user types them, not CLI11's enum internals.
    const Run help = test::run_pipeline_program({"--help"}, small);
    CHECK_THAT(help.out, Catch::Contains("kfp|argo") && Catch::Contains("NAME[@VERSION]"));
    CHECK_THAT(help.out, !Catch::Contains("->"));
}

TEST_CASE("the version and help flags exit 0", "[main]") {
    const Run v = test::run_pipeline_program({"--version"}, small);
    CHECK(v.code == 0);
    CHECK_THAT(v.out, Catch::Contains(std::string(version())));
    CHECK(test::run_pipeline_program({"--help"}, small).code == 0);
}

TEST_CASE("an Argo workflow over 1 MB is written with a warning that says how to shrink it", "[main]") {
    const Run r = test::run_pipeline_program({"--target", "argo"}, huge);
    CHECK(r.code == 0);
    REQUIRE(r.out.size() > 1'000'000);
    CHECK_THAT(r.err, Catch::Contains("warning: the Argo workflow is"));
    CHECK_THAT(r.err, Catch::Contains("share one template"));
    CHECK(test::run_pipeline_program({"--target", "argo"}, small).err.empty());
}

}  // namespace pipeline_main_test
