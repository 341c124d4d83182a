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

/// True for artifact types (files with a URI), false for parameters.
constexpr bool is_artifact(Type t) { return t >= Type::Artifact; }

/// The type's name as users write it: "String", "Dataset", ...
std::string_view type_name(Type t);

/// Whether a value of type `from` may feed an input of type `to`.
/// A generic `Artifact` input takes any artifact; a Timestamp feeds a String as RFC 3339 text.
constexpr bool assignable(Type from, Type to) {
    if (from == to) return true;
    if (to == Type::Artifact) return is_artifact(from);
    return from == Type::Timestamp && to == Type::String;
}

}  // namespace pipecc::graph
