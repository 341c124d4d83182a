// Fuzzes the component YAML loader with arbitrary bytes. A pipecc::Error is the accepted way to
// refuse an input; any other exception, a crash, a sanitizer report or a hang is a bug. A file
// that loads is also exported and compiled in a one-task pipeline to both targets, so the
// emitters see every component shape the loader lets through.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "pipecc/dsl/export_component.hpp"
#include "pipecc/dsl/load_component.hpp"
#include "pipecc/pipecc.hpp"

namespace {

using namespace pipecc;

// The DSL declares no tag for this artifact type; loaded components may use it.
struct SlicedClassificationMetrics {
    static constexpr graph::Type type = graph::Type::SlicedClassificationMetrics;
};

// One task producing an artifact of type T, shared by every input of that type.
template <TypeTag T>
Value<T> produced(Pipeline& p, std::map<graph::Type, Task>& producers) {
    auto it = producers.find(T::type);
    if (it == producers.end()) {
        const Component c = Component("produce-" + std::to_string(producers.size()))
                                .image("alpine:3.20")
                                .template output<T>("out")
                                .command({"sh", "-c", "echo data > \"$0\"", output_path("out")});
        it = producers.emplace(T::type, p.add(c)).first;
    }
    return it->second.template output<T>("out");
}

void bind(Pipeline& p, Task& t, const graph::Port& port, std::map<graph::Type, Task>& producers) {
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

void compile_both(const Component& c) {
    Pipeline p("fuzz");
    std::map<graph::Type, Task> producers;
    Task t = p.add(c, "component");
    for (const auto& in : c.spec()->inputs) {
        if (in.required()) bind(p, t, in, producers);
    }
    (void)compile(p, {.target = Target::Kfp});
    (void)compile(p, {.target = Target::Argo});
    (void)compile(p, {.target = Target::Argo, .argo_version = {3, 1, 0}});
}

// A component that loads and exports reads back from its export as itself.
void check_export(const Component& c) {
    std::string exported;
    try {
        exported = export_component(c);
    } catch (const Error&) {
        return;  // a component may load and still fail pipecc's checks
    }
    if (export_component(load_component_text(exported, "exported.yaml")) != exported) {
        std::cerr << "the export does not read back as itself:\n" << exported << '\n';
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        std::optional<Component> c;
        try {
            c = load_component_text(text, "fuzz.yaml");
        } catch (const Error&) {
            return 0;
        }
        check_export(*c);
        try {
            compile_both(*c);
        } catch (const Error&) {
            // Accepted, e.g. a name the pipeline checks refuse.
        }
    } catch (const Error& e) {
        std::cerr << "the export does not load: " << e.what() << '\n';
        std::abort();
    } catch (const std::exception& e) {
        std::cerr << "an exception other than pipecc::Error: " << e.what() << '\n';
        std::abort();
    }
    return 0;
}
