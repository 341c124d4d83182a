// Parity with the kfp SDK: pipelines written in pipecc the way kfp's reference pipelines are
// written compile to the same DAG structure as kfp's own golden IR in ../shared/reference/kfp-goldens.
// Executors differ (kfp's are Python), so the comparison follows each task's componentRef to the
// component's interface (inputs, outputs, nested DAG) and ignores component names and executors.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace pipecc::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path goldens_dir() { return fs::path(PIPECC_SOURCE_DIR) / ".." / "shared" / "reference" / "kfp-goldens"; }

json to_json(const YAML::Node& n) {
    if (n.IsMap()) {
        json out = json::object();
        for (const auto& kv : n) out[kv.first.Scalar()] = to_json(kv.second);
        return out;
    }
    if (n.IsSequence()) {
        json out = json::array();
        for (const auto& item : n) out.push_back(to_json(item));
        return out;
    }
    return n.IsScalar() ? json(n.Scalar()) : json();
}

json component_interface(const YAML::Node& spec, const std::string& name);

json dag_shape(const YAML::Node& spec, const YAML::Node& dag) {
    json out = json::object();
    for (const auto& kv : dag["tasks"]) {
        json task = to_json(kv.second);
        task["componentRef"] = component_interface(spec, kv.second["componentRef"]["name"].Scalar());
        out["tasks"][kv.first.Scalar()] = task;
    }
    if (dag["outputs"]) out["outputs"] = to_json(dag["outputs"]);
    return out;
}

json component_interface(const YAML::Node& spec, const std::string& name) {
    const YAML::Node c = spec["components"][name];
    json out = json::object();
    if (c["inputDefinitions"]) out["inputDefinitions"] = to_json(c["inputDefinitions"]);
    if (c["outputDefinitions"]) out["outputDefinitions"] = to_json(c["outputDefinitions"]);
    if (c["dag"]) out["dag"] = dag_shape(spec, c["dag"]);
    return out;
}

json pipeline_shape(const YAML::Node& spec) {
    json out = json::object();
    out["name"] = spec["pipelineInfo"]["name"].Scalar();
    out["dag"] = dag_shape(spec, spec["root"]["dag"]);
    if (spec["root"]["inputDefinitions"]) out["inputDefinitions"] = to_json(spec["root"]["inputDefinitions"]);
    return out;
}

// Compares `p` with kfp's golden `file`; skips visibly without ../shared.
void check_parity(const Pipeline& p, const std::string& file) {
    const fs::path golden = goldens_dir() / file;
    if (!fs::exists(golden)) {
        WARN("SKIPPED: " << golden.string() << " not found (../shared is absent)");
        return;
    }
    const json theirs = pipeline_shape(YAML::LoadFile(golden.string()));
    const json ours = pipeline_shape(kfp_spec(p));
    INFO("kfp:    " << theirs.dump(1));
    INFO("pipecc: " << ours.dump(1));
    CHECK(ours == theirs);
}

Component flip_coin_op() { return component("flip-coin-op").output<String>("Output"); }
Component print_op() { return component("print-op").input<String>("msg"); }

}  // namespace

TEST_CASE("kfp parity: one If with tasks reading outer and inner values", "[parity][conditions]") {
    // kfp's pipeline_with_condition: dsl.If(flip1.output == 'heads') around a flip and two prints.
    Pipeline p("single-condition-pipeline");
    auto text = p.param<String>("text", "condition test");
    auto flip1 = p.add(flip_coin_op()).caching(false);
    p.add(print_op()).arg("msg", flip1.output<String>("Output"));
    p.If(flip1.output<String>("Output") == "heads", [&] {
        auto flip2 = p.add(flip_coin_op()).caching(false);
        p.add(print_op()).arg("msg", flip2.output<String>("Output"));
        p.add(print_op()).arg("msg", text);
    });
    check_parity(p, "essential__pipeline_with_condition.yaml");
}

