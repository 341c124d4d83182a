#include "validate/argo_checks.hpp"

#include <cctype>
#include <string>
#include <unordered_map>
#include <vector>

#include "validate/dag_cycles.hpp"
#include "validate/yaml_access.hpp"

namespace pipecc::validate {
namespace {

constexpr std::string_view kApiVersion = "argoproj.io/v1alpha1";

std::string quoted(const std::string& s) { return "'" + s + "'"; }

bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; }

// The task names a `depends` expression mentions ("a && (b.Succeeded || !c.Failed)"): each run of
// name characters, with a `.Result` suffix dropped; numbers are not names.
std::vector<std::string> depends_names(const std::string& expr) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < expr.size()) {
        if (!is_name_char(expr[i])) {
            ++i;
            continue;
        }
        const std::size_t start = i;
        while (i < expr.size() && is_name_char(expr[i])) ++i;
        std::string name = expr.substr(start, i - start);
        if (i + 1 < expr.size() && expr[i] == '.' && std::isalpha(static_cast<unsigned char>(expr[i + 1]))) {
            ++i;
            while (i < expr.size() && std::isalpha(static_cast<unsigned char>(expr[i]))) ++i;
        }
        if (name.find_first_not_of("0123456789") != std::string::npos) out.push_back(std::move(name));
    }
    return out;
}

struct StructureChecks {
    WalkBudget& budget;
    Findings& found;
    std::unordered_map<std::string, YAML::Node> templates{};

    void dag(const YAML::Node& dag) {
        const YAML::Node tasks = field(dag, "tasks");
        std::unordered_map<std::string, bool> names;
        for (const auto& task : tasks) {
            if (!budget.visit(1)) return;
            if (!task.IsMap()) continue;
            const YAML::Node name = field(task, "name");
            if (!names.emplace(text(name), true).second) {
                found.add(name.Mark(), "duplicate task name " + quoted(text(name)));
            }
            const YAML::Node tmpl = field(task, "template");
            const bool ref = field(task, "templateRef").IsDefined();
            if (tmpl.IsScalar() && !tmpl.Scalar().empty() && !ref && !templates.count(tmpl.Scalar())) {
                found.add(tmpl.Mark(), "template " + quoted(tmpl.Scalar()) + " not found");
            }
            if ((!tmpl.IsScalar() || tmpl.Scalar().empty()) && !ref && !field(task, "inline").IsDefined()) {
                found.add(task.Mark(), "task " + quoted(text(name)) + " has none of template, templateRef, inline");
            }
        }
        std::vector<std::pair<std::string, std::vector<std::string>>> edges;
        for (const auto& task : tasks) {
            if (!task.IsMap()) continue;
            const std::string& name = text(field(task, "name"));
            std::vector<std::string> deps;
            for (const auto& d : field(task, "dependencies")) deps.push_back(text(d));
            const YAML::Node depends = field(task, "depends");
            if (depends.IsScalar()) {
                for (auto& d : depends_names(depends.Scalar())) deps.push_back(std::move(d));
            }
            for (const auto& d : deps) {
                if (!names.count(d)) found.add(task.Mark(), "task " + quoted(name) + " depends on unknown task " + quoted(d));
            }
            edges.emplace_back(name, std::move(deps));
        }
        for (const auto& task : cycle_entries(edges)) {
            found.add(dag.Mark(), "dependency cycle through task " + quoted(task));
        }
    }

    void steps(const YAML::Node& groups) {
        for (const auto& group : groups) {
            for (const auto& step : group.IsSequence() ? YAML::Node(group) : YAML::Node()) {
                if (!budget.visit(1)) return;
                const YAML::Node tmpl = field(step, "template");
                if (tmpl.IsScalar() && !tmpl.Scalar().empty() && !field(step, "templateRef").IsDefined() &&
                    !templates.count(tmpl.Scalar())) {
                    found.add(tmpl.Mark(), "template " + quoted(tmpl.Scalar()) + " not found");
                }
            }
        }
    }

    void spec(const YAML::Node& spec) {
        for (const auto& t : field(spec, "templates")) {
            const YAML::Node name = field(t, "name");
            if (!name.IsDefined()) continue;
            if (!templates.emplace(text(name), t).second) {
                found.add(name.Mark(), "duplicate template name " + quoted(text(name)));
            }
        }
        // A workflow that runs a WorkflowTemplate finds its templates there.
        const bool has_ref = field(spec, "workflowTemplateRef").IsDefined();
        for (const char* key : {"entrypoint", "onExit"}) {
            const YAML::Node ref = field(spec, key);
            if (!has_ref && ref.IsScalar() && !ref.Scalar().empty() && !templates.count(ref.Scalar())) {
                found.add(ref.Mark(), std::string(key) + " template " + quoted(ref.Scalar()) + " not found");
            }
        }
        for (const auto& t : field(spec, "templates")) {
            if (const YAML::Node d = field(t, "dag"); d.IsMap()) dag(d);
            if (const YAML::Node s = field(t, "steps"); s.IsSequence()) steps(s);
        }
    }
};

}  // namespace

YAML::Node workflow_spec(const YAML::Node& doc) {
    const YAML::Node spec = field(doc, "spec");
    return text(field(doc, "kind")) == "CronWorkflow" ? field(spec, "workflowSpec") : spec;
}

void check_argo_structure(const YAML::Node& doc, WalkBudget& budget, Findings& found) {
    if (!field(doc, "apiVersion").IsDefined()) {
        found.add(doc.Mark(), "apiVersion must be '" + std::string(kApiVersion) + "'");
    }
    const YAML::Node metadata = field(doc, "metadata");
    if (text(field(metadata, "name")).empty() && text(field(metadata, "generateName")).empty()) {
        found.add(metadata.IsDefined() ? metadata.Mark() : doc.Mark(), "metadata.name or metadata.generateName is required");
    }
    const YAML::Node spec = workflow_spec(doc);
    if (spec.IsMap()) StructureChecks{budget, found}.spec(spec);
}

}  // namespace pipecc::validate
