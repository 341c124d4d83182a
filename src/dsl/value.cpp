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

doc::Node to_node(const nlohmann::json& j) {
    switch (j.type()) {
        case nlohmann::json::value_t::null: return doc::Node();
        case nlohmann::json::value_t::boolean: return doc::Node(j.get<bool>());
        case nlohmann::json::value_t::number_integer: return doc::Node(j.get<long long>());
        case nlohmann::json::value_t::number_unsigned: {
            const auto u = j.get<unsigned long long>();
            if (u > static_cast<unsigned long long>(INT64_MAX)) throw Error("integer literal is too large");
            return doc::Node(static_cast<long long>(u));
        }
        case nlohmann::json::value_t::number_float: {
            const double d = j.get<double>();
            if (!std::isfinite(d)) throw Error("a literal number must be finite");
            return doc::Node(d);
        }
        case nlohmann::json::value_t::string: return doc::Node(j.get<std::string>());
        case nlohmann::json::value_t::array: {
            doc::Node out = doc::Node::seq();
            for (const auto& item : j) out.push(to_node(item));
            return out;
        }
        case nlohmann::json::value_t::object: {
            doc::Node out = doc::Node::map();
            for (const auto& [key, item] : j.items()) out.set(key, to_node(item));
            return out;
        }
        default: throw Error("binary values cannot be pipeline literals");
    }
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
