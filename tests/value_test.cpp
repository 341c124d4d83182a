// Value<T>: literals, concat, to_string, component placeholders, JSON literals, and the
// compile-time rules that keep run-time values typed.
#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace value_test {

using namespace pipecc;
using graph::Type;
using Kind = doc::Node::Kind;

namespace {

template <class T>
const doc::Node& literal_value(const Value<T>& v) {
    const auto* lit = v.expr()->template as<graph::node::Literal>();
    REQUIRE(lit != nullptr);
    return lit->value;
}

}  // namespace

// --- compile-time properties ---------------------------------------------------------------------

// No way back from a run-time value to a compile-time string.
static_assert(!std::is_convertible_v<Value<String>, std::string>);
static_assert(!std::is_convertible_v<Value<String>, std::string_view>);
static_assert(!std::is_convertible_v<Value<String>, const char*>);
static_assert(!std::is_constructible_v<std::string, Value<String>>);

// Values of different types do not convert into each other.
static_assert(!std::is_convertible_v<Value<Int>, Value<String>>);
static_assert(!std::is_convertible_v<Value<Float>, Value<String>>);
static_assert(!std::is_convertible_v<Value<Bool>, Value<String>>);
static_assert(!std::is_convertible_v<Value<String>, Value<Int>>);
static_assert(!std::is_convertible_v<Value<Int>, Value<Float>>);
static_assert(!std::is_convertible_v<Value<Dataset>, Value<Artifact>>);
static_assert(!std::is_convertible_v<Value<Timestamp>, Value<String>>);

// Literals only of the value's own kind.
static_assert(!std::is_constructible_v<Value<Int>, double>);
static_assert(!std::is_constructible_v<Value<Int>, float>);
static_assert(!std::is_constructible_v<Value<Int>, bool>);
static_assert(!std::is_constructible_v<Value<Int>, const char*>);
static_assert(!std::is_constructible_v<Value<Float>, bool>);
static_assert(!std::is_constructible_v<Value<Float>, const char*>);
static_assert(!std::is_constructible_v<Value<Bool>, int>);
static_assert(!std::is_constructible_v<Value<Bool>, const char*>);
static_assert(!std::is_constructible_v<Value<String>, int>);
static_assert(!std::is_constructible_v<Value<String>, double>);
static_assert(!std::is_constructible_v<Value<String>, bool>);
static_assert(!std::is_constructible_v<Value<Timestamp>, const char*>);
static_assert(!std::is_constructible_v<Value<Dataset>, const char*>);
static_assert(!std::is_constructible_v<Value<Int>, nlohmann::json>);
static_assert(std::is_constructible_v<Value<Int>, int>);
static_assert(std::is_constructible_v<Value<Int>, long long>);
static_assert(std::is_constructible_v<Value<Float>, double>);
static_assert(std::is_constructible_v<Value<Float>, int>);
static_assert(std::is_constructible_v<Value<Bool>, bool>);
static_assert(std::is_constructible_v<Value<String>, std::string>);
static_assert(std::is_constructible_v<Value<List>, nlohmann::json>);
static_assert(std::is_constructible_v<Value<Struct>, nlohmann::json>);

// Wrapping an expression is explicit.
static_assert(!std::is_convertible_v<graph::ExprPtr, Value<String>>);

// concat takes only strings; numbers need an explicit to_string. (Requires-expressions are wrapped
// in concepts: outside a template an invalid requirement would be a hard error, not `false`.)
template <class... A>
concept can_concat = requires(const A&... a) { concat(a...); };
template <class A>
concept can_to_string = requires(const A& a) { to_string(a); };

static_assert(can_concat<Value<String>, Value<String>>);
static_assert(can_concat<Value<String>, const char*, std::string>);
static_assert(!can_concat<Value<Int>>);
static_assert(!can_concat<Value<String>, Value<Int>>);
static_assert(!can_concat<Value<String>, Value<Float>>);
static_assert(!can_concat<Value<String>, Value<Bool>>);
static_assert(!can_concat<Value<String>, Value<Dataset>>);
static_assert(!can_concat<Value<String>, Value<Timestamp>>);
static_assert(!can_concat<Value<String>, int>);
static_assert(!can_concat<Value<String>, double>);
static_assert(std::is_same_v<decltype(concat(std::declval<Value<String>>())), Value<String>>);

