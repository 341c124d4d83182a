// parallel_for and collected(): loops over literal lists, parameters and task outputs, lowered to
// KFP's parameterIterator sub-DAGs and Argo's withItems / withParam DAG templates, and the checks
// around them.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace pipecc::test::loops_test {
namespace {

using nlohmann::json;

Component lister() { return component("lister").output<List>("items"); }
Component scorer() { return component("scorer").input<String>("x").output<Float>("score"); }

YAML::Node entry_tasks(const YAML::Node& wf, const std::string& name = "p") {
    return by_name(wf["spec"]["templates"], name)["dag"]["tasks"];
}

}  // namespace

TEST_CASE("a loop over a literal list iterates raw items with kfp's numbered item input", "[loops]") {
    Pipeline p("p");
    p.parallel_for<Int>(json::array({1, 2, 3}), [&](const Value<Int>& n) {
        p.add(component("square").input<Int>("n")).arg("n", n);
    });
    const YAML::Node spec = kfp_spec(p);
    const YAML::Node loop = spec["root"]["dag"]["tasks"]["for-loop-2"];
    REQUIRE(loop);
    CHECK(loop["parameterIterator"]["itemInput"].as<std::string>() == "pipelinechannel--loop-item-param-1");
    CHECK(loop["parameterIterator"]["items"]["raw"].as<std::string>() == "[1, 2, 3]");
    CHECK_FALSE(loop["iteratorPolicy"]);
    const YAML::Node comp = spec["components"]["comp-for-loop-2"];
    CHECK(comp["inputDefinitions"]["parameters"]["pipelinechannel--loop-item-param-1"]["parameterType"].as<std::string>() ==
          "NUMBER_INTEGER");
    CHECK(comp["dag"]["tasks"]["square"]["inputs"]["parameters"]["n"]["componentInputParameter"].as<std::string>() ==
          "pipelinechannel--loop-item-param-1");

    const YAML::Node task = by_name(entry_tasks(argo_wf(p)), "for-loop-2");
    REQUIRE(task);
    CHECK(task["withItems"].size() == 3);
    CHECK(task["withItems"][2].as<int>() == 3);
    CHECK(by_name(task["arguments"]["parameters"], "for-loop-2-item")["value"].as<std::string>() == "{{item}}");
}

TEST_CASE("a loop over a parameter, with parallelism and the item inside a longer string", "[loops]") {
    Pipeline p("p");
    auto models = p.param<List>("models", json::array({"a", "b"}));
    p.parallel_for<String>(models, [&](const Value<String>& m) { p.add(consumer()).arg("x", concat("gs://b/", m)); })
        .parallelism(3);
    const YAML::Node spec = kfp_spec(p);
    const YAML::Node loop = spec["root"]["dag"]["tasks"]["for-loop-1"];
    CHECK(loop["iteratorPolicy"]["parallelismLimit"].as<int>() == 3);
    CHECK(loop["parameterIterator"]["items"]["inputParameter"].as<std::string>() == "pipelinechannel--models");
    CHECK(loop["inputs"]["parameters"]["pipelinechannel--models"]["componentInputParameter"].as<std::string>() == "models");
    const YAML::Node inner = spec["components"]["comp-for-loop-1"]["dag"]["tasks"]["consumer"]["inputs"]["parameters"];
    CHECK(inner["x"]["runtimeValue"]["constant"].as<std::string>() ==
          "gs://b/{{$.inputs.parameters['pipelinechannel--models-loop-item']}}");
    CHECK(inner["pipelinechannel--models-loop-item"]["componentInputParameter"].as<std::string>() ==
          "pipelinechannel--models-loop-item");

    const YAML::Node wf = argo_wf(p);
    const YAML::Node task = by_name(entry_tasks(wf), "for-loop-1");
    CHECK(task["template"].as<std::string>() == "for-loop-1-parallelism");
    const YAML::Node wrapper = by_name(wf["spec"]["templates"], "for-loop-1-parallelism");
    CHECK(wrapper["parallelism"].as<int>() == 3);
    const YAML::Node looped = wrapper["dag"]["tasks"][0];
    CHECK(looped["withParam"].as<std::string>() == "{{inputs.parameters.loop-items}}");
    CHECK(by_name(task["arguments"]["parameters"], "loop-items")["value"].as<std::string>() == "{{workflow.parameters.models}}");
    const YAML::Node body = by_name(wf["spec"]["templates"], "for-loop-1");
    CHECK(by_name(body["dag"]["tasks"], "consumer")["arguments"]["parameters"][0]["value"].as<std::string>() ==
          "gs://b/{{inputs.parameters.for-loop-1-item}}");
}

