// The `pipecc component convert|export` tool: outputs, exit codes (0 ok, 1 invalid input,
// 2 unreadable file or bad command line), `FILE:LINE:COL: error:` messages, atomic writes.
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "pipecc/dsl/load_component.hpp"
#include "cli_support.hpp"
#include "test_support.hpp"

#ifndef PIPECC_CLI
#error "PIPECC_CLI must name the pipecc tool (tests/CMakeLists.txt defines it)"
#endif

namespace component_cli_test {

namespace fs = std::filesystem;
using Catch::Contains;
using Catch::StartsWith;

namespace {

using pipecc::test::Scratch;
using pipecc::test::slurp;
using Result = pipecc::test::CliResult;

const char* const kV1 = R"(name: Say hello
inputs:
- {name: Greeting, type: String, default: hello}
- {name: Name, type: String, optional: true}
outputs:
- {name: text, type: String}
implementation:
  container:
    image: alpine:3.20
    command:
    - sh
    - -c
    - echo "$0 $1" > "$2"
    - {inputValue: Greeting}
    - {if: {cond: {isPresent: Name}, then: [{inputValue: Name}], else: [world]}}
    - {outputPath: text}
)";

}  // namespace

TEST_CASE("component convert: v1 to a KFP v2 component file", "[cli]") {
    Scratch s("convert");
    const std::string in = s.write("hello.yaml", kV1);
    const std::string out = s.path("hello.kfp.yaml");
    const Result r = s.run("component convert " + in + " --to kfp -o " + out);
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out.empty());
    CHECK(r.err.empty());
    const std::string text = slurp(out);
    CHECK_THAT(text, StartsWith("# PIPELINE DEFINITION\n# Name: say-hello\n"));
    const YAML::Node spec = YAML::Load(text);
    CHECK(spec["components"]["comp-say-hello"]["inputDefinitions"]["parameters"]["greeting"]["defaultValue"]
              .as<std::string>() == "hello");
    // The result reads back as the same component.
    const pipecc::Component c = pipecc::load_component(out);
    CHECK(c.name() == "say-hello");
    CHECK(c.spec()->find_input("name")->optional);
    // --to defaults to kfp, and no -o writes to stdout.
    const Result to_stdout = s.run("component convert " + in);
    REQUIRE(to_stdout.code == 0);
    CHECK(to_stdout.out == text);
}

TEST_CASE("component export: any component file to the v2 form, idempotently", "[cli]") {
    Scratch s("export");
    const std::string in = s.write("hello.yaml", kV1);
    REQUIRE(s.run("component export " + in + " -o " + s.path("a.yaml")).code == 0);
    REQUIRE(s.run("component export " + s.path("a.yaml") + " -o " + s.path("b.yaml")).code == 0);
    CHECK(slurp(s.path("a.yaml")) == slurp(s.path("b.yaml")));
    CHECK(slurp(s.path("a.yaml")) == s.run("component convert " + in).out);
}

TEST_CASE("component convert: an invalid file exits 1 with FILE:LINE:COL: error:", "[cli]") {
    Scratch s("invalid");
    const std::string in = s.write("bad.yaml", "name: t\nimplementation:\n  container:\n    image: alpine\n"
                                               "    args: [{inputValue: nope}]\n");
    const Result r = s.run("component convert " + in + " -o " + s.path("out.yaml"));
    CHECK(r.code == 1);
    CHECK_THAT(r.err, StartsWith(in + ":5:12: error: {inputValue: nope} names no declared input"));
    CHECK_FALSE(fs::exists(s.path("out.yaml")));
    // A file that is not YAML at all.
    const Result yaml = s.run("component export " + s.write("x.yaml", "a: [\n") + " -o " + s.path("out.yaml"));
    CHECK(yaml.code == 1);
    CHECK_THAT(yaml.err, Contains("x.yaml:") && Contains(": error: invalid YAML"));
}

TEST_CASE("component convert: a missing file or a bad command line exits 2", "[cli]") {
    Scratch s("missing");
    const Result missing = s.run("component convert " + s.path("nope.yaml") + " -o " + s.path("out.yaml"));
    CHECK(missing.code == 2);
    CHECK_THAT(missing.err, Contains("nope.yaml: error: cannot read the file: no such file"));
    CHECK(s.run("component convert " + s.dir.string()).code == 2);  // a directory
    CHECK(s.run("component convert " + s.write("a.yaml", kV1) + " --to argo").code == 2);
    CHECK(s.run("component").code == 2);
    CHECK(s.run("component convert").code == 2);
    CHECK(s.run("component frobnicate x").code == 2);
    // An output folder that does not exist.
    const Result unwritable = s.run("component convert " + s.path("a.yaml") + " -o " + s.path("no/such/dir/out.yaml"));
    CHECK(unwritable.code == 2);
    CHECK_THAT(unwritable.err, Contains("out.yaml: error: cannot create a file next to it"));
}

TEST_CASE("component convert: a failed convert leaves an existing output untouched", "[cli]") {
    Scratch s("atomic");
    const std::string out = s.write("out.yaml", "precious\n");
    const std::string bad = s.write("bad.yaml", "name: t\nimplementation:\n  graph: {tasks: {}}\n");
    const Result r = s.run("component convert " + bad + " --to kfp -o " + out);
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Contains("bad.yaml:3:10: error: graph components"));
    CHECK(slurp(out) == "precious\n");
    const Result missing = s.run("component convert " + s.path("missing.yaml") + " -o " + out);
    CHECK(missing.code == 2);
    CHECK(slurp(out) == "precious\n");
    // Nothing else was left in the folder (no temporary files).
    int files = 0;
    for (const auto& e : fs::directory_iterator(s.dir)) files += e.is_regular_file() ? 1 : 0;
    CHECK(files == 2);
    // And a successful convert replaces it.
    REQUIRE(s.run("component convert " + s.write("ok.yaml", kV1) + " -o " + out).code == 0);
    CHECK_THAT(slurp(out), StartsWith("# PIPELINE DEFINITION"));
}

}  // namespace component_cli_test
