// `pipecc validate`: exit codes (0 valid, 1 invalid, 2 unreadable or of no known kind), the
// FILE:LINE:COL: error: lines, --format json, the goldens, and inputs built to hurt the reader.
#include <chrono>
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli_support.hpp"
#include "validate/validate.hpp"

#ifndef PIPECC_CLI
#error "PIPECC_CLI must name the pipecc tool (tests/CMakeLists.txt defines it)"
#endif

namespace validate_command_test {

namespace fs = std::filesystem;
using Catch::Contains;
using pipecc::validate::ArgoSchema;
using pipecc::validate::validate_text;
using pipecc::validate::Verdict;
using pipecc::test::CliResult;
using pipecc::test::Scratch;
using pipecc::test::slurp;

namespace {

// `pipecc validate ARGS`, with what it printed on stdout and stderr together.
struct Result {
    int code = -1;
    std::string out;
};
struct ValidateScratch : Scratch {
    using Scratch::Scratch;
    Result run(const std::string& args) const {
        const CliResult r = Scratch::run("validate " + args);
        return {r.code, r.out + r.err};
    }
};

const char* const kWorkflow = R"(apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: hello-
spec:
  entrypoint: main
  templates:
  - name: main
    inputs:
      parameters:
      - name: who
        value: world
    container:
      image: alpine:3.20
      command: [echo, "hello {{inputs.parameters.who}}"]
)";

const char* const kIr = R"(components:
  comp-echo:
    executorLabel: exec-echo
    inputDefinitions:
      parameters:
        msg:
          parameterType: STRING
deploymentSpec:
  executors:
    exec-echo:
      container:
        image: alpine:3.20
        command:
        - echo
        - '{{$.inputs.parameters[''msg'']}}'
pipelineInfo:
  name: echo
root:
  dag:
    tasks:
      echo:
        componentRef:
          name: comp-echo
        inputs:
          parameters:
            msg:
              runtimeValue:
                constant: '{{$.pipeline_job_name}}'
        taskInfo:
          name: echo
schemaVersion: 2.1.0
sdkVersion: pipecc-0.1.0
)";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

// The problems of `text` as "LINE:COL: message" lines.
std::vector<std::string> problems_of(const std::string& text, const std::string& name = "f.yaml") {
    std::vector<std::string> out;
    for (const auto& p : validate_text(text, name).problems) {
        out.push_back(std::to_string(p.line) + ":" + std::to_string(p.column) + ": " + p.message);
    }
    return out;
}

}  // namespace

TEST_CASE("validate: exit codes 0 valid, 1 invalid, 2 unreadable or of no known kind", "[validate]") {
    ValidateScratch s("exit");
    const auto good = s.write("good.yaml", kWorkflow);
    const auto ir = s.write("ir.yaml", kIr);
    const auto bad = s.write("bad.yaml", replaced(kWorkflow, "command:", "comand:"));
    const auto not_yaml = s.write("not.yaml", "a: [1, 2\n");
    const auto config_map = s.write("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n");
    const auto binary = s.write("bin.yaml", std::string("\xff\xfe\x00\x01", 4));

    CHECK(s.run(good + " " + ir).code == 0);
    CHECK(s.run(good + " " + bad).code == 1);
    CHECK(s.run(not_yaml).code == 2);
    CHECK(s.run(config_map).code == 2);
    CHECK(s.run(binary).code == 2);
    CHECK(s.run((s.dir / "missing.yaml").string()).code == 2);
    CHECK(s.run(s.dir.string()).code == 2);  // a directory
    CHECK(s.run(bad + " " + not_yaml).code == 2);  // the worst verdict wins
    CHECK(s.run("").code == 2);                     // no file: a bad command line

    const Result r = s.run(good + " " + bad + " " + config_map);
    CHECK_THAT(r.out, Contains(good + ": valid (Workflow)\n"));
    CHECK_THAT(r.out, Contains(bad + ": invalid (Workflow), 1 problem\n"));
    CHECK_THAT(r.out, Contains(config_map + ":1:1: error: kind 'ConfigMap' is neither KFP v2 IR nor an Argo workflow kind\n"));
    CHECK_THAT(r.out, Contains(config_map + ": unreadable\n"));
}

