#pragma once
/// The data type of a YAML scalar as the engines' loaders read it: YAML 1.1 plain-scalar
/// resolution (as PyYAML and Go's yaml.v2, e.g. `yes` is a boolean), JSON's for JSON files.

#include <optional>
#include <string>

#include <yaml-cpp/yaml.h>

namespace pipecc::validate {

/// What a scalar denotes. Timestamps are YAML-only (Argo reads them as strings; IR rejects them).
enum class ScalarType { Null, Bool, Int, Float, String, Timestamp, Unsupported };

/// The type of scalar `node`: quoted scalars are strings, explicit `!!tags` are obeyed, plain
/// scalars resolve by YAML 1.1 rules, or by JSON's grammar when `json_syntax`.
///
/// @code
/// scalar_type(YAML::Load("on"), false) == ScalarType::Bool
/// @endcode
ScalarType scalar_type(const YAML::Node& node, bool json_syntax);

/// The numeric value of an Int or Float scalar (YAML 1.1 forms: 0x1f, 0o17, 017, 1_000, .inf),
/// or nullopt when it has none.
///
/// @code
/// scalar_number("0x10") == 16.0L
/// @endcode
std::optional<long double> scalar_number(const std::string& text);

/// The name of a JSON type as JSON Schema says it ("string", "integer", …).
///
/// @code
/// type_name(ScalarType::Int) == "integer"
/// @endcode
const char* type_name(ScalarType t);

}  // namespace pipecc::validate
