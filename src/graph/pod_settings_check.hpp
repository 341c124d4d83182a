#pragma once
// Private to src/graph: the rules Kubernetes applies to a task's pod settings, checked at compile
// time so that a bad setting fails here, naming the task, rather than when the pod is created.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pipecc/graph/pod_settings.hpp"

namespace pipecc::graph {

/// The first key that appears twice in `pairs` (a map written as a list), or nullopt: a
/// Kubernetes map such as labels or a node selector holds each key once.
std::optional<std::string> duplicate_key(const std::vector<std::pair<std::string, std::string>>& pairs);

/// A C identifier-like environment variable name, as shells and Kubernetes accept.
bool valid_env_name(std::string_view name);

// A label or annotation key ("example.com/name" or "name"), also a qualified resource name.
bool valid_metadata_key(std::string_view key);

// A label value: empty, or up to 63 letters, digits, '-', '_' and '.', alphanumeric at both ends.
bool valid_label_value(std::string_view value);

/// What is wrong with `pod`, or nullopt.
std::optional<std::string> pod_settings_error(const PodSettings& pod);

}  // namespace pipecc::graph