TEST_CASE("a loop whose body returns a value gives its collected() list, as the optional form does", "[loops]") {
    const auto build = [](bool returned) {
        Pipeline p("p");
        auto items = p.add(lister()).output<List>("items");
        if (returned) {
            Value<List> scores = p.parallel_for<String>(items, [&](const Value<String>& x) {
                                      return p.add(scorer()).arg("x", x).output<Float>("score");
                                  })
                                     .parallelism(2)
                                     .collected();
            p.add(component("best").input<List>("scores")).arg("scores", scores);
        } else {
            std::optional<Value<Float>> score;
            p.parallel_for<String>(items, [&](const Value<String>& x) {
                 score = p.add(scorer()).arg("x", x).output<Float>("score");
             }).parallelism(2);
            p.add(component("best").input<List>("scores")).arg("scores", collected(*score));
        }
        return p;
    };
    const Pipeline returned = build(true);
    const Pipeline kept = build(false);
    for (const Engine engine : {Engine::kfp(), Engine::argo()}) {
        CHECK(compile(returned, {.engine = engine}) == compile(kept, {.engine = engine}));
    }
    CHECK(kfp_spec(returned)["components"]["comp-for-loop-1"]["dag"]["outputs"]["parameters"]
              ["pipelinechannel--scorer-score"]["valueFromParameter"]["producerSubtask"].as<std::string>() == "scorer");
}

TEST_CASE("collected() fans a loop's output back in as a List on both targets", "[loops]") {
    Pipeline p("p");
    auto items = p.add(lister()).output<List>("items");
    std::optional<Value<Float>> score;
    p.parallel_for<String>(items, [&](const Value<String>& x) { score = p.add(scorer()).arg("x", x).output<Float>("score"); });
    p.add(component("best").input<List>("scores")).arg("scores", collected(*score));
    const YAML::Node spec = kfp_spec(p);
    const YAML::Node best = spec["root"]["dag"]["tasks"]["best"];
    CHECK(best["inputs"]["parameters"]["scores"]["taskOutputParameter"]["producerTask"].as<std::string>() == "for-loop-1");
    CHECK(best["inputs"]["parameters"]["scores"]["taskOutputParameter"]["outputParameterKey"].as<std::string>() ==
          "pipelinechannel--scorer-score");
    CHECK(strings_of(best["dependentTasks"]) == std::vector<std::string>{"for-loop-1"});
    const YAML::Node loop = spec["components"]["comp-for-loop-1"];
    CHECK(loop["dag"]["outputs"]["parameters"]["pipelinechannel--scorer-score"]["valueFromParameter"]["producerSubtask"]
              .as<std::string>() == "scorer");
    CHECK(loop["outputDefinitions"]["parameters"]["pipelinechannel--scorer-score"]["parameterType"].as<std::string>() == "LIST");

    const YAML::Node wf = argo_wf(p);
    const YAML::Node best_task = by_name(entry_tasks(wf), "best");
    CHECK(best_task["arguments"]["parameters"][0]["value"].as<std::string>() ==
          "{{tasks.for-loop-1.outputs.parameters.scorer-score}}");
    const YAML::Node body = by_name(wf["spec"]["templates"], "for-loop-1");
    CHECK(by_name(body["outputs"]["parameters"], "scorer-score")["valueFrom"]["parameter"].as<std::string>() ==
          "{{tasks.scorer.outputs.parameters.score}}");
    CHECK(by_name(entry_tasks(wf), "for-loop-1")["withParam"].as<std::string>() ==
          "{{tasks.lister.outputs.parameters.items}}");
}

