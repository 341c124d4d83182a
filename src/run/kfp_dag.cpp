// How the DAGs of a local KFP run advance: a task starts once every task it depends on (its
// `dependentTasks` and the producers of its inputs) has ended; a failed or skipped upstream task
// skips it unless its trigger policy is ALL_UPSTREAM_TASKS_COMPLETED (exit handlers); a false
// `triggerPolicy.condition` skips it; a DAG task runs its component's DAG, a loop one DAG per
// item, a container task a container (kfp_runner.cpp). A DAG ends when all its tasks have, and
// fails when one failed. Inputs resolve as in backend/src/v2/driver/resolve.go at 2.17.0.
#include <algorithm>

#include "pipecc/error.hpp"
#include "run/cel.hpp"
#include "run/json_access.hpp"
#include "run/kfp_runner.hpp"

namespace pipecc::run {

using nlohmann::json;

namespace {

bool ended(State s) {
    return s == State::succeeded || s == State::cached || s == State::failed || s == State::skipped;
}

// The kind of an iteration's items: a list, or (from a task output) its JSON text.
json loop_items(const json& value, const std::string& where) {
    if (value.is_array()) return value;
    if (value.is_string()) {
        json parsed = json::parse(value.get<std::string>(), nullptr, false);
        if (parsed.is_array()) return parsed;
    }
    throw Error(where + ": loop items " + value.dump().substr(0, 80) + " are not a list");
}

}  // namespace

void KfpRunner::start_dag(Dag& dag) {
    const json& tasks = field(field(*dag.component, "dag"), "tasks");
    for (const auto& [key, task] : tasks.items()) {
        auto node = std::make_unique<Node>();
        node->key = key;
        node->path = dag.path + key;
        node->task = &task;
        node->parent = &dag;
        node->id = int(all_.size()) + 1;
        node->component = &component(task.at("componentRef").at("name").get<std::string>(), *node);
        dag.by_key[key] = node.get();
        all_.push_back(node.get());
        dag.nodes.push_back(std::move(node));
    }
    if (dag.nodes.empty()) check_dag(dag);
}

// One pass over the DAG tree: starts every task whose upstream tasks have ended. True when
// something changed, so that the caller passes again.
bool KfpRunner::advance(Dag& dag) {
    if (dag.finished) return false;
    bool changed = false;
    for (const auto& node : dag.nodes) {
        if (node->state == State::pending) changed = try_start(*node) || changed;
        for (const auto& child : node->children) changed = advance(*child) || changed;
        if (node->state == State::running && !node->items.is_null()) changed = start_iterations(*node) || changed;
    }
    return changed;
}

// The tasks `node` waits for: its `dependentTasks` and the producers of its task-output inputs,
// as KFP's Argo compiler adds them (addImplicitDependencies in argocompiler/dag.go, 2.17.0).
std::vector<std::string> KfpRunner::upstream_of(const Node& node) {
    std::vector<std::string> deps;
    const auto add = [&](const std::string& d) {
        if (std::find(deps.begin(), deps.end(), d) == deps.end()) deps.push_back(d);
    };
    for (const auto& d : field(*node.task, "dependentTasks")) add(d.get<std::string>());
    const json& inputs = field(*node.task, "inputs");
    for (const auto& [name, in] : field(inputs, "parameters").items())
        if (in.contains("taskOutputParameter")) add(in["taskOutputParameter"].at("producerTask"));
    for (const auto& [name, in] : field(inputs, "artifacts").items())
        if (in.contains("taskOutputArtifact")) add(in["taskOutputArtifact"].at("producerTask"));
    return deps;
}

// A task starts when its upstream tasks have ended. The Argo compiler makes that `depends:
// a.Succeeded && b.Succeeded`, so a failed or skipped upstream task skips it, unless its trigger
// strategy is ALL_UPSTREAM_TASKS_COMPLETED (an exit hook: it runs whatever they did).
bool KfpRunner::try_start(Node& node) {
    Dag& dag = *node.parent;
    std::string blocked;
    for (const auto& dep : upstream_of(node)) {
        const auto it = dag.by_key.find(dep);
        if (it == dag.by_key.end())
            throw Error("task '" + node.path + "' depends on '" + dep + "', which its DAG lacks");
        const State s = it->second->state;
        if (!ended(s)) return false;
        if (s != State::succeeded && s != State::cached && blocked.empty())
            blocked = "upstream task '" + dep + "' " + (s == State::failed ? "failed" : "was skipped");
    }
    node.began = seconds();
    const json& policy = field(*node.task, "triggerPolicy");
    if (!blocked.empty() && text_or(policy, "strategy", "") != "ALL_UPSTREAM_TASKS_COMPLETED") {
        finish(node, State::skipped, blocked);
        return true;
    }
    try {
        resolve_inputs(node);
        if (policy.contains("condition")) {
            const json vars = {{"inputs", {{"parameter_values", node.inputs.params}}}};
            const std::string condition = policy["condition"].get<std::string>();
            json result;
            try {
                result = cel_eval(condition, vars);
            } catch (const Error&) {
                if (!options_.dry_run) throw;
                result = true;  // a dry run's task outputs are not known: take the branch
                progress(node, "condition not known in a dry run, taken as true");
            }
            if (!result.is_boolean()) throw Error("condition " + condition + " is not a bool: " + result.dump());
            if (!result.get<bool>()) {
                finish(node, State::skipped, "condition is false");
                return true;
            }
        }
        if (node.component->contains("dag")) {
            if (node.task->contains("parameterIterator") || node.task->contains("artifactIterator")) {
                start_loop(node);
            } else {
                node.state = State::running;
                auto child = std::make_unique<Dag>();
                child->owner = &node;
                child->component = node.component;
                child->path = node.path + "/";
                child->inputs = node.inputs;
                Dag& d = *child;
                node.children.push_back(std::move(child));
                start_dag(d);
            }
        } else {
            const json& executor = spec_.at("deploymentSpec").at("executors").at(node.component->at("executorLabel"));
            if (executor.contains("importer")) start_importer(node);
            else start_container(node);
        }
    } catch (const Error& e) {
        finish(node, State::failed, e.message());
    }
    return true;
}

void KfpRunner::resolve_inputs(Node& node) {
    const Dag& dag = *node.parent;
    const json& defs = field(field(*node.component, "inputDefinitions"), "parameters");
    const json& inputs = field(*node.task, "inputs");
    const auto producer = [&](const std::string& key) -> const Node& {
        const auto it = dag.by_key.find(key);
        if (it == dag.by_key.end()) throw Error("input names task '" + key + "', which its DAG lacks");
        return *it->second;
    };
    for (const auto& [name, in] : field(inputs, "parameters").items()) {
        const bool optional = value_or(field(defs, name), "isOptional", false);
        json value;
        if (in.contains("componentInputParameter")) {
            const std::string from = in["componentInputParameter"];
            const auto v = dag.inputs.params.find(from);
            if (v == dag.inputs.params.end() || v->is_null()) {
                if (optional) continue;
                throw Error("input '" + name + "': the parent DAG has no value for '" + from + "'");
            }
            value = *v;
        } else if (in.contains("taskOutputParameter")) {
            const json& ref = in["taskOutputParameter"];
            const Node& p = producer(ref.at("producerTask"));
            const std::string key = ref.at("outputParameterKey");
            const auto v = p.outputs.params.find(key);
            if (v == p.outputs.params.end())
                throw Error("input '" + name + "': task '" + p.path + "' (" + state_name(p.state) +
                            ") produced no output parameter '" + key + "'");
            value = *v;
        } else if (in.contains("runtimeValue")) {
            value = runtime_constant(field(in["runtimeValue"], "constant"), info_, node.key, node.id);
        } else if (in.contains("taskFinalStatus")) {
            // resolve.go: the status of the first of the task's `dependentTasks`.
            const json& deps = field(*node.task, "dependentTasks");
            if (deps.empty()) throw Error("input '" + name + "' reads a final status, but the task depends on none");
            const Node& p = producer(deps[0].get<std::string>());
            value = {{"state", p.kfp_state},
                     {"pipelineTaskName", p.key},
                     {"pipelineJobResourceName", info_.resource_name},
                     {"error", json::object()}};
        } else {
            throw Error("input '" + name + "' has a kind of value this runner does not know: " + in.dump());
        }
        if (in.contains("parameterExpressionSelector") && !(options_.dry_run && is_dry_run_value(value))) {
            json fields = {{"string_value", parameter_text(value)}};
            if (value.is_object()) fields["struct_value"] = value;
            else if (value.is_array()) fields["list_value"] = value;
            else if (value.is_number()) fields["number_value"] = value;
            else if (value.is_boolean()) fields["bool_value"] = value;
            value = cel_eval(in["parameterExpressionSelector"].get<std::string>(), fields);
        }
        // The driver hands a non-string value to a STRING input as its JSON text.
        if (text_or(field(defs, name), "parameterType", "") == "STRING" && !value.is_string() &&
            !value.is_null())
            value = parameter_text(value);
        node.inputs.params[name] = value;
    }
    for (const auto& [name, def] : defs.items())
        if (!node.inputs.params.contains(name) && def.contains("defaultValue"))
            node.inputs.params[name] = def["defaultValue"];
    const auto artifact_optional = [&](const std::string& name) {
        return value_or(field(field(field(*node.component, "inputDefinitions"), "artifacts"), name), "isOptional", false);
    };
    for (const auto& [name, in] : field(inputs, "artifacts").items()) {
        if (in.contains("componentInputArtifact")) {
            const auto v = dag.inputs.artifacts.find(in["componentInputArtifact"].get<std::string>());
            if (v == dag.inputs.artifacts.end() && artifact_optional(name)) continue;
            if (v == dag.inputs.artifacts.end())
                throw Error("input artifact '" + name + "': the parent DAG has no artifact '" +
                            in["componentInputArtifact"].get<std::string>() + "'");
            node.inputs.artifacts[name] = v->second;
        } else if (in.contains("taskOutputArtifact")) {
            const json& ref = in["taskOutputArtifact"];
            const Node& p = producer(ref.at("producerTask"));
            const auto v = p.outputs.artifacts.find(ref.at("outputArtifactKey").get<std::string>());
            if (v == p.outputs.artifacts.end())
                throw Error("input artifact '" + name + "': task '" + p.path + "' (" + state_name(p.state) +
                            ") produced no artifact '" + ref.at("outputArtifactKey").get<std::string>() + "'");
            node.inputs.artifacts[name] = v->second;
        } else {
            throw Error("input artifact '" + name + "' has a kind of value this runner does not know: " + in.dump());
        }
    }
}

void KfpRunner::start_loop(Node& node) {
    if (node.task->contains("artifactIterator"))
        throw Error("a loop over artifacts: KFP 2.17's driver answers 'artifact iterator not implemented yet'");
    const json& it = node.task->at("parameterIterator");
    const json& items = it.at("items");
    const json& from = items.contains("raw") ? items["raw"] : field(node.inputs.params, text_or(items, "inputParameter", ""));
    if (options_.dry_run && is_dry_run_value(from)) {
        std::string item = from.get<std::string>();
        item.insert(item.size() - 1, "[0]");  // "<task:out>" -> "<task:out[0]>"
        node.items = json::array({item});
        progress(node, "items not known in a dry run: one iteration, item " + item);
    } else {
        node.items = loop_items(from, node.path);
    }
    node.state = State::running;
    progress(node, "Running " + std::to_string(node.items.size()) + " iterations");
    if (!node.items.empty()) {
        start_iterations(node);
        return;
    }
    // No iterations: each collected output is the empty list.
    for (const auto& [name, spec] : field(field(field(*node.component, "dag"), "outputs"), "parameters").items())
        node.outputs.params[name] = json::array();
    finish(node, State::succeeded);
}

// Starts iterations up to the loop's parallelism limit. True when one started.
bool KfpRunner::start_iterations(Node& node) {
    const json& it = node.task->at("parameterIterator");
    const int limit = field(field(*node.task, "iteratorPolicy"), "parallelismLimit").is_number()
                          ? node.task->at("iteratorPolicy").at("parallelismLimit").get<int>()
                          : 0;
    bool started = false;
    while (node.next_item < node.items.size()) {
        const auto active = std::count_if(node.children.begin(), node.children.end(),
                                          [](const auto& d) { return !d->finished; });
        if (limit > 0 && active >= limit) break;
        const std::size_t i = node.next_item++;
        auto d = std::make_unique<Dag>();
        d->owner = &node;
        d->component = node.component;
        d->iteration = i;
        d->path = node.path + "[" + std::to_string(i) + "]/";
        d->inputs = node.inputs;
        d->inputs.params.erase(field(it.at("items"), "inputParameter").is_string()
                                   ? it["items"]["inputParameter"].get<std::string>()
                                   : std::string());
        d->inputs.params[it.at("itemInput").get<std::string>()] = node.items[i];
        Dag& dag = *d;
        node.children.push_back(std::move(d));
        start_dag(dag);
        started = true;
    }
    return started;
}

void KfpRunner::check_dag(Dag& dag) {
    if (dag.finished) return;
    for (const auto& n : dag.nodes)
        if (!ended(n->state)) return;
    dag.finished = true;
    dag.failed = std::any_of(dag.nodes.begin(), dag.nodes.end(), [](const auto& n) { return n->state == State::failed; });
    Node* owner = dag.owner;
    if (!owner) return;
    if (owner->items.is_null()) {
        // Also after a failure: a consumer's driver finds each output at the task inside that
        // produced it (GetProducerTask in driver/resolve.go), whatever the DAG's own state, so an
        // exit hook still reads the outputs of the tasks that succeeded.
        owner->outputs = dag_outputs(dag);
        finish(*owner, dag.failed ? State::failed : State::succeeded, dag.failed ? "a task inside failed" : "");
        return;
    }
    // A loop ends when its last iteration has; its outputs collect each iteration's in item order.
    if (owner->next_item < owner->items.size()) return;
    for (const auto& d : owner->children)
        if (!d->finished) return;
    const bool failed = std::any_of(owner->children.begin(), owner->children.end(), [](const auto& d) { return d->failed; });
    if (!failed) {
        for (const auto& d : owner->children) {
            const Values v = dag_outputs(*d);
            for (const auto& [name, value] : v.params.items()) {
                if (!owner->outputs.params.contains(name)) owner->outputs.params[name] = json::array();
                owner->outputs.params[name].push_back(value);
            }
            for (const auto& [name, list] : v.artifacts)
                owner->outputs.artifacts[name].insert(owner->outputs.artifacts[name].end(), list.begin(), list.end());
        }
    }
    finish(*owner, failed ? State::failed : State::succeeded, failed ? "an iteration failed" : "");
}

Values KfpRunner::dag_outputs(const Dag& dag) const {
    Values out;
    const json& outputs = field(field(*dag.component, "dag"), "outputs");
    const auto task = [&](const json& key) -> const Node* {
        const auto it = dag.by_key.find(key.get<std::string>());
        return it == dag.by_key.end() ? nullptr : it->second;
    };
    for (const auto& [name, spec] : field(outputs, "parameters").items()) {
        std::vector<json> selectors;
        if (spec.contains("valueFromParameter")) selectors.push_back(spec["valueFromParameter"]);
        for (const auto& s : field(field(spec, "valueFromOneof"), "parameterSelectors")) selectors.push_back(s);
        // valueFromOneof: the first branch that ran and produced it.
        for (const auto& s : selectors) {
            const Node* p = task(s.at("producerSubtask"));
            if (!p) continue;
            const auto v = p->outputs.params.find(s.at("outputParameterKey").get<std::string>());
            if (v != p->outputs.params.end()) {
                out.params[name] = *v;
                break;
            }
        }
    }
    for (const auto& [name, spec] : field(outputs, "artifacts").items())
        for (const auto& s : field(spec, "artifactSelectors")) {
            const Node* p = task(s.at("producerSubtask"));
            if (!p) continue;
            const auto v = p->outputs.artifacts.find(s.at("outputArtifactKey").get<std::string>());
            if (v != p->outputs.artifacts.end()) {
                out.artifacts[name] = v->second;
                break;
            }
        }
    return out;
}

}  // namespace pipecc::run
