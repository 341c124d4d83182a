#pragma once
/// Join steps: for KFP before 2.17, which can leave one of several placeholders in one value
/// unsubstituted, each input that joins several values gets them from one small task instead.

#include "pipecc/graph/graph.hpp"

namespace pipecc::graph {

/// How many placeholders the IR's runtime constant for `e` joins: each part of a string that is
/// not literal text becomes one `{{$.inputs.parameters['pipelinechannel--…']}}`.
///
/// @code
/// int placeholders = joined_placeholders(*concat_of_bucket_slash_day);  // 2
/// @endcode
int joined_placeholders(const Expr& e);

/// Whether any body task of `g` binds an input to a string that joins several placeholders.
bool needs_joins(const Graph& g);

/// Gives each body task input that joins several placeholders a join step: a task in the same
/// group that receives every part as an input's whole value (which every KFP resolves) and
/// writes the joined text to output `value`, which the input then reads. Refreshes the task
/// order. Hooks are left as they are: the checks refuse them (hooks cannot wait for a step).
///
/// @code
/// if (needs_joins(g)) insert_joins(g);
/// @endcode
void insert_joins(Graph& g);

}  // namespace pipecc::graph