TEST_CASE("struct fields of a loop item, in a condition inside the loop", "[loops][conditions]") {
    Pipeline p("p");
    p.parallel_for<Struct>(json::parse(R"([{"name": "a", "size": 1}, {"name": "b", "size": 20}])"), [&](const Value<Struct>& c) {
        p.If(c.field<Int>("size") > 10, [&] { p.add(consumer()).arg("x", c.field<String>("name")); });
    });
    const YAML::Node spec = kfp_spec(p);
    const YAML::Node cond = spec["components"]["comp-for-loop-2"]["dag"]["tasks"]["condition-3"];
    REQUIRE(cond);
    CHECK(cond["triggerPolicy"]["condition"].as<std::string>() ==
          "int(inputs.parameter_values['pipelinechannel--loop-item-param-1-subvar-size']) > 10");
    const YAML::Node subvar = cond["inputs"]["parameters"]["pipelinechannel--loop-item-param-1-subvar-size"];
    CHECK(subvar["componentInputParameter"].as<std::string>() == "pipelinechannel--loop-item-param-1");
    CHECK(subvar["parameterExpressionSelector"].as<std::string>() == "parseJson(string_value)[\"size\"]");
    const YAML::Node x = spec["components"]["comp-condition-3"]["dag"]["tasks"]["consumer"]["inputs"]["parameters"]["x"];
    CHECK(x["componentInputParameter"].as<std::string>() == "pipelinechannel--loop-item-param-1");
    CHECK(x["parameterExpressionSelector"].as<std::string>() == "parseJson(string_value)[\"name\"]");

    const YAML::Node wf = argo_wf(p);
    const YAML::Node loop_task = by_name(entry_tasks(wf), "for-loop-2");
    CHECK(loop_task["withItems"][1]["name"].as<std::string>() == "b");
    CHECK(by_name(loop_task["arguments"]["parameters"], "for-loop-2-item-size")["value"].as<std::string>() == "{{item.size}}");
    CHECK(by_name(loop_task["arguments"]["parameters"], "for-loop-2-item-name")["value"].as<std::string>() == "{{item.name}}");
    const YAML::Node cond_task = by_name(by_name(wf["spec"]["templates"], "for-loop-2")["dag"]["tasks"], "condition-3");
    CHECK(cond_task["when"].as<std::string>() == "{{inputs.parameters.for-loop-2-item-size}} > 10");
    CHECK(by_name(cond_task["arguments"]["parameters"], "for-loop-2-item-name")["value"].as<std::string>() ==
          "{{inputs.parameters.for-loop-2-item-name}}");
}

// A new user's `field<Float>("learnrate")` of items that have `learning_rate` compiled and failed
// only at run time: the items of a literal list are known, so their fields are checked.
TEST_CASE("fields of a literal list's items are checked: name and type", "[loops]") {
    const json items = json::array({{{"learning_rate", 0.1}, {"name", "a"}, {"epochs", 3}},
                                    {{"learning_rate", 0.01}, {"name", "b"}, {"epochs", 5}}});
    const auto train = component("train").input<Float>("lr");
    const auto read = [&](auto&& field) {
        Pipeline p("p");
        p.parallel_for<Struct>(items, [&](const Value<Struct>& it) { p.add(train, "train").arg("lr", field(it)); });
        return check_error(p);
    };
    const auto misspelt = read([](const Value<Struct>& it) { return it.field<Float>("learnrate"); });
    REQUIRE(misspelt);
    CHECK(misspelt->where().task == "train");
    CHECK(misspelt->where().input == "lr");
    CHECK_THAT(misspelt->message(), Catch::Contains("field(\"learnrate\"): item {epochs: 3, learning_rate: 0.1, name: \"a\"} of the "
                                                        "literal list has no field 'learnrate' (it has: epochs, "
                                                        "learning_rate, name)"));
    const auto wrong_type = read([](const Value<Struct>& it) { return to_string(it.field<Int>("learning_rate")); });
    REQUIRE(wrong_type);
    CHECK_THAT(wrong_type->message(), Catch::Contains("field<Int>(\"learning_rate\")") &&
                                          Catch::Contains("has learning_rate = 0.1, not an Int"));
    // An integer is a Float too, as the engines read it; a List parameter's items stay unchecked.
    CHECK_FALSE(read([](const Value<Struct>& it) { return it.field<Float>("epochs"); }));
    CHECK_FALSE(read([](const Value<Struct>& it) { return it.field<Float>("learning_rate"); }));
    Pipeline p("p");
    p.parallel_for<Struct>(p.param<List>("configs"), [&](const Value<Struct>& it) {
        p.add(train, "train").arg("lr", it.field<Float>("learnrate"));
    });
    CHECK_FALSE(check_error(p));
}