// to_string only for Int, Float and Bool.
static_assert(can_to_string<Value<Int>>);
static_assert(can_to_string<Value<Float>>);
static_assert(can_to_string<Value<Bool>>);
static_assert(!can_to_string<Value<String>>);
static_assert(!can_to_string<Value<Dataset>>);
static_assert(!can_to_string<Value<List>>);
static_assert(std::is_same_v<decltype(to_string(std::declval<Value<Int>>())), Value<String>>);

// Task::output is typed by the caller; Task::arg takes any typed value.
static_assert(std::is_same_v<decltype(std::declval<const Task&>().output<Dataset>("x")), Value<Dataset>>);

// --- literals ------------------------------------------------------------------------------------

TEST_CASE("a String literal is a Literal node holding the text", "[value]") {
    const Value<String> a = "hello";
    const Value<String> b = std::string("from std::string");
    const Value<String> c = std::string_view("from string_view");
    CHECK(a.expr()->type == Type::String);
    CHECK(literal_value(a).kind() == Kind::String);
    CHECK(literal_value(a).as_string() == "hello");
    CHECK(literal_value(b).as_string() == "from std::string");
    CHECK(literal_value(c).as_string() == "from string_view");
    const Value<String> empty = "";
    CHECK(literal_value(empty).as_string().empty());
}

TEST_CASE("an Int literal is a Literal node holding an integer", "[value]") {
    const Value<Int> v = 42;
    CHECK(v.expr()->type == Type::Int);
    CHECK(literal_value(v).kind() == Kind::Int);
    CHECK(literal_value(v).as_int() == 42);
    const Value<Int> big = 9'000'000'000'000LL;
    CHECK(literal_value(big).as_int() == 9'000'000'000'000LL);
    const Value<Int> negative = -7;
    CHECK(literal_value(negative).as_int() == -7);
}

TEST_CASE("a Float literal is a Literal node holding a double, also from an integer", "[value]") {
    const Value<Float> f = 2.5;
    CHECK(f.expr()->type == Type::Float);
    CHECK(literal_value(f).kind() == Kind::Float);
    CHECK(literal_value(f).as_float() == 2.5);
    const Value<Float> from_int = 3;
    CHECK(literal_value(from_int).kind() == Kind::Float);
    CHECK(literal_value(from_int).as_float() == 3.0);
}

TEST_CASE("a Bool literal is a Literal node holding a bool", "[value]") {
    const Value<Bool> t = true;
    const Value<Bool> f = false;
    CHECK(t.expr()->type == Type::Bool);
    CHECK(literal_value(t).kind() == Kind::Bool);
    CHECK(literal_value(t).as_bool());
    CHECK_FALSE(literal_value(f).as_bool());
}

TEST_CASE("Value wraps an expression only of its own type", "[value]") {
    auto int_expr = graph::make_expr(Type::Int, graph::node::Literal{doc::Node(1)});
    CHECK_NOTHROW(Value<Int>(int_expr));
    CHECK_THROWS_AS(Value<String>(int_expr), InternalError);
    CHECK_THROWS_AS(Value<String>(graph::ExprPtr{}), InternalError);
}

TEST_CASE("an Int literal too large for int64 is rejected, as it is from JSON", "[value]") {
    // BUG: Value<Int>(unsigned long long) casts to long long and wraps around silently, while the
    // same number from JSON is rejected with "integer literal is too large".
    const unsigned long long too_large = std::numeric_limits<unsigned long long>::max();
    CHECK_THROWS_AS(Value<Int>(too_large), Error);
}

TEST_CASE("Value<String> cannot be built from a null pointer", "[value]") {
    // BUG: Value(const char*) accepts nullptr at compile time, then std::string throws
    // std::logic_error at run time. A deleted Value(std::nullptr_t) would reject it when compiling.
    CHECK_FALSE(std::is_constructible_v<Value<String>, std::nullptr_t>);
}

// --- concat and to_string ------------------------------------------------------------------------

