// hello: the smallest pipeline. One container step, compiled to both engines.
//
// Teaches: a Component (image + command), a Pipeline with one task, and PIPECC_MAIN, which turns
// this file into a compiler: `./hello --target kfp -o hello.kfp.yaml`.
#include <pipecc/pipecc.hpp>

using namespace pipecc;

Pipeline hello() {
    const auto say = Component("say-hello")
                         .image("alpine:3.20")
                         .command({"echo", "Hello from pipecc"});
    Pipeline p("hello");
    p.description("One container step that prints a greeting.");
    p.add(say);
    return p;
}

PIPECC_MAIN(hello)
