#pragma once
/// `Value<T>`: a typed, immutable handle to an expression that an engine resolves at run time.

#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "pipecc/dsl/json.hpp"
#include "pipecc/error.hpp"
#include "pipecc/graph/expr.hpp"

namespace pipecc {

/// Type tags for `Value<T>`, ports and parameters.
struct String { static constexpr graph::Type type = graph::Type::String; };
struct Int { static constexpr graph::Type type = graph::Type::Int; };
struct Float { static constexpr graph::Type type = graph::Type::Float; };
struct Bool { static constexpr graph::Type type = graph::Type::Bool; };
struct List { static constexpr graph::Type type = graph::Type::List; };
struct Struct { static constexpr graph::Type type = graph::Type::Struct; };
struct Timestamp { static constexpr graph::Type type = graph::Type::Timestamp; };
struct Artifact { static constexpr graph::Type type = graph::Type::Artifact; };
struct Dataset { static constexpr graph::Type type = graph::Type::Dataset; };
struct Model { static constexpr graph::Type type = graph::Type::Model; };
struct Metrics { static constexpr graph::Type type = graph::Type::Metrics; };
struct ClassificationMetrics { static constexpr graph::Type type = graph::Type::ClassificationMetrics; };
struct HTML { static constexpr graph::Type type = graph::Type::HTML; };
struct Markdown { static constexpr graph::Type type = graph::Type::Markdown; };

/// A type tag usable as `Value<T>`.
template <class T>
concept TypeTag = requires { { T::type } -> std::convertible_to<graph::Type>; };

/// A type tag for one artifact (not a list of them).
template <class T>
concept ArtifactTag = TypeTag<T> && graph::is_artifact(T::type) && !graph::is_list(T::type);

/// Type tag of a list of artifacts of type `T` (kfp's `List[Dataset]`): what `collected()` of an
/// artifact output gives, for a component input declared with this type.
///
/// @code
/// Component("add").input<ArtifactList<Dataset>>("in_datasets").command({"add", input_value("in_datasets")});
/// @endcode
template <ArtifactTag T>
struct ArtifactList { static constexpr graph::Type type = graph::list_of(T::type); };

namespace detail {
graph::ExprPtr literal(doc::Node value, graph::Type type);
/// `v`, or an Error if it is NaN or infinite (neither JSON nor the engines have them).
double finite(double v);
// The expression nodes that the templates below make are built out of line: a pipeline
// program's file then never instantiates the expression variant, which was most of its compile.
graph::ExprPtr zoned_expr(const graph::ExprPtr& time, std::string zone);
graph::ExprPtr formatted_expr(const graph::ExprPtr& time, std::string strftime);
graph::ExprPtr field_expr(graph::ExprPtr value, std::string name, graph::Type type);
graph::ExprPtr concat_expr(std::vector<graph::ExprPtr> parts);
graph::ExprPtr to_string_expr(graph::ExprPtr value);
graph::ExprPtr collected_expr(graph::ExprPtr value, graph::Type type);
graph::ExprPtr one_of_expr(std::vector<graph::ExprPtr> values, graph::Type type);
}  // namespace detail

/// A typed value that exists when the pipeline runs: a literal, a pipeline parameter, a task
/// output, a concatenation or a run-time value. It has no conversion to `std::string`: what it
/// holds is not known while the pipeline is being compiled.
///
/// @code
/// Value<String> root = p.param<String>("gcs-root", "gs://bucket");
/// Value<String> path = concat(root, "/thanks.txt");
/// Value<Int> epochs = 10;
/// @endcode
template <TypeTag T>
class Value {
public:
    using type_tag = T;

    /// Wraps an expression whose type is T (the DSL's own use; the type is checked).
    explicit Value(graph::ExprPtr e) : expr_(std::move(e)) {
        if (!expr_ || expr_->type != T::type) {
            throw InternalError("Value<T> built from an expression of another type");
        }
    }

