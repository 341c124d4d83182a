// ignore_upstream_failure(): a task that runs once its upstream tasks have finished, whether or not
// they succeeded. KFP: triggerPolicy ALL_UPSTREAM_TASKS_COMPLETED; Argo: `depends` on every end state.
#include <catch2/catch.hpp>

#include "test_support.hpp"

namespace pipecc::test::upstream_failure_test {

TEST_CASE("KFP: a task ignoring upstream failures triggers when all upstream tasks completed", "[upstream]") {
    Pipeline p("p");
    auto train = p.add(component("train").output<String>("Output"));
    p.add(component("report").input<String>("message", "default"))
        .arg("message", train.output<String>("Output"))
        .ignore_upstream_failure();
    p.add(consumer()).arg("x", train.output<String>("Output"));
    const YAML::Node tasks = kfp_spec(p)["root"]["dag"]["tasks"];
    CHECK(tasks["report"]["triggerPolicy"]["strategy"].as<std::string>() == "ALL_UPSTREAM_TASKS_COMPLETED");
    CHECK(strings_of(tasks["report"]["dependentTasks"]) == std::vector<std::string>{"train"});
    CHECK_FALSE(tasks["consumer"]["triggerPolicy"]);
}

TEST_CASE("Argo: a task ignoring upstream failures depends on every end state of each", "[upstream]") {
    Pipeline p("p");
    auto a = p.add(component("a"));
    auto b = p.add(component("b"));
    p.add(component("cleanup")).after(b, a).ignore_upstream_failure();
    p.add(component("next")).after(a, b);
    const YAML::Node tasks = argo_wf(p)["spec"]["templates"][0]["dag"]["tasks"];
    CHECK(by_name(tasks, "cleanup")["depends"].as<std::string>() ==
          "(a.Succeeded || a.Skipped || a.Failed || a.Errored) && (b.Succeeded || b.Skipped || b.Failed || b.Errored)");
    CHECK(by_name(tasks, "next")["depends"].as<std::string>() == "a && b");
}

TEST_CASE("ignore_upstream_failure errors", "[upstream][errors]") {
    SECTION("an input from an upstream task without a default") {
        Pipeline p("p");
        auto train = p.add(component("train").output<String>("Output"));
        p.add(consumer()).arg("x", train.output<String>("Output")).ignore_upstream_failure();
        auto err = check_error(p);
        REQUIRE(err);
        CHECK(err->where().task == "consumer");
        CHECK(err->where().input == "x");
        CHECK_THAT(err->message(), Catch::Contains("needs a default value (or to be optional)"));
    }
    SECTION("on Argo, an input read from an upstream task") {
        Pipeline p("p");
        auto train = p.add(component("train").output<String>("Output"));
        p.add(component("report").input<String>("message", "default"))
            .arg("message", train.output<String>("Output"))
            .ignore_upstream_failure();
        CHECK_NOTHROW(compile(p, {.engine = Engine::kfp()}));
        auto err = error_of([&] { compile(p, {.engine = Engine::argo()}); });
        REQUIRE(err);
        CHECK(err->where().input == "message");
        CHECK_THAT(err->message(), Catch::Contains("on Argo, a task with ignore_upstream_failure() cannot read task outputs"));
    }
    SECTION("an upstream task outside the task's branch") {
        Pipeline p("p");
        auto a = p.add(component("a"));
        p.If(p.param<Int>("n") > 1, [&] { p.add(component("inside")).after(a).ignore_upstream_failure(); });
        for (const Engine engine : {Engine::kfp(), Engine::argo()}) {
            auto err = error_of([&] { compile(p, {.engine = engine}); });
            REQUIRE(err);
            CHECK(err->where().task == "inside");
            CHECK_THAT(err->message(), Catch::Contains("task 'a' is outside this task's branch or loop"));
        }
    }
    SECTION("a hook task") {
        Pipeline p("p");
        p.add(component("a"));
        p.on_exit(component("notify")).ignore_upstream_failure();
        auto err = check_error(p);
        REQUIRE(err);
        CHECK_THAT(err->message(), Catch::Contains("ignore_upstream_failure() is for body tasks"));
    }
}

}  // namespace pipecc::test::upstream_failure_test
