#include "pipecc/dsl/component.hpp"

namespace pipecc {

Component::Component(std::string name) : spec_(std::make_shared<graph::Component>()) {
    spec_->name = std::move(name);
}

Component::Component(graph::Component spec) : spec_(std::make_shared<graph::Component>(std::move(spec))) {}

graph::Component& Component::mutable_spec() {
    if (spec_.use_count() > 1) spec_ = std::make_shared<graph::Component>(*spec_);
    return *spec_;
}

Component& Component::description(std::string text) {
    mutable_spec().description = std::move(text);
    return *this;
}

Component& Component::image(std::string image) {
    mutable_spec().image = std::move(image);
    return *this;
}

namespace {
std::vector<graph::ExprPtr> exprs_of(std::vector<Value<String>> parts) {
    std::vector<graph::ExprPtr> out;
    out.reserve(parts.size());
    for (auto& p : parts) out.push_back(p.expr());
    return out;
}
}  // namespace

Component& Component::command(std::vector<Value<String>> parts) {
    mutable_spec().command = exprs_of(std::move(parts));
    return *this;
}

Component& Component::args(std::vector<Value<String>> parts) {
    mutable_spec().args = exprs_of(std::move(parts));
    return *this;
}

Component& Component::env(std::string name, std::string value) {
    mutable_spec().env.push_back({std::move(name), std::move(value)});
    return *this;
}

Component& Component::add_input(graph::Port port) {
    mutable_spec().inputs.push_back(std::move(port));
    return *this;
}

Component& Component::add_output(graph::Port port) {
    mutable_spec().outputs.push_back(std::move(port));
    return *this;
}

doc::Node Component::literal_of(const graph::ExprPtr& e, const std::string& input) const {
    if (auto* lit = e->as<graph::node::Literal>()) return lit->value;
    throw Error("the default value of input '" + input + "' of component '" + spec_->name +
                "' must be a literal, not " + graph::to_debug_string(*e));
}

}  // namespace pipecc
