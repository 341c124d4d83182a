#include "pod_settings_check.hpp"

#include "pipecc/graph/passes.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <set>

namespace pipecc::graph {
namespace {

bool is_lower_alnum(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_alnum(unsigned char c) { return c < 0x80 && std::isalnum(c); }

// Secret, config map and PVC names: a DNS-1123 subdomain.
bool valid_object_name(std::string_view n) {
    if (n.empty() || n.size() > 253) return false;
    if (!is_lower_alnum(n.front()) || !is_lower_alnum(n.back())) return false;
    return std::all_of(n.begin(), n.end(), [](unsigned char c) { return is_lower_alnum(c) || c == '-' || c == '.'; });
}

// A volume name: a DNS-1123 label.
bool valid_volume_name(std::string_view n) {
    if (n.empty() || n.size() > 63 || !is_lower_alnum(n.front()) || !is_lower_alnum(n.back())) return false;
    return std::all_of(n.begin(), n.end(), [](unsigned char c) { return is_lower_alnum(c) || c == '-'; });
}

// A label value, or the name part of a label or annotation key.
bool valid_label_text(std::string_view n, bool allow_empty) {
    if (n.empty()) return allow_empty;
    if (n.size() > 63 || !is_alnum(n.front()) || !is_alnum(n.back())) return false;
    return std::all_of(n.begin(), n.end(), [](unsigned char c) { return is_alnum(c) || c == '-' || c == '_' || c == '.'; });
}

// `prefix/name` or `name`, where the prefix is a DNS subdomain.
bool metadata_key(std::string_view key) {
    const std::size_t slash = key.find('/');
    if (slash == std::string_view::npos) return valid_label_text(key, false);
    return valid_object_name(key.substr(0, slash)) && valid_label_text(key.substr(slash + 1), false);
}

bool one_of(std::string_view s, std::initializer_list<std::string_view> options) {
    return std::find(options.begin(), options.end(), s) != options.end();
}

bool is_integer(std::string_view s) {
    long long v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && end == s.data() + s.size();
}

std::optional<std::string> mount_path_error(std::string_view path, std::set<std::string_view>& seen) {
    if (path.empty() || path.front() != '/') return "mount path '" + std::string(path) + "' is not absolute";
    if (path.find(':') != std::string_view::npos) return "mount path '" + std::string(path) + "' contains ':'";
    if (!seen.insert(path).second) return "two volumes are mounted at '" + std::string(path) + "'";
    return std::nullopt;
}

std::optional<std::string> toleration_error(const Toleration& t) {
    if (!one_of(t.op, {"Equal", "Exists"})) return "toleration operator '" + t.op + "' is not Equal or Exists";
    if (t.op == "Exists" && !t.value.empty()) return "a toleration with operator Exists takes no value";
    if (t.op == "Equal" && t.key.empty()) return "a toleration without a key needs operator Exists";
    if (!t.key.empty() && !metadata_key(t.key)) return "toleration key '" + t.key + "' is not a valid taint key";
    if (!one_of(t.effect, {"", "NoSchedule", "PreferNoSchedule", "NoExecute"})) {
        return "toleration effect '" + t.effect + "' is not NoSchedule, PreferNoSchedule or NoExecute";
    }
    if (t.seconds < -1) return "toleration seconds must not be negative";
    if (t.seconds >= 0 && t.effect != "NoExecute") return "toleration seconds apply only to the NoExecute effect";
    return std::nullopt;
}

std::optional<std::string> affinity_error(const NodeAffinity& a) {
    if (a.match.empty()) return std::string("a node affinity term needs at least one requirement");
    if (a.weight < 0 || a.weight > 100) return "node affinity weight " + std::to_string(a.weight) + " is not between 1 and 100";
    for (const auto& r : a.match) {
        if (!metadata_key(r.key)) return "node affinity key '" + r.key + "' is not a valid label key";
        if (one_of(r.op, {"In", "NotIn"})) {
            if (r.values.empty()) return "node affinity operator " + r.op + " needs at least one value";
        } else if (one_of(r.op, {"Exists", "DoesNotExist"})) {
            if (!r.values.empty()) return "node affinity operator " + r.op + " takes no values";
        } else if (one_of(r.op, {"Gt", "Lt"})) {
            if (r.values.size() != 1 || !is_integer(r.values[0])) {
                return "node affinity operator " + r.op + " takes exactly one integer value";
            }
        } else {
            return "node affinity operator '" + r.op + "' is not In, NotIn, Exists, DoesNotExist, Gt or Lt";
        }
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string> duplicate_key(const std::vector<std::pair<std::string, std::string>>& pairs) {
    std::set<std::string_view> seen;
    for (const auto& [key, value] : pairs) {
        if (!seen.insert(key).second) return key;
    }
    return std::nullopt;
}

bool valid_env_name(std::string_view n) {
    if (n.empty() || std::isdigit(static_cast<unsigned char>(n[0]))) return false;
    return std::all_of(n.begin(), n.end(), [](unsigned char c) { return c < 0x80 && (std::isalnum(c) || c == '_'); });
}

bool valid_metadata_key(std::string_view key) { return metadata_key(key); }
bool valid_label_value(std::string_view value) { return valid_label_text(value, true); }

std::optional<std::string> pod_settings_error(const PodSettings& pod) {
    auto object = [](const char* kind, const std::string& name) -> std::optional<std::string> {
        if (valid_object_name(name)) return std::nullopt;
        return std::string(kind) + " name '" + name + "' is not a Kubernetes name (lower-case letters, digits, '-' and '.')";
    };
    std::set<std::string_view> mounts;
    for (const auto& v : pod.secret_volumes) {
        if (auto e = object("secret", v.secret_name)) return e;
        if (auto e = mount_path_error(v.mount_path, mounts)) return e;
    }
    for (const auto& v : pod.config_map_volumes) {
        if (auto e = object("config map", v.config_map)) return e;
        if (auto e = mount_path_error(v.mount_path, mounts)) return e;
    }
    for (const auto& v : pod.pvc_mounts) {
        if (auto e = object("PVC", v.pvc_name)) return e;
        if (auto e = mount_path_error(v.mount_path, mounts)) return e;
        if (!v.sub_path.empty() && (v.sub_path.front() == '/' || v.sub_path == ".." || v.sub_path.starts_with("../") ||
                                    v.sub_path.find("/../") != std::string::npos || v.sub_path.ends_with("/.."))) {
            return "PVC sub-path '" + v.sub_path + "' must be relative and stay inside the volume";
        }
    }
    for (const auto& v : pod.ephemeral_volumes) {
        if (!valid_volume_name(v.name)) {
            return "ephemeral volume name '" + v.name + "' is not a DNS-1123 label (lower-case letters, digits and '-')";
        }
        if (auto e = mount_path_error(v.mount_path, mounts)) return e;
        const auto bytes = parse_quantity(v.size);
        if (!bytes || *bytes <= 0) return "ephemeral volume size '" + v.size + "' is not a positive quantity such as 100Gi";
        if (!v.storage_class.empty() && !valid_object_name(v.storage_class)) {
            return "storage class name '" + v.storage_class + "' is not a Kubernetes name";
        }
        for (const auto& mode : v.access_modes) {
            if (!one_of(mode, {"ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"})) {
                return "access mode '" + mode + "' is not ReadWriteOnce, ReadOnlyMany, ReadWriteMany or ReadWriteOncePod";
            }
        }
    }
    for (const auto& e : pod.config_map_env) {
        if (!valid_env_name(e.env_var)) return "env var name '" + e.env_var + "' is not valid";
        if (auto err = object("config map", e.config_map)) return err;
        if (e.key.empty()) return std::string("config map key is empty");
    }
    for (const auto& t : pod.tolerations) {
        if (auto e = toleration_error(t)) return e;
    }
    for (const auto& a : pod.node_affinity) {
        if (auto e = affinity_error(a)) return e;
    }
    if (auto key = duplicate_key(pod.labels)) return "pod label '" + *key + "' is set twice";
    if (auto key = duplicate_key(pod.annotations)) return "pod annotation '" + *key + "' is set twice";
    for (const auto& [key, value] : pod.labels) {
        if (!metadata_key(key)) return "pod label key '" + key + "' is not a valid label key";
        if (!valid_label_text(value, true)) {
            return "pod label value '" + value + "' is not valid (at most 63 letters, digits, '-', '_' and '.')";
        }
    }
    for (const auto& [key, value] : pod.annotations) {
        if (!metadata_key(key)) return "pod annotation key '" + key + "' is not a valid annotation key";
    }
    for (const auto& s : pod.image_pull_secrets) {
        if (auto e = object("image pull secret", s)) return e;
    }
    return std::nullopt;
}

}  // namespace pipecc::graph