// Argo's own examples put a ConfigMap beside the workflow that reads it; the workflow is still checked.
TEST_CASE("validate: other kinds beside a workflow are skipped with a note; a non-mapping document is invalid",
          "[validate]") {
    ValidateScratch s("kinds");
    const auto with_config_map =
        s.write("with_cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\n" + std::string(kWorkflow));
    const Result ok = s.run(with_config_map);
    CHECK(ok.code == 0);
    CHECK_THAT(ok.out, Contains(with_config_map + ":1:1: note: skipped a document of kind 'ConfigMap': only Argo "
                                                  "workflow kinds are checked\n"));
    CHECK_THAT(ok.out, Contains(with_config_map + ": valid (Workflow)\n"));
    const auto bad_with_cm = s.write("bad_with_cm.yaml", std::string("kind: ConfigMap\n---\n") + replaced(kWorkflow, "command:", "comand:"));
    CHECK(s.run(bad_with_cm).code == 1);
    const auto json = s.run("--format json " + with_config_map);
    CHECK(nlohmann::json::parse(json.out)["problems"][0]["severity"] == "note");

    using Case = std::tuple<std::string, std::string, std::string>;
    for (const auto& [name, text, what] : {Case{"list.yaml", "- a\n- b\n", "list"}, Case{"scalar.yaml", "42\n", "scalar"},
                                           Case{"after.yaml", std::string(kWorkflow) + "---\n- a\n", "list"}}) {
        const auto file = s.write(name, text);
        const Result r = s.run(file);
        CHECK(r.code == 1);
        CHECK_THAT(r.out, Contains(std::string("error: a document must be a mapping, not a ") + what));
    }
}

TEST_CASE("validate: FILE:LINE:COL: error: lines at the offending node", "[validate]") {
    ValidateScratch s("lines");
    const auto typo = s.write("typo.yaml", replaced(kWorkflow, "command:", "comand:"));
    CHECK(s.run(typo).out == typo + ":15:7: error: unknown field 'comand' in Container (did you mean 'command'?)\n" + typo +
                                 ": invalid (Workflow), 1 problem\n");

    // Argo: undeclared inputs, unknown tasks and templates, cycles.
    CHECK(problems_of(replaced(kWorkflow, "{{inputs.parameters.who}}", "{{inputs.parameters.nope}}")) ==
          std::vector<std::string>{"15:23: cannot resolve {{inputs.parameters.nope}}: template 'main' has no input "
                                   "parameter 'nope'"});
    CHECK(problems_of(replaced(kWorkflow, "entrypoint: main", "entrypoint: mian")) ==
          std::vector<std::string>{"6:15: entrypoint template 'mian' not found"});
    const std::string dag = R"(apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: d}
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - {name: a, template: leaf, depends: b}
      - {name: b, template: leaf, depends: a, arguments: {parameters: [{name: x, value: "{{tasks.c.outputs.result}}"}]}}
  - name: leaf
    container: {image: alpine:3.20, resources: {limits: {cpu: 1}}}
    retryStrategy: {limit: 2}
)";
    CHECK(problems_of(dag) == std::vector<std::string>{
                                  "9:7: dependency cycle through task 'a'",
                                  "11:89: cannot resolve {{tasks.c.outputs.result}}: template 'main' has no task 'c'"});

    // IR: schema, oneof, references and placeholders.
    CHECK(problems_of(replaced(kIr, "parameterType: STRING", "parameterType: TEXT")) ==
          std::vector<std::string>{"7:26: \"TEXT\" is not one of PARAMETER_TYPE_ENUM_UNSPECIFIED, NUMBER_DOUBLE, NUMBER_INTEGER, STRING, BOOLEAN, "
                                   "LIST, STRUCT, TASK_FINAL_STATUS, TASK_CONFIG"});
    CHECK(problems_of(replaced(kIr, "schemaVersion: 2.1.0", "schemaVersion: 2.0.0")) ==
          std::vector<std::string>{"31:16: expected \"2.1.0\", got \"2.0.0\""});
    CHECK(problems_of(replaced(kIr, "executorLabel: exec-echo", "executorLabel: exec-echo\n    dag: {tasks: {}}")) ==
          std::vector<std::string>{"3:5: oneof implementation: at most one of dag, executorLabel, got dag, executorLabel"});
    CHECK(problems_of(replaced(kIr, "name: comp-echo", "name: comp-ehco")) ==
          std::vector<std::string>{"23:17: task 'echo': component 'comp-ehco' is not in components"});
    CHECK(problems_of(replaced(kIr, "parameters[''msg'']", "parameters[''mgs'']")) ==
          std::vector<std::string>{"15:11: executor 'exec-echo': placeholder '{{$.inputs.parameters['mgs']}}' names no "
                                   "input parameter of component 'comp-echo'"});
    CHECK(problems_of(replaced(kIr, "- echo\n", "- echo {{$.pipeline_job_name}}\n")) ==
          std::vector<std::string>{"14:11: {{$.pipeline_job_name}} is resolved by KFP only as the whole "
                                   "runtimeValue.constant of a task input"});

    // JSON is read as YAML, so its places are exact too.
    const std::string json = "{\n  \"pipelineInfo\": {\"name\": 3},\n  \"root\": {},\n  \"schemaVersion\": \"2.1.0\"\n}\n";
    CHECK(problems_of(json, "p.json") == std::vector<std::string>{"2:28: expected string, got 3"});
}