    Value(const char* s) requires std::same_as<T, String>
        : expr_(detail::literal(doc::Node(s), T::type)) {}
    Value(std::string_view s) requires std::same_as<T, String>
        : expr_(detail::literal(doc::Node(s), T::type)) {}
    Value(const std::string& s) requires std::same_as<T, String>
        : expr_(detail::literal(doc::Node(s), T::type)) {}
    template <std::integral I>
        requires(std::same_as<T, Int> && !std::same_as<I, bool>)
    Value(I v) : expr_(detail::literal(Json(v).node(), T::type)) {}
    Value(std::nullptr_t) = delete;
    template <class N>
        requires(std::same_as<T, Float> && (std::floating_point<N> ||
                                            (std::integral<N> && !std::same_as<N, bool>)))
    Value(N v) : expr_(detail::literal(doc::Node(detail::finite(static_cast<double>(v))), T::type)) {}
    template <std::same_as<bool> B>
        requires std::same_as<T, Bool>
    Value(B v) : expr_(detail::literal(doc::Node(v), T::type)) {}
    /// A List from a JSON array, or a Struct from a JSON object.
    Value(const Json& j) requires(std::same_as<T, List> || std::same_as<T, Struct>)
        : expr_(detail::literal(checked_json(j), T::type)) {}
    /// The same from an nlohmann::json, for programs that include it.
    template <detail::NlohmannJson J>
        requires(std::same_as<T, List> || std::same_as<T, Struct>)
    Value(const J& j) : Value(Json(j)) {}

    /// The expression tree.
    const graph::ExprPtr& expr() const { return expr_; }

    /// This point in time seen in IANA time zone `zone` (e.g. "Asia/Tokyo"), for `format`.
    /// The zone is checked against the tz database when the pipeline is compiled.
    ///
    /// @code
    /// Value<String> day = run::created_at().in_zone("Asia/Tokyo").format("%Y%m%d");
    /// @endcode
    Value in_zone(std::string zone) const requires std::same_as<T, Timestamp> {
        return Value(detail::zoned_expr(expr_, std::move(zone)));
    }

    /// This point in time as text, formatted with strftime directives at run time (in UTC unless
    /// `in_zone` was called). Supported: %Y %y %m %d %H %I %M %S %p %a %A %b %B %Z %z and %%.
    ///
    /// @code
    /// Value<String> hour = run::created_at().in_zone("Asia/Tokyo").format("%H");
    /// @endcode
    Value<String> format(std::string strftime) const requires std::same_as<T, Timestamp> {
        if (strftime.empty()) throw Error("format() needs a strftime format such as \"%Y%m%d\"");
        return Value<String>(detail::formatted_expr(expr_, std::move(strftime)));
    }

    /// Field `name` of this Struct, as a `U`: e.g. of a ParallelFor item over a list of objects.
    ///
    /// @code
    /// p.parallel_for<Struct>(configs, [&](const Value<Struct>& c) {
    ///     p.add(train).arg("lr", c.field<Float>("lr"));
    /// });
    /// @endcode
    template <TypeTag U>
    Value<U> field(std::string name) const requires std::same_as<T, Struct> {
        return Value<U>(detail::field_expr(expr_, std::move(name), U::type));
    }

private:
    static doc::Node checked_json(const Json& j) {
        const bool ok = std::same_as<T, List> ? j.is_array() : j.is_object();
        if (!ok) {
            throw Error(std::same_as<T, List> ? "a List literal must be a JSON array"
                                              : "a Struct literal must be a JSON object");
        }
        return j.node();
    }