TEST_CASE("loop mistakes are errors naming the task or the loop", "[loops]") {
    SECTION("reading a loop task's output after the loop without collected()") {
        Pipeline p("p");
        std::optional<Value<Float>> score;
        p.parallel_for<String>(json::array({"a"}), [&](const Value<String>& x) { score = p.add(scorer()).arg("x", x).output<Float>("score"); });
        p.add(component("use").input<Float>("s")).arg("s", *score);
        auto err = check_error(p);
        REQUIRE(err);
        CHECK(err->where().task == "use");
        CHECK_THAT(err->message(), Catch::Contains("runs once per item of a parallel_for; gather it with collected() after the loop"));
    }
    SECTION("the item outside its loop") {
        Pipeline p("p");
        std::optional<Value<String>> item;
        p.parallel_for<String>(json::array({"a"}), [&](const Value<String>& x) {
            item = x;
            p.add(consumer()).arg("x", x);
        });
        p.add(consumer(), "outside").arg("x", *item);
        auto err = check_error(p);
        REQUIRE(err);
        CHECK(err->where().task == "outside");
        CHECK_THAT(err->message(), Catch::Contains("uses the item of a parallel_for outside its body"));
    }
    // A new user's finding: a Struct item's field read after its loop passed the checks, and the
    // emitters then crashed (SIGFPE on KFP, SIGSEGV on Argo) looking for the loop around the task.
    SECTION("a field of a Struct item outside its loop, whole or inside a string") {
        for (bool in_string : {false, true}) {
            Pipeline p("p");
            std::optional<Value<Struct>> leaked;
            p.parallel_for<Struct>(json::array({{{"a", "1"}}, {{"a", "2"}}}), [&](const Value<Struct>& it) {
                leaked = it;
                p.add(consumer()).arg("x", it.field<String>("a"));
            });
            const Value<String> a = leaked->field<String>("a");
            p.add(consumer(), "after").arg("x", in_string ? concat("a=", a) : a);
            auto err = check_error(p);
            REQUIRE(err);
            CHECK(err->where().task == "after");
            CHECK(err->where().input == "x");
            CHECK_THAT(err->message(), Catch::Contains("uses the item of a parallel_for outside its body"));
        }
    }
    SECTION("collected() of a task outside any loop") {
        Pipeline p("p");
        auto score = p.add(scorer()).arg("x", "a").output<Float>("score");
        p.add(component("best").input<List>("scores")).arg("scores", collected(score));
        auto err = check_error(p);
        REQUIRE(err);
        CHECK_THAT(err->message(), Catch::Contains("collected() of task 'scorer', which is not inside a parallel_for"));
    }
    SECTION("collected() read inside the loop") {
        Pipeline p("p");
        p.parallel_for<String>(json::array({"a"}), [&](const Value<String>& x) {
            auto score = p.add(scorer()).arg("x", x).output<Float>("score");
            p.add(component("best").input<List>("scores")).arg("scores", collected(score));
        });
        auto err = check_error(p);
        REQUIRE(err);
        CHECK_THAT(err->message(), Catch::Contains("is read only by tasks right after its loop"));
    }
    SECTION("field() of a value that is not a loop item") {
        Pipeline p("p");
        auto cfg = p.param<Struct>("cfg", json::object({{"a", "b"}}));
        p.add(consumer()).arg("x", cfg.field<String>("a"));
        auto err = check_error(p);
        REQUIRE(err);
        CHECK_THAT(err->message(), Catch::Contains("field(\"a\") works only on a parallel_for item"));
    }
    // Found by fuzz/dsl_program_fuzz: the checks let a loop item into a component's command line,
    // and both emitters then threw InternalError ("unexpected expression in a command line").
    SECTION("an item, or a field of one, in a component's command line, inside the loop or after it") {
        for (bool field : {false, true}) {
            for (bool after_loop : {false, true}) {
                Pipeline p("p");
                std::optional<Value<String>> leaked;
                auto echo = [&] { p.add(Component("echo").image("alpine:3.20").command({"echo", *leaked})); };
                auto body = [&](const Value<String>& text) {
                    leaked = text;
                    if (!after_loop) echo();
                    p.add(consumer()).arg("x", text);
                };
                if (field) {
                    p.parallel_for<Struct>(json::array({{{"a", "1"}}}), [&](const Value<Struct>& it) { body(it.field<String>("a")); });
                } else {
                    p.parallel_for<String>(json::array({"1"}), body);
                }
                if (after_loop) echo();
                auto err = check_error(p);
                REQUIRE(err);
                CHECK(err->where().pipeline == "p");
                CHECK_THAT(err->message(), Catch::Contains("component 'echo': a command line may use only literals and the "
                                                           "component's own placeholders, not item(loop#1)"));
                CHECK_THAT(err->message(), Catch::Contains("pass it to the task as an input instead"));
            }
        }
    }
    SECTION("literal items of the wrong type") {
        Pipeline p("p");
        p.parallel_for<Int>(json::array({1, "two"}), [&](const Value<Int>& n) { p.add(component("sq").input<Int>("n")).arg("n", n); });
        auto err = check_error(p);
        REQUIRE(err);
        CHECK_THAT(err->message(), Catch::Contains("parallel_for over [1, \"two\"]: an item is not a Int: \"two\""));
    }
    SECTION("an empty literal list, and an empty body") {
        Pipeline p("p");
        p.add(consumer()).arg("x", "y");
        p.parallel_for<String>(json::array(), [&](const Value<String>& x) { p.add(consumer(), "c2").arg("x", x); });
        auto err = check_error(p);
        REQUIRE(err);
        CHECK_THAT(err->message(), Catch::Contains("the list is empty"));
        Pipeline q("q");
        q.add(consumer()).arg("x", "y");
        q.parallel_for<String>(json::array({"a"}), [](const Value<String>&) {});
        auto err2 = check_error(q);
        REQUIRE(err2);
        CHECK_THAT(err2->message(), Catch::Contains("the loop adds no tasks"));
    }
    SECTION("negative parallelism") {
        Pipeline p("p");
        p.parallel_for<String>(json::array({"a"}), [&](const Value<String>& x) { p.add(consumer()).arg("x", x); }).parallelism(-1);
        auto err = check_error(p);
        REQUIRE(err);
        CHECK_THAT(err->message(), Catch::Contains("parallelism must be between 1 and 1000000 (0: no limit)"));
    }
    SECTION("iterating a branch's output from outside it") {
        Pipeline p("p");
        auto out = p.add(component("producer").output<String>("out")).output<String>("out");
        std::optional<Value<List>> listed;
        p.If(out == "a", [&] { listed = p.add(lister()).output<List>("items"); });
        p.parallel_for<String>(*listed, [&](const Value<String>& x) { p.add(consumer()).arg("x", x); });
        auto err = check_error(p);
        REQUIRE(err);
        CHECK_THAT(err->message(), Catch::Contains("iterates output 'items' of task 'lister', which runs only if"));
    }
}

