// Reading a picture from KFP IR or Argo YAML.
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "picture/picture.hpp"
#include "pipecc/error.hpp"

namespace pipecc::picture {
namespace {

// n[k0][k1]…, or an undefined node where any step is missing: yaml-cpp throws when indexing
// into a node that is not there.
template <class... Keys>
YAML::Node at(const YAML::Node& n, const std::string& key, const Keys&... rest) {
    if (!n || !n.IsMap() || !n[key]) return YAML::Node(YAML::NodeType::Undefined);
    if constexpr (sizeof...(rest) == 0) {
        return n[key];
    } else {
        return at(n[key], rest...);
    }
}

std::string str(const YAML::Node& n, const std::string& fallback = {}) {
    return n && n.IsScalar() ? n.Scalar() : fallback;
}

// Ids are numbered in reading order, so the same file always gives the same picture.
class Ids {
public:
    std::string next(char prefix) { return prefix + std::to_string(++count_); }

private:
    int count_ = 0;
};

// --- KFP IR -------------------------------------------------------------------------------

class IrReader {
public:
    explicit IrReader(const YAML::Node& spec) : spec_(spec) {}

    Picture read() {
        Picture p;
        p.root = Group{.id = ids_.next('g'), .label = str(at(spec_, "pipelineInfo", "name")), .kind = GroupKind::Pipeline};
        read_dag(at(spec_, "root", "dag"), p.root, p);
        return p;
    }

private:
    void read_dag(const YAML::Node& dag, Group& into, Picture& p) {
        std::map<std::string, std::string> id_of;  // task name -> node or group id, in this DAG
        const auto tasks = dag["tasks"];
        if (!tasks || !tasks.IsMap()) return;
        for (const auto& kv : tasks) {
            const std::string name = kv.first.as<std::string>();
            const auto& task = kv.second;
            const std::string label = str(at(task, "taskInfo", "name"), name);
            const auto component = at(spec_, "components", str(at(task, "componentRef", "name")));
            const std::string condition = str(at(task, "triggerPolicy", "condition"));
            if (component && component["dag"]) {
                Group g{.id = ids_.next('g'), .label = label, .kind = GroupKind::SubDag};
                if (name.rfind("exit-handler-", 0) == 0) {
                    g.kind = GroupKind::ExitHandler;
                    g.label = "exit handler";
                } else if (task["parameterIterator"] || task["artifactIterator"]) {
                    g.kind = GroupKind::Loop;
                    g.label = "for each: " + iterator_items(task);
                } else if (!condition.empty()) {
                    g.kind = GroupKind::Condition;
                    g.label = "if " + condition;
                }
                id_of[name] = g.id;
                read_dag(component["dag"], g, p);
                into.groups.push_back(std::move(g));
            } else {
                Node n{.id = ids_.next('n'), .label = label, .condition = condition};
                n.on_exit = str(at(task, "triggerPolicy", "strategy")) == "ALL_UPSTREAM_TASKS_COMPLETED";
                id_of[name] = n.id;
                into.nodes.push_back(std::move(n));
            }
        }
        for (const auto& kv : tasks) {
            for (const auto& dep : kv.second["dependentTasks"]) {
                if (id_of.count(dep.as<std::string>())) {
                    p.edges.push_back({id_of[dep.as<std::string>()], id_of[kv.first.as<std::string>()]});
                }
            }
        }
    }

    static std::string iterator_items(const YAML::Node& task) {
        const std::string kind = task["parameterIterator"] ? "parameterIterator" : "artifactIterator";
        if (const auto raw = at(task, kind, "items", "raw")) return str(raw);
        return str(at(task, kind, "items", "inputParameter"), str(at(task, kind, "items", "inputArtifact"), "items"));
    }

    const YAML::Node& spec_;
    Ids ids_;
};

// --- Argo ---------------------------------------------------------------------------------

class ArgoReader {
public:
    explicit ArgoReader(const YAML::Node& spec) : spec_(spec) {
        for (const auto& t : spec_["templates"]) templates_[str(t["name"])] = static_cast<const YAML::Node&>(t);
    }

    Picture read(const std::string& name) {
        Picture p;
        p.root = Group{.id = ids_.next('g'), .label = name, .kind = GroupKind::Pipeline};
        const std::string entrypoint = str(spec_["entrypoint"]);
        expanding_.insert(entrypoint);
        if (!read_template(entrypoint, p.root, p)) p.root.nodes.push_back(node_for(entrypoint, {}, false));
        expanding_.erase(entrypoint);
        if (const auto on_exit = str(spec_["onExit"]); !on_exit.empty()) {
            Group hooks{.id = ids_.next('g'), .label = "on exit", .kind = GroupKind::OnExit};
            if (!read_template(on_exit, hooks, p)) hooks.nodes.push_back(node_for(on_exit, {}, true));
            mark_on_exit(hooks);
            p.root.groups.push_back(std::move(hooks));
        }
        return p;
    }

private:
    // Adds the tasks of a dag or steps template to `into`; false for a leaf template.
    bool read_template(const std::string& name, Group& into, Picture& p) {
        const auto t = templates_.count(name) ? templates_[name] : YAML::Node();
        if (t["dag"]) {
            std::map<std::string, std::string> id_of;
            for (const auto& task : at(t, "dag", "tasks")) id_of[str(task["name"])] = add_task(task, into, p);
            for (const auto& task : at(t, "dag", "tasks")) {
                for (const auto& dep : dependencies(task)) {
                    if (id_of.count(dep)) p.edges.push_back({id_of[dep], id_of[str(task["name"])]});
                }
            }
            return true;
        }
        if (t["steps"]) {
            std::vector<std::string> previous;
            for (const auto& parallel : t["steps"]) {
                std::vector<std::string> current;
                for (const auto& step : parallel) current.push_back(add_task(step, into, p));
                for (const auto& from : previous) {
                    for (const auto& to : current) p.edges.push_back({from, to});
                }
                previous = current;
            }
            return true;
        }
        return false;
    }

