// Reading a picture from KFP IR or Argo YAML.
#include <cctype>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "picture/labels.hpp"
#include "picture/picture.hpp"
#include "pipecc/error.hpp"

namespace pipecc::picture {
namespace {

// The key of a trailing `["key"]`, as in KFP's `parseJson(string_value)["members"]`. Scanned by
// hand: std::regex recurses once per character, and a long selector in a hostile file would
// overflow the stack.
std::optional<std::string> last_field(const std::string& s) {
    const auto before = [&](std::size_t i) { return i == 0 ? std::string::npos : s.find_last_not_of(" \t", i - 1); };
    const std::size_t close = s.find_last_not_of(" \t");
    if (close == std::string::npos || s[close] != ']') return std::nullopt;
    const std::size_t q2 = before(close);
    if (q2 == std::string::npos || s[q2] != '"' || q2 == 0) return std::nullopt;
    const std::size_t q1 = s.rfind('"', q2 - 1);
    if (q1 == std::string::npos || q1 + 1 == q2) return std::nullopt;
    const std::size_t open = before(q1);
    if (open == std::string::npos || s[open] != '[') return std::nullopt;
    return s.substr(q1 + 1, q2 - q1 - 1);
}

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

std::int64_t int_or_zero(const YAML::Node& n) {
    try {
        return n && n.IsScalar() ? n.as<std::int64_t>() : 0;
    } catch (const YAML::Exception&) {
        return 0;
    }
}

// Ids are numbered in reading order, so the same file always gives the same picture.
class Ids {
public:
    std::string next(char prefix) { return prefix + std::to_string(++count_); }

private:
    int count_ = 0;
};

// --- KFP IR -------------------------------------------------------------------------------

// What each input of a component stands for, as its parent task binds it.
using Bindings = std::map<std::string, Ref>;

class IrReader {
public:
    explicit IrReader(const YAML::Node& spec) : spec_(spec) {}

    Picture read() {
        Picture p;
        p.root = Group{.id = ids_.next('g'), .label = fit(str(at(spec_, "pipelineInfo", "name"))), .kind = GroupKind::Pipeline};
        read_dag(at(spec_, "root", "dag"), p.root, p, {});
        return p;
    }

private:
    void read_dag(const YAML::Node& dag, Group& into, Picture& p, const Bindings& bindings) {
        // Task name -> the ids an edge into it (heads) or out of it (tails) meets, in this DAG:
        // its node's or group's, or the branches of an If/Elif/Else.
        std::map<std::string, std::vector<std::string>> heads, tails;
        const auto tasks = dag["tasks"];
        if (!tasks || !tasks.IsMap()) return;
        for (const auto& kv : tasks) {
            const std::string name = kv.first.as<std::string>();
            const auto& task = kv.second;
            const std::string label = fit(str(at(task, "taskInfo", "name"), name));
            const auto component = at(spec_, "components", str(at(task, "componentRef", "name")));
            const Resolve resolve = [&](const std::string& channel) { return input_ref(task, channel, bindings); };
            const std::string cel = str(at(task, "triggerPolicy", "condition"));
            const std::string condition = cel.empty() ? std::string() : readable_cel(cel, resolve);
            const bool loops = task["parameterIterator"] || task["artifactIterator"];
            if (component && component["dag"] && name.rfind("condition-branches-", 0) == 0 && !loops && condition.empty()) {
                // The kfp SDK's group of an If's branches, which Argo does without: its branches
                // are drawn in this DAG.
                Group branches;
                read_dag(component["dag"], branches, p, inner_bindings(task, resolve));
                heads[name] = ends_of(branches, p.edges, true);
                tails[name] = ends_of(branches, p.edges, false);
                for (auto& n : branches.nodes) into.nodes.push_back(std::move(n));
                for (auto& g : branches.groups) into.groups.push_back(std::move(g));
            } else if (component && component["dag"]) {
                Group g{.id = ids_.next('g'), .label = label, .kind = GroupKind::SubDag};
                if (is_exit_handler(name)) {
                    g.kind = GroupKind::ExitHandler;
                    g.label = "exit handler";
                } else if (loops) {
                    g.kind = GroupKind::Loop;
                    g.label = with_parallelism(loop_label(task, resolve), int_or_zero(at(task, "iteratorPolicy", "parallelismLimit")));
                } else if (!condition.empty()) {
                    g.kind = GroupKind::Condition;
                    g.label = condition_label(condition);
                }
                heads[name] = tails[name] = {g.id};
                read_dag(component["dag"], g, p, inner_bindings(task, resolve));
                into.groups.push_back(std::move(g));
            } else {
                Node n{.id = ids_.next('n'), .label = label, .condition = condition};
                // ignore_upstream_failure() has the same strategy; only a hook waits for the exit handler.
                for (const auto& dep : task["dependentTasks"]) n.on_exit = n.on_exit || is_exit_handler(dep.as<std::string>());
                n.on_exit = n.on_exit && str(at(task, "triggerPolicy", "strategy")) == "ALL_UPSTREAM_TASKS_COMPLETED";
                heads[name] = tails[name] = {n.id};
                into.nodes.push_back(std::move(n));
            }
        }
        for (const auto& kv : tasks) {
            for (const auto& dep : kv.second["dependentTasks"]) {
                const std::string from = dep.as<std::string>();
                for (const auto& tail : tails[from]) {
                    for (const auto& head : heads[kv.first.as<std::string>()]) p.edges.push_back({tail, head, is_exit_handler(from)});
                }
            }
        }
    }

