#include "validate/json_schema.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <regex>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "pipecc/error.hpp"
#include "validate/scalar_type.hpp"

namespace pipecc::validate {
namespace {

using nlohmann::json;

// JSON Schema's types as bits of a mask.
enum TypeBit : unsigned {
    kNull = 1,
    kBoolean = 2,
    kInteger = 4,
    kNumber = 8,
    kString = 16,
    kObject = 32,
    kArray = 64,
};

unsigned type_bit(const std::string& name) {
    if (name == "null") return kNull;
    if (name == "boolean") return kBoolean;
    if (name == "integer") return kInteger;
    if (name == "number") return kNumber;
    if (name == "string") return kString;
    if (name == "object") return kObject;
    if (name == "array") return kArray;
    throw Error("JSON Schema: unknown type '" + name + "'");
}

std::string types_text(unsigned mask) {
    static const std::pair<unsigned, const char*> names[] = {
        {kObject, "object"}, {kArray, "array"},   {kString, "string"}, {kInteger, "integer"},
        {kNumber, "number"}, {kBoolean, "boolean"}, {kNull, "null"}};
    std::string out;
    for (const auto& [bit, name] : names) {
        // "integer or number" says no more than "number".
        if (!(mask & bit) || (bit == kInteger && (mask & kNumber))) continue;
        if (bit == kNull && mask != kNull) continue;  // proto JSON's "or null" is noise in a message
        out += (out.empty() ? "" : " or ") + std::string(name);
    }
    return out;
}

// A schema object with its keywords decoded and its sub-schemas as indexes.
struct SchemaNode {
    bool never = false;  // the `false` schema
    unsigned types = 0;  // 0: any type
    std::unordered_map<std::string, int> properties{};
    std::vector<std::string> property_names{};
    enum class Extra { Any, None, Schema } extra = Extra::Any;
    int extra_schema = -1;
    std::vector<std::string> required{};
    std::optional<std::vector<json>> enum_values{};
    std::optional<json> const_value{};
    int items = -1;
    int ref = -1;
    int not_schema = -1;
    std::vector<std::string> not_names{};  // the fields a `not: {required: …}` oneof rule names
    std::vector<int> all_of{}, any_of{}, one_of{};
    std::optional<std::size_t> min_length{};
    std::optional<std::regex> pattern{};
    std::string pattern_text{};
    std::optional<long double> minimum{}, maximum{};
    std::string name{};     // the definition's short name, for "unknown field 'x' in Name"
    std::string title{};
    std::string comment{};
};

// The instance's JSON type, with a YAML scalar's text when it is one.
struct Instance {
    unsigned type = 0;  // one TypeBit; integers also match kNumber
    ScalarType scalar = ScalarType::String;
};

Instance instance_of(const YAML::Node& n, const ScalarRules& rules) {
    if (n.IsMap()) return {kObject};
    if (n.IsSequence()) return {kArray};
    if (n.IsNull()) return {kNull, ScalarType::Null};
    const ScalarType t = scalar_type(n, rules.json_syntax);
    switch (t) {
        case ScalarType::Null: return {kNull, t};
        case ScalarType::Bool: return {kBoolean, t};
        case ScalarType::Int: return {kInteger, t};
        case ScalarType::Float: {
            // JSON Schema counts 2.0 as an integer.
            const auto v = scalar_number(n.Scalar());
            const bool whole = v && std::isfinite(*v) && *v == std::floor(*v);
            return {whole ? unsigned(kInteger) : unsigned(kNumber), t};
        }
        // Go reads YAML timestamps as strings; IR's data check reports them (data_checks.cpp).
        case ScalarType::String:
        case ScalarType::Timestamp:
        case ScalarType::Unsupported: return {kString, t};
    }
    return {kString, t};
}

bool matches_type(unsigned allowed, unsigned actual) {
    if (allowed == 0) return true;
    if (actual == kInteger) return (allowed & (kInteger | kNumber)) != 0;
    return (allowed & actual) != 0;
}

std::string shorten(const std::string& s, std::size_t n = 60) {
    return s.size() <= n ? s : s.substr(0, n - 3) + "...";
}

// The instance as a message shows it: `"text"` for strings, the plain text for other scalars.
std::string shown(const YAML::Node& n, const Instance& i) {
    if (i.type == kObject) return "object";
    if (i.type == kArray) return "array";
    if (i.type == kNull) return "null";
    const std::string text = shorten(n.Scalar());
    return i.type == kString ? "\"" + text + "\"" : text;
}

bool equals(const json& want, const YAML::Node& n, const Instance& i) {
    if (!n.IsScalar() && !n.IsNull()) return false;
    if (want.is_string()) return i.type == kString && n.Scalar() == want.get_ref<const std::string&>();
    if (want.is_boolean()) {
        if (i.type != kBoolean) return false;
        const char c = n.Scalar().empty() ? 'f' : n.Scalar()[0];
        const bool truthy = c == 't' || c == 'T' || c == 'y' || c == 'Y' || n.Scalar() == "on" || n.Scalar() == "On" ||
                            n.Scalar() == "ON";
        return truthy == want.get<bool>();
    }
    if (want.is_number()) {
        if (i.type != kInteger && i.type != kNumber) return false;
        const auto v = scalar_number(n.Scalar());
        return v && *v == want.get<long double>();
    }
    if (want.is_null()) return i.type == kNull;
    return false;
}

std::string json_text(const json& j) { return j.is_string() ? j.get<std::string>() : j.dump(); }

std::size_t code_points(const std::string& s) {
    return static_cast<std::size_t>(
        std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

// " (did you mean 'x'?)" for the closest allowed name, when one is close.
std::string hint(const std::string& key, const std::vector<std::string>& allowed) {
    if (key.size() > 64) return "";
    const std::string* best = nullptr;
    std::size_t best_distance = std::max<std::size_t>(2, key.size() / 3) + 1;
    for (const auto& name : allowed) {
        const std::size_t d = edit_distance(key, name);
        if (d < best_distance) best = &name, best_distance = d;
    }
    return best ? " (did you mean '" + *best + "'?)" : "";
}

// The rules' patterns describe short scalars (int64 strings, durations); longer text cannot match
// them, and libstdc++'s regex would recurse once per character.
constexpr std::size_t kLongestPatternSubject = 1000;

}  // namespace

struct JsonSchema::Impl {
    json document;
    std::vector<SchemaNode> nodes;
    std::unordered_map<std::string, int> by_pointer;

    int compile(const std::string& pointer, const std::string& name);
    void decode(int index, const json& s, const std::string& pointer);
    bool check(int index, const YAML::Node& n, int depth, const ScalarRules& rules, WalkBudget& budget,
               Findings* out) const;
    bool check_object(const SchemaNode& s, const YAML::Node& n, int depth, const ScalarRules& rules,
                      WalkBudget& budget, Findings* out) const;
    bool check_scalar(const SchemaNode& s, const YAML::Node& n, const Instance& i, Findings* out) const;
    bool check_combinators(const SchemaNode& s, const YAML::Node& n, int depth, const ScalarRules& rules,
                           WalkBudget& budget, Findings* out) const;
};

int JsonSchema::Impl::compile(const std::string& pointer, const std::string& name) {
    if (const auto it = by_pointer.find(pointer); it != by_pointer.end()) return it->second;
    if (pointer.empty() || pointer[0] != '#') throw Error("JSON Schema: only local $refs are supported: " + pointer);
    const json* target = nullptr;
    try {
        target = &document.at(json::json_pointer(pointer.substr(1)));
    } catch (const json::exception&) {
        throw Error("JSON Schema: $ref to nothing: " + pointer);
    }
    const int index = static_cast<int>(nodes.size());
    nodes.emplace_back();
    nodes[index].name = name;
    by_pointer.emplace(pointer, index);
    decode(index, *target, pointer);
    return index;
}

void JsonSchema::Impl::decode(int index, const json& s, const std::string& pointer) {
    if (s.is_boolean()) {
        nodes[index].never = !s.get<bool>();
        return;
    }
    if (!s.is_object()) throw Error("JSON Schema: not a schema at " + pointer);
    const std::string name = nodes[index].name;
    auto sub = [&](const std::string& suffix, const std::string& sub_name = "") {
        return compile(pointer + "/" + suffix, sub_name.empty() ? name : sub_name);
    };
    auto escape = [](std::string key) {
        for (std::size_t p = 0; (p = key.find_first_of("~/", p)) != std::string::npos; p += 2) {
            key.replace(p, 1, key[p] == '~' ? "~0" : "~1");
        }
        return key;
    };
    if (const auto t = s.find("type"); t != s.end()) {
        unsigned mask = 0;
        if (t->is_string()) mask = type_bit(t->get<std::string>());
        else for (const auto& x : *t) mask |= type_bit(x.get<std::string>());
        nodes[index].types = mask;
    }
    if (const auto p = s.find("properties"); p != s.end()) {
        for (const auto& [key, value] : p->items()) {
            (void)value;
            const int child = sub("properties/" + escape(key));
            nodes[index].properties.emplace(key, child);
            nodes[index].property_names.push_back(key);
        }
    }
    if (const auto a = s.find("additionalProperties"); a != s.end()) {
        if (a->is_boolean()) {
            nodes[index].extra = a->get<bool>() ? SchemaNode::Extra::Any : SchemaNode::Extra::None;
        } else {
            const int child = sub("additionalProperties");
            nodes[index].extra = SchemaNode::Extra::Schema;
            nodes[index].extra_schema = child;
        }
    }
    if (const auto r = s.find("required"); r != s.end()) nodes[index].required = r->get<std::vector<std::string>>();
    if (const auto e = s.find("enum"); e != s.end()) nodes[index].enum_values = e->get<std::vector<json>>();
    if (const auto c = s.find("const"); c != s.end()) nodes[index].const_value = *c;
    if (s.contains("items")) {
        const int child = sub("items");
        nodes[index].items = child;
    }
    if (const auto r = s.find("$ref"); r != s.end()) {
        const std::string ref = r->get<std::string>();
        const int child = compile(ref, ref.substr(ref.find_last_of("/.") + 1));
        nodes[index].ref = child;
    }
    if (const auto n = s.find("not"); n != s.end()) {
        const int child = sub("not");
        nodes[index].not_schema = child;
        std::vector<std::string> names = n->value("required", std::vector<std::string>{});
        for (const auto& alt : n->value("anyOf", json::array())) {
            for (const auto& f : alt.value("required", std::vector<std::string>{})) names.push_back(f);
        }
        std::sort(names.begin(), names.end());
        names.erase(std::unique(names.begin(), names.end()), names.end());
        nodes[index].not_names = names;
    }
    for (const char* key : {"allOf", "anyOf", "oneOf"}) {
        const auto list = s.find(key);
        if (list == s.end()) continue;
        std::vector<int> children;
        for (std::size_t k = 0; k < list->size(); ++k) children.push_back(sub(std::string(key) + "/" + std::to_string(k)));
        auto& node = nodes[index];
        (key[1] == 'l' ? node.all_of : key[0] == 'a' ? node.any_of : node.one_of) = children;
    }
    auto& node = nodes[index];
    if (const auto m = s.find("minLength"); m != s.end()) node.min_length = m->get<std::size_t>();
    if (const auto m = s.find("minimum"); m != s.end()) node.minimum = m->get<long double>();
    if (const auto m = s.find("maximum"); m != s.end()) node.maximum = m->get<long double>();
    if (const auto p = s.find("pattern"); p != s.end()) {
        node.pattern_text = p->get<std::string>();
        node.pattern.emplace(node.pattern_text, std::regex::ECMAScript);
    }
    node.title = s.value("title", "");
    node.comment = s.value("$comment", "");
}

bool JsonSchema::Impl::check(int index, const YAML::Node& n, int depth, const ScalarRules& rules,
                             WalkBudget& budget, Findings* out) const {
    if (!budget.visit(depth)) return true;  // the caller reports the spent budget once
    const SchemaNode& s = nodes[index];
    if (s.never) {
        if (out) out->add(n.Mark(), "no value is allowed here");
        return false;
    }
    bool ok = true;
    if (s.ref >= 0 && !check(s.ref, n, depth, rules, budget, out)) {
        if (!out) return false;
        ok = false;
    }
    const Instance i = instance_of(n, rules);
    if (!matches_type(s.types, i.type)) {
        if (out) out->add(n.Mark(), "expected " + types_text(s.types) + ", got " + shown(n, i));
        return false;
    }
    if (i.type == kObject) {
        if (!check_object(s, n, depth, rules, budget, out)) {
            if (!out) return false;
            ok = false;
        }
    } else if (i.type == kArray) {
        if (s.items >= 0) {
            for (const auto& item : n) {
                if (!check(s.items, item, depth + 1, rules, budget, out)) {
                    if (!out) return false;
                    ok = false;
                }
            }
        }
    } else if (!check_scalar(s, n, i, out)) {
        if (!out) return false;
        ok = false;
    }
    if (s.enum_values && std::none_of(s.enum_values->begin(), s.enum_values->end(),
                                      [&](const json& v) { return equals(v, n, i); })) {
        if (!out) return false;
        std::string allowed;
        for (const auto& v : *s.enum_values) allowed += (allowed.empty() ? "" : ", ") + json_text(v);
        out->add(n.Mark(), shown(n, i) + " is not one of " + allowed);
        ok = false;
    }
    if (s.const_value && !equals(*s.const_value, n, i)) {
        if (!out) return false;
        out->add(n.Mark(), "expected " + s.const_value->dump() + ", got " + shown(n, i));
        ok = false;
    }
    if (!check_combinators(s, n, depth, rules, budget, out)) ok = false;
    return ok;
}

bool JsonSchema::Impl::check_object(const SchemaNode& s, const YAML::Node& n, int depth, const ScalarRules& rules,
                                    WalkBudget& budget, Findings* out) const {
    bool ok = true;
    for (const auto& entry : n) {
        const std::string& key = entry.first.IsScalar() ? entry.first.Scalar() : std::string();
        if (const auto p = s.properties.find(key); p != s.properties.end()) {
            if (!check(p->second, entry.second, depth + 1, rules, budget, out)) ok = false;
        } else if (s.extra == SchemaNode::Extra::Schema) {
            if (!check(s.extra_schema, entry.second, depth + 1, rules, budget, out)) ok = false;
        } else if (s.extra == SchemaNode::Extra::None) {
            ok = false;
            if (out) {
                const std::string where = s.name.empty() ? "" : " in " + s.name;
                out->add(entry.first.Mark(), "unknown field '" + shorten(key) + "'" + where + hint(key, s.property_names));
            }
        }
        if (!ok && !out) return false;
    }
    for (const auto& field : s.required) {
        const bool present = std::any_of(n.begin(), n.end(), [&](const auto& entry) {
            return entry.first.IsScalar() && entry.first.Scalar() == field;
        });
        if (!present) {
            if (!out) return false;
            out->add(n.Mark(), "missing required field '" + field + "'" + (s.name.empty() ? "" : " of " + s.name));
            ok = false;
        }
    }
    return ok;
}

bool JsonSchema::Impl::check_scalar(const SchemaNode& s, const YAML::Node& n, const Instance& i, Findings* out) const {
    bool ok = true;
    auto fail = [&](std::string message) {
        ok = false;
        if (out) out->add(n.Mark(), std::move(message));
    };
    if (i.type == kString) {
        const std::string& text = n.Scalar();
        if (s.min_length && code_points(text) < *s.min_length) {
            fail(*s.min_length == 1 ? std::string("must not be empty")
                                    : "must have at least " + std::to_string(*s.min_length) + " characters");
        }
        if (s.pattern && (text.size() > kLongestPatternSubject || !std::regex_search(text, *s.pattern))) {
            if (s.types & kInteger) fail(shown(n, i) + " is not a decimal integer string");
            else if (s.title == "google.protobuf.Duration" || s.name == "Duration")
                fail(shown(n, i) + " is not a duration string such as \"3600s\" or \"1.5s\"");
            else fail(shown(n, i) + " does not match the pattern " + s.pattern_text);
        }
    } else if (i.type == kInteger || i.type == kNumber) {
        const auto v = scalar_number(n.Scalar());
        if (v && s.minimum && *v < *s.minimum) fail(shown(n, i) + " is less than the minimum " + json(*s.minimum).dump());
        if (v && s.maximum && *v > *s.maximum) fail(shown(n, i) + " is more than the maximum " + json(*s.maximum).dump());
    }
    return ok;
}

bool JsonSchema::Impl::check_combinators(const SchemaNode& s, const YAML::Node& n, int depth, const ScalarRules& rules,
                                         WalkBudget& budget, Findings* out) const {
    bool ok = true;
    for (const int child : s.all_of) {
        if (!check(child, n, depth + 1, rules, budget, out)) {
            if (!out) return false;
            ok = false;
        }
    }
    if (s.not_schema >= 0 && check(s.not_schema, n, depth + 1, rules, budget, nullptr)) {
        if (!out) return false;
        ok = false;
        std::string got;
        for (const auto& name : s.not_names) {
            if (n.IsMap() && n[name]) got += (got.empty() ? "" : ", ") + name;
        }
        // The schemas spell a proto oneof as `not: {required: [a, b]}` with a $comment saying so.
        const std::string rule = s.comment.empty() ? "a combination of fields that is not allowed" : s.comment;
        out->add(n.Mark(), rule + (got.empty() ? "" : ", got " + got));
    }
    for (const auto* list : {&s.any_of, &s.one_of}) {
        if (list->empty()) continue;
        int passed = 0;
        for (const int child : *list) passed += check(child, n, depth + 1, rules, budget, nullptr) ? 1 : 0;
        const bool one = list == &s.one_of;
        if (passed > 0 && !(one && passed > 1)) continue;
        if (!out) return false;
        ok = false;
        if (passed > 1) {
            out->add(n.Mark(), "matches more than one of the allowed forms");
            continue;
        }
        // The alternative that fails least says best what is wrong.
        Findings best;
        bool first = true;
        for (const int child : *list) {
            Findings f;
            check(child, n, depth + 1, rules, budget, &f);
            if (first || f.size() < best.size()) best = f, first = false;
        }
        out->append(best);
    }
    return ok;
}

JsonSchema::JsonSchema(std::string_view json_text, const std::vector<std::string>& roots)
    : impl_(std::make_unique<Impl>()) {
    try {
        impl_->document = json::parse(json_text);
        for (const auto& pointer : roots) impl_->compile(pointer, pointer.substr(pointer.find_last_of("/.") + 1));
    } catch (const json::exception& e) {
        throw Error(std::string("JSON Schema: ") + e.what());
    } catch (const std::regex_error& e) {
        throw Error(std::string("JSON Schema: bad pattern: ") + e.what());
    }
}

JsonSchema::~JsonSchema() = default;

void JsonSchema::validate(const YAML::Node& instance, const std::string& root, const ScalarRules& rules,
                          WalkBudget& budget, Findings& found) const {
    const auto it = impl_->by_pointer.find(root);
    if (it == impl_->by_pointer.end()) throw InternalError("JSON Schema root not compiled: " + root);
    impl_->check(it->second, instance, 0, rules, budget, &found);
}

}  // namespace pipecc::validate
