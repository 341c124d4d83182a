// Fuzzes the component YAML loader with arbitrary bytes. A pipecc::Error is the accepted way to
// refuse an input; any other exception, a crash, a sanitizer report or a hang is a bug. A file
// that loads is also exported and compiled in a one-task pipeline to both targets, so the
// emitters see every component shape the loader lets through.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

#include "pipecc/dsl/export_component.hpp"
#include "pipecc/dsl/load_component.hpp"
#include "one_task_pipeline.hpp"
#include "pipecc/pipecc.hpp"

namespace {

using namespace pipecc;

void compile_both(const Component& c) {
    const Pipeline p = test::one_task_pipeline(c, "fuzz");
    (void)compile(p, {.engine = Engine::kfp()});
    (void)compile(p, {.engine = Engine::argo()});
    (void)compile(p, {.engine = Engine::kfp_v1()});
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
