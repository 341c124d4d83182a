#pragma once
/// pipecc: typed ML pipelines in C++, compiled to KFP v2 IR and Argo Workflows.
/// The one header a pipeline program includes.
///
/// @code
/// #include <pipecc/pipecc.hpp>
/// using namespace pipecc;
/// Pipeline hello() {
///     Pipeline p("hello");
///     p.add(Component("say").image("alpine:3.20").command({"echo", "hello"}));
///     return p;
/// }
/// PIPECC_MAIN(hello)
/// @endcode

#include "pipecc/compile.hpp"
#include "pipecc/dsl/component.hpp"
#include "pipecc/dsl/condition.hpp"
#include "pipecc/dsl/export_component.hpp"
#include "pipecc/dsl/load_component.hpp"
#include "pipecc/dsl/pipeline.hpp"
#include "pipecc/dsl/run.hpp"
#include "pipecc/dsl/value.hpp"
#include "pipecc/error.hpp"
#include "pipecc/lint.hpp"
#include "pipecc/main.hpp"