    static bool is_exit_handler(const std::string& task_name) { return task_name.rfind("exit-handler-", 0) == 0; }

    // Channel `channel` of `task` (an input it binds), followed back to a task output, a pipeline
    // parameter, a loop item or the exit handler's status.
    static Ref input_ref(const YAML::Node& task, const std::string& channel, const Bindings& bindings) {
        auto input = at(task, "inputs", "parameters", channel);
        if (!input) input = at(task, "inputs", "artifacts", channel);
        if (const auto producer = str(at(input, "taskOutputParameter", "producerTask"), str(at(input, "taskOutputArtifact", "producerTask")));
            !producer.empty()) {
            return Ref{.task = producer,
                       .name = str(at(input, "taskOutputParameter", "outputParameterKey"),
                                   str(at(input, "taskOutputArtifact", "outputArtifactKey")))};
        }
        if (input["taskFinalStatus"]) return Ref{.name = "status"};
        const std::string outer = str(input["componentInputParameter"], str(input["componentInputArtifact"]));
        if (outer.empty()) return Ref{.name = plain_channel(channel)};
        Ref ref = bindings.count(outer) ? bindings.at(outer) : Ref{.name = plain_channel(outer)};
        // A field of a loop item: parseJson(string_value)["members"].
        if (auto key = last_field(str(input["parameterExpressionSelector"]))) ref.name += "." + *key;
        return ref;
    }

    static std::string plain_channel(const std::string& channel) {
        static const std::string prefix = "pipelinechannel--";
        return channel.rfind(prefix, 0) == 0 ? channel.substr(prefix.size()) : channel;
    }

    // What the inputs of the sub-DAG that `task` runs stand for: its own bindings, and its items.
    static Bindings inner_bindings(const YAML::Node& task, const Resolve& resolve) {
        Bindings out;
        for (const char* kind : {"parameters", "artifacts"}) {
            for (const auto& kv : at(task, "inputs", kind)) out[kv.first.as<std::string>()] = resolve(kv.first.as<std::string>());
        }
        for (const char* kind : {"parameterIterator", "artifactIterator"}) {
            if (const auto item = str(at(task, kind, "itemInput")); !item.empty()) out[item] = Ref{.name = "item"};
        }
        return out;
    }

