#include "pipecc/dsl/value.hpp"

#include <cmath>

namespace pipecc {
namespace detail {

graph::ExprPtr literal(doc::Node value, graph::Type type) {
    return graph::make_expr(type, graph::node::Literal{std::move(value)});
}

double finite(double v) {
    if (!std::isfinite(v)) throw Error("a Float literal must be finite, not " + std::string(std::isnan(v) ? "NaN" : "infinity"));
    return v;
}

namespace {
// A zoned timestamp wraps its base time in a FormatTime without a format.
graph::ExprPtr base_time(const graph::ExprPtr& e) {
    auto* f = e->as<graph::node::FormatTime>();
    return f ? f->time : e;
}
std::string zone_of(const graph::ExprPtr& e) {
    auto* f = e->as<graph::node::FormatTime>();
    return f ? f->zone : std::string();
}
}  // namespace

graph::ExprPtr zoned_expr(const graph::ExprPtr& time, std::string zone) {
    return graph::make_expr(graph::Type::Timestamp, graph::node::FormatTime{base_time(time), {}, std::move(zone)});
}

graph::ExprPtr formatted_expr(const graph::ExprPtr& time, std::string strftime) {
    return graph::make_expr(graph::Type::String,
                            graph::node::FormatTime{base_time(time), std::move(strftime), zone_of(time)});
}

graph::ExprPtr field_expr(graph::ExprPtr value, std::string name, graph::Type type) {
    return graph::make_expr(type, graph::node::Field{std::move(value), std::move(name)});
}

graph::ExprPtr concat_expr(std::vector<graph::ExprPtr> parts) {
    return graph::make_expr(graph::Type::String, graph::node::Concat{std::move(parts)});
}

graph::ExprPtr to_string_expr(graph::ExprPtr value) {
    return graph::make_expr(graph::Type::String, graph::node::ToString{std::move(value)});
}

graph::ExprPtr collected_expr(graph::ExprPtr value, graph::Type type) {
    return graph::make_expr(type, graph::node::Collected{std::move(value)});
}

graph::ExprPtr one_of_expr(std::vector<graph::ExprPtr> values, graph::Type type) {
    return graph::make_expr(type, graph::node::OneOf{std::move(values)});
}

}  // namespace detail

namespace {
Value<String> placeholder(graph::Expr::Node node) {
    return Value<String>(graph::make_expr(graph::Type::String, std::move(node)));
}
}  // namespace

Value<String> input_value(std::string name) { return placeholder(graph::node::InputValue{std::move(name)}); }
Value<String> input_path(std::string name) { return placeholder(graph::node::InputPath{std::move(name)}); }
Value<String> output_path(std::string name) { return placeholder(graph::node::OutputPath{std::move(name)}); }

}  // namespace pipecc
