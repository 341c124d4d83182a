// How a KFP run advances: a task starts once every task in its `dependentTasks` has ended; an
// upstream failure stops it unless its trigger policy is ALL_UPSTREAM_TASKS_COMPLETED (exit
// handlers); a false `triggerPolicy.condition` skips it; a DAG task runs its component's DAG, a
// loop one DAG per item, a container task a container. A DAG ends when all its tasks have, and
// fails when one failed. Inputs resolve as in backend/src/v2/driver/resolve.go at 2.17.0.
#include "run/kfp_runner.hpp"

#include <algorithm>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>

#include <stdlib.h>

#include "pipecc/error.hpp"
#include "run/json_access.hpp"
#include "run/cache.hpp"
#include "run/cel.hpp"
#include "run/container.hpp"

namespace pipecc::run {

using nlohmann::json;
namespace fs = std::filesystem;

const char* state_name(State s) {
    switch (s) {
        case State::pending: return "Pending";
        case State::queued: return "Queued";
        case State::running: return "Running";
        case State::succeeded: return "Succeeded";
        case State::cached: return "Cached";
        case State::failed: return "Failed";
        case State::skipped: return "Skipped";
    }
    return "?";
}

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

// The seconds of a protobuf Duration as the IR spells it ("30s").
double duration_seconds(const json& d) {
    if (!d.is_string()) return 0;
    const std::string s = d.get<std::string>();
    return s.empty() ? 0 : std::stod(s.substr(0, s.size() - (s.back() == 's' ? 1 : 0)));
}

}  // namespace

KfpRunner::KfpRunner(const json& spec, const json& platform, const RunOptions& options, RunInfo info,
                     std::ostream& out)
    : spec_(spec), platform_(platform), options_(options), info_(std::move(info)), out_(out),
      runtime_(options.dry_run ? "dry-run" : choose_runtime(options.runtime)) {
    info_.workspace = runtime_ == "host" ? options_.root + "/workspace" : "/kfp-workspace";
}

double KfpRunner::seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void KfpRunner::progress(const Node& node, const std::string& what) {
    std::ostringstream line;
    line << std::fixed << std::setprecision(2) << std::setw(8) << seconds() << "s  " << std::left;
    if (what.empty() || what[0] == '\n') line << node.path << what << '\n';
    else line << std::setw(36) << node.path << ' ' << what << '\n';
    out_ << line.str() << std::flush;
}

const json& KfpRunner::component(const std::string& name, const Node& node) const {
    const json& c = field(field(spec_, "components"), name);
    if (c.is_null()) throw Error("task '" + node.path + "' names component '" + name + "', which the file lacks");
    return c;
}

bool KfpRunner::run(const Values& root_inputs) {
    root_ = std::make_unique<Dag>();
    root_->component = &spec_.at("root");
    root_->inputs = root_inputs;
    start_dag(*root_);
    SignalScope signals;
    for (;;) {
        // A dry run's tasks end as they launch, which readies more: go on until nothing moves.
        for (bool moved = true; moved;) {
            moved = false;
            while (advance(*root_)) moved = true;
            moved = launch_ready() || moved;
        }
        if (root_->finished) break;
        if (running_.empty() && ready_.empty())
            throw InternalError("local run stalled: no task can start and none is running");
        const Event e = wait_any(std::chrono::milliseconds(100));
        if (e.kind == Event::interrupted) {
            interrupted_ = true;
            for (Node* n : running_) {
                stop(*n);
                progress(*n, "interrupted");
            }
            for (Node* n : running_) {
                wait_for(n->pid);
                n->attempts.back().ended = seconds();
                n->state = State::failed;
                n->reason = "interrupted";
            }
            running_.clear();
            return false;
        }
        // activeDeadlineSeconds (kfp-kubernetes) bounds each attempt, as it bounds each pod.
        const auto now = std::chrono::steady_clock::now();
        for (Node* n : running_)
            if (n->deadline && !n->timed_out && now >= *n->deadline) {
                n->timed_out = true;
                stop(*n);
            }
        if (e.kind != Event::exited) continue;
        const auto it = std::find_if(running_.begin(), running_.end(), [&](Node* n) { return n->pid == e.pid; });
        if (it == running_.end()) continue;
        Node& node = **it;
        running_.erase(it);
        on_exit(node, e.exit_code);
    }
    return !root_->failed;
}

// A container's main process may ignore SIGTERM (PID 1 has no default handler), so the runtime
// removes the container; a host command gets SIGTERM. Its process then ends as usual.
void KfpRunner::stop(const Node& node) {
    if (node.container.empty()) {
        terminate(node.pid);
    } else {
        wait_for(spawn_logged({runtime_, "rm", "-f", "-t", "0", node.container}, {}, node.dir + "/stop.log").pid);
    }
}

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
            } catch (const Error& e) {
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
            const auto deps = upstream_of(node);
            if (deps.empty()) throw Error("input '" + name + "' reads a final status, but the task depends on none");
            const Node& p = producer(deps[0]);
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
        node.items = json::array({from.get<std::string>().insert(from.get<std::string>().size() - 1, "[0]")});
        progress(node, "items not known in a dry run: one iteration, item " + node.items[0].get<std::string>());
    } else {
        node.items = loop_items(from, node.path);
    }
    node.state = State::running;
    progress(node, "Running " + std::to_string(node.items.size()) + " iterations");
    if (node.items.empty()) finish(node, State::succeeded);
    else start_iterations(node);
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

