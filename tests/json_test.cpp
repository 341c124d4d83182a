// pipecc::Json, the JSON literal of the public headers (issue 17), FunctionRef, and the duration
// templates of retry and timeout: what replaced nlohmann/json, <functional> and <chrono> there.
#include <chrono>
#include <cstdint>
#include <limits>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "pipecc/pipecc.hpp"
#include "test_support.hpp"

namespace json_test {

using namespace pipecc;
using Catch::Contains;
using Kind = doc::Node::Kind;

namespace {
template <class F>
std::string message_of(F&& f) {
    const auto e = test::error_of(f);
    return e ? e->message() : "(no error)";
}
}  // namespace

TEST_CASE("Json: braces make objects in the order given, Json::array makes arrays", "[json]") {
    const Json grid = Json::array({{{"lr", 0.1}, {"depth", 3}}, {{"lr", 0.01}, {"depth", 5}}});
    REQUIRE(grid.is_array());
    const doc::Node& n = grid.node();
    REQUIRE(n.size() == 2);
    REQUIRE(n.items()[1].kind() == Kind::Map);
    CHECK(n.items()[1].entries()[0].key == "lr");
    CHECK(n.items()[1].entries()[1].key == "depth");
    CHECK(n.items()[1].find("depth")->as_int() == 5);

    const Json meta = {{"source", "bigquery"}, {"rows", 1200}, {"ok", true}, {"none", nullptr}};
    REQUIRE(meta.is_object());
    CHECK(meta.node().find("source")->as_string() == "bigquery");
    CHECK(meta.node().find("ok")->kind() == Kind::Bool);
    CHECK(meta.node().find("none")->kind() == Kind::Null);
    CHECK(Json::array({"kanto", "kansai"}).node().items()[1].as_string() == "kansai");
    CHECK(Json::object().is_object());
    CHECK(Json::array().node().empty());
}

TEST_CASE("Json: what JSON or the engines cannot hold is an Error", "[json]") {
    CHECK_THAT(message_of([] { Json j = {{"a", 1}, {"a", 2}}; }), Contains("key \"a\" twice"));
    CHECK_THAT(message_of([] { Json::object().set("k", 1).set("k", 2); }), Contains("key \"k\" twice"));
    CHECK_THAT(message_of([] { Json j(std::numeric_limits<std::uint64_t>::max()); }),
               Contains("18446744073709551615 is too large"));
    CHECK_THAT(message_of([] { Json j(std::numeric_limits<double>::quiet_NaN()); }), Contains("not NaN"));
    CHECK_THAT(message_of([] { Json j(std::numeric_limits<double>::infinity()); }), Contains("not infinity"));
    CHECK_THAT(message_of([] { Json::object().push(1); }), Contains("needs an array"));
    CHECK_THAT(message_of([] { Json::array().set("k", 1); }), Contains("needs an object"));
}

TEST_CASE("Json: an nlohmann::json converts with its values and key order", "[json]") {
    nlohmann::ordered_json ordered = {{"z", 1}, {"a", {1.5, "x", false, nullptr}}};
    const Json from_ordered = ordered;
    CHECK(from_ordered == Json{{"z", 1}, {"a", Json::array({1.5, "x", false, nullptr})}});
    CHECK(from_ordered.node().entries()[0].key == "z");
    // nlohmann reads non-negative integers as unsigned; they stay integers.
    CHECK(Json(nlohmann::json::parse("[7]")) == Json::array({7}));
    CHECK_THAT(message_of([] { Json j(nlohmann::json::parse("18446744073709551615")); }),
               Contains("too large"));
    CHECK_THAT(message_of([] { Json j(nlohmann::json::binary({1, 2})); }), Contains("binary"));
}

TEST_CASE("Json literals feed List, Struct and scalar inputs as nlohmann::json values do", "[json]") {
    const auto c = test::component("c").input<List>("configs").input<Struct>("config").input<Int>("n");
    Pipeline with_json("p");
    with_json.add(c)
        .arg("configs", Json::array({{{"lr", 0.1}}, {{"lr", 0.01}}}))
        .arg("config", Json{{"lr", 0.1}})
        .arg("n", Json(7));
    Pipeline with_nlohmann("p");
    with_nlohmann.add(c)
        .arg("configs", nlohmann::json::array({{{"lr", 0.1}}, {{"lr", 0.01}}}))
        .arg("config", nlohmann::json{{"lr", 0.1}})
        .arg("n", nlohmann::json(7));
    for (const Engine engine : {Engine::kfp(), Engine::argo()}) {
        CHECK(compile(with_json, {.engine = engine}) == compile(with_nlohmann, {.engine = engine}));
    }
    const Value<List> from_nlohmann = nlohmann::json::array({1, 2});
    const Value<List> from_json = Json::array({1, 2});
    CHECK(from_nlohmann.expr()->as<graph::node::Literal>()->value == from_json.expr()->as<graph::node::Literal>()->value);
    CHECK_THAT(message_of([] { Value<List> v(Json{{"k", 1}}); }), Contains("List literal must be a JSON array"));
}

TEST_CASE("FunctionRef calls lambdas, function objects and functions without copying them", "[json]") {
    int calls = 0;
    auto count = [&calls](int x) { return x + ++calls; };
    FunctionRef<int(int)> f = count;
    CHECK(f(10) == 11);
    CHECK(f(10) == 12);
    CHECK(calls == 2);
    struct Twice {
        int operator()(int x) const { return 2 * x; }
    } twice;
    CHECK(FunctionRef<int(int)>(twice)(4) == 8);
    int (*negate)(int) = [](int x) { return -x; };
    CHECK(FunctionRef<int(int)>(*negate)(3) == -3);
}

TEST_CASE("retry and timeout take any std::chrono duration of whole seconds", "[json]") {
    Pipeline p("p");
    Task t = p.add(test::component("c"));
    t.retry(3, std::chrono::minutes(1), 2.0, std::chrono::hours(1)).timeout(std::chrono::hours(2));
    const graph::Task& task = p.graph().tasks.front();
    REQUIRE(task.retry);
    CHECK(task.retry->backoff_seconds == 60);
    CHECK(task.retry->backoff_max_seconds == 3600);
    CHECK(task.timeout_seconds == 7200);
    t.retry(2);
    CHECK(p.graph().tasks.front().retry->backoff_seconds == 0);
    CHECK(p.graph().tasks.front().retry->backoff_max_seconds == 3600);
    CHECK_THAT(message_of([&] { t.timeout(std::chrono::hours(std::numeric_limits<std::int64_t>::max() / 60)); }),
               Contains("does not fit in 64-bit seconds"));
}

// Durations finer than a second do not compile (a static_assert in detail::seconds_of), as
// std::chrono::seconds did not convert from them before; nor does a plain number.
template <class D>
concept TakesTimeout = requires(Task t, D d) { t.timeout(d); };
static_assert(TakesTimeout<std::chrono::seconds> && TakesTimeout<std::chrono::hours>);
static_assert(!TakesTimeout<int> && !TakesTimeout<double>);

}  // namespace json_test
