// If / Elif / Else: conditions on typed run-time values, lowered to KFP's CEL triggers on
// condition sub-DAGs and to Argo's `when` on branch DAG templates, and the checks around them.
#include <sstream>

#include <catch2/catch.hpp>

#include "test_support.hpp"

namespace pipecc::test::conditions_test {
namespace {

Component producer() { return component("producer").output<String>("out").output<Int>("n").output<Float>("score"); }

YAML::Node kfp_component(const YAML::Node& spec, const std::string& name) { return spec["components"][name]; }

std::string trigger(const YAML::Node& dag_task) { return dag_task["triggerPolicy"]["condition"].as<std::string>(); }

}  // namespace

TEST_CASE("an If becomes a condition sub-DAG with a CEL trigger over channel inputs", "[conditions]") {
    Pipeline p("p");
    auto msg = p.param<String>("msg", "hi");
    auto out = p.add(producer()).output<String>("out");
    p.If(out == "go", [&] { p.add(consumer()).arg("x", msg); });
    const YAML::Node spec = kfp_spec(p);
    const YAML::Node cond = spec["root"]["dag"]["tasks"]["condition-1"];
    REQUIRE(cond);
    CHECK(trigger(cond) == "inputs.parameter_values['pipelinechannel--producer-out'] == 'go'");
    CHECK(strings_of(cond["dependentTasks"]) == std::vector<std::string>{"producer"});
    CHECK(cond["inputs"]["parameters"]["pipelinechannel--producer-out"]["taskOutputParameter"]["producerTask"].as<std::string>() == "producer");
    CHECK(cond["inputs"]["parameters"]["pipelinechannel--msg"]["componentInputParameter"].as<std::string>() == "msg");
    CHECK_FALSE(cond["cachingOptions"]);
    const YAML::Node comp = kfp_component(spec, "comp-condition-1");
    CHECK(comp["inputDefinitions"]["parameters"]["pipelinechannel--msg"]["parameterType"].as<std::string>() == "STRING");
    const YAML::Node inner = comp["dag"]["tasks"]["consumer"];
    REQUIRE(inner);
    CHECK(inner["inputs"]["parameters"]["x"]["componentInputParameter"].as<std::string>() == "pipelinechannel--msg");
    CHECK_FALSE(spec["root"]["dag"]["tasks"]["consumer"]);
}

TEST_CASE("Elif and Else hold only when the earlier branches do not", "[conditions]") {
    Pipeline p("p");
    auto n = p.add(producer()).output<Int>("n");
    p.If(n > 10, [&] { p.add(consumer(), "big").arg("x", "big"); })
        .Elif(n > 5, [&] { p.add(consumer(), "medium").arg("x", "medium"); })
        .Else([&] { p.add(consumer(), "small").arg("x", "small"); });
    const YAML::Node spec = kfp_spec(p);
    CHECK(keys_of(spec["root"]["dag"]["tasks"]) == std::vector<std::string>{"condition-branches-1", "producer"});
    const YAML::Node branches = kfp_component(spec, "comp-condition-branches-1")["dag"]["tasks"];
    const std::string ref = "int(inputs.parameter_values['pipelinechannel--producer-n'])";
    CHECK(trigger(branches["condition-2"]) == ref + " > 10");
    CHECK(trigger(branches["condition-3"]) == "!(" + ref + " > 10) && " + ref + " > 5");
    CHECK(trigger(branches["condition-4"]) == "!(" + ref + " > 10) && !(" + ref + " > 5)");
    CHECK(kfp_component(spec, "comp-condition-4")["dag"]["tasks"]["small"]);

    const YAML::Node wf = argo_wf(p);
    const YAML::Node entry = by_name(wf["spec"]["templates"], "p")["dag"]["tasks"];
    CHECK(names_of(entry) == std::vector<std::string>{"producer", "condition-2", "condition-3", "condition-4"});
    const std::string n_ref = "{{tasks.producer.outputs.parameters.n}}";
    CHECK(by_name(entry, "condition-2")["when"].as<std::string>() == n_ref + " > 10");
    CHECK(by_name(entry, "condition-3")["when"].as<std::string>() == "!(" + n_ref + " > 10) && " + n_ref + " > 5");
    CHECK(by_name(entry, "condition-4")["when"].as<std::string>() == "!(" + n_ref + " > 10) && !(" + n_ref + " > 5)");
    CHECK(by_name(entry, "condition-4")["depends"].as<std::string>() == "producer");
    CHECK(by_name(by_name(wf["spec"]["templates"], "condition-4")["dag"]["tasks"], "small"));
}

TEST_CASE("conditions render each type and combination as the engines read them", "[conditions]") {
    Pipeline p("p");
    auto flag = p.param<Bool>("flag", true);
    auto limit = p.param<Float>("limit", 0.5);
    auto prod = p.add(producer());
    auto out = prod.output<String>("out");
    auto score = prod.output<Float>("score");
    p.If((flag && score >= limit) || !(out == "it's \"odd\""), [&] { p.add(consumer()).arg("x", "y"); });
    const YAML::Node cond = kfp_spec(p)["root"]["dag"]["tasks"]["condition-1"];
    CHECK(trigger(cond) ==
          "(inputs.parameter_values['pipelinechannel--flag'] == true && "
          "double(inputs.parameter_values['pipelinechannel--producer-score']) >= "
          "double(inputs.parameter_values['pipelinechannel--limit'])) || "
          "!(inputs.parameter_values['pipelinechannel--producer-out'] == 'it\\'s \"odd\"')");
    const YAML::Node entry = by_name(argo_wf(p)["spec"]["templates"], "p")["dag"]["tasks"];
    CHECK(by_name(entry, "condition-1")["when"].as<std::string>() ==
          "({{workflow.parameters.flag}} == true && {{tasks.producer.outputs.parameters.score}} >= "
          "{{workflow.parameters.limit}}) || !(\"{{tasks.producer.outputs.parameters.out}}\" == \"it's \\\"odd\\\"\")");
}

TEST_CASE("a literal on the left of a comparison takes the other side's type", "[conditions]") {
    Pipeline p("p");
    auto n = p.add(producer()).output<Int>("n");
    p.If(3 < n, [&] { p.add(consumer()).arg("x", "y"); });
    CHECK(trigger(kfp_spec(p)["root"]["dag"]["tasks"]["condition-1"]) ==
          "3 < int(inputs.parameter_values['pipelinechannel--producer-n'])");
}

TEST_CASE("Argo runs each branch as a DAG template that receives outer outputs as inputs", "[conditions]") {
    Pipeline p("p");
    auto out = p.add(producer()).output<String>("out");
    p.If(out != "", [&] {
        auto inner = p.add(producer(), "inner").output<String>("out");
        p.If(inner == out, [&] { p.add(consumer()).arg("x", concat(out, "/", inner)); });
    });
    const YAML::Node templates = argo_wf(p)["spec"]["templates"];
    const YAML::Node outer = by_name(templates, "condition-1");
    const YAML::Node nested = by_name(templates, "condition-2");
    REQUIRE(outer);
    REQUIRE(nested);
    // The inner condition tests a value from the entry DAG through the outer template's input.
    CHECK(by_name(outer["inputs"]["parameters"], "producer-out"));
    CHECK(by_name(by_name(templates, "p")["dag"]["tasks"], "condition-1")["arguments"]["parameters"][0]["value"].as<std::string>() ==
          "{{tasks.producer.outputs.parameters.out}}");
    const YAML::Node nested_task = by_name(outer["dag"]["tasks"], "condition-2");
    CHECK(nested_task["when"].as<std::string>() ==
          "\"{{tasks.inner.outputs.parameters.out}}\" == \"{{inputs.parameters.producer-out}}\"");
    CHECK(nested_task["depends"].as<std::string>() == "inner");
    const YAML::Node consume = by_name(nested["dag"]["tasks"], "consumer");
    CHECK(consume["arguments"]["parameters"][0]["value"].as<std::string>() ==
          "{{inputs.parameters.producer-out}}/{{inputs.parameters.inner-out}}");
    CHECK_FALSE(consume["when"]);
}

TEST_CASE("after() across branches makes the branch wait, on both targets", "[conditions]") {
    Pipeline p("p");
    auto out = p.add(producer()).output<String>("out");
    std::optional<Task> inside;
    p.If(out == "a", [&] { inside = p.add(consumer(), "inside").arg("x", "y"); });
    auto before = p.add(consumer(), "before").arg("x", "z");
    p.add(consumer(), "after-branch").arg("x", "w").after(*inside);
    inside->after(before);
    const YAML::Node tasks = kfp_spec(p)["root"]["dag"]["tasks"];
    CHECK(strings_of(tasks["after-branch"]["dependentTasks"]) == std::vector<std::string>{"condition-1"});
    CHECK(strings_of(tasks["condition-1"]["dependentTasks"]) == std::vector<std::string>{"before", "producer"});
    const YAML::Node entry = by_name(argo_wf(p)["spec"]["templates"], "p")["dag"]["tasks"];
    CHECK(by_name(entry, "after-branch")["depends"].as<std::string>() == "condition-1");
    CHECK(by_name(entry, "condition-1")["depends"].as<std::string>() == "before && producer");
}

TEST_CASE("branches inside an exit handler's body are numbered after it", "[conditions]") {
    Pipeline p("p");
    auto out = p.add(producer()).output<String>("out");
    p.If(out == "a", [&] { p.add(consumer()).arg("x", "y"); });
    p.on_exit(consumer(), "notify").arg("x", run::status());
    const YAML::Node spec = kfp_spec(p);
    const YAML::Node body = kfp_component(spec, "comp-exit-handler-1")["dag"]["tasks"];
    REQUIRE(body["condition-2"]);
    CHECK(keys_of(body) == std::vector<std::string>{"condition-2", "producer"});
    const YAML::Node wf = argo_wf(p);
    CHECK(by_name(wf["spec"]["templates"], "condition-2"));
    CHECK(wf["spec"]["onExit"].as<std::string>() == "p-exit");
}

TEST_CASE("a task of a branch in a dump shows its condition", "[conditions]") {
    Pipeline p("p");
    auto out = p.add(producer()).output<String>("out");
    p.If(out == "a", [&] { p.add(consumer()).arg("x", "y"); });
    std::ostringstream dump;
    p.dump(dump);
    CHECK_THAT(dump.str(), Catch::Contains("task consumer = consumer\n    if producer.out == \"a\"\n"));
}

TEST_CASE("condition mistakes are errors naming the pipeline, task or condition", "[conditions]") {
    SECTION("reading a branch's output outside it") {
        Pipeline p("p");
        auto out = p.add(producer()).output<String>("out");
        std::optional<Value<String>> inner;
        p.If(out == "a", [&] { inner = p.add(producer(), "inner").output<String>("out"); });
        p.add(consumer(), "outside").arg("x", *inner);
        auto err = check_error(p);
        REQUIRE(err);
        CHECK(err->where().task == "outside");
        CHECK(err->where().input == "x");
        CHECK_THAT(err->message(), Catch::Contains("reads output 'out' of task 'inner', which runs only if producer.out == \"a\""));
    }
    SECTION("a condition on an output of its own branch") {
        Pipeline p("p");
        auto out = p.add(producer()).output<String>("out");
        std::optional<Value<String>> inner;
        p.If(out == "a", [&] { inner = p.add(producer(), "inner").output<String>("out"); })
            .Elif(out == "b", [&] { p.add(consumer()).arg("x", "y"); });
        // A later If may not test a value that exists only inside an earlier branch.
        p.If(*inner == "c", [&] { p.add(consumer(), "late").arg("x", "y"); });
        auto err = check_error(p);
        REQUIRE(err);
        CHECK(err->where().pipeline == "p");
        CHECK_THAT(err->message(), Catch::Contains("condition inner.out == \"c\": compares output 'out' of task 'inner', "
                                                   "which is not known outside its own branch"));
    }
    SECTION("an empty branch") {
        Pipeline p("p");
        auto out = p.add(producer()).output<String>("out");
        p.If(out == "a", [&] { p.add(consumer()).arg("x", "y"); }).Else([] {});
        auto err = check_error(p);
        REQUIRE(err);
        CHECK_THAT(err->message(), Catch::Contains("!(producer.out == \"a\"): the branch adds no tasks"));
    }
    SECTION("Elif after Else") {
        Pipeline p("p");
        auto out = p.add(producer()).output<String>("out");
        auto branches = p.If(out == "a", [&] { p.add(consumer()).arg("x", "y"); });
        branches.Else([&] { p.add(consumer(), "other").arg("x", "y"); });
        auto err = error_of([&] { branches.Elif(out == "b", [] {}); });
        REQUIRE(err);
        CHECK(err->message() == "Elif after Else: Else must be the last branch");
    }
    SECTION("a hook inside a branch") {
        Pipeline p("p");
        auto out = p.add(producer()).output<String>("out");
        auto err = error_of([&] { p.If(out == "a", [&] { p.on_exit(consumer()).arg("x", "y"); }); });
        REQUIRE(err);
        CHECK_THAT(err->message(), Catch::Contains("add them outside If, Elif, Else and parallel_for"));
        // The failed body left the pipeline adding to its body again.
        p.add(consumer(), "later").arg("x", "y");
        CHECK(p.graph().tasks.back().group == 0);
    }
    SECTION("a run-time value in a condition") {
        Pipeline p("p");
        p.add(producer());
        p.If(run::name() == "nightly", [&] { p.add(consumer()).arg("x", "y"); });
        auto err = check_error(p);
        REQUIRE(err);
        CHECK_THAT(err->message(), Catch::Contains("a condition may compare only literals, pipeline parameters, task outputs and loop items, not run::name()"));
    }
    SECTION("a placeholder in a condition's literal") {
        Pipeline p("p");
        auto out = p.add(producer()).output<String>("out");
        p.If(out == "{{workflow.name}}", [&] { p.add(consumer()).arg("x", "y"); });
        auto err = check_error(p);
        REQUIRE(err);
        CHECK_THAT(err->message(), Catch::Contains("literal text contains '{{'"));
    }
    SECTION("a parameter of another pipeline") {
        Pipeline other("other");
        auto foreign = other.param<String>("q");
        Pipeline p("p");
        p.add(producer());
        p.If(foreign == "x", [&] { p.add(consumer()).arg("x", "y"); });
        auto err = check_error(p);
        REQUIRE(err);
        CHECK_THAT(err->message(), Catch::Contains("uses parameter 'q' of another pipeline"));
    }
}

// The pattern the README shows: no std::optional declared before the If to carry a branch's value out.
TEST_CASE("an If whose branches return values gives their one_of(), as the optional form does", "[conditions][one-of]") {
    const auto build = [](bool returned) {
        Pipeline p("p");
        auto side = p.add(component("flip").output<String>("side")).output<String>("side");
        const auto say = component("say").output<String>("Output");
        if (returned) {
            Value<String> text = p.If(side == "heads", [&] { return p.add(say, "say-heads").output<String>("Output"); })
                                     .Elif(side == "edge", [&] { return p.add(say, "say-edge").output<String>("Output"); })
                                     .Else([&] { return p.add(say, "say-tails").output<String>("Output"); });
            p.add(consumer()).arg("x", text);
        } else {
            std::optional<Value<String>> a, b, c;
            p.If(side == "heads", [&] { a = p.add(say, "say-heads").output<String>("Output"); })
                .Elif(side == "edge", [&] { b = p.add(say, "say-edge").output<String>("Output"); })
                .Else([&] { c = p.add(say, "say-tails").output<String>("Output"); });
            p.add(consumer()).arg("x", one_of(*a, *b, *c));
        }
        return p;
    };
    const Pipeline returned = build(true);
    const Pipeline kept = build(false);
    for (const Engine engine : {Engine::kfp(), Engine::argo()}) {
        CHECK(compile(returned, {.engine = engine}) == compile(kept, {.engine = engine}));
    }
    CHECK(kfp_spec(returned)["root"]["dag"]["tasks"]["consumer"]["inputs"]["parameters"]["x"]["taskOutputParameter"]
              ["producerTask"].as<std::string>() == "condition-branches-1");
    // A void body still takes the plain If, and a value-returning one needs Else to give its value.
    static_assert(std::same_as<decltype(std::declval<Pipeline&>().If(std::declval<Condition>(), [] {})), Branches>);
}

TEST_CASE("one_of() reads the output of whichever branch ran, on KFP", "[conditions][one-of]") {
    Pipeline p("p");
    auto side = p.add(component("flip").output<String>("side")).output<String>("side");
    const auto say = component("say").output<String>("Output");
    std::optional<Value<String>> a, b;
    p.If(side == "heads", [&] { a = p.add(say, "say-heads").output<String>("Output"); })
        .Else([&] { b = p.add(say, "say-tails").output<String>("Output"); });
    p.add(consumer()).arg("x", one_of(*a, *b));
    // A second one_of() of the same outputs once exported them twice under one key.
    p.add(consumer(), "reader-2").arg("x", one_of(*a, *b));
    const YAML::Node spec = kfp_spec(p);
    CHECK(keys_of(spec["components"]["comp-condition-2"]["dag"]["outputs"]["parameters"]) ==
          std::vector<std::string>{"pipelinechannel--say-heads-Output"});
    CHECK(spec["root"]["dag"]["tasks"]["reader-2"]["inputs"]["parameters"]["x"]["taskOutputParameter"]["outputParameterKey"]
              .as<std::string>() == "pipelinechannel--condition-branches-1-oneof-2");

    const YAML::Node reader = spec["root"]["dag"]["tasks"]["consumer"];
    CHECK(reader["inputs"]["parameters"]["x"]["taskOutputParameter"]["producerTask"].as<std::string>() == "condition-branches-1");
    CHECK(reader["inputs"]["parameters"]["x"]["taskOutputParameter"]["outputParameterKey"].as<std::string>() ==
          "pipelinechannel--condition-branches-1-oneof-1");
    CHECK(strings_of(reader["dependentTasks"]) == std::vector<std::string>{"condition-branches-1"});
    const YAML::Node picks = spec["components"]["comp-condition-branches-1"]["dag"]["outputs"]["parameters"]
                                 ["pipelinechannel--condition-branches-1-oneof-1"]["valueFromOneof"]["parameterSelectors"];
    REQUIRE(picks.size() == 2);
    CHECK(picks[0]["producerSubtask"].as<std::string>() == "condition-2");
    CHECK(picks[0]["outputParameterKey"].as<std::string>() == "pipelinechannel--say-heads-Output");
    CHECK(picks[1]["producerSubtask"].as<std::string>() == "condition-3");
    CHECK(spec["components"]["comp-condition-3"]["dag"]["outputs"]["parameters"]["pipelinechannel--say-tails-Output"]
              ["valueFromParameter"]["producerSubtask"]
              .as<std::string>() == "say-tails");

    // Argo: each branch's DAG template exports the value; an expression reads the one that ran.
    const YAML::Node wf = argo_wf(p);
    const YAML::Node entry = wf["spec"]["templates"][0]["dag"]["tasks"];
    CHECK(by_name(by_name(entry, "consumer")["arguments"]["parameters"], "x")["value"].as<std::string>() ==
          "{{=tasks['condition-2'].status == 'Succeeded' ? tasks['condition-2'].outputs.parameters['say-heads-Output'] : "
          "tasks['condition-3'].outputs.parameters['say-tails-Output']}}");
    CHECK(by_name(entry, "consumer")["depends"].as<std::string>() == "condition-2 && condition-3");
    const YAML::Node exported = by_name(by_name(wf["spec"]["templates"], "condition-3")["outputs"]["parameters"], "say-tails-Output");
    CHECK(exported["valueFrom"]["parameter"].as<std::string>() == "{{tasks.say-tails.outputs.parameters.Output}}");

    auto err = error_of([&] { compile(p, {.engine = Engine::kfp_v1()}); });
    REQUIRE(err);
    CHECK_THAT(err->message(), Catch::Contains("one_of() on Argo needs expression templates"));
}

TEST_CASE("one_of() errors", "[conditions][one-of][errors]") {
    const auto say = component("say").output<String>("Output");
    Pipeline p("p");
    auto side = p.add(component("flip").output<String>("side")).output<String>("side");
    std::optional<Value<String>> a, b, c;
    SECTION("no Else") {
        p.If(side == "heads", [&] { a = p.add(say).output<String>("Output"); })
            .Elif(side == "tails", [&] { b = p.add(say).output<String>("Output"); });
        p.add(consumer()).arg("x", one_of(*a, *b));
        auto err = check_error(p);
        REQUIRE(err);
        CHECK(err->where().input == "x");
        CHECK_THAT(err->message(), Catch::Contains("one_of() needs an Else branch"));
    }
    SECTION("a branch left out") {
        p.If(side == "heads", [&] { a = p.add(say).output<String>("Output"); })
            .Elif(side == "tails", [&] { b = p.add(say).output<String>("Output"); })
            .Else([&] { c = p.add(say).output<String>("Output"); });
        p.add(consumer()).arg("x", one_of(*a, *c));
        auto err = check_error(p);
        REQUIRE(err);
        CHECK_THAT(err->message(), Catch::Contains("exactly one value from each branch of the If, in branch order"));
    }
    SECTION("values of two Ifs") {
        p.If(side == "heads", [&] { a = p.add(say).output<String>("Output"); }).Else([&] { c = p.add(say).output<String>("Output"); });
        p.If(side == "edge", [&] { b = p.add(say).output<String>("Output"); }).Else([&] { p.add(say); });
        p.add(consumer()).arg("x", one_of(*a, *b));
        auto err = check_error(p);
        REQUIRE(err);
        CHECK_THAT(err->message(), Catch::Contains("branches of different Ifs"));
    }
    SECTION("a value outside any If") {
        p.If(side == "heads", [&] { a = p.add(say).output<String>("Output"); }).Else([&] { c = p.add(say).output<String>("Output"); });
        p.add(consumer()).arg("x", one_of(*a, side));
        auto err = check_error(p);
        REQUIRE(err);
        CHECK_THAT(err->message(), Catch::Contains("task 'flip' is not directly in a branch of an If"));
    }
    SECTION("read inside a branch, or inside a longer string") {
        p.If(side == "heads", [&] { a = p.add(say).output<String>("Output"); }).Else([&] { c = p.add(say).output<String>("Output"); });
        SECTION("inside") {
            p.If(side == "x", [&] { p.add(consumer()).arg("x", one_of(*a, *c)); });
            auto err = check_error(p);
            REQUIRE(err);
            CHECK_THAT(err->message(), Catch::Contains("read only by tasks right after its If"));
        }
        SECTION("in a concat") {
            p.add(consumer()).arg("x", concat("got ", one_of(*a, *c)));
            auto err = check_error(p);
            REQUIRE(err);
            CHECK_THAT(err->message(), Catch::Contains("one_of() must be an input's whole value"));
        }
        // It passed the checks, then KFP refused it with an internal "task#1" in the message.
        SECTION("as text in a concat") {
            Pipeline q("q");
            auto flip = q.add(component("flip").output<String>("side")).output<String>("side");
            const auto count = component("count").output<Int>("n");
            Value<Int> n = q.If(flip == "heads", [&] { return q.add(count, "a").output<Int>("n"); })
                               .Else([&] { return q.add(count, "b").output<Int>("n"); });
            q.add(consumer(), "whole").arg("x", to_string(n));
            CHECK_FALSE(check_error(q));
            q.add(consumer(), "part").arg("x", concat("n=", to_string(n)));
            auto err = check_error(q);
            REQUIRE(err);
            CHECK(err->where().task == "part");
            CHECK_THAT(err->message(), Catch::Contains("one_of() must be an input's whole value"));
        }
        // As a loop item there (found by fuzz/dsl_program_fuzz), it reached the emitters, which
        // threw InternalError.
        SECTION("in a component's command line") {
            p.add(Component("echo").image("alpine:3.20").command({"echo", one_of(*a, *c)}));
            auto err = check_error(p);
            REQUIRE(err);
            CHECK_THAT(err->message(), Catch::Contains("component 'echo': a command line may use only literals and the "
                                                       "component's own placeholders, not one_of("));
        }
    }
}

}  // namespace pipecc::test::conditions_test
