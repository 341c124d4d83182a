#pragma once
/// What a YAML document holds that JSON data cannot: the IR's loader (protobuf's JSON parser)
/// rejects it; Argo's (Go's YAML-to-JSON) turns most of it into strings.

#include <yaml-cpp/yaml.h>

#include "validate/json_schema.hpp"
#include "validate/problem.hpp"
#include "validate/walk_budget.hpp"

namespace pipecc::validate {

/// Reports duplicate keys, keys that are not strings, timestamps, NaN/Infinity and unsupported
/// tags when `json_only` (the IR); otherwise only what no loader reads (unsupported tags).
///
/// @code
/// check_json_data(doc, {.json_syntax = false}, /*json_only=*/true, budget, found);
/// @endcode
void check_json_data(const YAML::Node& doc, const ScalarRules& rules, bool json_only, WalkBudget& budget,
                     Findings& found);

}  // namespace pipecc::validate
