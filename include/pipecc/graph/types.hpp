#pragma once
/// The types a pipeline value, port or parameter can have.

#include <cstdint>
#include <string_view>

namespace pipecc::graph {

/// A value's type. Parameters come first, then artifact types (see `is_artifact`).
enum class Type : std::uint8_t {
    String,
    Int,
    Float,
    Bool,
    List,
    Struct,
    Timestamp,  ///< a point in time; rendered as RFC 3339 UTC when passed as a string
    Artifact,
    Dataset,
    Model,
    Metrics,
    ClassificationMetrics,
    SlicedClassificationMetrics,
    HTML,
    Markdown,
};

namespace detail {
inline constexpr std::uint8_t list_bit = 0x80;
}

/// The list form of artifact type `t`: several artifacts passed as one value (kfp's
/// `List[Dataset]`), which `collected()` of an artifact makes. Only artifacts have list types;
/// parameter lists are `Type::List`.
///
/// @code
/// static_assert(element_type(list_of(Type::Dataset)) == Type::Dataset);
/// @endcode
constexpr Type list_of(Type t) { return static_cast<Type>(static_cast<std::uint8_t>(t) | detail::list_bit); }
/// True for a list of artifacts.
constexpr bool is_list(Type t) { return (static_cast<std::uint8_t>(t) & detail::list_bit) != 0; }
/// The type of one item of a list of artifacts; `t` itself for other types.
constexpr Type element_type(Type t) {
    return static_cast<Type>(static_cast<std::uint8_t>(t) & ~detail::list_bit);
}

/// True for artifact types (files with a URI) and lists of them, false for parameters.
constexpr bool is_artifact(Type t) { return element_type(t) >= Type::Artifact; }

/// The type's name as users write it: "String", "Dataset", "List[Model]", ...
std::string_view type_name(Type t);

/// Whether a value of type `from` may feed an input of type `to`.
/// A generic `Artifact` input takes any artifact, and a list of `Artifact` any list of artifacts;
/// a Timestamp feeds a String as RFC 3339 text.
constexpr bool assignable(Type from, Type to) {
    if (from == to) return true;
    if (is_list(from) != is_list(to)) return false;
    if (element_type(to) == Type::Artifact) return is_artifact(from);
    return from == Type::Timestamp && to == Type::String;
}

}  // namespace pipecc::graph
