#pragma once
/// Conditions as text: both engines' expression languages (KFP's CEL, Argo's govaluate) share
/// C's operators, so only the operands differ per engine.

#include <string>

#include "pipecc/error.hpp"
#include "pipecc/graph/expr.hpp"

namespace pipecc::backends {

/// Appends condition `e` (Compare and Logic nodes) to `out`: `!(a)`, `a && b`, `a || b`, with
/// parentheses where `&&` and `||` meet, and `operand(out, value)` writing each compared value.
///
/// @code
/// append_condition(out, *group.condition, [&](std::string& o, const graph::Expr& v) { o += cel(v); });
/// @endcode
template <class Operand>
void append_condition(std::string& out, const graph::Expr& e, Operand&& operand) {
    namespace node = graph::node;
    if (auto* cmp = e.as<node::Compare>()) {
        operand(out, *cmp->lhs);
        out += ' ';
        out += graph::compare_op_text(cmp->op);
        out += ' ';
        operand(out, *cmp->rhs);
        return;
    }
    auto* logic = e.as<node::Logic>();
    if (!logic) throw InternalError("a condition that is not a comparison: " + graph::to_debug_string(e));
    auto part = [&](const graph::Expr& inner, bool parens) {
        if (parens) out += '(';
        append_condition(out, inner, operand);
        if (parens) out += ')';
    };
    if (logic->op == node::LogicOp::Not) {
        out += '!';
        part(*logic->lhs, true);
        return;
    }
    const node::LogicOp other = logic->op == node::LogicOp::And ? node::LogicOp::Or : node::LogicOp::And;
    auto is_other = [&](const graph::Expr& x) {
        auto* l = x.as<node::Logic>();
        return l && l->op == other;
    };
    part(*logic->lhs, is_other(*logic->lhs));
    out += logic->op == node::LogicOp::And ? " && " : " || ";
    part(*logic->rhs, is_other(*logic->rhs));
}

}  // namespace pipecc::backends