TEST_CASE("concat builds a String Concat node with each part in order", "[value]") {
    Pipeline p("p");
    const auto root = p.param<String>("root");
    const Value<String> v = concat(root, "/", std::string("x"), Value<String>("y"));
    CHECK(v.expr()->type == Type::String);
    const auto* cat = v.expr()->as<graph::node::Concat>();
    REQUIRE(cat != nullptr);
    REQUIRE(cat->parts.size() == 4);
    CHECK(cat->parts[0] == root.expr());  // the parameter's own expression, shared
    const auto* param = cat->parts[0]->as<graph::node::Param>();
    REQUIRE(param != nullptr);
    CHECK(param->name == "root");
    CHECK(param->owner == p.graph().id);
    CHECK(cat->parts[1]->as<graph::node::Literal>()->value.as_string() == "/");
    CHECK(cat->parts[2]->as<graph::node::Literal>()->value.as_string() == "x");
    CHECK(cat->parts[3]->as<graph::node::Literal>()->value.as_string() == "y");
    for (const auto& part : cat->parts) CHECK(part->type == Type::String);
}

TEST_CASE("concat of concat nests, and the debug form shows the tree", "[value]") {
    Pipeline p("p");
    const auto a = p.param<String>("a");
    const Value<String> inner = concat(a, "-x");
    const Value<String> outer = concat("<", inner, ">");
    const auto* cat = outer.expr()->as<graph::node::Concat>();
    REQUIRE(cat != nullptr);
    REQUIRE(cat->parts.size() == 3);
    CHECK(cat->parts[1]->as<graph::node::Concat>() != nullptr);
    CHECK(graph::to_debug_string(*outer.expr()) == R"(concat("<", concat(param(a), "-x"), ">"))");
}

TEST_CASE("to_string builds a String ToString node around the value", "[value]") {
    Pipeline p("p");
    const auto n = p.param<Int>("n");
    const Value<String> s = to_string(n);
    CHECK(s.expr()->type == Type::String);
    const auto* ts = s.expr()->as<graph::node::ToString>();
    REQUIRE(ts != nullptr);
    CHECK(ts->value == n.expr());
    CHECK(ts->value->type == Type::Int);

    const Value<String> f = to_string(Value<Float>(1.5));
    REQUIRE(f.expr()->as<graph::node::ToString>() != nullptr);
    CHECK(f.expr()->as<graph::node::ToString>()->value->type == Type::Float);
    const Value<String> b = to_string(Value<Bool>(true));
    CHECK(b.expr()->as<graph::node::ToString>()->value->type == Type::Bool);

    const Value<String> joined = concat("epochs=", to_string(n));
    const auto* cat = joined.expr()->as<graph::node::Concat>();
    REQUIRE(cat != nullptr);
    CHECK(cat->parts[1]->as<graph::node::ToString>() != nullptr);
}

// --- placeholders and outputs --------------------------------------------------------------------

TEST_CASE("input_value, input_path and output_path build String placeholder nodes", "[value]") {
    const Value<String> iv = input_value("msg");
    const Value<String> ip = input_path("data");
    const Value<String> op = output_path("out");
    CHECK(iv.expr()->type == Type::String);
    CHECK(ip.expr()->type == Type::String);
    CHECK(op.expr()->type == Type::String);
    REQUIRE(iv.expr()->as<graph::node::InputValue>() != nullptr);
    REQUIRE(ip.expr()->as<graph::node::InputPath>() != nullptr);
    REQUIRE(op.expr()->as<graph::node::OutputPath>() != nullptr);
    CHECK(iv.expr()->as<graph::node::InputValue>()->input == "msg");
    CHECK(ip.expr()->as<graph::node::InputPath>()->input == "data");
    CHECK(op.expr()->as<graph::node::OutputPath>()->output == "out");
    // Placeholders are not literals of the same text.
    CHECK(iv.expr()->as<graph::node::Literal>() == nullptr);
}

TEST_CASE("placeholders go into a component's command in order", "[value]") {
    const auto c = Component("c").image("i").input<String>("msg").output<Dataset>("out").command(
        {"echo", input_value("msg"), concat("--out=", output_path("out"))});
    const auto& cmd = c.spec()->command;
    REQUIRE(cmd.size() == 3);
    CHECK(cmd[0]->as<graph::node::Literal>()->value.as_string() == "echo");
    CHECK(cmd[1]->as<graph::node::InputValue>()->input == "msg");
    CHECK(cmd[2]->as<graph::node::Concat>() != nullptr);
}

TEST_CASE("Task::output builds a TaskOutput of the requested type for this pipeline", "[value]") {
    Pipeline p("p");
    const auto c = test::component("c").output<Model>("m");
    Task t = p.add(c);
    const Value<Model> m = t.output<Model>("m");
    CHECK(m.expr()->type == Type::Model);
    const auto* o = m.expr()->as<graph::node::TaskOutput>();
    REQUIRE(o != nullptr);
    CHECK(o->output == "m");
    CHECK(o->task == t.id());
    CHECK(o->owner == p.graph().id);
}

