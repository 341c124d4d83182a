#pragma once
/// The part of CEL (Common Expression Language) that KFP's driver evaluates for trigger
/// conditions and parameter expression selectors (backend/src/v2/expression/expression.go at
/// 2.17.0): literals, lists, `.field` and `[key]` access, `! - * / % + -`, comparisons, `in`,
/// `&& ||`, `?:`, and the functions `int`, `double`, `string`, `size` and KFP's `parseJson`.

#include <string>

#include <nlohmann/json.hpp>

namespace pipecc::run {

/// Evaluates `expression` with `variables` (an object: each key a top-level name). Throws
/// pipecc::Error quoting the expression for a syntax error, an unknown name or a type mismatch.
///
/// @code
/// cel_eval("inputs.parameter_values['side'] == 'heads'",
///          {{"inputs", {{"parameter_values", {{"side", "heads"}}}}}}) == true
/// @endcode
nlohmann::json cel_eval(const std::string& expression, const nlohmann::json& variables);

}  // namespace pipecc::run
