#include "validate/ir_checks.hpp"

#include <array>
#include <string>
#include <unordered_set>
#include <vector>

#include "validate/dag_cycles.hpp"
#include "validate/yaml_access.hpp"

namespace pipecc::validate {
namespace {

bool has_key(const YAML::Node& map, const std::string& key) { return field(map, key).IsDefined(); }

// The keys of a mapping, for lookups in maps of thousands of components, executors or tasks.
std::unordered_map<std::string, YAML::Node> entries(const YAML::Node& map) {
    std::unordered_map<std::string, YAML::Node> out;
    if (map.IsMap()) {
        for (const auto& e : map) out.emplace(text(e.first), e.second);
    }
    return out;
}

std::string quoted(const std::string& s) { return "'" + s + "'"; }

// The run-time values KFP's driver substitutes, and only as a task input's whole constant.
constexpr std::array<std::string_view, 8> kRunPlaceholders = {
    "{{$.pipeline_job_name}}",          "{{$.pipeline_job_resource_name}}", "{{$.pipeline_job_uuid}}",
    "{{$.pipeline_task_name}}",         "{{$.pipeline_task_uuid}}",         "{{$.pipeline_job_create_time_utc}}",
    "{{$.pipeline_job_schedule_time_utc}}", "{{$.workspace_path}}"};

// `{{$.inputs.parameters['x']…` and the like, as the launcher reads them.
struct IoPlaceholder {
    bool output;
    std::string kind;  // "parameters" or "artifacts"
    std::string name;
    std::string text;  // the placeholder up to the name's closing bracket
};

std::vector<IoPlaceholder> io_placeholders(const std::string& t) {
    std::vector<IoPlaceholder> out;
    for (std::size_t at = t.find("{{$."); at != std::string::npos; at = t.find("{{$.", at + 4)) {
        std::size_t p = at + 4;
        auto eat = [&](std::string_view word) {
            if (t.compare(p, word.size(), word) != 0) return false;
            p += word.size();
            return true;
        };
        IoPlaceholder ref{};
        if (eat("inputs.")) ref.output = false;
        else if (eat("outputs.")) ref.output = true;
        else continue;
        if (eat("parameters[")) ref.kind = "parameters";
        else if (eat("artifacts[")) ref.kind = "artifacts";
        else continue;
        if (p >= t.size() || (t[p] != '\'' && t[p] != '"')) continue;
        const char quote = t[p++];
        const std::size_t end = t.find(quote, p);
        if (end == std::string::npos || end + 1 >= t.size() || t[end + 1] != ']') continue;
        ref.name = t.substr(p, end - p);
        // The whole placeholder as written, with any `.uri` and its closing braces.
        const std::size_t close = t.find("}}", end + 2);
        ref.text = t.substr(at, (close == std::string::npos ? end + 2 : close + 2) - at);
        out.push_back(std::move(ref));
    }
    return out;
}

struct IrChecks {
    const YAML::Node& spec;
    WalkBudget& budget;
    Findings& found;
    YAML::Node components = field(spec, "components");
    std::unordered_map<std::string, YAML::Node> component_names = entries(components);
    std::unordered_map<std::string, YAML::Node> executors = entries(field(field(spec, "deploymentSpec"), "executors"));
    std::unordered_set<int> whole_constants{};  // stream positions of runtimeValue.constant scalars

    void component(const std::string& name, const YAML::Node& c) {
        const YAML::Node label = field(c, "executorLabel");
        if (label.IsScalar() && !executors.count(label.Scalar())) {
            found.add(label.Mark(), "component " + quoted(name) + ": executor " + quoted(label.Scalar()) +
                                        " is not in deploymentSpec.executors");
        }
        const YAML::Node dag = field(c, "dag");
        if (dag.IsMap()) this->dag(name, c, dag);
    }

    using Tasks = std::unordered_map<std::string, YAML::Node>;

    void producer(const Tasks& tasks, const YAML::Node& ref, const std::string& task, const char* key) {
        const YAML::Node p = field(ref, key);
        if (p.IsScalar() && !tasks.count(p.Scalar())) {
            found.add(p.Mark(), "task " + quoted(task) + ": " + key + " " + quoted(p.Scalar()) + " is not a task of this DAG");
        }
    }

    void dag(const std::string& owner, const YAML::Node& c, const YAML::Node& dag) {
        const YAML::Node task_map = field(dag, "tasks");
        const Tasks tasks = entries(task_map);
        const YAML::Node inputs = field(c, "inputDefinitions");
        std::vector<std::pair<std::string, std::vector<std::string>>> edges;
        for (const auto& entry : task_map.IsMap() ? task_map : YAML::Node()) {
            if (!budget.visit(1)) return;
            const std::string& name = text(entry.first);
            const YAML::Node& task = entry.second;
            const YAML::Node ref = field(field(task, "componentRef"), "name");
            if (ref.IsScalar() && !component_names.count(ref.Scalar())) {
                found.add(ref.Mark(), "task " + quoted(name) + ": component " + quoted(ref.Scalar()) +
                                          " is not in components");
            }
            std::vector<std::string> deps;
            for (const auto& d : field(task, "dependentTasks")) {
                if (!d.IsScalar()) continue;
                if (!tasks.count(d.Scalar())) {
                    found.add(d.Mark(), "task " + quoted(name) + " depends on unknown task " + quoted(d.Scalar()));
                }
                deps.push_back(d.Scalar());
            }
            edges.emplace_back(name, std::move(deps));
            task_inputs(owner, name, task, tasks, inputs);
        }
        for (const auto& entry : field(field(dag, "outputs"), "parameters")) {
            producer_subtask(tasks, field(entry.second, "valueFromParameter"));
            for (const auto& s : field(field(entry.second, "valueFromOneof"), "parameterSelectors")) producer_subtask(tasks, s);
        }
        for (const auto& entry : field(field(dag, "outputs"), "artifacts")) {
            for (const auto& s : field(entry.second, "artifactSelectors")) producer_subtask(tasks, s);
        }
        for (const auto& task : cycle_entries(edges)) {
            found.add(dag.Mark(), "component " + quoted(owner) + ": dependency cycle through task " + quoted(task));
        }
    }

