// Lints: each finds its problem in a pipeline and says where, stays quiet on the fixed pipeline,
// and can be turned off by its id; pipeline programs warn (errors with --strict), and `pipecc
// lint` finds the same things in compiled files at their file:line.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "pipecc/pipecc.hpp"
#include "test_support.hpp"
#include "tools/subprocess.hpp"

namespace lint_test {

using namespace pipecc;
using Catch::Contains;

constexpr const char* kPinned =
    "busybox@sha256:9ae97d36d26566ff84e8893c64a6dc4fe8ca6d1144bf5b87b2b85a32def253c7";

std::vector<std::string> ids(const std::vector<LintFinding>& findings) {
    std::vector<std::string> out;
    for (const auto& f : findings) out.push_back(f.id);
    return out;
}

Pipeline with_image(const std::string& image) {
    Pipeline p("images");
    p.add(Component("step").image(image).command({"true"}));
    return p;
}

TEST_CASE("lint: images need a tag or a well-formed digest, not :latest, and no upper case", "[lint]") {
    CHECK(ids(lint(check(with_image("alpine")))) == std::vector<std::string>{"image-untagged"});
    CHECK(ids(lint(check(with_image("gcr.io/p/trainer:latest")))) == std::vector<std::string>{"image-latest"});
    CHECK(ids(lint(check(with_image("busybox@sha256:9ae97d36")))) == std::vector<std::string>{"image-digest"});
    CHECK(ids(lint(check(with_image("busybox@sha256:9AE97D36D26566FF84E8893C64A6DC4FE8CA6D1144BF5B87B2B85A32DEF253C7")))) ==
          std::vector<std::string>{"image-digest"});
    CHECK(ids(lint(check(with_image("gcr.io/MyProject/trainer:1.0")))) == std::vector<std::string>{"image-uppercase"});
    // A registry host may have upper case and a port; a tag is enough; a digest is best.
    CHECK(lint(check(with_image("Registry.Example.com:5000/team/trainer:1.0"))).empty());
    CHECK(lint(check(with_image("python:3.12-slim"))).empty());
    CHECK(lint(check(with_image(kPinned))).empty());
    CHECK(lint(check(with_image("gcr.io/p/trainer:2.1@" + std::string(kPinned).substr(8)))).empty());
    const auto f = lint(check(with_image("alpine")));
    REQUIRE(f.size() == 1);
    CHECK(f[0].where.describe() == "pipeline 'images', task 'step'");
    CHECK_THAT(f[0].message, Contains("pin it as image@sha256:"));
}

TEST_CASE("lint: literals that look like secrets, in env values, arguments and inputs", "[lint]") {
    const auto findings_for = [](auto&& build) {
        Pipeline p("secrets");
        build(p);
        return lint(check(p));
    };
    const auto env = findings_for([](Pipeline& p) {
        p.add(Component("notify").image(kPinned).command({"true"})).env("SLACK_TOKEN", "xoxb-1234567890-abcdefghij");
    });
    REQUIRE(ids(env) == std::vector<std::string>{"secret-literal"});
    CHECK_THAT(env[0].message, Contains("env SLACK_TOKEN holds a Slack token") && Contains("env_from_secret"));
    CHECK(ids(findings_for([](Pipeline& p) {
              p.add(Component("db").image(kPinned).command({"psql", "--password=hunter2"}));
          })) == std::vector<std::string>{"secret-literal"});
    CHECK(ids(findings_for([](Pipeline& p) {
              p.add(Component("db").image(kPinned).command({"psql", "postgres://admin:hunter2@db:5432/x"}));
          })) == std::vector<std::string>{"secret-literal"});
    const auto input = findings_for([](Pipeline& p) {
        p.add(Component("aws").image(kPinned).input<String>("key").command({"echo", input_value("key")}))
            .arg("key", "AKIAIOSFODNN7EXAMPLE");
    });
    REQUIRE(ids(input) == std::vector<std::string>{"secret-literal"});
    CHECK(input[0].where.describe() == "pipeline 'secrets', task 'aws', input 'key'");
    // A credential's name with a value from a secret, a parameter or nothing is fine.
    CHECK(findings_for([](Pipeline& p) {
              p.add(Component("ok").image(kPinned).input<String>("token").command({"echo", input_value("token")}))
                  .arg("token", p.param<String>("token"))
                  .env_from_secret("API_TOKEN", "api", "token")
                  .env("LOG_LEVEL", "debug");
          }).empty());
}

TEST_CASE("lint: two tasks with one display name", "[lint]") {
    Pipeline p("names");
    const auto c = Component("step").image(kPinned).command({"true"});
    p.add(c, "a").display_name("Train");
    p.add(c, "b").display_name("Train");
    p.add(c, "c").display_name("Evaluate");
    const auto f = lint(check(p));
    REQUIRE(ids(f) == std::vector<std::string>{"duplicate-display-name"});
    CHECK(f[0].where.task == "b");
    CHECK_THAT(f[0].message, Contains("'Train' is also task 'a''s"));
}

TEST_CASE("lint: a schedule that never fires", "[lint]") {
    const auto findings_for = [](const std::string& cron) {
        Pipeline p = with_image(kPinned);
        p.schedule(cron, "Asia/Tokyo");
        return ids(lint(check(p)));
    };
    CHECK(findings_for("0 6 31 2 *") == std::vector<std::string>{"cron-never-fires"});
    CHECK(findings_for("0 6 31 4,6,9,11 *") == std::vector<std::string>{"cron-never-fires"});
    CHECK(findings_for("0 6 30-31 FEB *") == std::vector<std::string>{"cron-never-fires"});
    CHECK(findings_for("0 6 29 2 *").empty());       // leap years
    CHECK(findings_for("0 6 31 1-3 *").empty());     // January and March
    CHECK(findings_for("0 6 31 2 MON").empty());     // both day fields: either one (cron's OR)
    CHECK(findings_for("*/15 * * * *").empty());
}

TEST_CASE("lint: a request above its limit, in files other tools wrote", "[lint][cli]") {
    // pipecc's own checks refuse it at compile time...
    Pipeline p("resources");
    p.add(Component("train").image(kPinned).command({"true"})).memory_request("2Gi").memory_limit("1500Mi");
    CHECK_THROWS_WITH(check(p), Contains("memory request 2Gi is above its limit 1500Mi"));
    // ...so the lint is for files from elsewhere.
    test::TempDir dir;
    const std::string argo = dir / "wf.yaml";
    std::ofstream(argo) << "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: r-}\n"
                           "spec:\n  entrypoint: main\n  templates:\n  - name: main\n    container:\n"
                           "      image: " << kPinned << "\n      resources:\n"
                           "        requests: {cpu: 1500m, memory: 1Gi}\n        limits: {cpu: '1', memory: 2Gi}\n";
    const auto r = test::run_process({PIPECC_CLI, "lint", argo});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.out, Contains(argo + ":11:") && Contains("[request-above-limit] cpu request 1500m is above its limit 1"));
    CHECK_THAT(r.out, !Contains("memory request"));
}

