#pragma once
/// Reading parsed YAML without yaml-cpp's surprises: its operator[] throws on scalars and, on a
/// non-const node, inserts the key it looks for.

#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

namespace pipecc::validate {

/// The value of `key` in mapping `map`; an undefined node when absent or `map` is no mapping.
///
/// @code
/// if (const auto spec = field(doc, "spec"); spec.IsMap()) { ... }
/// @endcode
inline YAML::Node field(const YAML::Node& map, std::string_view key) {
    if (map.IsMap()) {
        for (const auto& entry : map) {
            if (entry.first.IsScalar() && entry.first.Scalar() == key) return entry.second;
        }
    }
    return YAML::Node(YAML::NodeType::Undefined);
}

/// The text of a scalar, or "" for anything else.
///
/// @code
/// const std::string& name = text(field(task, "name"));
/// @endcode
inline const std::string& text(const YAML::Node& n) {
    static const std::string empty;
    return n.IsScalar() ? n.Scalar() : empty;
}

}  // namespace pipecc::validate