    static std::string loop_label(const YAML::Node& task, const Resolve& resolve) {
        const std::string kind = task["parameterIterator"] ? "parameterIterator" : "artifactIterator";
        if (const auto raw = at(task, kind, "items", "raw")) {
            try {
                const auto items = YAML::Load(str(raw));
                if (items.IsSequence()) return loop_over_items(items.size());
            } catch (const YAML::Exception&) {
                // Not a list: shown as it is below.
            }
            return loop_over_text(str(raw));
        }
        const std::string channel = str(at(task, kind, "items", "inputParameter"), str(at(task, kind, "items", "inputArtifact")));
        return channel.empty() ? loop_over_text("items") : loop_over(resolve(channel));
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
        p.root = Group{.id = ids_.next('g'), .label = fit(name), .kind = GroupKind::Pipeline};
        const std::string entrypoint = str(spec_["entrypoint"]);
        const std::string on_exit = str(spec_["onExit"]);
        // With exit hooks the workflow is drawn as KFP draws its exit handler: the body in a
        // cluster, the hooks after it.
        std::optional<Group> body;
        if (!on_exit.empty()) body = Group{.id = ids_.next('g'), .label = "exit handler", .kind = GroupKind::ExitHandler};
        Group& main = body ? *body : p.root;
        expanding_.insert(entrypoint);
        if (!read_template(entrypoint, main, p)) main.nodes.push_back(node_for(entrypoint, {}, false));
        expanding_.erase(entrypoint);
        if (!body) return p;
        Group hooks;
        if (!read_template(on_exit, hooks, p)) hooks.nodes.push_back(node_for(on_exit, {}, true));
        mark_on_exit(hooks);
        for (const auto& id : ends_of(hooks, p.edges, true)) p.edges.push_back({body->id, id, true});
        p.root.groups.push_back(std::move(*body));
        for (auto& n : hooks.nodes) p.root.nodes.push_back(std::move(n));
        for (auto& g : hooks.groups) p.root.groups.push_back(std::move(g));
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

    // A task of a DAG or a step: a node, or a group when it loops or runs a dag/steps template
    // (one group for all of it: the loop or condition is that template's). Returns its id.
    std::string add_task(const YAML::Node& task, Group& into, Picture& p, std::int64_t parallelism = 0) {
        const std::string name = str(task["name"]);
        const std::string target = str(task["template"], str(at(task, "templateRef", "template")));
        const std::string when = str(task["when"]);
        const std::string condition = when.empty() ? std::string() : readable_argo(when, resolver());
        const bool loops = task["withItems"] || task["withParam"] || task["withSequence"];
        const std::string loop = loops ? with_parallelism(loop_label(task), parallelism) : std::string();
        const auto t = templates_.count(target) ? templates_[target] : YAML::Node();
        if (!(t["dag"] || t["steps"]) || expanding_.count(target)) {
            Node n = node_for(target, name, false);
            // A leaf task's condition is part of its node, as on KFP.
            n.condition = condition;
            if (!loops) {
                into.nodes.push_back(std::move(n));
                return into.nodes.back().id;
            }
            into.groups.push_back(Group{.id = ids_.next('g'), .label = loop, .kind = GroupKind::Loop, .nodes = {std::move(n)}});
            return into.groups.back().id;
        }
        Bindings bindings = bindings_for(task);
        std::swap(bindings_, bindings);
        std::string id;
        if (const auto only = limited_loop(t); only && !loops && condition.empty()) {
            // Argo limits parallelism per template, so a limited loop runs in a DAG of its own:
            // drawn as the loop, as on KFP.
            id = add_task(*only, into, p, int_or_zero(t["parallelism"]));
        } else {
            Group g{.id = ids_.next('g'), .label = fit(name), .kind = GroupKind::SubDag};
            if (loops) {
                g.kind = GroupKind::Loop;
                g.label = condition.empty() ? loop : loop + "\n" + condition_label(condition);
            } else if (!condition.empty()) {
                g.kind = GroupKind::Condition;
                g.label = condition_label(condition);
            }
            // A template that runs itself (recursion) is drawn once, then as a plain node.
            expanding_.insert(target);
            read_template(target, g, p);
            expanding_.erase(target);
            id = g.id;
            into.groups.push_back(std::move(g));
        }
        std::swap(bindings_, bindings);
        return id;
    }

    // The looping task of a DAG template with `parallelism` and that one task.
    static std::optional<YAML::Node> limited_loop(const YAML::Node& t) {
        const auto tasks = at(t, "dag", "tasks");
        if (!t["parallelism"] || !tasks.IsSequence() || tasks.size() != 1) return std::nullopt;
        const auto only = tasks[0];
        if (!only["withItems"] && !only["withParam"] && !only["withSequence"]) return std::nullopt;
        return only;
    }

    Resolve resolver() const {
        return [this](const std::string& tag) { return tag_ref(tag); };
    }

    // The inside of a tag (`tasks.train.outputs.parameters.accuracy`) as what it reads; the
    // inputs of the template being read, through the arguments its task passed.
    Ref tag_ref(std::string tag) const {
        while (!tag.empty() && tag.front() == ' ') tag.erase(0, 1);
        while (!tag.empty() && tag.back() == ' ') tag.pop_back();
        std::vector<std::string> parts;
        std::istringstream in(tag);
        for (std::string part; std::getline(in, part, '.');) parts.push_back(part);
        const auto is = [&](std::size_t i, const char* word) { return parts.size() > i && parts[i] == word; };
        if (parts.size() == 5 && (is(0, "tasks") || is(0, "steps")) && is(2, "outputs")) {
            return Ref{.task = parts[1], .name = parts[4]};
        }
        if (parts.size() == 3 && is(0, "inputs")) {
            return bindings_.count(parts[2]) ? bindings_.at(parts[2]) : Ref{.name = parts[2]};
        }
        if (parts.size() == 3 && is(0, "workflow") && is(1, "parameters")) return Ref{.name = parts[2]};
        if (tag == "workflow.status") return Ref{.name = "status"};
        return Ref{.name = tag};
    }

    // What `value` reads, if it is one tag.
    std::optional<Ref> tag_value(const std::string& value) const {
        if (value.size() < 5 || !value.starts_with("{{") || !value.ends_with("}}")) return std::nullopt;
        const std::string inner = value.substr(2, value.size() - 4);
        if (inner.front() == '=' || inner.find('}') != std::string::npos) return std::nullopt;
        return tag_ref(inner);
    }

    // What the inputs of the template that `task` runs stand for: each argument that is one tag
    // reads what that tag reads here.
    Bindings bindings_for(const YAML::Node& task) const {
        Bindings out;
        for (const char* kind : {"parameters", "artifacts"}) {
            for (const auto& arg : at(task, "arguments", kind)) {
                const std::string name = str(arg["name"]);
                out[name] = tag_value(str(arg["value"], str(arg["from"]))).value_or(Ref{.name = name});
            }
        }
        return out;
    }

    std::string loop_label(const YAML::Node& task) const {
        if (task["withItems"]) return loop_over_items(task["withItems"].size());
        if (task["withSequence"]) return loop_over_text("a sequence");
        const std::string source = str(task["withParam"]);
        if (const auto ref = tag_value(source)) return loop_over(*ref);
        return loop_over_text(readable_argo(source, resolver()));
    }

    Node node_for(const std::string& template_name, const std::string& task_name, bool on_exit) {
        const auto t = templates_.count(template_name) ? templates_[template_name] : YAML::Node();
        // KFP v1 keeps display names in this annotation.
        const std::string shown = str(at(t, "metadata", "annotations", "pipelines.kubeflow.org/task_display_name"));
        return Node{.id = ids_.next('n'),
                    .label = fit(!shown.empty() ? shown : (task_name.empty() ? template_name : task_name)),
                    .on_exit = on_exit};
    }

    static void mark_on_exit(Group& g) {
        for (auto& n : g.nodes) n.on_exit = true;
        for (auto& child : g.groups) mark_on_exit(child);
    }

    // `dependencies: [a, b]`, or the task names in a `depends` expression such as
    // "a.Succeeded && (b || c.Failed)".
    static std::vector<std::string> dependencies(const YAML::Node& task) {
        std::vector<std::string> out;
        for (const auto& d : task["dependencies"]) out.push_back(d.as<std::string>());
        // Task names are runs of letters, digits, '_' and '-'; a `.Succeeded` after one is its
        // state, and the operators and parentheses between them are not names.
        const std::string depends = str(task["depends"]);
        const auto name_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; };
        for (std::size_t i = 0; i < depends.size();) {
            if (!std::isalnum(static_cast<unsigned char>(depends[i]))) {
                ++i;
                continue;
            }
            const std::size_t start = i;
            while (i < depends.size() && name_char(depends[i])) ++i;
            out.push_back(depends.substr(start, i - start));
            if (i < depends.size() && depends[i] == '.') {
                for (++i; i < depends.size() && std::isalpha(static_cast<unsigned char>(depends[i]));) ++i;
            }
        }
        return out;
    }

    const YAML::Node& spec_;
    std::map<std::string, YAML::Node> templates_;
    std::set<std::string> expanding_;
    Bindings bindings_;
    Ids ids_;
};

}  // namespace

std::vector<std::string> ends_of(const Group& g, const std::vector<Edge>& edges, bool first) {
    std::set<std::string> members;
    for (const auto& n : g.nodes) members.insert(n.id);
    for (const auto& child : g.groups) members.insert(child.id);
    std::set<std::string> inner;  // the members an edge from another member reaches (first) or leaves
    for (const auto& e : edges) {
        if (members.count(e.from) && members.count(e.to)) inner.insert(first ? e.to : e.from);
    }
    std::vector<std::string> out;
    for (const auto& n : g.nodes) {
        if (!inner.count(n.id)) out.push_back(n.id);
    }
    for (const auto& child : g.groups) {
        if (!inner.count(child.id)) out.push_back(child.id);
    }
    return out;
}

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
