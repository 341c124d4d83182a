// `pipecc graph`: pictures of compiled pipelines (KFP IR and Argo), as DOT, Mermaid and SVG.
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "picture/picture.hpp"
#include "pipecc/error.hpp"
#include "tools/subprocess.hpp"

#ifndef PIPECC_CLI
#error "PIPECC_CLI must name the pipecc tool (tests/CMakeLists.txt defines it)"
#endif

using namespace pipecc::picture;
using Catch::Contains;

namespace {

const std::string kGolden = std::string(PIPECC_SOURCE_DIR) + "/tests/golden/";

const Node* find_node(const Group& g, const std::string& label) {
    for (const auto& n : g.nodes) {
        if (n.label == label) return &n;
    }
    for (const auto& child : g.groups) {
        if (const auto* n = find_node(child, label)) return n;
    }
    return nullptr;
}

}  // namespace

TEST_CASE("graph: KFP IR gives a node per task with its display name, the exit handler a cluster", "[graph]") {
    const auto p = picture_from_file(kGolden + "daily_prediction.kfp.yaml");
    CHECK(p.root.label == "daily-prediction");
    REQUIRE(p.root.groups.size() == 1);
    const auto& body = p.root.groups[0];
    CHECK(body.kind == GroupKind::ExitHandler);
    CHECK(body.label == "exit handler");
    CHECK(find_node(body, "Extract features"));
    CHECK(find_node(body, "Predict"));
    const auto* hook = find_node(p.root, "Slack notification");
    REQUIRE(hook);
    CHECK(hook->on_exit);
    const auto dot = to_dot(p);
    CHECK_THAT(dot, Contains("subgraph cluster_" + body.id + " {"));
    CHECK_THAT(dot, Contains("label=\"exit handler\"; style=dashed;"));
    CHECK_THAT(dot, Contains(body.id + " -> " + hook->id + " [ltail=cluster_" + body.id + "];"));
    CHECK_THAT(to_mermaid(p), Contains(hook->id + "([\"Slack notification<br/>(on exit)\"])"));
    CHECK(to_dot(picture_from_file(kGolden + "daily_prediction.kfp.yaml")) == dot);  // deterministic
}

TEST_CASE("graph: conditions and loops are clusters", "[graph]") {
    const auto p = picture_from_text("loop.yaml", R"(
pipelineInfo: {name: groups}
components:
  comp-condition-1: {dag: {tasks: {inner: {componentRef: {name: comp-leaf}, taskInfo: {name: Inner}}}}}
  comp-for-loop-2: {dag: {tasks: {each: {componentRef: {name: comp-leaf}, taskInfo: {name: Each}}}}}
  comp-leaf: {executorLabel: exec-leaf}
root:
  dag:
    tasks:
      condition-1:
        componentRef: {name: comp-condition-1}
        dependentTasks: [first]
        triggerPolicy: {condition: "x == 'heads'"}
      for-loop-2:
        componentRef: {name: comp-for-loop-2}
        parameterIterator: {items: {raw: '[1, 2]'}, itemInput: item}
      first: {componentRef: {name: comp-leaf}, taskInfo: {name: First}}
)");
    REQUIRE(p.root.groups.size() == 2);
    CHECK(p.root.groups[0].kind == GroupKind::Condition);
    CHECK(p.root.groups[0].label == "if x == 'heads'");
    CHECK(p.root.groups[1].kind == GroupKind::Loop);
    CHECK(p.root.groups[1].label == "for each: [1, 2]");
    REQUIRE(p.edges.size() == 1);
    CHECK(p.edges[0].to == p.root.groups[0].id);
    CHECK_THAT(to_mermaid(p), Contains("subgraph " + p.root.groups[0].id + "[\"if x == 'heads'\"]"));
}