void KfpRunner::start_importer(Node& node) {
    const json& importer = spec_["deploymentSpec"]["executors"][node.component->at("executorLabel").get<std::string>()]
                               .at("importer");
    const json& uri = importer.at("artifactUri");
    std::string text;
    if (uri.contains("constant")) text = uri["constant"].get<std::string>();
    else text = parameter_text(field(node.inputs.params, text_or(uri, "runtimeParameter", "")));
    Artifact a{"artifact", field(importer.at("typeSchema"), "schemaTitle").get<std::string>(), text,
               field(importer, "metadata").is_object() ? importer["metadata"] : json::object()};
    node.outputs.artifacts["artifact"] = {a};
    finish(node, State::succeeded);
}

void KfpRunner::start_container(Node& node) {
    const json& retry = field(*node.task, "retryPolicy");
    node.max_attempts = 1 + value_or(retry, "maxRetryCount", 0);
    node.dir = options_.root + "/executions/" + std::to_string(++executions_) + "-" + node.key;
    node.state = State::queued;
    ready_.push_back(&node);
}

bool KfpRunner::launch_ready() {
    const auto now = std::chrono::steady_clock::now();
    bool launched = false;
    for (auto it = ready_.begin(); it != ready_.end() && int(running_.size()) < options_.max_parallel;) {
        Node& node = **it;
        if (node.not_before > now) {
            ++it;
            continue;
        }
        it = ready_.erase(it);
        launched = true;
        try {
            launch(node);
        } catch (const Error& e) {
            finish(node, State::failed, e.message());
        }
        if (node.state == State::running && node.pid > 0) running_.push_back(&node);
    }
    return launched;
}

void KfpRunner::launch(Node& node) {
    const std::string label = node.component->at("executorLabel");
    const json& container = spec_["deploymentSpec"]["executors"][label].at("container");
    const json& kubernetes = field(field(field(field(platform_, "platforms"), "kubernetes"),
                                                   "deploymentSpec"),
                                        "executors");
    Execution ex = prepare_execution(node, container, field(kubernetes, label), info_, options_,
                                     runtime_);
    // driver/cache.go: a task whose cachingOptions enable it reuses the outputs of an earlier
    // execution with the same key, unless the run disables caching.
    if (!options_.dry_run && options_.cache && node.attempts.empty() &&
        value_or(field(*node.task, "cachingOptions"), "enableCache", false)) {
        const CacheKey key = cache_key(node, container, ex.outputs);
        node.cache_fields = key.fields;
        node.cache_fingerprint = key.fingerprint;
        if (const auto hit = cache_lookup(options_.cache_dir, info_.pipeline_name, key)) {
            copy_cached_artifacts(*hit, options_.root);
            node.outputs = hit->outputs;
            finish(node, State::cached, "the outputs of run " + hit->run_name);
            return;
        }
    }
    Attempt a;
    a.number = int(node.attempts.size()) + 1;
    a.started = seconds();
    a.image = ex.image;
    a.command = ex.command;
    a.env = ex.shown_env;
    a.log = node.dir + "/attempt-" + std::to_string(a.number) + ".log";
    node.attempts.push_back(a);
    node.state = State::running;
    if (options_.dry_run) {
        std::ostringstream shown;
        shown << "\n           image    " << ex.image;
        for (const auto& e : ex.shown_env) shown << "\n           env      " << e;
        shown << "\n           command  " << shell_words(ex.command);
        progress(node, shown.str());
        node.outputs = dry_run_outputs(node, ex);
        if (is_resolver_step(container)) resolve_on_host(node, container);
        node.attempts.back().exit_code = 0;
        node.attempts.back().ended = node.attempts.back().started;
        finish(node, State::succeeded);
        return;
    }
    progress(node, "attempt " + std::to_string(a.number) + "  Running");
    node.output_file = ex.output_file;
    node.container = ex.container;
    node.timed_out = false;
    node.timeout_seconds = ex.timeout_seconds;
    if (ex.timeout_seconds > 0)
        node.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(ex.timeout_seconds);
    node.outputs = ex.outputs;
    node.pid = spawn_logged(ex.argv, ex.env, a.log).pid;
}

// pipecc's resolver step (`sh -c SCRIPT resolve-run-values ...`, src/graph/resolver.cpp) is a
// pure function of the run values: a dry run runs it on this machine, so the dates and paths
// that depend on it are shown as the run would compute them.
bool KfpRunner::is_resolver_step(const json& container) {
    const json& command = field(container, "command");
    const json& args = field(container, "args");
    return command == json::array({"sh", "-c"}) || (command.size() == 3 && command[0] == "sh" && command[1] == "-c")
               ? (!args.empty() && args[0] == "resolve-run-values")
               : false;
}

