#pragma once
/// Backend-neutral expressions: the values that flow into tasks and component command lines.
///
/// An `ExprPtr` is an immutable, shared expression tree. The DSL's `Value<T>` is a typed handle to
/// one; each backend renders the same tree in its engine's syntax.

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "pipecc/emit/document.hpp"
#include "pipecc/graph/types.hpp"

namespace pipecc::graph {

struct Expr;
/// A shared, immutable expression tree.
using ExprPtr = std::shared_ptr<const Expr>;
/// A task's index in `Graph::tasks`.
using TaskId = std::uint32_t;
/// A group's index in `Graph::groups`; 0 is the pipeline's body.
using GroupId = std::uint32_t;

/// Values that only exist once a run happens, resolved by the engine.
enum class RunField : std::uint8_t {
    CreatedAt,    ///< Timestamp: when the run was created
    ScheduledAt,  ///< Timestamp: the scheduled time, or the creation time for manual runs
    RunName,      ///< String: the run's name
    RunId,        ///< String: the run's unique id
    TaskName,     ///< String: the name of the task that receives the value
    Status,       ///< String: Succeeded, Failed, Error or Cancelled (hook tasks only)
    Failures,     ///< String: JSON list of the failed steps (Argo hook tasks only)
};

/// The user-facing name of a run value, e.g. "run::created_at()".
std::string_view run_field_name(RunField f);

namespace node {
/// A constant. Its `doc::Node` holds the typed value (string, int, float, bool, list, map).
struct Literal {
    doc::Node value;
};
/// A pipeline parameter, by name. `owner` identifies the graph that declared it.
struct Param {
    const void* owner;
    std::string name;
};
/// An output of a task in the same graph.
struct TaskOutput {
    const void* owner;
    TaskId task;
    std::string output;
};
/// Component placeholder: the value of one of the component's inputs.
struct InputValue {
    std::string input;
};
/// Component placeholder: the local path of an input artifact.
struct InputPath {
    std::string input;
};
/// Component placeholder: where the container writes an output parameter or artifact.
struct OutputPath {
    std::string output;
};
/// String concatenation of the parts (each rendered as text).
struct Concat {
    std::vector<ExprPtr> parts;
};
/// An explicit conversion of a scalar to its text form.
struct ToString {
    ExprPtr value;
};
/// A value known only at run time.
struct Run {
    RunField field;
};
/// A Timestamp formatted with strftime `format` in IANA time zone `zone` ("UTC" if empty).
struct FormatTime {
    ExprPtr time;
    std::string format;
    std::string zone;
};
/// Component placeholder (a whole command-line item, never part of a concatenation): expands to
/// `then_args` when the task binds input `input` or the input has a default, else to
/// `else_args`; either may be empty or hold several items. KFP resolves it at run time
/// (`{"IfPresent": ...}`); Argo per task at compile time, as KFP v1 did.
struct IfPresent {
    std::string input;
    std::vector<ExprPtr> then_args;
    std::vector<ExprPtr> else_args;
};
/// How `Compare` compares its operands.
enum class CompareOp : std::uint8_t { Eq, Ne, Lt, Le, Gt, Ge };
/// A Bool: two scalar values of the same type compared by the engine at run time.
struct Compare {
    CompareOp op;
    ExprPtr lhs;
    ExprPtr rhs;
};
/// The current item of ParallelFor group `loop` (its type is the item type).
struct LoopItem {
    const void* owner;
    GroupId loop;
};
/// Field `name` of a Struct value (a loop item).
struct Field {
    ExprPtr value;
    std::string name;
};
/// A List of the values `value` (an output of a task inside a ParallelFor) took in every
/// iteration of the innermost loop around its task, for a task after that loop.
struct Collected {
    ExprPtr value;
};
/// The value of whichever branch of an If/Elif/Else ran: one output of a task in each branch,
/// in branch order, for a task after the branches.
struct OneOf {
    std::vector<ExprPtr> values;
};
/// How `Logic` combines its operands; `Not` uses only `lhs`.
enum class LogicOp : std::uint8_t { And, Or, Not };
/// A Bool: conditions combined with `&&`, `||` or `!`.
struct Logic {
    LogicOp op;
    ExprPtr lhs;
    ExprPtr rhs;  ///< null for Not
};
}  // namespace node

/// One expression node: its result type and what it is.
struct Expr {
    using Node = std::variant<node::Literal, node::Param, node::TaskOutput, node::InputValue,
                              node::InputPath, node::OutputPath, node::Concat, node::ToString,
                              node::Run, node::FormatTime, node::IfPresent, node::Compare, node::Logic,
                              node::LoopItem, node::Field, node::Collected, node::OneOf>;
    Type type;
    Node node;

    template <class N>
    const N* as() const {
        return std::get_if<N>(&node);
    }
};

/// Builds an expression node.
///
/// @code
/// ExprPtr e = make_expr(Type::String, node::InputValue{"message"});
/// @endcode
ExprPtr make_expr(Type type, Expr::Node node);

/// Calls `fn(const Expr&)` on each expression directly below `e`.
template <class Fn>
void for_each_child(const Expr& e, Fn&& fn) {
    if (auto* c = e.as<node::Concat>()) {
        for (const auto& part : c->parts) fn(*part);
    } else if (auto* s = e.as<node::ToString>()) {
        fn(*s->value);
    } else if (auto* f = e.as<node::FormatTime>()) {
        fn(*f->time);
    } else if (auto* i = e.as<node::IfPresent>()) {
        for (const auto& arg : i->then_args) fn(*arg);
        for (const auto& arg : i->else_args) fn(*arg);
    } else if (auto* c = e.as<node::Compare>()) {
        fn(*c->lhs);
        fn(*c->rhs);
    } else if (auto* l = e.as<node::Logic>()) {
        fn(*l->lhs);
        if (l->rhs) fn(*l->rhs);
    } else if (auto* f = e.as<node::Field>()) {
        fn(*f->value);
    } else if (auto* c = e.as<node::Collected>()) {
        fn(*c->value);
    } else if (auto* o = e.as<node::OneOf>()) {
        for (const auto& v : o->values) fn(*v);
    }
}

/// Calls `fn(const Expr&)` on `e` and every expression below it, parents first. (Recursive: the
/// checks bound the depth of user expressions first.)
template <class Fn>
void for_each_node(const Expr& e, Fn&& fn) {
    fn(e);
    for_each_child(e, [&fn](const Expr& child) { for_each_node(child, fn); });
}

/// The operator as written in C++, CEL and Argo's `when`: "==", "<", ...
std::string_view compare_op_text(node::CompareOp op);

/// The text a scalar literal stands for when it is part of a string: strings as they are, other
/// scalars as JSON ("3", "2.5", "true"). Throws InternalError for lists and maps.
std::string scalar_text(const doc::Node& value);

/// A literal as one line for messages: `"text"`, `[1, 2]`, `{lr: 0.1}`.
std::string literal_debug_string(const doc::Node& value);

struct Graph;
/// A readable rendering for dumps and error messages, e.g. `concat("gs://", param(root))`. Given
/// the graph, task outputs show the task's name (`flip.Output`) rather than its id.
std::string to_debug_string(const Expr& e, const Graph* g = nullptr);

}  // namespace pipecc::graph
