// The run loop of a local KFP run: containers start from a queue (at most --max-parallel at
// once, a retry after its backoff), the loop waits on SIGCHLD, Ctrl-C and task timeouts, and each
// ended attempt is retried, collected or failed. How the DAGs advance is in kfp_dag.cpp.
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

// The seconds of a protobuf Duration as the IR spells it ("30s").
double duration_seconds(const json& d) {
    if (!d.is_string()) return 0;
    const std::string s = d.get<std::string>();
    try {
        return s.empty() ? 0 : std::stod(s.substr(0, s.size() - (s.back() == 's' ? 1 : 0)));
    } catch (const std::exception&) {
        throw Error("retry backoff '" + s + "' is not a duration such as \"30s\"");
    }
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

// On a terminal a status line sits under the event lines: what runs, how many tasks have
// ended, the time. Each event line first clears it, and it is drawn again after.
std::string KfpRunner::status_line() const {
    std::ostringstream s;
    const auto done = std::count_if(all_.begin(), all_.end(), [](const Node* n) {
        return n->state == State::succeeded || n->state == State::cached || n->state == State::failed ||
               n->state == State::skipped;
    });
    s << std::fixed << std::setprecision(1) << seconds() << "s  " << done << " of " << all_.size() << " ended";
    if (!running_.empty()) {
        s << "  running:";
        for (const Node* n : running_) s << ' ' << n->path;
    }
    std::string text = s.str();
    if (text.size() > 120) text = text.substr(0, 117) + "...";
    return text;
}

void KfpRunner::redraw_status() {
    if (options_.live) out_ << "\r\033[K" << status_line() << std::flush;
}

void KfpRunner::progress(const Node& node, const std::string& what) {
    if (options_.live) out_ << "\r\033[K";
    std::ostringstream line;
    line << std::fixed << std::setprecision(2) << std::setw(8) << seconds() << "s  " << std::left;
    if (what.empty() || what[0] == '\n') line << node.path << what << '\n';
    else line << std::setw(36) << node.path << ' ' << what << '\n';
    out_ << line.str();
    if (options_.live) out_ << status_line();
    out_ << std::flush;
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
        if (root_->finished) {
            if (options_.live) out_ << "\r\033[K" << std::flush;
            break;
        }
        if (running_.empty() && ready_.empty())
            throw InternalError("local run stalled: no task can start and none is running");
        const Event e = wait_any(std::chrono::milliseconds(100));
        if (e.kind == Event::timeout) redraw_status();
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
            if (options_.live) out_ << "\r\033[K" << std::flush;
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

void KfpRunner::start_importer(Node& node) {
    const json& importer = spec_.at("deploymentSpec").at("executors").at(node.component->at("executorLabel").get<std::string>())
                               .at("importer");
    const json& uri = importer.at("artifactUri");
    std::string text;
    if (uri.contains("constant")) text = uri["constant"].get<std::string>();
    else text = parameter_text(field(node.inputs.params, text_or(uri, "runtimeParameter", "")));
    Artifact a{"artifact", text_or(field(importer, "typeSchema"), "schemaTitle", ""), text,
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
        if (node.state == State::running && node.pid > 0) {
            running_.push_back(&node);
            progress(node, "attempt " + std::to_string(node.attempts.size()) + "  Running");
        }
    }
    return launched;
}

void KfpRunner::launch(Node& node) {
    const std::string label = node.component->at("executorLabel");
    const json& container = spec_.at("deploymentSpec").at("executors").at(label).at("container");
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
    node.output_file = ex.output_file;
    node.container = ex.container;
    node.timed_out = false;
    node.timeout_seconds = ex.timeout_seconds;
    node.deadline.reset();
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
    return command.size() >= 2 && command[0] == "sh" && command[1] == "-c" && !args.empty() &&
           args[0] == "resolve-run-values";
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
        // KFP hands retryPolicy to Argo's retryStrategy (argocompiler/container.go); Argo waits
        // duration * factor^(retries so far) after the last attempt, and maxDuration bounds the
        // whole task from its first attempt's start: a wait past it ends the retries
        // (processNodeRetries in workflow/controller/operator.go).
        const json& retry = field(*node.task, "retryPolicy");
        double delay = duration_seconds(field(retry, "backoffDuration"));
        const double factor = value_or(retry, "backoffFactor", 2.0);
        if (factor > 0)
            for (std::size_t i = 1; i < node.attempts.size(); ++i) delay *= factor;
        const double max_duration = duration_seconds(field(retry, "backoffMaxDuration"));
        if (max_duration > 0 && a.ended + delay > node.attempts.front().started + max_duration) {
            finish(node, State::failed, why + " (a retry would pass the backoff's max duration of " +
                                            std::to_string(int(max_duration)) + " s)");
            return;
        }
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

}  // namespace pipecc::run