void KfpRunner::resolve_on_host(Node& node, const json& container) {
    if (!on_path("sh") || !on_path("date")) return;
    char pattern[] = "/tmp/pipecc-dry-run-XXXXXX";
    if (!::mkdtemp(pattern)) return;
    const std::string tmp = pattern;
    RunOptions host = options_;
    host.dry_run = false;
    host.root = tmp;
    Node probe;
    probe.key = node.key;
    probe.path = node.path;
    probe.task = node.task;
    probe.component = node.component;
    probe.parent = node.parent;
    probe.inputs = node.inputs;
    probe.dir = tmp + "/executions/1-" + node.key;
    try {
        const Execution ex = prepare_execution(probe, container, json(), info_, host, "host");
        probe.output_file = ex.output_file;
        const int code = wait_for(spawn_logged(ex.argv, ex.env, probe.dir + "/log").pid);
        if (code == 0) {
            collect_outputs(probe);
            node.outputs.params = probe.outputs.params;
            progress(node, "ran on this machine: " + probe.outputs.params.dump());
        } else {
            progress(node, "could not run on this machine:\n" + tail_of(probe.dir + "/log", 3));
        }
    } catch (const Error& e) {
        progress(node, std::string("could not run on this machine: ") + e.what());
    }
    std::error_code ignored;
    fs::remove_all(tmp, ignored);
}

void KfpRunner::on_exit(Node& node, int exit_code) {
    Attempt& a = node.attempts.back();
    a.ended = seconds();
    a.exit_code = exit_code;
    node.pid = -1;
    std::string why;
    if (exit_code == 0) {
        try {
            collect_outputs(node);
            if (!node.cache_fingerprint.empty())
                cache_store(options_.cache_dir, info_.pipeline_name, CacheKey{node.cache_fields, node.cache_fingerprint},
                            CacheHit{node.outputs, options_.root, info_.run_name});
            finish(node, State::succeeded);
            return;
        } catch (const Error& e) {
            why = e.message();
        }
    } else if (node.timed_out) {
        why = "stopped at its timeout of " + std::to_string(node.timeout_seconds) + " s (activeDeadlineSeconds)";
    } else {
        why = "exited with code " + std::to_string(exit_code) + "; the end of its log (" + a.log + "):\n" +
              tail_of(a.log, 10);
    }
    if (int(node.attempts.size()) < node.max_attempts) {
        const json& retry = field(*node.task, "retryPolicy");
        const double base = duration_seconds(field(retry, "backoffDuration"));
        const double factor = value_or(retry, "backoffFactor", 2.0);
        double delay = base;
        for (std::size_t i = 1; i < node.attempts.size(); ++i) delay *= factor;
        const double cap = duration_seconds(field(retry, "backoffMaxDuration"));
        if (cap > 0) delay = std::min(delay, cap);
        progress(node, "attempt " + std::to_string(a.number) + "  Failed, retrying in " + std::to_string(int(delay)) +
                           "s");
        node.not_before = std::chrono::steady_clock::now() + std::chrono::milliseconds(std::int64_t(delay * 1000));
        node.state = State::queued;
        ready_.push_back(&node);
        return;
    }
    finish(node, State::failed, why);
}

void KfpRunner::collect_outputs(Node& node) {
    const json& defs = field(field(*node.component, "outputDefinitions"), "parameters");
    const json executor_output = read_executor_output(node.output_file);
    for (const auto& [name, def] : defs.items()) {
        const json& from_file = field(field(executor_output, "parameterValues"), name);
        if (!from_file.is_null()) {
            node.outputs.params[name] = from_file;
            continue;
        }
        const std::string path = node.dir + "/outputs/" + name;
        std::string text;
        if (!read_file(path, text))
            throw Error("failed to read output parameter '" + name + "': the task wrote no file " +
                        "/tmp/kfp/outputs/" + name);
        try {
            node.outputs.params[name] = output_parameter(text, text_or(def, "parameterType", "STRING"));
        } catch (const Error& e) {
            throw Error("output parameter '" + name + "': " + e.message());
        }
    }
}

void KfpRunner::finish(Node& node, State state, const std::string& reason) {
    node.state = state;
    node.reason = reason;
    node.kfp_state = state == State::succeeded ? "COMPLETE"
                     : state == State::cached  ? "CACHED"
                     : state == State::failed  ? "FAILED"
                                               : "CANCELED";
    std::string line = state_name(state);
    if (!node.attempts.empty() && !options_.dry_run) line = "attempt " + std::to_string(node.attempts.size()) + "  " + line;
    if (!reason.empty()) line += ": " + reason;
    if (!(options_.dry_run && state == State::succeeded && !node.attempts.empty())) progress(node, line);
    check_dag(*node.parent);
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