TEST_CASE("kfp parity: an If inside an If comparing two task outputs", "[parity][conditions]") {
    // kfp's pipeline_with_nested_conditions.
    Pipeline p("nested-conditions-pipeline");
    auto flip1 = p.add(flip_coin_op()).output<String>("Output");
    p.add(print_op()).arg("msg", flip1);
    auto flip2 = p.add(flip_coin_op()).output<String>("Output");
    p.add(print_op()).arg("msg", flip2);
    p.If(flip1 != "no-such-result", [&] {
        auto flip3 = p.add(flip_coin_op()).output<String>("Output");
        p.add(print_op()).arg("msg", flip3);
        p.If(flip2 == flip3, [&] {
            auto flip4 = p.add(flip_coin_op()).output<String>("Output");
            p.add(print_op()).arg("msg", flip4);
        });
    });
    check_parity(p, "essential__pipeline_with_nested_conditions.yaml");
}

TEST_CASE("kfp parity: flip coin with Int comparisons in nested Ifs", "[parity][conditions]") {
    // kfp's flip_coin sample: numbers are compared through int(...) in CEL.
    const auto flip = component("flip-coin").output<String>("Output");
    const auto random_num = component("random-num").input<Int>("low").input<Int>("high").output<Int>("Output");
    const auto print_msg = component("print-msg").input<String>("msg");
    Pipeline p("conditional-execution-pipeline");
    auto coin = p.add(flip).caching(false).output<String>("Output");
    auto branch = [&](const char* side, int low, int high, int cut) {
        p.If(coin == side, [&] {
            auto n = p.add(random_num).arg("low", low).arg("high", high).caching(false).output<Int>("Output");
            const std::string cut_text = std::to_string(cut);
            p.If(n > cut, [&] {
                p.add(print_msg).caching(false).arg("msg", concat(side, " and ", to_string(n), " > " + cut_text + "!"));
            });
            p.If(n <= cut, [&] {
                p.add(print_msg).caching(false).arg("msg", concat(side, " and ", to_string(n), " <= " + cut_text + "!"));
            });
        });
    };
    branch("heads", 0, 9, 5);
    branch("tails", 10, 19, 15);
    check_parity(p, "critical__flip_coin.yaml");
}

TEST_CASE("kfp parity: loops over a parameter, a task output and a literal list of structs", "[parity][loops]") {
    // kfp's pipeline_with_loops: item fields become parameterExpressionSelectors.
    const auto print_text = component("print-text").input<String>("msg");
    const auto print_struct = component("print-struct").input<Struct>("struct");
    const auto args_generator = component("args-generator-op").output<List>("Output");
    Pipeline p("pipeline-with-loops");
    auto loop_parameter = p.param<List>("loop_parameter", nlohmann::json::array({"a", "b"}));
    p.parallel_for<String>(loop_parameter, [&](const Value<String>& item) { p.add(print_text).arg("msg", item); });
    auto generated = p.add(args_generator).output<List>("Output");
    auto body = [&](const Value<Struct>& item) {
        p.add(print_struct).arg("struct", item);
        p.add(print_text).arg("msg", item.field<String>("A_a"));
        p.add(print_text).arg("msg", item.field<String>("B_b"));
    };
    p.parallel_for<Struct>(generated, body);
    p.parallel_for<Struct>(nlohmann::json::parse(R"([{"A_a": "1", "B_b": "2"}, {"A_a": "10", "B_b": "20"}])"), body);
    check_parity(p, "parallel_and_nested__pipeline_with_loops.yaml");
}

TEST_CASE("kfp parity: importers with a constant and a parameter URI, one inside an If", "[parity][importer]") {
    // kfp's pipeline_with_importer.
    const auto train = component("train").input<Dataset>("dataset").output<Model>("model").output<String>("scalar");
    Pipeline p("pipeline-with-importer");
    auto dataset2 = p.param<String>("dataset2", "gs://ml-pipeline-playground/shakespeare2.txt");
    auto imported = p.importer<Dataset>("gs://ml-pipeline-playground/shakespeare1.txt", {{"key", "value"}});
    auto train1 = p.add(train).arg("dataset", imported.output<Dataset>("artifact"));
    p.If(train1.output<String>("scalar") == "123", [&] {
        auto second = p.importer<Dataset>(dataset2, nlohmann::json::object(), true);
        p.add(train).arg("dataset", second.output<Dataset>("artifact"));
    });
    check_parity(p, "pipeline_with_importer.yaml");
}

}  // namespace pipecc::test