    void producer_subtask(const Tasks& tasks, const YAML::Node& selector) {
        const YAML::Node p = field(selector, "producerSubtask");
        if (p.IsScalar() && !tasks.count(p.Scalar())) {
            found.add(p.Mark(), "DAG output: producerSubtask " + quoted(p.Scalar()) + " is not a task of this DAG");
        }
    }

    void task_inputs(const std::string& owner, const std::string& name, const YAML::Node& task, const Tasks& tasks,
                     const YAML::Node& parent_inputs) {
        const YAML::Node inputs = field(task, "inputs");
        for (const auto& entry : field(inputs, "parameters")) {
            const YAML::Node& p = entry.second;
            producer(tasks, field(p, "taskOutputParameter"), name, "producerTask");
            producer(tasks, field(p, "taskFinalStatus"), name, "producerTask");
            parent_input(owner, name, field(p, "componentInputParameter"), parent_inputs, "parameters");
            const YAML::Node constant = field(field(p, "runtimeValue"), "constant");
            if (constant.IsScalar()) whole_constants.insert(constant.Mark().pos);
        }
        for (const auto& entry : field(inputs, "artifacts")) {
            producer(tasks, field(entry.second, "taskOutputArtifact"), name, "producerTask");
            parent_input(owner, name, field(entry.second, "componentInputArtifact"), parent_inputs, "artifacts");
        }
    }

    // A task reads its parent component's inputs; the backend fails a run whose name is not one.
    void parent_input(const std::string& owner, const std::string& task, const YAML::Node& ref,
                      const YAML::Node& parent_inputs, const char* kind) {
        if (!ref.IsScalar() || has_key(field(parent_inputs, kind), ref.Scalar())) return;
        found.add(ref.Mark(), "task " + quoted(task) + ": component " + quoted(owner) + " has no input " +
                                  std::string(kind).substr(0, std::string(kind).size() - 1) + " " + quoted(ref.Scalar()));
    }

    // Each executor's `{{$.inputs…}}`/`{{$.outputs…}}` placeholders against every component using it.
    void executor_placeholders() {
        for (const auto& c : components) {
            const YAML::Node label = field(c.second, "executorLabel");
            const auto executor = executors.find(text(label));
            if (!label.IsScalar() || executor == executors.end()) continue;
            const YAML::Node container = field(executor->second, "container");
            if (!container.IsMap()) continue;
            std::vector<YAML::Node> strings;
            for (const char* key : {"command", "args"}) {
                for (const auto& s : field(container, key)) strings.push_back(s);
            }
            for (const auto& e : field(container, "env")) strings.push_back(field(e, "value"));
            for (const auto& s : strings) {
                if (!budget.visit(1)) return;
                if (!s.IsScalar()) continue;
                for (const auto& ref : io_placeholders(s.Scalar())) {
                    const YAML::Node defs = field(c.second, ref.output ? "outputDefinitions" : "inputDefinitions");
                    if (has_key(field(defs, ref.kind), ref.name)) continue;
                    found.add(s.Mark(), "executor " + quoted(label.Scalar()) + ": placeholder " + quoted(ref.text) +
                                            " names no " + (ref.output ? "output " : "input ") +
                                            ref.kind.substr(0, ref.kind.size() - 1) + " of component " +
                                            quoted(text(c.first)));
                }
            }
        }
    }

    void run_placeholders(const YAML::Node& n, int depth) {
        if (!budget.visit(depth)) return;
        if (n.IsScalar()) {
            const std::string& t = n.Scalar();
            if (t.find("{{$.") == std::string::npos) return;
            for (const auto p : kRunPlaceholders) {
                if (t.find(p) == std::string::npos) continue;
                if (t == p && whole_constants.count(n.Mark().pos)) continue;
                found.add(n.Mark(), std::string(p) + " is resolved by KFP only as the whole runtimeValue.constant "
                                                      "of a task input");
            }
        } else {
            for (const auto& child : n) run_placeholders(n.IsMap() ? child.second : child, depth + 1);
        }
    }

    void run() {
        const YAML::Node root = field(spec, "root");
        if (root.IsMap()) component("root", root);
        for (const auto& c : components) component(text(c.first), c.second);
        executor_placeholders();
        run_placeholders(spec, 0);
    }
};

}  // namespace

void check_ir_references(const YAML::Node& spec, WalkBudget& budget, Findings& found) {
    if (!spec.IsMap()) return;
    IrChecks{spec, budget, found}.run();
}

}  // namespace pipecc::validate
