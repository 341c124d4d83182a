#include "pipecc/dsl/json.hpp"

#include <cmath>

#include "pipecc/error.hpp"

namespace pipecc {

Json::Json(std::initializer_list<std::pair<std::string, Json>> members) : node_(doc::Node::map()) {
    for (const auto& [key, value] : members) set(key, value);
}

Json Json::array(std::initializer_list<Json> items) {
    Json out;
    out.node_ = doc::Node::seq();
    for (const Json& item : items) out.push(item);
    return out;
}

Json Json::object(std::initializer_list<std::pair<std::string, Json>> members) {
    return Json(members);
}

Json& Json::push(Json item) {
    if (!is_array()) throw Error("Json::push needs an array (make one with Json::array)");
    node_.push(std::move(item.node_));
    return *this;
}

Json& Json::set(std::string key, Json value) {
    if (!is_object()) throw Error("Json::set needs an object (make one with Json::object)");
    if (node_.find(key)) throw Error("the JSON object has key \"" + key + "\" twice");
    node_.set(std::move(key), std::move(value.node_));
    return *this;
}

void Json::int_out_of_range(unsigned long long value) {
    throw Error("integer literal " + std::to_string(value) + " is too large for a 64-bit signed integer");
}

void Json::not_a_literal(const std::string& what) {
    throw Error("a JSON " + what + " value cannot be a pipeline literal");
}

double Json::finite(double d) {
    if (!std::isfinite(d)) throw Error(std::string("a JSON number must be finite, not ") + (std::isnan(d) ? "NaN" : "infinity"));
    return d;
}

}  // namespace pipecc