TEST_CASE("lint: Kubernetes quantities compare by value, suffixes and all", "[lint][cli]") {
    test::TempDir dir;
    const std::string ir = dir / "ir.yaml";
    std::ofstream(ir) << "pipelineInfo: {name: q}\nroot: {dag: {tasks: {}}}\ndeploymentSpec:\n  executors:\n"
                         "    exec-a:\n      container:\n        image: busybox:1.37\n        resources:\n"
                         "          resourceMemoryRequest: 1100M\n          resourceMemoryLimit: 1Gi\n"
                         "          resourceCpuRequest: '0.5'\n          resourceCpuLimit: 500m\n";
    const auto r = test::run_process({PIPECC_CLI, "lint", ir});
    CHECK(r.exit_code == 1);
    // 1100M (1.1e9) is above 1Gi (1.07e9); 0.5 CPU is 500m.
    CHECK_THAT(r.out, Contains("memory request 1100M is above its limit 1Gi"));
    CHECK_THAT(r.out, !Contains("cpu request"));
}

TEST_CASE("lint: --disable turns one lint off; an unknown id is an error", "[lint]") {
    Pipeline p("two");
    p.add(Component("a").image("alpine").command({"true"})).env("PASSWORD", "hunter2");
    CHECK(ids(lint(check(p))) == std::vector<std::string>{"image-untagged", "secret-literal"});
    CHECK(ids(lint(check(p), {"secret-literal"})) == std::vector<std::string>{"image-untagged"});
    CHECK_THROWS_WITH(lint(check(p), {"no-such-lint"}), Contains("--disable no-such-lint: no such lint"));
    for (const auto& rule : lint_rules()) CHECK_FALSE(rule.summary.empty());
}