TEST_CASE("a parameter is a Param node with its type, and its default is recorded", "[value]") {
    Pipeline p("p");
    const auto n = p.param<Int>("n", 5);
    CHECK(n.expr()->type == Type::Int);
    REQUIRE(n.expr()->as<graph::node::Param>() != nullptr);
    CHECK(n.expr()->as<graph::node::Param>()->name == "n");
    REQUIRE(p.graph().params.size() == 1);
    REQUIRE(p.graph().params[0].default_value.has_value());
    CHECK(p.graph().params[0].default_value->kind() == Kind::Int);
    CHECK(p.graph().params[0].default_value->as_int() == 5);
    CHECK(p.graph().params[0].type == Type::Int);
}

TEST_CASE("a parameter default or component input default must be a literal", "[value]") {
    Pipeline p("p");
    const auto a = p.param<String>("a");
    auto e = test::error_of([&] { p.param<String>("b", concat(a, "x")); });
    REQUIRE(e);
    CHECK_THAT(e->what(), Catch::Contains("parameter 'b'") && Catch::Contains("must be a literal"));

    auto e2 = test::error_of([&] { Component("c").input<String>("x", input_value("y")); });
    REQUIRE(e2);
    CHECK_THAT(e2->what(), Catch::Contains("input 'x'") && Catch::Contains("component 'c'") &&
                               Catch::Contains("must be a literal"));
}

// --- JSON literals -------------------------------------------------------------------------------

TEST_CASE("a List literal from a JSON array keeps items and their kinds", "[value]") {
    const Value<List> l = nlohmann::json::array({1, 2.5, "x", true, nullptr, nlohmann::json::array({3})});
    CHECK(l.expr()->type == Type::List);
    const doc::Node& v = literal_value(l);
    REQUIRE(v.kind() == Kind::Seq);
    REQUIRE(v.size() == 6);
    CHECK(v.items()[0].kind() == Kind::Int);
    CHECK(v.items()[0].as_int() == 1);
    CHECK(v.items()[1].kind() == Kind::Float);
    CHECK(v.items()[1].as_float() == 2.5);
    CHECK(v.items()[2].kind() == Kind::String);
    CHECK(v.items()[2].as_string() == "x");
    CHECK(v.items()[3].kind() == Kind::Bool);
    CHECK(v.items()[3].as_bool());
    CHECK(v.items()[4].kind() == Kind::Null);
    REQUIRE(v.items()[5].kind() == Kind::Seq);
    CHECK(v.items()[5].items()[0].as_int() == 3);
    const Value<List> empty = nlohmann::json::array();
    CHECK(literal_value(empty).kind() == Kind::Seq);
    CHECK(literal_value(empty).empty());
}

TEST_CASE("a Struct literal from a JSON object keeps keys and nested values", "[value]") {
    const Value<Struct> s = nlohmann::json{{"lr", 0.1}, {"layers", {64, 32}}, {"name", "m"}};
    CHECK(s.expr()->type == Type::Struct);
    const doc::Node& v = literal_value(s);
    REQUIRE(v.kind() == Kind::Map);
    REQUIRE(v.size() == 3);
    REQUIRE(v.find("lr") != nullptr);
    CHECK(v.find("lr")->as_float() == 0.1);
    REQUIRE(v.find("layers") != nullptr);
    REQUIRE(v.find("layers")->kind() == Kind::Seq);
    CHECK(v.find("layers")->items()[1].as_int() == 32);
    CHECK(v.find("name")->as_string() == "m");
    CHECK(v.find("missing") == nullptr);
}

// A new user's grid, built with nlohmann::json, was an ambiguous-overload compile error in `.arg`.
static_assert(requires(Task t, const nlohmann::json& j) { t.arg("configs", j); });

