// `{{…}}` references in Argo templates, checked as Argo's validator resolves them
// (workflow/validate/validate.go: a template's scope holds its inputs, and a DAG's or steps
// template's scope the outputs of its tasks or steps).
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "validate/argo_checks.hpp"
#include "validate/yaml_access.hpp"

namespace pipecc::validate {
namespace {

using Names = std::unordered_set<std::string>;

std::string quoted(const std::string& s) { return "'" + s + "'"; }

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

std::string_view trimmed(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\n\r");
    if (first == std::string_view::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t\n\r") - first + 1);
}

Names names_of(const YAML::Node& list) {
    Names out;
    for (const auto& item : list) out.insert(text(field(item, "name")));
    return out;
}

// The inputs a template's own `{{inputs.…}}` may use.
struct Inputs {
    Names parameters;
    Names artifacts;

    static Inputs of(const YAML::Node& tmpl) {
        const YAML::Node inputs = field(tmpl, "inputs");
        return {names_of(field(inputs, "parameters")), names_of(field(inputs, "artifacts"))};
    }
    void add(const Inputs& more) {
        parameters.insert(more.parameters.begin(), more.parameters.end());
        artifacts.insert(more.artifacts.begin(), more.artifacts.end());
    }
};

class TemplateVariables {
public:
    TemplateVariables(const std::unordered_map<std::string, YAML::Node>& templates, WalkBudget& budget,
                      Findings& found)
        : templates_(templates), budget_(budget), found_(found) {}

    void check(const YAML::Node& tmpl) {
        name_ = text(field(tmpl, "name"));
        children_.clear();
        kind_ = field(tmpl, "dag").IsMap() ? "tasks" : field(tmpl, "steps").IsSequence() ? "steps" : "";
        if (kind_ == "tasks") {
            for (const auto& task : field(field(tmpl, "dag"), "tasks")) children_.emplace(text(field(task, "name")), task);
        } else if (kind_ == "steps") {
            for (const auto& group : field(tmpl, "steps")) {
                for (const auto& step : group) children_.emplace(text(field(step, "name")), step);
            }
        }
        walk(tmpl, Inputs::of(tmpl), 0);
    }

private:
    void walk(const YAML::Node& n, const Inputs& inputs, int depth) {
        if (!budget_.visit(depth)) return;
        if (n.IsScalar()) {
            scan(n, inputs);
        } else if (n.IsSequence()) {
            for (const auto& item : n) walk(item, inputs, depth + 1);
        } else if (n.IsMap()) {
            for (const auto& entry : n) {
                // An inline template also sees its own inputs (Argo adds them to the step's scope).
                if (entry.first.IsScalar() && entry.first.Scalar() == "inline" && entry.second.IsMap()) {
                    Inputs inner = inputs;
                    inner.add(Inputs::of(entry.second));
                    walk(entry.second, inner, depth + 1);
                } else {
                    walk(entry.second, inputs, depth + 1);
                }
            }
        }
    }

    // Each `{{tag}}` of a string, found as Argo's fasttemplate finds them.
    void scan(const YAML::Node& n, const Inputs& inputs) {
        const std::string& s = n.Scalar();
        for (std::size_t open = s.find("{{"); open != std::string::npos; open = s.find("{{", open)) {
            const std::size_t close = s.find("}}", open + 2);
            if (close == std::string::npos) return;
            const std::string_view tag = trimmed(std::string_view(s).substr(open + 2, close - open - 2));
            open = close + 2;
            if (!starts_with(tag, "=")) check_tag(n, std::string(tag), inputs);
        }
    }

    void check_tag(const YAML::Node& n, const std::string& tag, const Inputs& inputs) {
        static const std::string params = "inputs.parameters.", arts = "inputs.artifacts.";
        if (starts_with(tag, params)) {
            if (!inputs.parameters.count(tag.substr(params.size()))) {
                report(n, tag, "template " + quoted(name_) + " has no input parameter " + quoted(tag.substr(params.size())));
            }
        } else if (starts_with(tag, arts)) {
            std::string art = tag.substr(arts.size());
            if (!inputs.artifacts.count(art) && art.size() > 5 && art.compare(art.size() - 5, 5, ".path") == 0) {
                art.resize(art.size() - 5);
            }
            if (!inputs.artifacts.count(art)) report(n, tag, "template " + quoted(name_) + " has no input artifact " + quoted(art));
        } else if (!kind_.empty() && starts_with(tag, kind_ + ".") && !starts_with(tag, kind_ + ".name")) {
            child_reference(n, tag);
        }
    }

    // `{{tasks.t.outputs.parameters.p}}`: t is a task of this DAG, and p an output of its template.
    void child_reference(const YAML::Node& n, const std::string& tag) {
        const std::string rest = tag.substr(kind_.size() + 1);
        const std::string child = rest.substr(0, rest.find('.'));
        const char* what = kind_ == "tasks" ? "task" : "step";
        const auto it = children_.find(child);
        if (it == children_.end()) {
            report(n, tag, std::string("template ") + quoted(name_) + " has no " + what + " " + quoted(child));
            return;
        }
        const YAML::Node tmpl = child_template(it->second);
        if (!tmpl.IsMap()) return;
        for (const char* kind : {"parameters", "artifacts"}) {
            const std::string prefix = child + ".outputs." + kind + ".";
            if (!starts_with(rest, prefix)) continue;
            const std::string output = rest.substr(prefix.size());
            if (!names_of(field(field(tmpl, "outputs"), kind)).count(output)) {
                report(n, tag, std::string(what) + " " + quoted(child) + ": template " + quoted(text(field(tmpl, "name"))) +
                                   " has no output " + (kind[0] == 'p' ? "parameter " : "artifact ") + quoted(output));
            }
        }
    }

    // The template a task or step runs, when it is in this document.
    YAML::Node child_template(const YAML::Node& child) const {
        if (field(child, "templateRef").IsDefined()) return YAML::Node(YAML::NodeType::Undefined);
        if (const YAML::Node inline_tmpl = field(child, "inline"); inline_tmpl.IsMap()) return inline_tmpl;
        const auto it = templates_.find(text(field(child, "template")));
        return it == templates_.end() ? YAML::Node(YAML::NodeType::Undefined) : it->second;
    }

    void report(const YAML::Node& n, const std::string& tag, const std::string& why) {
        found_.add(n.Mark(), "cannot resolve {{" + tag + "}}: " + why);
    }

    const std::unordered_map<std::string, YAML::Node>& templates_;
    WalkBudget& budget_;
    Findings& found_;
    std::string name_{};
    std::string kind_{};  // "tasks" in a DAG template, "steps" in a steps template
    std::unordered_map<std::string, YAML::Node> children_{};
};

}  // namespace

void check_argo_variables(const YAML::Node& spec, WalkBudget& budget, Findings& found) {
    std::unordered_map<std::string, YAML::Node> templates;
    for (const auto& t : field(spec, "templates")) templates.emplace(text(field(t, "name")), t);
    TemplateVariables variables(templates, budget, found);
    for (const auto& t : field(spec, "templates")) {
        if (t.IsMap()) variables.check(t);
    }
}

}  // namespace pipecc::validate