using Run = test::ProgramRun;

Pipeline latest() { return with_image("alpine:latest"); }

TEST_CASE("lint: a pipeline program warns, and with --strict refuses to write", "[lint][main]") {
    test::TempDir dir;
    const std::string out = (dir / "p.yaml");
    const Run warned = test::run_pipeline_program({"-o", out}, latest);
    CHECK(warned.code == 0);
    CHECK_THAT(warned.err, Contains("warning: [image-latest] pipeline 'images', task 'step': image alpine:latest"));
    CHECK(std::filesystem::exists(out));

    std::filesystem::remove(out);
    const Run strict = test::run_pipeline_program({"--strict", "-o", out}, latest);
    CHECK(strict.code == 1);
    CHECK_THAT(strict.err, Contains("error: [image-latest]") && Contains("1 lint finding(s) with --strict"));
    CHECK_FALSE(std::filesystem::exists(out));

    const Run disabled = test::run_pipeline_program({"--strict", "--disable", "image-latest", "-o", out}, latest);
    CHECK(disabled.code == 0);
    CHECK(disabled.err.empty());
    CHECK(test::run_pipeline_program({"--disable", "nope"}, latest).code == 2);
}

TEST_CASE("lint: pipecc lint finds the same in compiled files, at their lines", "[lint][cli]") {
    test::TempDir dir;
    Pipeline p("files");
    p.schedule("0 6 31 2 *", "Asia/Tokyo");
    p.add(Component("step").image("alpine:latest").command({"true"})).env("API_KEY", "abc123").display_name("Step");
    p.add(Component("other").image(kPinned).command({"true"})).display_name("Step");
    for (const Engine engine : {Engine::kfp(), Engine::argo()}) {
        const std::string file = dir / (engine.name() + ".yaml");
        std::ofstream(file) << compile(p, {.engine = engine});
        const auto r = test::run_process({PIPECC_CLI, "lint", file});
        INFO(engine.name() << "\n" << r.out << r.err);
        CHECK(r.exit_code == 1);
        CHECK_THAT(r.out, Contains(file + ":") && Contains(": warning: [image-latest] image alpine:latest"));
        CHECK_THAT(r.out, Contains("[secret-literal] env API_KEY holds a literal value for API_KEY"));
        CHECK_THAT(r.out, Contains("[cron-never-fires] schedule '0 6 31 2 *' never fires"));
        const auto quiet = test::run_process({PIPECC_CLI, "lint", file, "--disable", "image-latest", "--disable",
                                              "secret-literal", "--disable", "cron-never-fires", "--disable",
                                              "duplicate-display-name"});
        CHECK(quiet.exit_code == 0);
        CHECK(quiet.out.empty());
    }
    const auto kfp = test::run_process({PIPECC_CLI, "lint", dir / "kfp@2.17.yaml"});
    CHECK_THAT(kfp.out, Contains("[duplicate-display-name] display name 'Step'"));
    const std::string junk = dir / "junk.yaml";
    std::ofstream(junk) << "kind: ConfigMap\n";
    CHECK(test::run_process({PIPECC_CLI, "lint", junk}).exit_code == 2);
    const auto list = test::run_process({PIPECC_CLI, "lint", "--list"});
    CHECK(list.exit_code == 0);
    for (const auto& rule : lint_rules()) CHECK_THAT(list.out, Contains(std::string(rule.id)));
}

}  // namespace lint_test
