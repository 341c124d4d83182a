#pragma once
/// Lenient reads of IR fields: the runner treats a missing or null object like an empty one
/// (nlohmann's own `value()` throws on null), and its callers report what is really missing.

#include <string>

#include <nlohmann/json.hpp>

namespace pipecc::run {

/// `j[key]`, or a null value when `j` is no object or lacks the key.
///
/// @code
/// field(task, "triggerPolicy").is_null()  // a task without a trigger policy
/// @endcode
inline const nlohmann::json& field(const nlohmann::json& j, const std::string& key) {
    static const nlohmann::json null;
    if (!j.is_object()) return null;
    const auto it = j.find(key);
    return it == j.end() ? null : *it;
}

/// `j[key]` as a bool or number, or `fallback` when it is missing or of another type.
///
/// @code
/// value_or(retry_policy, "maxRetryCount", 0)
/// @endcode
template <class T>
T value_or(const nlohmann::json& j, const std::string& key, T fallback) {
    static_assert(std::is_arithmetic_v<T>);
    const nlohmann::json& v = field(j, key);
    if constexpr (std::is_same_v<T, bool>) return v.is_boolean() ? v.get<bool>() : fallback;
    else return v.is_number() ? v.get<T>() : fallback;
}

/// `j[key]` as text, or `fallback` when it is missing or no string.
///
/// @code
/// text_or(task_info, "name", "task")
/// @endcode
inline std::string text_or(const nlohmann::json& j, const std::string& key, const std::string& fallback) {
    const nlohmann::json& v = field(j, key);
    return v.is_string() ? v.get<std::string>() : fallback;
}

}  // namespace pipecc::run
