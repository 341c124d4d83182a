#pragma once
// Private to src/graph: what the check passes of passes.cpp and scope_checks.cpp share, the
// places their errors name and the literal-text rules, and the scope pass itself.

#include <functional>
#include <string>
#include <string_view>

#include "pipecc/error.hpp"
#include "pipecc/graph/graph.hpp"

namespace pipecc::graph {

/// A check's failure: an Error for `message`, with its place already bound.
using Fail = std::function<Error(const std::string&)>;

Where at_pipeline(const Graph& g);
Where at_task(const Graph& g, const Task& t, std::string input = {});

/// Literal text an engine would misread: '{{' (also when two literal pieces of a concat make it),
/// bytes that are not UTF-8, NUL.
void check_text(const std::string& text, const Fail& fail);
void check_literal(const doc::Node& v, const Fail& fail);
void reject_braces(const Expr& e, const Fail& fail);

/// A port or field name: letters, digits, '_' and '-', starting with a letter or '_'.
bool valid_port_name(std::string_view n);

/// An error in a group's condition names the pipeline and quotes the condition.
Error condition_error(const Graph& g, const Group& group, const std::string& message);
/// An error in a pipeline output names the pipeline and the output.
Error output_error(const Graph& g, const Output& o, const std::string& message);
/// An error in a loop names the pipeline and what the loop iterates.
Error loop_error(const Graph& g, const Group& group, const std::string& message);

/// The `scopes` pass: what each value may read where, loops, conditions, one_of and collected.
void check_scopes(Graph& g);

}  // namespace pipecc::graph
