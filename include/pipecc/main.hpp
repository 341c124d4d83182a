#pragma once
/// `PIPECC_MAIN`: makes a pipeline program its own compiler driver.

#include "pipecc/dsl/pipeline.hpp"

namespace pipecc {

/// Parses the command line and compiles the pipeline that `factory` builds:
/// `--engine NAME[@VERSION]` (or the shorthands `--target kfp|argo`, `--argo-version X.Y`), `--format yaml|json`, `-o FILE` (`-` or none: stdout), `--dump`
/// (the checked graph), `--graph dot|mermaid|svg` (a picture of the compiled pipeline), `--help`,
/// `--version`. Returns the process exit code: 0 on success, 1 for a pipeline error (printed to
/// stderr; the output file is left untouched), 2 for a bad command line.
///
/// @code
/// int main(int argc, char** argv) { return pipecc::run_main(argc, argv, my_pipeline); }
/// @endcode
int run_main(int argc, char** argv, FunctionRef<Pipeline()> factory);

}  // namespace pipecc

/// Defines `main` for a program whose pipeline `factory()` returns.
///
/// @code
/// Pipeline hello() {
///     Pipeline p("hello");
///     p.add(Component("say").image("alpine:3.20").command({"echo", "hello"}));
///     return p;
/// }
/// PIPECC_MAIN(hello)
/// @endcode
#define PIPECC_MAIN(factory) \
    int main(int argc, char** argv) { return ::pipecc::run_main(argc, argv, [] { return factory(); }); }
