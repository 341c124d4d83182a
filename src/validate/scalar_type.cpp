#include "validate/scalar_type.hpp"

#include <cmath>
#include <regex>

namespace pipecc::validate {
namespace {

// PyYAML's implicit resolvers (resolver.py), which follow YAML 1.1 like Go's yaml.v2.
const std::regex& yaml_bool() {
    static const std::regex r("yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF");
    return r;
}
const std::regex& yaml_int() {
    static const std::regex r(
        "[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+"
        "|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+");
    return r;
}
const std::regex& yaml_float() {
    static const std::regex r(
        "[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?|\\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
        "|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)");
    return r;
}
const std::regex& yaml_timestamp() {
    static const std::regex r(
        "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
        "|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \\t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9]"
        "(?:\\.[0-9]*)?(?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?");
    return r;
}
const std::regex& json_number() {
    static const std::regex r("-?(?:0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?");
    return r;
}

constexpr std::size_t kLongScalar = 200;

bool is_null_word(const std::string& s) { return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL"; }

ScalarType plain_yaml(const std::string& s) {
    if (is_null_word(s)) return ScalarType::Null;
    // Every non-string form starts with one of these; most scalars are words and skip the regexes.
    const char c = s.front();
    const bool numeric_start = (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.';
    if (!numeric_start) {
        return std::string_view("yYnNtTfFoO").find(c) != std::string_view::npos && std::regex_match(s, yaml_bool())
                   ? ScalarType::Bool
                   : ScalarType::String;
    }
    // libstdc++'s regex recurses per character: long scalars get a plain scan instead.
    if (s.size() > kLongScalar) {
        const auto digits = s.find_first_not_of("0123456789_", s[0] == '-' || s[0] == '+' ? 1 : 0);
        return digits == std::string::npos ? ScalarType::Int : ScalarType::String;
    }
    if (std::regex_match(s, yaml_int())) return ScalarType::Int;
    if (std::regex_match(s, yaml_float())) return ScalarType::Float;
    if (std::regex_match(s, yaml_timestamp())) return ScalarType::Timestamp;
    return ScalarType::String;
}

ScalarType plain_json(const std::string& s) {
    if (s == "null") return ScalarType::Null;
    if (s == "true" || s == "false") return ScalarType::Bool;
    std::smatch m;
    if (!s.empty() && s.size() <= kLongScalar && std::regex_match(s, m, json_number())) {
        return m[1].matched || m[2].matched ? ScalarType::Float : ScalarType::Int;
    }
    // Not JSON: yaml-cpp read a YAML plain scalar in a file that looks like JSON; type it as YAML.
    return plain_yaml(s);
}

ScalarType explicit_tag(const std::string& tag) {
    static const std::string core = "tag:yaml.org,2002:";
    if (tag.rfind(core, 0) != 0) return ScalarType::Unsupported;
    const std::string t = tag.substr(core.size());
    if (t == "str") return ScalarType::String;
    if (t == "int") return ScalarType::Int;
    if (t == "float") return ScalarType::Float;
    if (t == "bool") return ScalarType::Bool;
    if (t == "null") return ScalarType::Null;
    if (t == "timestamp") return ScalarType::Timestamp;
    return ScalarType::Unsupported;
}

}  // namespace

ScalarType scalar_type(const YAML::Node& node, bool json_syntax) {
    if (node.IsNull()) return ScalarType::Null;
    const std::string& tag = node.Tag();
    if (tag == "!") return ScalarType::String;  // quoted (or a `!` non-specific tag)
    if (tag != "?" && !tag.empty()) return explicit_tag(tag);
    return json_syntax ? plain_json(node.Scalar()) : plain_yaml(node.Scalar());
}

std::optional<long double> scalar_number(const std::string& text) {
    std::string s;
    for (char c : text) {
        if (c != '_') s += c;
    }
    if (s.empty()) return std::nullopt;
    long double sign = 1;
    std::size_t i = 0;
    if (s[0] == '-' || s[0] == '+') {
        sign = s[0] == '-' ? -1 : 1;
        i = 1;
    }
    const std::string body = s.substr(i);
    if (body == ".inf" || body == ".Inf" || body == ".INF") return sign * HUGE_VALL;
    if (body == ".nan" || body == ".NaN" || body == ".NAN") return std::nanl("");
    if (body.find(':') != std::string::npos) {  // sexagesimal, 1:30 = 90
        long double v = 0;
        std::size_t start = 0;
        while (start <= body.size()) {
            const auto end = std::min(body.find(':', start), body.size());
            v = v * 60 + std::strtold(body.substr(start, end - start).c_str(), nullptr);
            start = end + 1;
        }
        return sign * v;
    }
    int base = 10;
    std::string digits = body;
    if (body.rfind("0x", 0) == 0) base = 16, digits = body.substr(2);
    else if (body.rfind("0b", 0) == 0) base = 2, digits = body.substr(2);
    else if (body.rfind("0o", 0) == 0) base = 8, digits = body.substr(2);
    else if (body.size() > 1 && body[0] == '0' && body.find_first_not_of("01234567") == std::string::npos) base = 8;
    if (digits.empty()) return std::nullopt;
    if (base != 10 || body.find_first_not_of("0123456789") == std::string::npos) {
        long double v = 0;
        for (char c : digits) {
            const int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (std::tolower(static_cast<unsigned char>(c)) - 'a' + 10);
            if (d < 0 || d >= base) return std::nullopt;
            v = v * base + d;
        }
        return sign * v;
    }
    char* end = nullptr;
    const long double v = std::strtold(body.c_str(), &end);
    if (end == body.c_str() || *end != '\0') return std::nullopt;
    return sign * v;
}

const char* type_name(ScalarType t) {
    switch (t) {
        case ScalarType::Null: return "null";
        case ScalarType::Bool: return "boolean";
        case ScalarType::Int: return "integer";
        case ScalarType::Float: return "number";
        case ScalarType::String: return "string";
        case ScalarType::Timestamp: return "timestamp";
        case ScalarType::Unsupported: break;
    }
    return "value of an unsupported YAML tag";
}

}  // namespace pipecc::validate
