#pragma once
/// A JSON Schema validator for the subset of keywords pipecc's schemas use, run directly on
/// yaml-cpp nodes so that every problem keeps its line and column.
///
/// Keywords: type, properties, additionalProperties, required, items, enum, const, $ref (to any
/// JSON pointer in the same document: $defs, definitions, …), allOf, anyOf, oneOf, not,
/// minLength, pattern, minimum, maximum. Annotations ($comment, title, description, deprecated)
/// are read for messages only; other keywords are ignored.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "validate/problem.hpp"
#include "validate/walk_budget.hpp"

namespace pipecc::validate {

/// How instance scalars are typed: JSON files by JSON's grammar, YAML by YAML 1.1's. Timestamps
/// and other non-JSON scalars count as strings here, as Go's YAML-to-JSON step makes them; IR's
/// stricter rule is data_checks' job.
struct ScalarRules {
    bool json_syntax = false;
};

/// A compiled schema document; `validate` checks a node against the schema at a JSON pointer.
///
/// @code
/// const JsonSchema schema(argo_workflow_schema_json(), {"#/kinds/Workflow"});
/// Findings found;
/// WalkBudget budget;
/// schema.validate(doc, "#/kinds/Workflow", {}, budget, found);
/// @endcode
class JsonSchema {
public:
    /// Compiles the schemas at the JSON pointers `roots` (e.g. "#", "#/kinds/Workflow") of the
    /// schema document `json_text`; throws pipecc::Error on a schema it cannot read.
    JsonSchema(std::string_view json_text, const std::vector<std::string>& roots);
    ~JsonSchema();
    JsonSchema(const JsonSchema&) = delete;
    JsonSchema& operator=(const JsonSchema&) = delete;

    /// Adds a finding for each way `instance` breaks the schema at `root`, one of the roots.
    void validate(const YAML::Node& instance, const std::string& root, const ScalarRules& rules,
                  WalkBudget& budget, Findings& found) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace pipecc::validate