    graph::ExprPtr expr_;
};

/// How an input port or a pipeline parameter is declared: an optional default (a literal) and a
/// description.
///
/// @code
/// p.param<String>("gcs_root", {.default_value = "gs://bucket", .description = "Output folder"});
/// @endcode
template <TypeTag T>
struct PortSpec {
    std::optional<Value<T>> default_value{};
    std::string description{};
};

/// Joins strings at run time: literals, parameters, task outputs and run-time values.
/// Non-string values must be converted explicitly with `to_string`.
///
/// @code
/// Value<String> path = concat(root, "/", run::created_at().format("%Y%m%d"), "/thanks.txt");
/// @endcode
template <class... Parts>
    requires(std::convertible_to<const Parts&, Value<String>> && ...)
Value<String> concat(const Parts&... parts) {
    std::vector<graph::ExprPtr> exprs;
    exprs.reserve(sizeof...(parts));
    (exprs.push_back(Value<String>(parts).expr()), ...);
    return Value<String>(detail::concat_expr(std::move(exprs)));
}

/// The text form of an Int, Float or Bool value, resolved at run time.
///
/// @code
/// Value<String> msg = concat("epochs=", to_string(epochs));
/// @endcode
template <TypeTag T>
    requires(std::same_as<T, Int> || std::same_as<T, Float> || std::same_as<T, Bool>)
Value<String> to_string(const Value<T>& v) {
    return Value<String>(detail::to_string_expr(v.expr()));
}

/// The values `value`, an output of a task inside a ParallelFor, took in each iteration, as one
/// List, for a task after the loop (fan-in). The order follows the loop's items.
///
/// @code
/// p.add(pick_best).arg("scores", collected(score));
/// @endcode
template <TypeTag T>
    requires(!graph::is_artifact(T::type))
Value<List> collected(const Value<T>& value) {
    return Value<List>(detail::collected_expr(value.expr(), graph::Type::List));
}

/// The artifacts `value`, an artifact output of a task inside a ParallelFor, made in each
/// iteration, as one list for an `ArtifactList<T>` input or a pipeline output. KFP only
/// (`isArtifactList`): Argo cannot gather the artifacts of a loop's iterations.
///
/// @code
/// p.add(add_all).arg("in_datasets", collected(double_it.output<Dataset>("out_dataset")));
/// @endcode
template <ArtifactTag T>
Value<ArtifactList<T>> collected(const Value<T>& value) {
    return Value<ArtifactList<T>>(detail::collected_expr(value.expr(), graph::list_of(T::type)));
}

/// The output of whichever branch of an If/Elif/Else ran: one value per branch, in branch
/// order, each an output of a task directly in that branch; the chain must end with Else. For
/// tasks after the If, and as a pipeline output. KFP: the branches' `valueFromOneof`.
///
/// @code
/// std::optional<Value<String>> a, b;
/// p.If(side == "heads", [&] { a = p.add(say).output<String>("Output"); })
///  .Else([&] { b = p.add(shout).output<String>("Output"); });
/// p.add(report).arg("text", one_of(*a, *b));
/// @endcode
template <TypeTag T, class... More>
    requires(!graph::is_artifact(T::type) && (std::same_as<More, Value<T>> && ...) && sizeof...(More) >= 1)
Value<T> one_of(const Value<T>& first, const More&... more) {
    return Value<T>(detail::one_of_expr({first.expr(), more.expr()...}, T::type));
}

/// Component placeholder: the value of the component's input `name`, for its command or args.
///
/// @code
/// Component("echo").input<String>("msg").command({"echo", input_value("msg")});
/// @endcode
Value<String> input_value(std::string name);

/// Component placeholder: the local path of input artifact `name`.
///
/// @code
/// Component("show").input<Dataset>("data").command({"cat", input_path("data")});
/// @endcode
Value<String> input_path(std::string name);

/// Component placeholder: the file the container writes output `name` (a parameter or an
/// artifact) to.
///
/// @code
/// Component("make").output<Dataset>("data").command({"sh", "-c", "date > \"$0\"", output_path("data")});
/// @endcode
Value<String> output_path(std::string name);

}  // namespace pipecc
