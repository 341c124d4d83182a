#pragma once
/// A one-task pipeline around a component loaded from a file, for the tests and fuzz targets that
/// compile every component they load: each input bound to a literal of its type, or to an
/// output of a producer task for artifacts.

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "pipecc/graph/passes.hpp"
#include "pipecc/pipecc.hpp"

namespace pipecc::test {

/// The DSL declares no tag for this artifact type; loaded components may use it.
struct SlicedClassificationMetrics {
    static constexpr graph::Type type = graph::Type::SlicedClassificationMetrics;
};

/// One task producing an artifact of type T, shared by every input of that type.
template <TypeTag T>
Value<T> produced(Pipeline& p, std::map<graph::Type, Task>& producers) {
    auto it = producers.find(T::type);
    if (it == producers.end()) {
        const std::string name = "produce-" + graph::sanitize_k8s_name(std::string(graph::type_name(T::type)));
        const Component c = Component(name).image("alpine:3.20").template output<T>("out").command(
            {"sh", "-c", "mkdir -p \"$(dirname \"$0\")\" && echo data > \"$0\"", output_path("out")});
        it = producers.emplace(T::type, p.add(c)).first;
    }
    return it->second.template output<T>("out");
}

/// Binds `port` of task `t` to a value of its type.
inline void bind_any(Pipeline& p, Task& t, const graph::Port& port, std::map<graph::Type, Task>& producers) {
    using graph::Type;
    const std::string& n = port.name;
    switch (port.type) {
        case Type::String: t.arg(n, "text"); break;
        case Type::Int: t.arg(n, 1); break;
        case Type::Float: t.arg(n, 1.5); break;
        case Type::Bool: t.arg(n, true); break;
        case Type::List: t.arg(n, Value<List>(nlohmann::json::array({"a", 1}))); break;
        case Type::Struct: t.arg(n, Value<Struct>(nlohmann::json::object({{"k", "v"}}))); break;
        case Type::Timestamp: t.arg(n, run::created_at()); break;
        case Type::Artifact: t.arg(n, produced<Artifact>(p, producers)); break;
        case Type::Dataset: t.arg(n, produced<Dataset>(p, producers)); break;
        case Type::Model: t.arg(n, produced<Model>(p, producers)); break;
        case Type::Metrics: t.arg(n, produced<Metrics>(p, producers)); break;
        case Type::ClassificationMetrics: t.arg(n, produced<ClassificationMetrics>(p, producers)); break;
        case Type::SlicedClassificationMetrics: t.arg(n, produced<SlicedClassificationMetrics>(p, producers)); break;
        case Type::HTML: t.arg(n, produced<HTML>(p, producers)); break;
        case Type::Markdown: t.arg(n, produced<Markdown>(p, producers)); break;
    }
}

/// A pipeline named `name` that runs `c` as task "component", with its required inputs bound,
/// or all of them with `all_inputs`.
///
/// @code
/// const std::string ir = compile(one_task_pipeline(load_component("c.yaml"), "p"), {});
/// @endcode
inline Pipeline one_task_pipeline(const Component& c, const std::string& name, bool all_inputs = false) {
    Pipeline p(name);
    std::map<graph::Type, Task> producers;
    Task t = p.add(c, "component");
    for (const auto& in : c.spec()->inputs) {
        if (all_inputs || in.required()) bind_any(p, t, in, producers);
    }
    return p;
}

}  // namespace pipecc::test
