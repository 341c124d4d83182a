#include "validate/data_checks.hpp"

#include <cmath>
#include <unordered_set>

#include "validate/scalar_type.hpp"

namespace pipecc::validate {
namespace {

struct DataWalk {
    const ScalarRules& rules;
    bool json_only;
    WalkBudget& budget;
    Findings& found;

    void scalar(const YAML::Node& n) {
        const ScalarType t = scalar_type(n, rules.json_syntax);
        if (t == ScalarType::Unsupported) {
            found.add(n.Mark(), "unsupported YAML tag '" + n.Tag() + "'");
        } else if (json_only && t == ScalarType::Timestamp) {
            found.add(n.Mark(), "YAML timestamp '" + n.Scalar() + "' is not JSON data (quote it to make it a string)");
        } else if (json_only && t == ScalarType::Float) {
            const auto v = scalar_number(n.Scalar());
            if (v && !std::isfinite(*v)) {
                found.add(n.Mark(), n.Scalar() + " is not a JSON number (numeric proto fields take the strings "
                                                  "\"NaN\", \"Infinity\", \"-Infinity\")");
            }
        }
    }

    void walk(const YAML::Node& n, int depth) {
        if (!budget.visit(depth)) return;
        if (n.IsScalar()) {
            scalar(n);
        } else if (n.IsSequence()) {
            for (const auto& item : n) walk(item, depth + 1);
        } else if (n.IsMap()) {
            std::unordered_set<std::string> seen;
            for (const auto& entry : n) {
                const YAML::Node& key = entry.first;
                if (json_only && !key.IsScalar()) {
                    found.add(key.Mark(), "a mapping key must be a string");
                } else if (key.IsScalar()) {
                    const ScalarType t = scalar_type(key, rules.json_syntax);
                    if (json_only && t != ScalarType::String) {
                        found.add(key.Mark(), "key '" + key.Scalar() + "' is a YAML " + type_name(t) +
                                                  ", not a string (quote it)");
                    }
                    if (json_only && !seen.insert(key.Scalar()).second) {
                        found.add(key.Mark(), "duplicate key '" + key.Scalar() + "'");
                    }
                }
                walk(entry.second, depth + 1);
            }
        }
    }
};

}  // namespace

void check_json_data(const YAML::Node& doc, const ScalarRules& rules, bool json_only, WalkBudget& budget,
                     Findings& found) {
    DataWalk{rules, json_only, budget, found}.walk(doc, 0);
}

}  // namespace pipecc::validate
