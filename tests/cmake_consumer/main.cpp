// The smallest user program: one include, one pipeline, PIPECC_MAIN.
#include <pipecc/pipecc.hpp>

using namespace pipecc;

Pipeline consumer() {
    Pipeline p("consumer");
    p.add(Component("say").image("alpine:3.20").command({"echo", "hi"}));
    return p;
}

PIPECC_MAIN(consumer)
