#include "pipecc/dsl/condition.hpp"

namespace pipecc {

using graph::make_expr;
using graph::Type;
namespace node = graph::node;

Condition::Condition(const Value<Bool>& flag)
    : expr_(make_expr(Type::Bool, node::Compare{node::CompareOp::Eq, flag.expr(), Value<Bool>(true).expr()})) {}

Condition Condition::from_expr(graph::ExprPtr e) {
    if (!e || e->type != Type::Bool || !(e->as<node::Compare>() || e->as<node::Logic>())) {
        throw InternalError("a Condition built from an expression that is not a comparison");
    }
    return Condition(std::move(e));
}

Condition operator&&(const Condition& a, const Condition& b) {
    return Condition::from_expr(make_expr(Type::Bool, node::Logic{node::LogicOp::And, a.expr(), b.expr()}));
}
Condition operator||(const Condition& a, const Condition& b) {
    return Condition::from_expr(make_expr(Type::Bool, node::Logic{node::LogicOp::Or, a.expr(), b.expr()}));
}
Condition operator!(const Condition& c) {
    return Condition::from_expr(make_expr(Type::Bool, node::Logic{node::LogicOp::Not, c.expr(), nullptr}));
}

namespace detail {
Condition compare(node::CompareOp op, const graph::ExprPtr& lhs, const graph::ExprPtr& rhs) {
    return Condition::from_expr(make_expr(Type::Bool, node::Compare{op, lhs, rhs}));
}
}  // namespace detail

}  // namespace pipecc