TEST_CASE("graph: Argo DAGs, steps, when, loops, onExit and recursion", "[graph]") {
    const auto p = picture_from_file(kGolden + "notify_on_failure.argo.yaml");
    CHECK(p.root.label == "notify-on-failure");
    CHECK(find_node(p.root, "train"));
    REQUIRE(p.root.groups.size() == 1);
    CHECK(p.root.groups[0].kind == GroupKind::OnExit);
    const auto* hook = find_node(p.root.groups[0], "page-on-call");
    REQUIRE(hook);
    CHECK(hook->on_exit);
    CHECK(p.root.groups[0].groups.at(0).label == "when {{workflow.status}} != Succeeded");

    const auto steps = picture_from_text("s.yaml", R"(
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: steps-}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: a, template: leaf}
    - - {name: b, template: leaf, withItems: [1, 2, 3]}
      - {name: c, template: main}
  - name: leaf
    container: {image: alpine}
)");
    CHECK(steps.root.label == "steps");
    CHECK(find_node(steps.root, "a"));
    REQUIRE(steps.root.groups.size() == 1);
    CHECK(steps.root.groups[0].label == "for each: 3 items");
    CHECK(find_node(steps.root, "c"));  // `main` runs itself: drawn as a node, not expanded again
    CHECK(steps.edges.size() == 2);

    CHECK_THROWS_WITH(picture_from_text("x.yaml", "kind: ConfigMap\n"), Contains("neither KFP v2 IR nor an Argo"));
}

TEST_CASE("graph: the pipecc graph command writes DOT, Mermaid and SVG", "[graph]") {
    using pipecc::test::run_process;
    const auto dot = run_process({PIPECC_CLI, "graph", kGolden + "hello.kfp.yaml"});
    CHECK(dot.exit_code == 0);
    CHECK_THAT(dot.out, Catch::StartsWith("digraph \"hello\" {"));
    const auto mermaid = run_process({PIPECC_CLI, "graph", "--format", "mermaid", kGolden + "hello.argo.yaml"});
    CHECK(mermaid.exit_code == 0);
    CHECK_THAT(mermaid.out, Contains("flowchart TB"));
    CHECK(run_process({PIPECC_CLI, "graph", "/nonexistent.yaml"}).exit_code == 2);
    CHECK(run_process({PIPECC_CLI, "graph", "--format", "png", kGolden + "hello.kfp.yaml"}).exit_code == 2);
    pipecc::test::TempDir dir;
    std::ofstream(dir / "x.yaml") << "kind: ConfigMap\n";
    CHECK(run_process({PIPECC_CLI, "graph", dir / "x.yaml"}).exit_code == 1);

    const auto no_dot = run_process({PIPECC_CLI, "graph", "--format", "svg", kGolden + "hello.kfp.yaml"}, {},
                                    {{"PATH", dir.path().string()}});
    CHECK(no_dot.exit_code == 1);
    CHECK_THAT(no_dot.err, Contains("SVG needs Graphviz's `dot` on PATH"));
    if (!pipecc::test::find_program("dot")) {
        WARN("SKIPPED: the SVG output needs Graphviz's dot");
        return;
    }
    const auto svg =
        run_process({PIPECC_CLI, "graph", "--format", "svg", kGolden + "daily_prediction.kfp.yaml", "-o", dir / "d.svg"});
    CHECK(svg.exit_code == 0);
    CHECK_THAT(pipecc::test::read_whole_file(dir / "d.svg").value_or(""), Contains("<svg"));
}

TEST_CASE("graph: a pipeline program draws itself with --graph", "[graph]") {
    using pipecc::test::run_process;
    const std::string program = std::string(PIPECC_EXAMPLES_BIN_DIR) + "/daily_prediction";
    if (!pipecc::test::find_program(program)) {
        WARN("SKIPPED: the examples are not built");
        return;
    }
    const auto kfp = run_process({program, "--graph", "mermaid"});
    CHECK(kfp.exit_code == 0);
    CHECK_THAT(kfp.out, Contains("subgraph g2[\"exit handler\"]"));
    CHECK_THAT(kfp.out, Contains("Slack notification<br/>(on exit)"));
    const auto argo = run_process({program, "--target", "argo", "--graph", "dot"});
    CHECK(argo.exit_code == 0);
    CHECK_THAT(argo.out, Contains("label=\"on exit\"; style=dashed;"));
    CHECK(run_process({program, "--graph", "png"}).exit_code == 2);
}

TEST_CASE("graph: the README's picture is the example's", "[graph]") {
    using pipecc::test::run_process;
    const std::string program = std::string(PIPECC_EXAMPLES_BIN_DIR) + "/daily_prediction";
    if (!pipecc::test::find_program(program)) {
        WARN("SKIPPED: the examples are not built");
        return;
    }
    const auto readme = pipecc::test::read_whole_file(std::string(PIPECC_SOURCE_DIR) + "/README.md").value_or("");
    const auto start = readme.find("```mermaid\n");
    REQUIRE(start != std::string::npos);
    const auto body = start + 11;
    CHECK(readme.substr(body, readme.find("```", body) - body) == run_process({program, "--graph", "mermaid"}).out);
}