    // A task of a DAG or a step: a node, or a group when it loops, has a condition, or runs a
    // dag/steps template. Returns its id.
    std::string add_task(const YAML::Node& task, Group& into, Picture& p) {
        const std::string name = str(task["name"]);
        const std::string target = str(task["template"], str(at(task, "templateRef", "template")));
        const std::string when = str(task["when"]);
        const bool loops = task["withItems"] || task["withParam"] || task["withSequence"];
        Group* where = &into;
        std::optional<Group> wrapper;
        if (loops || !when.empty()) {
            wrapper = Group{.id = ids_.next('g'),
                            .label = loops ? "for each: " + loop_items(task) : "when " + when,
                            .kind = loops ? GroupKind::Loop : GroupKind::Condition};
            where = &*wrapper;
        }
        std::string id;
        const auto t = templates_.count(target) ? templates_[target] : YAML::Node();
        if ((t["dag"] || t["steps"]) && !expanding_.count(target)) {
            Group g{.id = ids_.next('g'), .label = name, .kind = GroupKind::SubDag};
            // A template that runs itself (recursion) is drawn once, then as a plain node.
            expanding_.insert(target);
            read_template(target, g, p);
            expanding_.erase(target);
            id = g.id;
            where->groups.push_back(std::move(g));
        } else {
            Node n = node_for(target, name, false);
            id = n.id;
            where->nodes.push_back(std::move(n));
        }
        if (wrapper) {
            id = wrapper->id;
            into.groups.push_back(std::move(*wrapper));
        }
        return id;
    }

    Node node_for(const std::string& template_name, const std::string& task_name, bool on_exit) {
        const auto t = templates_.count(template_name) ? templates_[template_name] : YAML::Node();
        // KFP v1 keeps display names in this annotation.
        const std::string shown = str(at(t, "metadata", "annotations", "pipelines.kubeflow.org/task_display_name"));
        return Node{.id = ids_.next('n'),
                    .label = !shown.empty() ? shown : (task_name.empty() ? template_name : task_name),
                    .on_exit = on_exit};
    }

    static void mark_on_exit(Group& g) {
        for (auto& n : g.nodes) n.on_exit = true;
        for (auto& child : g.groups) mark_on_exit(child);
    }

    static std::string loop_items(const YAML::Node& task) {
        if (task["withParam"]) return str(task["withParam"]);
        if (task["withSequence"]) return "a sequence";
        return std::to_string(task["withItems"].size()) + " items";
    }

    // `dependencies: [a, b]`, or the task names in a `depends` expression such as
    // "a.Succeeded && (b || c.Failed)".
    static std::vector<std::string> dependencies(const YAML::Node& task) {
        std::vector<std::string> out;
        for (const auto& d : task["dependencies"]) out.push_back(d.as<std::string>());
        static const std::regex name(R"(([A-Za-z0-9][A-Za-z0-9_-]*)(\.[A-Za-z]+)?)");
        const std::string depends = str(task["depends"]);
        for (std::sregex_iterator it(depends.begin(), depends.end(), name), end; it != end; ++it) {
            out.push_back((*it)[1]);
        }
        return out;
    }

    const YAML::Node& spec_;
    std::map<std::string, YAML::Node> templates_;
    std::set<std::string> expanding_;
    Ids ids_;
};

}  // namespace

Picture picture_from_text(const std::string& path, const std::string& text) {
    std::vector<YAML::Node> docs;
    try {
        docs = YAML::LoadAll(text);
    } catch (const YAML::Exception& e) {
        throw Error("not YAML or JSON: " + e.msg, Where{.file = path, .line = e.mark.line + 1, .column = e.mark.column + 1});
    }
    for (const auto& doc : docs) {
        if (!doc.IsMap()) continue;
        if (doc["pipelineInfo"] && doc["root"]) return IrReader(doc).read();
        const std::string kind = str(doc["kind"]);
        if (kind == "Workflow" || kind == "WorkflowTemplate" || kind == "ClusterWorkflowTemplate" || kind == "CronWorkflow") {
            const auto spec = kind == "CronWorkflow" ? at(doc, "spec", "workflowSpec") : doc["spec"];
            const auto meta = doc["metadata"];
            std::string name = str(meta["name"], str(meta["generateName"], str(spec["entrypoint"])));
            if (!name.empty() && name.back() == '-') name.pop_back();
            return ArgoReader(spec).read(name);
        }
    }
    throw Error("neither KFP v2 IR nor an Argo Workflow, CronWorkflow or WorkflowTemplate", Where{.file = path});
}

Picture picture_from_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error("cannot read the file", Where{.file = path});
    std::ostringstream text;
    text << in.rdbuf();
    return picture_from_text(path, text.str());
}

}  // namespace pipecc::picture
