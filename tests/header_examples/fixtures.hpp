#pragma once
// The names that the `@code` blocks of include/pipecc/ use without declaring them: the pipeline,
// components, tasks and values that the surrounding prose talks about. The blocks are short on
// purpose, so tests/tools/header_examples.py compiles them after these declarations instead of
// repeating a whole program in every comment. `extern` declarations need no constructor
// arguments, and -fsyntax-only no definitions.
//
// Add a name here only for something a reader of the block would already have; a variable that
// the example itself sets belongs in the block.

#include <chrono>    // for the retry and timeout blocks
#include <iostream>  // for the blocks that print with std::cout or std::cerr
#include <string>

#include "pipecc/backends/argo.hpp"
#include "pipecc/backends/kfp.hpp"
#include "pipecc/emit/document.hpp"
#include "pipecc/graph/graph.hpp"
#include "pipecc/pipecc.hpp"

namespace pipecc {

/// The pipeline being built.
extern Pipeline p;

/// Components the examples add to `p`.
extern Component train, thanks, cleanup, extract, predict_component, notify, notify_slack, report,
    log_step, pick_best, add_all, say, shout, celebrate, retry_flip, report_edge, big, medium,
    small, make_datasets, show, work, sweep;

/// Tasks already in `p`, which the examples set up or read outputs of (`task` also for
/// graph/pod_settings.hpp, whose block in pipecc::graph finds it here).
extern Task task, flip, count, init, prep, double_it;

/// Values: parameters, task outputs and loop items.
extern Value<Int> epochs;
extern Value<String> root, side;
extern Value<Float> score;      // a task's output inside a parallel_for
extern Value<List> shards, configs, regions;

/// A pipeline's graph after `check()`.
extern graph::Graph checked_graph;

}  // namespace pipecc

namespace pipecc::graph {

/// Graphs, checked (`check()`, `run_passes`) or being rewritten by a pass.
extern Graph g, checked;
/// One task of a graph.
extern Task t;
/// `concat(bucket, "/", day)` of two parameters.
extern ExprPtr concat_of_bucket_slash_day;

}  // namespace pipecc::graph

namespace pipecc::doc {

/// Document trees being built or written: `tasks` is a workflow's map of tasks, `task` one of
/// them under key `name`.
extern Node tree, tasks, task, a, b;
extern std::string name;

}  // namespace pipecc::doc

/// The factory a program's `main` passes to `run_main`.
pipecc::Pipeline my_pipeline();
