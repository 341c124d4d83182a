#pragma once
/// `Component`: a reusable container step with typed inputs and outputs.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pipecc/dsl/value.hpp"
#include "pipecc/graph/graph.hpp"

namespace pipecc {

/// A container component: image, command, args, env, and typed ports. It is a value: copies are
/// cheap and independent, and a pipeline keeps the version it was given.
///
/// @code
/// const auto thanks = Component("thanks")
///     .image("gcr.io/acme/thanks@sha256:...")
///     .input<String>("message").input<String>("gcs-output-path")
///     .command({"python", "-m", "thanks"})
///     .args({"--message", input_value("message"), "--out", input_value("gcs-output-path")});
/// @endcode
class Component {
public:
    explicit Component(std::string name);

    /// Wraps a spec built elsewhere (for example by a component file loader).
    explicit Component(graph::Component spec);

    Component& description(std::string text);
    Component& image(std::string image);
    Component& command(std::vector<Value<String>> parts);
    Component& args(std::vector<Value<String>> parts);
    Component& env(std::string name, std::string value);

    /// A required input of type T.
    template <TypeTag T>
    Component& input(std::string name) {
        return add_input({.name = std::move(name), .type = T::type});
    }
    /// An input of type T with a default value (a literal).
    template <TypeTag T>
    Component& input(std::string name, const Value<T>& default_value) {
        return input<T>(std::move(name), PortSpec<T>{default_value, {}});
    }
    /// An input of type T with a default value and/or a description.
    template <TypeTag T>
    Component& input(std::string name, const PortSpec<T>& spec) {
        graph::Port port{.name = std::move(name), .type = T::type, .description = spec.description};
        if (spec.default_value) port.default_value = literal_of(spec.default_value->expr(), port.name);
        return add_input(std::move(port));
    }
    /// An input that tasks may leave unbound.
    template <TypeTag T>
    Component& optional_input(std::string name, std::string description = {}) {
        return add_input(
            {.name = std::move(name), .type = T::type, .optional = true, .description = std::move(description)});
    }
    /// An output of type T; the container writes it to `output_path(name)`. (Only the outputs of
    /// a loop, gathered with `collected()`, are lists of artifacts.)
    template <TypeTag T>
        requires(!graph::is_list(T::type))
    Component& output(std::string name, std::string description = {}) {
        return add_output({.name = std::move(name), .type = T::type, .description = std::move(description)});
    }

    const std::string& name() const { return spec_->name; }
    /// The spec as the graph sees it.
    std::shared_ptr<const graph::Component> spec() const { return spec_; }

private:
    Component& add_input(graph::Port port);
    Component& add_output(graph::Port port);
    graph::Component& mutable_spec();
    doc::Node literal_of(const graph::ExprPtr& e, const std::string& input) const;

    // Copy-on-write: copies of a Component share one spec until one of them changes it.
    std::shared_ptr<graph::Component> spec_;
};

}  // namespace pipecc