TEST_CASE("a loop iterates a List field of an outer loop's item", "[loops]") {
    Pipeline p("p");
    auto groups = p.param<List>("groups", Value<List>(json::array({json{{"name", "a"}, {"members", json::array({"x", "y"})}}})));
    p.parallel_for<Struct>(groups, [&](const Value<Struct>& group) {
        p.parallel_for<String>(group.field<List>("members"), [&](const Value<String>& member) {
            p.add(component("greet").input<String>("who").input<String>("team"))
                .arg("who", member)
                .arg("team", group.field<String>("name"));
        });
    });
    const YAML::Node spec = kfp_spec(p);
    const YAML::Node inner = spec["components"]["comp-for-loop-1"]["dag"]["tasks"]["for-loop-2"];
    REQUIRE(inner);
    CHECK(inner["parameterIterator"]["items"]["inputParameter"].as<std::string>() ==
          "pipelinechannel--groups-loop-item-subvar-members");
    CHECK(inner["parameterIterator"]["itemInput"].as<std::string>() == "pipelinechannel--groups-loop-item-subvar-members-loop-item");
    const YAML::Node field = inner["inputs"]["parameters"]["pipelinechannel--groups-loop-item-subvar-members"];
    CHECK(field["componentInputParameter"].as<std::string>() == "pipelinechannel--groups-loop-item");
    CHECK(field["parameterExpressionSelector"].as<std::string>() == "parseJson(string_value)[\"members\"]");
    CHECK(spec["components"]["comp-for-loop-2"]["dag"]["tasks"]["greet"]["inputs"]["parameters"]["who"]["componentInputParameter"]
              .as<std::string>() == "pipelinechannel--groups-loop-item-subvar-members-loop-item");

    const YAML::Node wf = argo_wf(p);
    const YAML::Node inner_task = by_name(by_name(wf["spec"]["templates"], "for-loop-1")["dag"]["tasks"], "for-loop-2");
    CHECK(inner_task["withParam"].as<std::string>() == "{{inputs.parameters.for-loop-1-item-members}}");
    const YAML::Node outer_task = by_name(entry_tasks(wf), "for-loop-1");
    CHECK(by_name(outer_task["arguments"]["parameters"], "for-loop-1-item-members")["value"].as<std::string>() == "{{item.members}}");

    SECTION("but not the item of its own loop, or a field of a non-item") {
        Pipeline q("q");
        auto lists = q.add(component("lists").output<Struct>("cfg")).output<Struct>("cfg");
        q.parallel_for<String>(lists.field<List>("xs"), [&](const Value<String>& x) { q.add(consumer()).arg("x", x); });
        auto err = check_error(q);
        REQUIRE(err);
        CHECK_THAT(err->message(), Catch::Contains("field(\"xs\") works only on a parallel_for item"));
    }
}

}  // namespace pipecc::test::loops_test