TEST_CASE("Task::arg takes a JSON literal of each kind, typed as its input would be", "[value]") {
    const auto c = test::component("c")
                       .input<List>("configs")
                       .input<Struct>("config")
                       .input<Float>("lr")
                       .input<Int>("n")
                       .input<String>("s")
                       .input<Bool>("b");
    const nlohmann::json grid = nlohmann::json::array({{{"lr", 0.1}}, {{"lr", 0.01}}});
    Pipeline with_json("p");
    with_json.add(c)
        .arg("configs", grid)
        .arg("config", grid[0])
        .arg("lr", nlohmann::json::parse("1"))  // parsed, so unsigned; a Float input takes it
        .arg("n", nlohmann::json(7))
        .arg("s", nlohmann::json("x"))
        .arg("b", nlohmann::json(true));
    Pipeline with_values("p");
    with_values.add(c)
        .arg("configs", Value<List>(grid))
        .arg("config", Value<Struct>(grid[0]))
        .arg("lr", 1)
        .arg("n", 7)
        .arg("s", "x")
        .arg("b", true);
    for (const Engine engine : {Engine::kfp(), Engine::argo()}) {
        CHECK(compile(with_json, {.engine = engine}) == compile(with_values, {.engine = engine}));
    }
    const YAML::Node params = test::kfp_spec(with_json)["root"]["dag"]["tasks"]["c"]["inputs"]["parameters"];
    CHECK(params["configs"]["runtimeValue"]["constant"][1]["lr"].as<double>() == 0.01);

    Pipeline q("q");
    const auto err = test::error_of([&] { q.add(c, "t").arg("s", nlohmann::json(nullptr)); });
    REQUIRE(err);
    CHECK(err->where().task == "t");
    CHECK(err->where().input == "s");
    CHECK_THAT(err->message(), Catch::Contains("JSON literal null is not a List, Struct"));
}

TEST_CASE("a List or Struct literal of the wrong JSON kind is an Error", "[value]") {
    CHECK_THROWS_AS(Value<List>(nlohmann::json::object()), Error);
    CHECK_THROWS_WITH(Value<List>(nlohmann::json::object()), Catch::Contains("List") && Catch::Contains("JSON array"));
    CHECK_THROWS_WITH(Value<List>(nlohmann::json("text")), Catch::Contains("JSON array"));
    CHECK_THROWS_WITH(Value<List>(nlohmann::json(3)), Catch::Contains("JSON array"));
    CHECK_THROWS_AS(Value<Struct>(nlohmann::json::array({1})), Error);
    CHECK_THROWS_WITH(Value<Struct>(nlohmann::json::array({1})),
                      Catch::Contains("Struct") && Catch::Contains("JSON object"));
    CHECK_THROWS_WITH(Value<Struct>(nlohmann::json(nullptr)), Catch::Contains("JSON object"));
}

TEST_CASE("JSON literals reject non-finite numbers and integers beyond int64", "[value]") {
    CHECK_THROWS_WITH(Value<List>(nlohmann::json::array({std::nan("")})), Catch::Contains("finite"));
    CHECK_THROWS_WITH(Value<Struct>(nlohmann::json{{"x", std::numeric_limits<double>::infinity()}}),
                      Catch::Contains("finite"));
    const auto too_large = static_cast<unsigned long long>(std::numeric_limits<long long>::max()) + 1;
    CHECK_THROWS_WITH(Value<List>(nlohmann::json::array({too_large})), Catch::Contains("too large"));
    const auto max = static_cast<unsigned long long>(std::numeric_limits<long long>::max());
    const Value<List> ok = nlohmann::json::array({max});
    CHECK(literal_value(ok).items()[0].as_int() == std::numeric_limits<long long>::max());
}

TEST_CASE("Values are immutable handles: copies share the expression", "[value]") {
    const Value<String> a = "x";
    const Value<String> b = a;
    CHECK(a.expr() == b.expr());
    const Value<String> c = concat(a, b);
    // Building on a value does not change it.
    CHECK(a.expr()->as<graph::node::Literal>() != nullptr);
    CHECK(c.expr()->as<graph::node::Concat>()->parts[0] == a.expr());
}

template <class C>
concept string_default_from_literal = requires(C c) { c.template input<String>("mode", "fast"); };

TEST_CASE("a String input's default can be written as a string literal", "[value]") {
    // Regression: input<String>(name, "fast") was once ambiguous with input(name, description),
    // and a std::string second argument silently became the description.
    CHECK(string_default_from_literal<Component>);
    const auto c = Component("c").input<String>("mode", std::string("fast"));
    REQUIRE(c.spec()->inputs.size() == 1);
    CHECK(c.spec()->inputs[0].default_value.has_value());
    CHECK(c.spec()->inputs[0].description.empty());
}

}  // namespace value_test