TEST_CASE("validate: --format json reports every problem and each file's verdict", "[validate]") {
    ValidateScratch s("json");
    const auto good = s.write("good.yaml", kIr);
    const auto bad = s.write("bad.yaml", replaced(kWorkflow, "command:", "comand:"));
    const Result r = s.run("--format json " + good + " " + bad);
    CHECK(r.code == 1);
    const auto j = nlohmann::json::parse(r.out);
    REQUIRE(j["files"].size() == 2);
    CHECK(j["files"][0] == nlohmann::json{{"file", good}, {"kind", "PipelineSpec"}, {"verdict", "valid"}, {"problems", 0}});
    CHECK(j["files"][1]["verdict"] == "invalid");
    REQUIRE(j["problems"].size() == 1);
    CHECK(j["problems"][0] == nlohmann::json{{"file", bad},
                                              {"line", 15},
                                              {"column", 7},
                                              {"message", "unknown field 'comand' in Container (did you mean 'command'?)"},
                                              {"severity", "error"}});
}

TEST_CASE("validate: every golden output is valid", "[validate]") {
    const fs::path golden = fs::path(PIPECC_SOURCE_DIR) / "tests" / "golden";
    int n = 0;
    for (const auto& entry : fs::directory_iterator(golden)) {
        const std::string name = entry.path().filename().string();
        // NAME.argo.yaml is for argo@4.1, the default (validate's default schema too); NAME.argo-kfp-1.8.yaml
        // for KFP 1.8's Argo 3.1, checked against the oldest schema at hand.
        const bool kfp_1_8 = name.find(".argo-kfp-1.8.") != std::string::npos;
        const auto report = pipecc::validate::validate_file(entry.path().string(),
                                                            {.argo = kfp_1_8 ? ArgoSchema::V3_5 : ArgoSchema::V4_1});
        INFO(name << (report.problems.empty() ? "" : ": " + report.problems.front().describe()));
        CHECK(report.verdict == Verdict::Valid);
        ++n;
    }
    CHECK(n >= 10);
    ValidateScratch s("golden");
    CHECK(s.run("--argo-version 3.5 " + (golden / "hello.argo.yaml").string() + " " + (golden / "hello.kfp.yaml").string())
              .code == 0);
    // The default engines' outputs need no flags; argo@3.6/3.7 outputs (the same bytes) pass v3.7.18's schema.
    const std::string daily = (golden / "daily_prediction.argo.yaml").string();
    CHECK(s.run(daily + " " + (golden / "daily_prediction.kfp.yaml").string()).code == 0);
    CHECK(s.run("--engine argo@3.6 " + daily).code == 0);
    CHECK(s.run("--engine argo@3.7 " + daily).code == 0);
    CHECK(s.run("--engine kfp@1.8 " + (golden / "daily_prediction.argo-kfp-1.8.yaml").string()).code == 0);
    // A CronWorkflow's `schedules` list is newer than 3.5: the engine's schema matters.
    CHECK(s.run("--argo-version 3.5 " + daily).code == 1);
    CHECK(s.run("--engine argo@3.5 " + daily).code == 2);
}

