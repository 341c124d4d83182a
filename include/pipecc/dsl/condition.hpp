#pragma once
/// `Condition`: a test on run-time values that the engine evaluates, for `Pipeline::If`.

#include <concepts>
#include <type_traits>

#include "pipecc/dsl/value.hpp"

namespace pipecc {

/// A run-time test of typed values: comparisons (`==`, `!=`, `<`, `<=`, `>`, `>=`) of two String,
/// Int, Float or Bool values, combined with `&&`, `||` and `!`. Neither side is known while the
/// pipeline compiles, so it is an expression the engine evaluates (KFP: CEL; Argo: `when`).
///
/// @code
/// Value<String> coin = flip.output<String>("Output");
/// p.If(coin == "heads" && epochs > 3, [&] { p.add(train); });
/// @endcode
class Condition {
public:
    /// A Bool value as a condition: true when it is true.
    Condition(const Value<Bool>& flag);

    /// The Bool expression tree (Compare and Logic nodes).
    const graph::ExprPtr& expr() const { return expr_; }

    /// Wraps a Bool expression of Compare and Logic nodes (the DSL's own use).
    static Condition from_expr(graph::ExprPtr e);

private:
    explicit Condition(graph::ExprPtr e) : expr_(std::move(e)) {}
    graph::ExprPtr expr_;
};

/// Both conditions hold.
Condition operator&&(const Condition& a, const Condition& b);
/// Either condition holds.
Condition operator||(const Condition& a, const Condition& b);
/// The condition does not hold.
Condition operator!(const Condition& c);

namespace detail {
Condition compare(graph::node::CompareOp op, const graph::ExprPtr& lhs, const graph::ExprPtr& rhs);

template <class T>
concept Comparable = std::same_as<T, String> || std::same_as<T, Int> || std::same_as<T, Float> ||
                     std::same_as<T, Bool>;
template <class T>
concept Ordered = std::same_as<T, String> || std::same_as<T, Int> || std::same_as<T, Float>;

template <class L>
concept NotValue = !requires { typename std::remove_cvref_t<L>::type_tag; };
}  // namespace detail

// One side may be a literal (`coin == "heads"`, `3 < n`); its type comes from the other side.
// Both overloads take the other side as written, so C++20's reversed candidates never win.
#define PIPECC_COMPARISON(OP, NAME, CONCEPT)                                                      \
    template <TypeTag T, class R>                                                                   \
        requires(detail::CONCEPT<T> && std::convertible_to<const R&, Value<T>>)                     \
    Condition operator OP(const Value<T>& a, const R& b) {                                          \
        return detail::compare(graph::node::CompareOp::NAME, a.expr(), Value<T>(b).expr());         \
    }                                                                                               \
    template <class L, TypeTag T>                                                                   \
        requires(detail::CONCEPT<T> && detail::NotValue<L> && std::convertible_to<const L&, Value<T>>) \
    Condition operator OP(const L& a, const Value<T>& b) {                                          \
        return detail::compare(graph::node::CompareOp::NAME, Value<T>(a).expr(), b.expr());         \
    }

/// Comparisons of two values of one type, or of a value and a literal, as Conditions.
///
/// @code
/// Condition heads = flip.output<String>("Output") == "heads";
/// Condition big = count.output<Int>("n") >= 1000;
/// @endcode
PIPECC_COMPARISON(==, Eq, Comparable)
PIPECC_COMPARISON(!=, Ne, Comparable)
PIPECC_COMPARISON(<, Lt, Ordered)
PIPECC_COMPARISON(<=, Le, Ordered)
PIPECC_COMPARISON(>, Gt, Ordered)
PIPECC_COMPARISON(>=, Ge, Ordered)
#undef PIPECC_COMPARISON

}  // namespace pipecc
