// Hook tasks (on_exit, on_success, on_failure): the compile errors of their ordering rules, and
// what they become on each engine. Argo: spec.onExit names a DAG template holding the hooks, with
// `when` conditions on {{workflow.status}}. KFP: the body runs inside the exit-handler-1 sub-DAG;
// hooks follow it with ALL_UPSTREAM_TASKS_COMPLETED and read the final status through
// taskFinalStatus and a CEL selector that normalises the state.
#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_support.hpp"
#include "tools/argo_expr_eval.hpp"

namespace hooks_test {

using namespace pipecc;
using Catch::Contains;
using Catch::StartsWith;
using test::by_name;
using test::error_of;
using test::keys_of;
using test::names_of;
using test::strings_of;

namespace {

Component step(const std::string& name) {
    return test::component(name).input<String>("x", Value<String>("")).output<String>("out").output<Dataset>("data");
}
Component sink(const std::string& name) { return test::component(name).input<String>("x"); }

std::optional<Error> compile_error(const Pipeline& p, CompileOptions options) {
    return error_of([&] { (void)compile(p, options); });
}

YAML::Node argo_spec(const Pipeline& p, Engine engine = Engine::argo()) {
    const YAML::Node wf = YAML::Load(compile(p, {.engine = engine}));
    return wf["kind"].as<std::string>() == "CronWorkflow" ? wf["spec"]["workflowSpec"] : wf["spec"];
}

// The pipeline of the notify_on_failure example, plus an on_exit hook and a parameter.
Pipeline callbacks() {
    Pipeline p("callbacks");
    auto epochs = p.param<String>("epochs", "20");
    auto channel = p.param<String>("channel", "#ml");
    Task train = p.add(step("train"), "train").arg("x", epochs);
    p.add(step("evaluate"), "evaluate").arg("x", train.output<String>("out"));
    p.on_exit(sink("notify").input<String>("channel"), "notify").arg("x", run::status()).arg("channel", channel);
    p.on_success(sink("publish"), "publish").arg("x", run::id());
    p.on_failure(sink("page"), "page").arg("x", run::status());
    return p;
}

const char* const kSelector =
    "struct_value.state in ['COMPLETE', 'CACHED', 'SUCCEEDED'] ? 'Succeeded' : "
    "struct_value.state == 'FAILED' ? 'Failed' : "
    "struct_value.state in ['CANCELED', 'CANCELLED', 'CANCELING', 'CANCELLING'] ? 'Cancelled' : 'Error'";

}  // namespace

// --- ordering errors ---------------------------------------------------------------------------------

TEST_CASE("hooks: a body task cannot read a hook's output", "[hooks][errors]") {
    Pipeline p("hooked");
    Task h = p.on_exit(step("notify"), "notify");
    p.add(sink("body"), "body").arg("x", concat("got ", h.output<String>("out")));
    auto e = test::check_error(p);
    REQUIRE(e);
    CHECK(e->where().pipeline == "hooked");
    CHECK(e->where().task == "body");
    CHECK(e->where().input == "x");
    CHECK(e->message() == "reads an output of hook task 'notify', which runs only after the whole pipeline");
}

TEST_CASE("hooks: a body task cannot run after a hook", "[hooks][errors]") {
    for (const char* kind : {"on_exit", "on_success", "on_failure"}) {
        DYNAMIC_SECTION(kind) {
            Pipeline p("hooked");
            const std::string k = kind;
            Task h = k == "on_exit" ? p.on_exit(step("h"), "h") : k == "on_success" ? p.on_success(step("h"), "h")
                                                                                    : p.on_failure(step("h"), "h");
            p.add(step("body"), "body").after(h);
            auto e = test::check_error(p);
            REQUIRE(e);
            CHECK(e->where().task == "body");
            CHECK(e->where().input.empty());
            CHECK(std::string(e->what()) ==
                  "pipeline 'hooked', task 'body': cannot run after hook task 'h', which runs only after the whole pipeline");
        }
    }
}

TEST_CASE("hooks: on KFP a hook cannot wait for another hook; on Argo it can", "[hooks][errors]") {
    for (bool through_output : {false, true}) {
        DYNAMIC_SECTION((through_output ? "reading its output" : "with after()")) {
            Pipeline p("hooked");
            p.add(step("body"), "body");
            Task first = p.on_exit(step("first"), "first");
            Task second = p.on_failure(step("second"), "second");
            if (through_output) {
                second.arg("x", first.output<String>("out"));
            } else {
                second.after(first);
            }
            CHECK_FALSE(test::check_error(p));
            auto e = compile_error(p, {.engine = Engine::kfp()});
            REQUIRE(e);
            CHECK(e->where().task == "second");
            CHECK(e->message() == "on KFP, a hook task cannot wait for another hook task ('first')");

            const YAML::Node exit_dag = by_name(argo_spec(p)["templates"], "hooked-exit")["dag"]["tasks"];
            CHECK(by_name(exit_dag, "second")["depends"].as<std::string>() == "first");
            CHECK_FALSE(by_name(exit_dag, "first")["depends"]);
        }
    }
}

TEST_CASE("hooks: on Argo a hook cannot read a body task's output; on KFP it can", "[hooks][errors]") {
    for (bool artifact : {false, true}) {
        DYNAMIC_SECTION((artifact ? "an artifact" : "a parameter")) {
            Pipeline p("hooked");
            Task body = p.add(step("body"), "body");
            if (artifact) {
                p.on_exit(test::component("notify").input<Dataset>("x"), "notify").arg("x", body.output<Dataset>("data"));
            } else {
                p.on_exit(sink("notify"), "notify").arg("x", concat("body said ", body.output<String>("out")));
            }
            auto e = compile_error(p, {.engine = Engine::argo()});
            REQUIRE(e);
            CHECK(e->where().task == "notify");
            CHECK(e->where().input == "x");
            CHECK(e->message() ==
                  "on Argo, a hook task cannot read outputs of the pipeline's tasks: the exit handler runs outside their DAG");
            CHECK_FALSE(compile_error(p, {.engine = Engine::kfp()}));
        }
    }
}

// Issue 19's review of the scope checks: they let a hook read one_of(), and the KFP output then
// named the If's branches sub-DAG, which lies inside exit-handler-1, as the hook's producer task.
TEST_CASE("hooks: a hook cannot read one_of(); a body task after the If can pass it on", "[hooks][errors][one-of]") {
    Pipeline p("hooked");
    auto side = p.add(step("flip"), "flip").output<String>("out");
    std::optional<Value<String>> a, b;
    p.If(side == "heads", [&] { a = p.add(step("heads"), "heads").output<String>("out"); })
        .Else([&] { b = p.add(step("tails"), "tails").output<String>("out"); });
    SECTION("read by the hook") {
        p.on_exit(sink("notify"), "notify").arg("x", one_of(*a, *b));
        auto e = test::check_error(p);
        REQUIRE(e);
        CHECK(e->where().pipeline == "hooked");
        CHECK(e->where().task == "notify");
        CHECK(e->where().input == "x");
        CHECK_THAT(e->message(), Contains("one_of() cannot be read by an on_exit, on_success or on_failure task"));
    }
    SECTION("passed on by a body task") {
        Task pick = p.add(step("pick"), "pick").arg("x", one_of(*a, *b));
        p.on_exit(sink("notify"), "notify").arg("x", pick.output<String>("out"));
        CHECK_FALSE(compile_error(p, {.engine = Engine::kfp()}));
    }
}

// --- Argo --------------------------------------------------------------------------------------------

TEST_CASE("hooks on Argo: spec.onExit names a DAG of the hooks, with conditions on the workflow status",
          "[hooks][argo]") {
    const YAML::Node spec = argo_spec(callbacks());
    CHECK(spec["entrypoint"].as<std::string>() == "callbacks");
    REQUIRE(spec["onExit"]);
    const std::string exit_name = spec["onExit"].as<std::string>();
    CHECK(exit_name == "callbacks-exit");
    const YAML::Node exit_tmpl = by_name(spec["templates"], exit_name);
    REQUIRE(exit_tmpl["dag"]);
    CHECK(names_of(exit_tmpl["dag"]["tasks"]) == std::vector<std::string>{"notify", "page", "publish"});
    CHECK(names_of(by_name(spec["templates"], "callbacks")["dag"]["tasks"]) ==
          std::vector<std::string>{"train", "evaluate"});

    const YAML::Node tasks = exit_tmpl["dag"]["tasks"];
    CHECK_FALSE(by_name(tasks, "notify")["when"]);
    CHECK(by_name(tasks, "publish")["when"].as<std::string>() == "{{workflow.status}} == Succeeded");
    CHECK(by_name(tasks, "page")["when"].as<std::string>() == "{{workflow.status}} != Succeeded");
    // Hooks already run after the body: they list no body task as a dependency.
    for (const auto& t : tasks) CHECK_FALSE(t["depends"]);

    auto arg = [&](const std::string& task) {
        return by_name(by_name(tasks, task)["arguments"]["parameters"], "x")["value"].as<std::string>();
    };
    CHECK(arg("notify") == "{{workflow.status}}");
    CHECK(by_name(by_name(tasks, "notify")["arguments"]["parameters"], "channel")["value"].as<std::string>() ==
          "{{workflow.parameters.channel}}");
    CHECK(arg("page") == "{{workflow.status}}");
    CHECK(arg("publish") == "{{workflow.uid}}");

    Pipeline f("fails");
    f.add(step("body"), "body");
    f.on_failure(sink("report"), "report").arg("x", run::failures());
    CHECK(by_name(by_name(argo_spec(f)["templates"], "fails-exit")["dag"]["tasks"], "report")["arguments"]["parameters"][0]
                 ["value"]
                     .as<std::string>() == "{{=workflow.failures == '\"null\"' ? '[]' : sprig.fromJson(workflow.failures)}}");
}

TEST_CASE("hooks on Argo: no hooks, no onExit; the exit template's name avoids other templates", "[hooks][argo]") {
    Pipeline plain("plain");
    plain.add(step("body"), "body");
    CHECK_FALSE(argo_spec(plain)["onExit"]);

    Pipeline clash("clash");
    clash.add(step("clash-exit"), "body");
    clash.on_exit(sink("notify"), "notify").arg("x", run::status());
    const YAML::Node spec = argo_spec(clash);
    const std::string exit_name = spec["onExit"].as<std::string>();
    CHECK(by_name(spec["templates"], exit_name)["dag"]);
    // Template names stay unique, and the body task runs the component's container template.
    std::vector<std::string> names = names_of(spec["templates"]);
    std::sort(names.begin(), names.end());
    CHECK(std::adjacent_find(names.begin(), names.end()) == names.end());
    const std::string body_template =
        by_name(by_name(spec["templates"], "clash")["dag"]["tasks"], "body")["template"].as<std::string>();
    CHECK(body_template != exit_name);
    CHECK(by_name(spec["templates"], body_template)["container"]);
}

// Argo's validator rejects a DAG template without tasks ("templates.X must have at least one
// task"), which is what a pipeline of hooks alone would compile to.
TEST_CASE("hooks: a pipeline of hooks only is rejected", "[hooks][errors]") {
    Pipeline p("only-hooks");
    p.on_exit(sink("notify"), "notify").arg("x", run::status());
    auto e = test::check_error(p);
    REQUIRE(e);
    CHECK(e->where().pipeline == "only-hooks");
    CHECK(e->where().task.empty());
    CHECK(e->message() == "the pipeline has only hook tasks; add at least one task with add()");
    CHECK(compile_error(p, {.engine = Engine::argo()}));
    CHECK(compile_error(p, {.engine = Engine::kfp()}));
}

// On Argo before 3.2.4 a formatted time goes through the resolver step, a body task, which the
// exit DAG cannot read: the error must say so, not blame the hook for reading a pipeline task's
// output, which the user never wrote.
TEST_CASE("hooks on Argo 3.1: a formatted time in a hook gets an error about what was written", "[hooks][argo][errors]") {
    Pipeline p("old");
    p.add(step("body"), "body");
    p.on_exit(sink("notify"), "notify").arg("x", run::created_at().in_zone("Asia/Tokyo").format("%Y%m%d"));
    auto e = compile_error(p, {.engine = Engine::kfp_v1()});
    REQUIRE(e);
    CHECK(e->where().task == "notify");
    CHECK(e->where().input == "x");
    CHECK_THAT(e->message(), !Contains("outputs of the pipeline's tasks"));
    CHECK_THAT(e->message(), Contains("resolver step") && Contains("hook"));
    // UTC creation times need no step there, and newer Argo formats in place.
    Pipeline utc("old");
    utc.add(step("body"), "body");
    utc.on_exit(sink("notify"), "notify").arg("x", run::created_at().format("%Y%m%d"));
    CHECK_FALSE(compile_error(utc, {.engine = Engine::kfp_v1()}));
    CHECK_FALSE(compile_error(p, {.engine = Engine::argo()}));
}

// --- KFP ---------------------------------------------------------------------------------------------

TEST_CASE("hooks on KFP: the body runs in exit-handler-1; hooks follow it whatever happened", "[hooks][kfp]") {
    const YAML::Node spec = test::kfp_spec(callbacks());
    const YAML::Node root = spec["root"]["dag"]["tasks"];
    CHECK(keys_of(root) == std::vector<std::string>{"exit-handler-1", "notify", "page", "publish"});
    const YAML::Node handler_comp = spec["components"]["comp-exit-handler-1"];
    REQUIRE(handler_comp["dag"]);
    CHECK_FALSE(handler_comp["executorLabel"]);
    CHECK(keys_of(handler_comp["dag"]["tasks"]) == std::vector<std::string>{"evaluate", "train"});
    CHECK(root["exit-handler-1"]["componentRef"]["name"].as<std::string>() == "comp-exit-handler-1");
    CHECK(root["exit-handler-1"]["taskInfo"]["name"].as<std::string>() == "exit-handler-1");
    CHECK_FALSE(root["exit-handler-1"]["dependentTasks"]);

    for (const char* hook : {"notify", "page", "publish"}) {
        INFO(hook);
        CHECK(strings_of(root[hook]["dependentTasks"]) == std::vector<std::string>{"exit-handler-1"});
        CHECK(root[hook]["triggerPolicy"]["strategy"].as<std::string>() == "ALL_UPSTREAM_TASKS_COMPLETED");
    }
    CHECK_FALSE(root["notify"]["triggerPolicy"]["condition"]);
    CHECK(root["publish"]["triggerPolicy"]["condition"].as<std::string>() ==
          "inputs.parameter_values['pipelinechannel--run-status'] == 'Succeeded'");
    CHECK(root["page"]["triggerPolicy"]["condition"].as<std::string>() ==
          "inputs.parameter_values['pipelinechannel--run-status'] != 'Succeeded'");
    // The condition's input is the normalised final status of the exit handler.
    for (const char* hook : {"page", "publish"}) {
        const YAML::Node status = root[hook]["inputs"]["parameters"]["pipelinechannel--run-status"];
        CHECK(status["taskFinalStatus"]["producerTask"].as<std::string>() == "exit-handler-1");
        CHECK(status["parameterExpressionSelector"].as<std::string>() == kSelector);
    }
    CHECK_FALSE(root["notify"]["inputs"]["parameters"]["pipelinechannel--run-status"]);
}

TEST_CASE("hooks on KFP: pipeline parameters reach the body as pipelinechannel inputs of the sub-DAG",
          "[hooks][kfp]") {
    const YAML::Node spec = test::kfp_spec(callbacks());
    const YAML::Node handler_comp = spec["components"]["comp-exit-handler-1"];
    // Only what the body uses: `epochs`; `channel` is read by a hook, outside the sub-DAG.
    CHECK(keys_of(handler_comp["inputDefinitions"]["parameters"]) == std::vector<std::string>{"pipelinechannel--epochs"});
    CHECK(handler_comp["inputDefinitions"]["parameters"]["pipelinechannel--epochs"]["parameterType"].as<std::string>() ==
          "STRING");
    const YAML::Node handler = spec["root"]["dag"]["tasks"]["exit-handler-1"];
    CHECK(keys_of(handler["inputs"]["parameters"]) == std::vector<std::string>{"pipelinechannel--epochs"});
    CHECK(handler["inputs"]["parameters"]["pipelinechannel--epochs"]["componentInputParameter"].as<std::string>() ==
          "epochs");
    CHECK(handler_comp["dag"]["tasks"]["train"]["inputs"]["parameters"]["x"]["componentInputParameter"].as<std::string>() ==
          "pipelinechannel--epochs");
    // Inside the body, outputs are still read from their producer directly.
    CHECK(handler_comp["dag"]["tasks"]["evaluate"]["inputs"]["parameters"]["x"]["taskOutputParameter"]["producerTask"]
              .as<std::string>() == "train");
    // A hook reads the pipeline's own parameter.
    const YAML::Node notify = spec["root"]["dag"]["tasks"]["notify"]["inputs"]["parameters"];
    CHECK(notify["channel"]["componentInputParameter"].as<std::string>() == "channel");
}

TEST_CASE("hooks on KFP: status inputs use taskFinalStatus and the normalising selector", "[hooks][kfp]") {
    const YAML::Node root = test::kfp_spec(callbacks())["root"]["dag"]["tasks"];
    const YAML::Node page = root["page"]["inputs"]["parameters"]["x"];
    CHECK(keys_of(page) == std::vector<std::string>{"parameterExpressionSelector", "taskFinalStatus"});
    CHECK(page["taskFinalStatus"]["producerTask"].as<std::string>() == "exit-handler-1");
    CHECK(page["parameterExpressionSelector"].as<std::string>() == kSelector);
    const YAML::Node notify = root["notify"]["inputs"]["parameters"]["x"];
    CHECK(notify["taskFinalStatus"]["producerTask"].as<std::string>() == "exit-handler-1");
    CHECK(notify["parameterExpressionSelector"].as<std::string>() == kSelector);
}

// The KFP emitter writes a status channel inside a longer string; the resolver pass, which runs
// first, must leave run::status() to it.
TEST_CASE("hooks on KFP: run::status() inside a longer string compiles", "[hooks][kfp]") {
    Pipeline p("status-text");
    p.add(step("body"), "body");
    p.on_exit(sink("notify"), "notify").arg("x", concat("run ended: ", run::status()));
    auto e = compile_error(p, {.engine = Engine::kfp()});
    INFO((e ? e->what() : "compiled"));
    REQUIRE_FALSE(e);
    const YAML::Node notify = test::kfp_spec(p)["root"]["dag"]["tasks"]["notify"]["inputs"]["parameters"];
    CHECK(notify["x"]["runtimeValue"]["constant"].as<std::string>() ==
          "run ended: {{$.inputs.parameters['pipelinechannel--run-status']}}");
    CHECK(notify["pipelinechannel--run-status"]["taskFinalStatus"]["producerTask"].as<std::string>() == "exit-handler-1");
    CHECK(notify["pipelinechannel--run-status"]["parameterExpressionSelector"].as<std::string>() == kSelector);
}

TEST_CASE("hooks on KFP: a body output read by a hook is exported through the sub-DAG's outputs", "[hooks][kfp]") {
    Pipeline p("exports");
    Task body = p.add(step("body"), "body");
    p.on_exit(sink("notify"), "notify").arg("x", body.output<String>("out"));
    p.on_failure(test::component("upload").input<Dataset>("d").input<String>("note"), "upload")
        .arg("d", body.output<Dataset>("data"))
        .arg("note", concat("from ", body.output<String>("out")));
    const YAML::Node spec = test::kfp_spec(p);
    const YAML::Node handler_comp = spec["components"]["comp-exit-handler-1"];
    const YAML::Node outputs = handler_comp["dag"]["outputs"];
    REQUIRE(outputs);
    const YAML::Node param = outputs["parameters"]["body-out"]["valueFromParameter"];
    CHECK(param["producerSubtask"].as<std::string>() == "body");
    CHECK(param["outputParameterKey"].as<std::string>() == "out");
    const YAML::Node art = outputs["artifacts"]["body-data"]["artifactSelectors"];
    REQUIRE(art.size() == 1);
    CHECK(art[0]["producerSubtask"].as<std::string>() == "body");
    CHECK(art[0]["outputArtifactKey"].as<std::string>() == "data");
    CHECK(handler_comp["outputDefinitions"]["parameters"]["body-out"]["parameterType"].as<std::string>() == "STRING");
    CHECK(handler_comp["outputDefinitions"]["artifacts"]["body-data"]["artifactType"]["schemaTitle"].as<std::string>() ==
          "system.Dataset");

    const YAML::Node root = spec["root"]["dag"]["tasks"];
    const YAML::Node x = root["notify"]["inputs"]["parameters"]["x"]["taskOutputParameter"];
    CHECK(x["producerTask"].as<std::string>() == "exit-handler-1");
    CHECK(x["outputParameterKey"].as<std::string>() == "body-out");
    const YAML::Node d = root["upload"]["inputs"]["artifacts"]["d"]["taskOutputArtifact"];
    CHECK(d["producerTask"].as<std::string>() == "exit-handler-1");
    CHECK(d["outputArtifactKey"].as<std::string>() == "body-data");
    const YAML::Node channel = root["upload"]["inputs"]["parameters"]["pipelinechannel--body-out"]["taskOutputParameter"];
    CHECK(channel["producerTask"].as<std::string>() == "exit-handler-1");
    CHECK(channel["outputParameterKey"].as<std::string>() == "body-out");
    // Exported once, though read three times.
    CHECK(keys_of(outputs["parameters"]).size() == 1);
}

// Found by fuzz/dsl_program_fuzz: the root DAG's outputs named a task inside exit-handler-1, which
// `pipecc validate` (and the KFP backend) refuse. The kfp SDK refuses such outputs at compile time
// (pipeline_spec_builder.py validate_pipeline_outputs_dict, sdk-2.17.0-1); so does pipecc.
TEST_CASE("hooks on KFP: a pipeline with hooks returns no outputs; on Argo it may", "[hooks][kfp][errors]") {
    Pipeline p("outs");
    Task body = p.add(step("body"), "body");
    p.output("out", body.output<String>("out"));
    p.on_exit(sink("notify"), "notify").arg("x", run::status());
    for (const Engine engine : {Engine::kfp(), Engine::kfp(2, 14), Engine::vertex()}) {
        auto e = compile_error(p, {.engine = engine});
        REQUIRE(e);
        CHECK(e->where().pipeline == "outs");
        CHECK_THAT(e->message(), Contains("cannot return output 'out' from a pipeline with hook task 'notify'"));
    }
    CHECK_FALSE(compile_error(p, {.engine = Engine::argo()}));
}

TEST_CASE("hooks on KFP: a user task named exit-handler-1 does not take the handler's name", "[hooks][kfp]") {
    Pipeline p("named");
    p.add(step("body"), "exit-handler-1");
    p.on_success(sink("publish"), "publish").arg("x", run::status());
    const YAML::Node spec = test::kfp_spec(p);
    const YAML::Node root = spec["root"]["dag"]["tasks"];
    const std::vector<std::string> deps = strings_of(root["publish"]["dependentTasks"]);
    REQUIRE(deps.size() == 1);
    CHECK(deps[0] != "exit-handler-1");
    REQUIRE(root[deps[0]]);
    CHECK(root["publish"]["inputs"]["parameters"]["x"]["taskFinalStatus"]["producerTask"].as<std::string>() == deps[0]);
    const std::string comp = root[deps[0]]["componentRef"]["name"].as<std::string>();
    CHECK(spec["components"][comp]["dag"]["tasks"]["exit-handler-1"]);
}

TEST_CASE("hooks on KFP: the status selector maps each final state", "[hooks][kfp][eval]") {
    // Structure: exactly the normalising selector, one branch per normalised status.
    CHECK(std::string(kSelector).find("'Succeeded'") != std::string::npos);
    // cel-go has no Debian package; expr (Argo's evaluator, from Debian) shares CEL's syntax and
    // meaning for everything this expression uses: string literals, `in` on a list, `==` and
    // right-nested `?:`. So the selector text is evaluated with it, as a stand-in for CEL.
    if (!test::have_argo_expr_eval()) return;
    const std::vector<std::pair<std::string, std::string>> states = {
        {"COMPLETE", "Succeeded"}, {"CACHED", "Succeeded"},   {"SUCCEEDED", "Succeeded"}, {"FAILED", "Failed"},
        {"CANCELED", "Cancelled"}, {"CANCELLED", "Cancelled"}, {"CANCELING", "Cancelled"}, {"CANCELLING", "Cancelled"},
        {"RUNNING", "Error"},      {"SYSTEM_ERROR", "Error"},  {"", "Error"},             {"complete", "Error"},
    };
    const std::string selector =
        test::kfp_spec(callbacks())["root"]["dag"]["tasks"]["page"]["inputs"]["parameters"]["x"]["parameterExpressionSelector"]
            .as<std::string>();
    nlohmann::json requests = nlohmann::json::array();
    for (const auto& [state, _] : states) {
        requests.push_back(test::template_request("{{=" + selector + "}}", {{"struct_value.state", state}}));
    }
    const auto results = test::argo_eval_batch(requests);
    for (std::size_t i = 0; i < states.size(); ++i) {
        INFO("state '" << states[i].first << "': " << results[i].error);
        REQUIRE(results[i].out);
        CHECK(*results[i].out == states[i].second);
    }
}

}  // namespace hooks_test