TEST_CASE("validate: hostile inputs end quickly with a verdict", "[validate]") {
    const auto started = std::chrono::steady_clock::now();
    // Deep nesting: yaml-cpp refuses it, or the walkers stop at their depth limit.
    CHECK(validate_text(std::string(100000, '[') + std::string(100000, ']'), "deep.yaml").verdict == Verdict::Unreadable);
    std::string nested = "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: n}\nspec: {arguments: ";
    for (int i = 0; i < 1000; ++i) nested += "{a: ";
    nested += "1" + std::string(1000, '}') + "}\n";
    CHECK(validate_text(nested, "nested.yaml").verdict != Verdict::Valid);

    // An alias bomb: a billion nodes once expanded, a few lines of text.
    std::string bomb = "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: b}\nspec:\n  templates:\n"
                       "  - name: m\n    container:\n      image: a\n      x0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n";
    for (int i = 1; i < 10; ++i) {
        bomb += "      x" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
        for (int k = 0; k < 10; ++k) bomb += (k ? ", *a" : "*a") + std::to_string(i - 1);
        bomb += "]\n";
    }
    const auto report = validate_text(bomb, "bomb.yaml");
    CHECK(report.verdict == Verdict::Invalid);
    CHECK(report.problems.size() <= pipecc::validate::Findings::kMaxFindings + 2);

    // Bytes of every kind.
    std::string noise;
    for (int i = 0; i < 4096; ++i) noise += static_cast<char>((i * 7919) % 256);
    CHECK(validate_text(noise, "noise.yaml").verdict == Verdict::Unreadable);
    CHECK(validate_text("", "empty.yaml").verdict == Verdict::Unreadable);
    CHECK(validate_text("[1, {a: *x}]", "alias.json").verdict == Verdict::Unreadable);

    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(30));
}

TEST_CASE("validate: a stray comma is unreadable, not an endless stream of documents", "[validate][hostile]") {
    // Found by ir_validate_fuzz and argo_validate_fuzz: yaml-cpp 0.7 reads " , " as empty
    // documents without end, so LoadAll never returned.
    for (const char* text : {" , ", "\n,\n"}) {
        const auto report = validate_text(text, "comma.yaml");
        CHECK(report.verdict == Verdict::Unreadable);
        REQUIRE_FALSE(report.problems.empty());
        CHECK_THAT(report.problems.front().message, Contains("more than 1000 YAML documents"));
    }
}

// --engine also checks what that engine would refuse or silently run wrongly (the same profiles
// as the compiler: tests/engine_profile_test.cpp cites the engine source of each).
TEST_CASE("validate --engine: what the engine refuses in a file that passes the schemas", "[validate][engine]") {
    const fs::path golden = fs::path(PIPECC_SOURCE_DIR) / "tests" / "golden";
    const std::string daily_ir = (golden / "daily_prediction.kfp.yaml").string();
    ValidateScratch s("engine");
    CHECK(s.run(daily_ir).code == 0);
    CHECK(s.run("--engine kfp@2.17 " + daily_ir).code == 0);
    // A PlatformSpec (daily_prediction's secret and node selector) is dropped by Vertex.
    auto vertex = s.run("--engine vertex " + daily_ir);
    CHECK(vertex.code == 1);
    CHECK_THAT(vertex.out, Contains("vertex does not apply the kfp-kubernetes PlatformSpec"));
    // The resolver step receives {{$.pipeline_job_create_time_utc}}, which 2.16 leaves empty.
    auto old = s.run("--engine kfp@2.16 " + daily_ir);
    CHECK(old.code == 1);
    CHECK_THAT(old.out, Contains("task 'resolve-run-values', input 'created_at': kfp@2.16 does not fill "
                                 "{{$.pipeline_job_create_time_utc}} (filled from KFP 2.17)"));
    CHECK(s.run("--engine vertex " + (golden / "hello.kfp.yaml").string()).code == 0);
    // The wrong kind of file for the engine.
    CHECK_THAT(s.run("--engine argo " + daily_ir).out, Contains("this is KFP v2 IR; argo@4.1 runs Argo workflows"));
    CHECK_THAT(s.run("--engine kfp " + (golden / "hello.argo.yaml").string()).out,
               Contains("this is an Argo Workflow; kfp@2.17 runs KFP v2 IR"));
    // KFP 1.8 uploads only Workflows (kubeflow/pipelines 1.8.22 backend/src/common/util/template_util.go).
    auto cron = s.run("--engine kfp@1.8 " + (golden / "daily_prediction.argo.yaml").string());
    CHECK(cron.code == 1);
    CHECK_THAT(cron.out, Contains("KFP 1.8 uploads only kind: Workflow, not CronWorkflow"));
}

}  // namespace validate_command_test
