// `pipecc graph`: pictures of compiled pipelines (KFP IR and Argo), as DOT, Mermaid and SVG.
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "picture/picture.hpp"
#include "pipecc/error.hpp"
#include "test_support.hpp"
#include "tools/subprocess.hpp"

#ifndef PIPECC_CLI
#error "PIPECC_CLI must name the pipecc tool (tests/CMakeLists.txt defines it)"
#endif

namespace graph_picture_test {

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

std::string dot_of(const pipecc::Pipeline& p, const pipecc::Engine& engine) {
    return to_dot(picture_from_text(p.name(), pipecc::compile(p, {.engine = engine})));
}

std::string golden_dot(const std::string& name) { return to_dot(picture_from_file(kGolden + name)); }

std::size_t count_of(const std::string& text, const std::string& part) {
    std::size_t n = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
    return n;
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
    const auto* predict = find_node(body, "Predict");
    REQUIRE(predict);
    CHECK_THAT(dot, Contains(predict->id + " -> " + hook->id + " [ltail=cluster_" + body.id + ", style=dashed, label=\"on exit\"];"));
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
    CHECK(p.root.groups[1].label == "for each item in [2 items]");
    REQUIRE(p.edges.size() == 1);
    CHECK(p.edges[0].to == p.root.groups[0].id);
    CHECK_THAT(to_mermaid(p), Contains("subgraph " + p.root.groups[0].id + "[\"if x == 'heads'\"]"));
}

TEST_CASE("graph: Argo DAGs, steps, when, loops, onExit and recursion", "[graph]") {
    const auto p = picture_from_file(kGolden + "notify_on_failure.argo.yaml");
    CHECK(p.root.label == "notify-on-failure");
    REQUIRE(p.root.groups.size() == 1);
    CHECK(p.root.groups[0].kind == GroupKind::ExitHandler);
    CHECK(find_node(p.root.groups[0], "train"));
    const auto* hook = find_node(p.root, "page-on-call");
    REQUIRE(hook);
    CHECK(hook->on_exit);
    CHECK(hook->condition == "status != 'Succeeded'");

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
    CHECK(steps.root.groups[0].label == "for each item in [3 items]");
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
    CHECK_THAT(argo.out, Contains("label=\"exit handler\"; style=dashed;"));
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

TEST_CASE("graph: conditions read as their authors wrote them, alike on both targets", "[graph]") {
    for (const char* target : {"kfp", "argo"}) {
        INFO(target);
        const auto flip = golden_dot(std::string("flip_coin.") + target + ".yaml");
        CHECK_THAT(flip, Contains("label=\"if side == 'heads'\";"));
        CHECK_THAT(flip, Contains("label=\"if n > threshold\";"));
        CHECK_THAT(flip, Contains("label=\"if !(n > threshold)\";"));
        CHECK_THAT(flip, !Contains("pipelinechannel") && !Contains("{{") && !Contains("when "));
        const auto notify = golden_dot(std::string("notify_on_failure.") + target + ".yaml");
        CHECK_THAT(notify, Contains("[label=\"page-on-call\\nif status != 'Succeeded'\\n(on exit)\""));
    }
}

TEST_CASE("graph: a loop names what it iterates, not its items", "[graph]") {
    using namespace pipecc;
    Pipeline p("p");
    p.parallel_for<Int>(nlohmann::json::array({1, 2, 3}), [&](const Value<Int>& n) {
        p.add(test::component("square").input<Int>("n")).arg("n", n);
    });
    for (const auto& engine : {Engine::kfp(), Engine::argo()}) {
        const auto dot = dot_of(p, engine);
        CHECK_THAT(dot, Contains("label=\"for each item in [3 items]\";"));
        CHECK_THAT(dot, !Contains("[1, 2, 3]"));
    }
    for (const char* target : {"kfp", "argo"}) {
        INFO(target);
        CHECK_THAT(golden_dot(std::string("parallel_training.") + target + ".yaml"),
                   Contains("label=\"for each in plan-trials.outputs.configs"));
        CHECK_THAT(golden_dot(std::string("nested_pipeline.") + target + ".yaml"), Contains("label=\"for each in regions\";"));
    }
}

TEST_CASE("graph: a long label ends in an ellipsis", "[graph]") {
    const std::string name(60, 'x');
    const auto dot = to_dot(picture_from_text("long.yaml", "pipelineInfo: {name: p}\nroot: {dag: {tasks: {t: {taskInfo: {name: " +
                                                               name + "}, componentRef: {name: c}}}}}\n"));
    CHECK_THAT(dot, Contains("[label=\"" + std::string(47, 'x') + "…\"]"));
    CHECK_THAT(dot, !Contains(std::string(48, 'x')));
}

TEST_CASE("graph: a loop or condition that runs a DAG is one cluster, a loop in a loop one inside the other", "[graph]") {
    using namespace pipecc;
    using nlohmann::json;
    Pipeline p("p");
    auto groups = p.param<List>("groups", Value<List>(json::array({json{{"name", "a"}, {"members", json::array({"x"})}}})));
    p.parallel_for<Struct>(groups, [&](const Value<Struct>& group) {
        p.parallel_for<String>(group.field<List>("members"), [&](const Value<String>& member) {
            p.add(test::component("greet").input<String>("who")).arg("who", member);
        });
    });
    for (const auto& engine : {Engine::kfp(), Engine::argo()}) {
        const auto dot = dot_of(p, engine);
        INFO(dot);
        CHECK(count_of(dot, "subgraph cluster_") == 2);
        CHECK(count_of(dot, "for each in item.members") == 1);
        CHECK(std::regex_search(dot, std::regex("\n  subgraph cluster_g[0-9]+ \\{\n    label=\"for each in groups\";")));
        CHECK(std::regex_search(dot, std::regex("\n    subgraph cluster_g[0-9]+ \\{\n      label=\"for each in item.members\";")));
    }
    for (const char* target : {"kfp", "argo"}) {
        INFO(target);
        const auto training = golden_dot(std::string("parallel_training.") + target + ".yaml");
        CHECK(count_of(training, "subgraph cluster_") == 1);
        CHECK_THAT(training, Contains("label=\"for each in plan-trials.outputs.configs\\n(2 at a time)\";"));
    }
    // Argo has no If/Elif/Else group around the branches: five conditions, five clusters.
    CHECK(count_of(golden_dot("flip_coin.argo.yaml"), "subgraph cluster_") == 5);
}

TEST_CASE("graph: an edge into or out of a cluster meets a task inside it, below the cluster's label", "[graph]") {
    for (const char* target : {"kfp", "argo"}) {
        INFO(target);
        const auto p = picture_from_file(kGolden + "parallel_training." + target + ".yaml");
        REQUIRE(p.root.groups.size() == 1);
        const std::string loop = p.root.groups[0].id;
        const auto* plan = find_node(p.root, "plan-trials");
        const auto* train = find_node(p.root, "train");
        const auto* pick = find_node(p.root, "pick-best");
        REQUIRE((plan && train && pick));
        const auto dot = to_dot(p);
        CHECK_THAT(dot, Contains(plan->id + " -> " + train->id + " [lhead=cluster_" + loop + ", minlen=2];"));
        CHECK_THAT(dot, Contains(train->id + " -> " + pick->id + " [ltail=cluster_" + loop + "];"));
        CHECK_THAT(dot, !Contains("style=invis"));
    }
}

TEST_CASE("graph: exit hooks follow the body by a dashed `on exit` edge, on both targets", "[graph]") {
    const std::vector<std::pair<std::string, std::vector<std::string>>> pipelines = {
        {"daily_prediction", {"Slack notification", "slack-notification"}},
        {"notify_on_failure", {"page-on-call"}},
        {"notify_on_failure", {"publish-model"}},
    };
    for (const auto& [name, hook_names] : pipelines) {
        for (const char* target : {"kfp", "argo"}) {
            INFO(name << '.' << target);
            const auto p = picture_from_file(kGolden + name + "." + target + ".yaml");
            const Group* body = nullptr;
            for (const auto& g : p.root.groups) {
                if (g.kind == GroupKind::ExitHandler) body = &g;
            }
            REQUIRE(body);
            const Node* hook = nullptr;
            for (const auto& hook_name : hook_names) hook = hook ? hook : find_node(p.root, hook_name);
            REQUIRE(hook);
            CHECK(hook->on_exit);
            const auto dot = to_dot(p);
            CHECK_THAT(dot, Contains("label=\"exit handler\"; style=dashed;"));
            CHECK(std::regex_search(dot, std::regex("\n  n[0-9]+ -> " + hook->id + " \\[ltail=cluster_" + body->id +
                                                    ", style=dashed, label=\"on exit\"\\];\n")));
            CHECK(count_of(dot, " -> " + hook->id + " ") == 1);
        }
    }
}

TEST_CASE("graph: KFP's If/Elif/Else group is not drawn: its branches follow what it follows, as on Argo", "[graph]") {
    for (const char* target : {"kfp", "argo"}) {
        INFO(target);
        const auto p = picture_from_file(kGolden + "flip_coin." + target + ".yaml");
        const auto dot = to_dot(p);
        CHECK(count_of(dot, "subgraph cluster_") == 5);
        CHECK_THAT(dot, !Contains("condition-branches"));
        const auto* flip = find_node(p.root, "flip-coin");
        REQUIRE(flip);
        CHECK(count_of(dot, "  " + flip->id + " -> ") == 3);
    }
}

TEST_CASE("graph: a task that ignores upstream failures is no exit hook", "[graph]") {
    using namespace pipecc;
    Pipeline p("p");
    auto train = p.add(test::component("train"));
    p.add(test::component("report")).after(train).ignore_upstream_failure();
    for (const auto& engine : {Engine::kfp(), Engine::argo()}) {
        const auto dot = dot_of(p, engine);
        CHECK_THAT(dot, Contains("[label=\"report\"];"));
        CHECK_THAT(dot, !Contains("on exit"));
    }
}

// A picture that dot cannot draw, or draws with a warning, fails here rather than for a user.
TEST_CASE("graph: dot draws both targets' pictures of every golden as PNG", "[graph][dot]") {
    using pipecc::test::run_process;
    if (!pipecc::test::find_program("dot")) {
        WARN("SKIPPED: drawing PNGs needs Graphviz's dot");
        return;
    }
    pipecc::test::TempDir dir;
    std::size_t drawn = 0;
    for (const auto& entry : std::filesystem::directory_iterator(kGolden)) {
        if (entry.path().extension() != ".yaml") continue;
        const std::string name = entry.path().stem().string();
        INFO(name);
        std::ofstream(dir / (name + ".dot")) << to_dot(picture_from_file(entry.path().string()));
        const auto drawing = run_process({"dot", "-Tpng", dir / (name + ".dot"), "-o", dir / (name + ".png")});
        CHECK(drawing.exit_code == 0);
        CHECK(drawing.err.empty());
        CHECK(pipecc::test::read_whole_file(dir / (name + ".png")).value_or("").starts_with("\x89PNG"));
        ++drawn;
    }
    CHECK(drawn >= 2 * pipecc::test::example_names().size());
}

// std::regex recurses once per character: the reader once matched whole argument values,
// `depends` expressions and conditions with it, and a long one in a hostile file overflowed the
// stack (SIGSEGV). Each of these crashed `pipecc graph` before.
TEST_CASE("graph: a 300,000-character tag, depends or condition is drawn, not a crash", "[graph][hostile]") {
    const std::string huge(300'000, 'x');
    const std::string argo = R"(apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: w}
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - name: a
        template: leaf
        arguments: {parameters: [{name: x, value: "{{a)" + huge + R"(}}"}]}
      - name: b
        template: leaf
        depends: "a && )" + huge + R"("
        when: "{{tasks.a.outputs.result}} == )" + huge + R"("
  - name: leaf
    inputs: {parameters: [{name: x}]}
    container: {image: alpine:3.20}
)";
    const Picture argo_picture = picture_from_text("hostile.yaml", argo);
    CHECK_THAT(to_dot(argo_picture), Contains("…"));

    std::ifstream in(kGolden + "flip_coin.kfp.yaml");
    std::string ir((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string cel = "condition: inputs.parameter_values['pipelinechannel--flip-coin-side'] == 'heads'";
    const auto at = ir.find(cel);
    REQUIRE(at != std::string::npos);
    ir.replace(at, cel.size(), "condition: \"" + cel.substr(11) + " && inputs.parameter_values['" + huge + "'] == 1\"");
    CHECK_THAT(to_dot(picture_from_text("hostile.kfp.yaml", ir)), Contains("if side == 'heads' && "));
}

}  // namespace graph_picture_test
