#include "pipecc/graph/passes.hpp"

#include <algorithm>
#include <functional>
#include <queue>
#include <unordered_set>

#include "pipecc/error.hpp"
#include "pipecc/graph/name_order.hpp"
#include "pipecc/graph/time_format.hpp"
#include "check_support.hpp"
#include "pod_settings_check.hpp"

namespace pipecc::graph {
namespace {

void check_ports(const Graph& g, const std::vector<Port>& ports, const std::string& owner,
                 const char* kind) {
    // Most port lists are a few ports, checked once per pipeline and component (200 times for a
    // pipeline nested 200 deep): comparing with the earlier ones beats building a hash set.
    constexpr std::size_t kScanLimit = 16;
    std::unordered_set<std::string_view> seen;
    auto declared_before = [&](std::size_t i) {
        if (ports.size() <= kScanLimit) {
            return std::any_of(ports.begin(), ports.begin() + static_cast<std::ptrdiff_t>(i),
                               [&](const Port& earlier) { return earlier.name == ports[i].name; });
        }
        return !seen.insert(ports[i].name).second;
    };
    for (std::size_t i = 0; i < ports.size(); ++i) {
        const Port& p = ports[i];
        if (!valid_port_name(p.name)) {
            throw Error(owner + ": " + kind + " name '" + p.name +
                            "' is not valid: use letters, digits, '_' and '-', starting with a letter",
                        at_pipeline(g));
        }
        if (declared_before(i)) {
            throw Error(owner + ": " + kind + " '" + p.name + "' is declared twice", at_pipeline(g));
        }
        if (p.default_value && is_artifact(p.type)) {
            throw Error(owner + ": artifact " + kind + " '" + p.name + "' cannot have a default value",
                        at_pipeline(g));
        }
    }
}

// --- names ---------------------------------------------------------------------------------------
void check_names(Graph& g) {
    const std::string original = g.name;
    g.name = sanitize_k8s_name(original);
    if (g.name.empty()) {
        throw Error("pipeline name '" + original +
                    "' has no letters or digits, so it cannot become a Kubernetes name");
    }
    if (original != g.name) g.display_name = original;
    auto text_error = [&](const std::string& what) {
        return [&g, what](const std::string& msg) { return Error(what + ": " + msg, at_pipeline(g)); };
    };
    check_text(original, text_error("pipeline name"));
    check_text(g.description, text_error("description"));
    check_text(g.pipeline_root, text_error("pipeline root"));
    check_ports(g, g.params, "pipeline", "parameter");
    for (const auto& p : g.params) {
        if (p.default_value) {
            check_literal(*p.default_value, [&](const std::string& msg) {
                return Error("default of parameter '" + p.name + "': " + msg, at_pipeline(g));
            });
        }
    }
    std::vector<Port> output_ports;
    for (const auto& o : g.outputs) output_ports.push_back({.name = o.name});
    check_ports(g, output_ports, "pipeline", "output");
    for (const auto& c : g.components) {
        if (sanitize_k8s_name(c.name).empty()) {
            throw Error("component name '" + c.name + "' has no letters or digits", at_pipeline(g));
        }
        check_ports(g, c.inputs, "component '" + c.name + "'", "input");
        check_ports(g, c.outputs, "component '" + c.name + "'", "output");
    }
    // Names that sanitise alike sort next to each other; the error names the pair a scan in
    // declaration order meets first, as a hash set would.
    std::vector<std::string> k8s(g.tasks.size());
    std::vector<std::string_view> views(g.tasks.size());
    for (std::size_t i = 0; i < g.tasks.size(); ++i) views[i] = k8s[i] = sanitize_k8s_name(g.tasks[i].name);
    const std::vector<std::uint32_t> order = sorted_by_name(views);
    std::size_t first_clash = g.tasks.size();
    std::string clash_with;
    for (std::size_t pos = 1; pos < order.size(); ++pos) {
        const bool second_of_its_name = views[order[pos]] == views[order[pos - 1]] &&
                                        (pos == 1 || views[order[pos - 2]] != views[order[pos - 1]]);
        if (second_of_its_name && order[pos] < first_clash) {
            first_clash = order[pos];
            clash_with = g.tasks[order[pos - 1]].name;
        }
    }
    for (std::size_t i = 0; i < g.tasks.size(); ++i) {
        Task& t = g.tasks[i];
        if (k8s[i].empty()) {
            throw Error("task name '" + t.name + "' has no letters or digits", at_pipeline(g));
        }
        if (i == first_clash) {
            const std::string detail = clash_with == t.name
                ? "two tasks are named '" + t.name + "'"
                : "tasks '" + clash_with + "' and '" + t.name + "' both become '" + k8s[i] + "'";
            throw Error(detail + "; give one of them another name", at_pipeline(g));
        }
        check_text(t.display_name, [&](const std::string& msg) { return Error("display name: " + msg, at_pipeline(g)); });
        if (t.display_name.empty()) t.display_name = k8s[i];
        t.name = std::move(k8s[i]);
    }
}

// --- tasks -------
void check_has_body(const Graph& g) {
    const bool body = std::any_of(g.tasks.begin(), g.tasks.end(), [](const Task& t) { return t.hook == Hook::None; });
    if (!body) {
        throw Error(g.tasks.empty() ? "the pipeline has no tasks" : "the pipeline has only hook tasks; add at least one task with add()",
                    at_pipeline(g));
    }
}

// --- references ----------------------------------------------------------------------------------
// Checks that the parameters and task outputs in `e` exist in this pipeline.
void check_expr_references(const Graph& g, const Expr& value, const Fail& fail) {
    for_each_node(value, [&](const Expr& e) {
        if (auto* p = e.as<node::Param>()) {
            if (p->owner != g.id) throw fail("uses parameter '" + p->name + "' of another pipeline");
            if (!g.find_param(p->name)) throw fail("pipeline has no parameter '" + p->name + "'");
        } else if (auto* item = e.as<node::LoopItem>()) {
            if (item->owner != g.id) throw fail("uses the item of a parallel_for of another pipeline");
        } else if (auto* o = e.as<node::TaskOutput>()) {
            if (o->owner != g.id || o->task >= g.tasks.size()) {
                throw fail("uses output '" + o->output + "' of a task that belongs to another pipeline");
            }
            const Task& producer = g.tasks[o->task];
            const Port* out = g.component_of(producer).find_output(o->output);
            if (!out) throw fail("task '" + producer.name + "' has no output '" + o->output + "'");
            if (out->type != e.type) {
                throw fail("output '" + o->output + "' of task '" + producer.name + "' is " +
                           std::string(type_name(out->type)) + ", not " + std::string(type_name(e.type)));
            }
        }
    });
}

// The largest expression the recursive passes and emitters walk: deeper nesting would overflow
// the stack, and a value reused inside itself (v = concat(v, v)) grows exponentially.
constexpr std::size_t kMaxExprDepth = 1000;
constexpr std::size_t kMaxExprNodes = 1'000'000;

void check_expr_size(const Expr& root, const Fail& fail) {
    std::vector<std::pair<const Expr*, std::size_t>> stack{{&root, 1}};
    std::size_t visited = 0;
    while (!stack.empty()) {
        const Expr* e = stack.back().first;
        const std::size_t depth = stack.back().second;
        stack.pop_back();
        if (depth > kMaxExprDepth) throw fail("the value is nested more than 1000 levels deep");
        if (++visited > kMaxExprNodes) throw fail("the value has more than 1000000 parts");
        for_each_child(*e, [&](const Expr& child) { stack.emplace_back(&child, depth + 1); });
    }
}

void check_references(Graph& g) {
    check_has_body(g);
    for (const auto& t : g.tasks) {
        for (const auto& b : t.args) {
            check_expr_size(*b.value, [&](const std::string& msg) { return Error(msg, at_task(g, t, b.input)); });
        }
    }
    for (const auto& group : g.groups) {
        for (const auto* e : {&group.condition, &group.items}) {
            if (*e) check_expr_size(**e, [&](const std::string& msg) { return Error(msg, at_pipeline(g)); });
        }
    }
    for (const auto& t : g.tasks) {
        for (const auto& b : t.args) {
            check_expr_references(g, *b.value, [&](const std::string& msg) { return Error(msg, at_task(g, t, b.input)); });
        }
        for (TaskId a : t.after) {
            if (a >= g.tasks.size()) {
                throw Error("runs after a task that belongs to another pipeline", at_task(g, t));
            }
        }
    }
    for (const auto& o : g.outputs) {
        auto fail = [&](const std::string& msg) { return output_error(g, o, msg); };
        check_expr_size(*o.value, fail);
        check_expr_references(g, *o.value, fail);
    }
    for (const auto& group : g.groups) {
        if (group.condition) {
            check_expr_references(g, *group.condition, [&](const std::string& msg) { return condition_error(g, group, msg); });
        }
        if (group.items) {
            check_expr_references(g, *group.items, [&](const std::string& msg) { return loop_error(g, group, msg); });
        }
    }
}

// --- time ----------------------------------------------------------------------------------------
void check_time(Graph& g) {
    std::vector<FormatPiece> pieces;
    for (const auto& t : g.tasks) {
        for (const auto& b : t.args) {
            for_each_node(*b.value, [&](const Expr& e) {
                auto* f = e.as<node::FormatTime>();
                if (!f) return;
                if (!f->format.empty()) {
                    if (auto err = parse_time_format(f->format, pieces)) {
                        throw Error(*err + " (in \"" + f->format + "\")", at_task(g, t, b.input));
                    }
                }
                if (auto err = check_time_zone(f->zone)) throw Error(*err, at_task(g, t, b.input));
            });
        }
    }
}

// --- bindings ------------------------------------------------------------------------------------
void check_bindings(Graph& g) {
    for (const auto& t : g.tasks) {
        const Component& c = g.component_of(t);
        for (std::size_t i = 0; i < t.args.size(); ++i) {
            const Binding& b = t.args[i];
            const Port* port = c.find_input(b.input);
            if (!port) {
                std::string names;
                for (const auto& in : c.inputs) names += (names.empty() ? "" : ", ") + in.name;
                throw Error("component '" + c.name + "' has no input '" + b.input + "'" +
                                (names.empty() ? " (it has no inputs)" : "; its inputs are: " + names),
                            at_task(g, t, b.input));
            }
            for (std::size_t j = 0; j < i; ++j) {
                if (t.args[j].input == b.input) throw Error("input is bound twice", at_task(g, t, b.input));
            }
            if (t.ignore_upstream_failure && !port->default_value && !port->optional) {
                bool from_task = false;
                for_each_node(*b.value, [&](const Expr& e) { from_task = from_task || e.as<node::TaskOutput>() || e.as<node::Collected>(); });
                if (from_task) {
                    throw Error("ignore_upstream_failure(): the input reads a task that may fail before writing it, so it "
                                "needs a default value (or to be optional) in component '" + c.name + "'",
                                at_task(g, t, b.input));
                }
            }
            if (!assignable(b.value->type, port->type)) {
                throw Error("expects " + std::string(type_name(port->type)) + " but gets " +
                                std::string(type_name(b.value->type)) + " (" + to_debug_string(*b.value) + ")" +
                                (port->type == Type::String ? "; convert it with to_string()" : ""),
                            at_task(g, t, b.input));
            }
        }
        for (const auto& in : c.inputs) {
            if (!in.required()) continue;
            const bool bound = std::any_of(t.args.begin(), t.args.end(),
                                           [&](const Binding& b) { return b.input == in.name; });
            if (!bound) {
                throw Error("required input of component '" + c.name + "' is not bound", at_task(g, t, in.name));
            }
        }
    }
}

// --- settings ------------------------------------------------------------------------------------
// A config map's name or one of its keys: letters, digits, '-', '_' and '.'.
bool valid_config_key(std::string_view s) {
    return !s.empty() && s.size() <= 253 && std::all_of(s.begin(), s.end(), [](unsigned char c) {
        return c < 0x80 && (std::isalnum(c) || c == '-' || c == '_' || c == '.');
    });
}

void check_quantity(const Graph& g, const Task& t, const std::string& what, const std::string& q,
                    double max) {
    if (q.empty()) return;
    auto v = parse_quantity(q);
    if (!v) {
        throw Error(what + " '" + q + "' is not a Kubernetes quantity (e.g. \"500m\", \"2\", \"60G\", \"16Gi\")",
                    at_task(g, t));
    }
    if (*v <= 0 || *v > max) {
        throw Error(what + " '" + q + "' is out of range", at_task(g, t));
    }
}

// A task that runs a nested pipeline has no pod of its own: pod settings belong on its tasks.
void check_nested_task(const Graph& g, const Task& t) {
    const Resources& r = t.requests_and_limits();
    const char* setting = !r.cpu_request.empty() || !r.cpu_limit.empty()       ? "cpu"
                        : !r.memory_request.empty() || !r.memory_limit.empty() ? "memory"
                        : !r.accelerator_type.empty()                          ? "an accelerator"
                        : !t.node_selector.empty()                             ? "a node selector"
                        : !t.env.empty() || !t.secret_env.empty()              ? "env vars"
                        : t.pod                                                ? "pod settings (volumes, tolerations, labels, ...)"
                        : t.retry                                              ? "retries"
                        : t.timeout_seconds > 0                                ? "a timeout"
                                                                               : nullptr;
    if (setting) {
        throw Error("runs pipeline '" + g.component_of(t).name + "', which has no pod of its own: set " + setting +
                        " on the tasks inside it",
                    at_task(g, t));
    }
}

void check_settings(Graph& g) {
    for (const auto& c : g.components) {
        if (c.image.empty() && !c.importer && !c.pipeline) throw Error("component '" + c.name + "' has no image", at_pipeline(g));
        auto in_component = [&](const std::string& msg) { return Error("component '" + c.name + "': " + msg, at_pipeline(g)); };
        check_text(c.image, in_component);
        for (const auto& e : c.env) check_text(e.value, in_component);
        for (const auto& port : c.inputs) {
            if (port.default_value) check_literal(*port.default_value, in_component);
        }
        for (const auto& e : c.env) {
            if (!valid_env_name(e.name)) {
                throw Error("component '" + c.name + "': env var name '" + e.name + "' is not valid",
                            at_pipeline(g));
            }
        }
    }
    constexpr double max_cpu = 1e5;       // cores
    constexpr double max_memory = 1e15;   // bytes: a petabyte is already absurd for one pod
    for (const auto& t : g.tasks) {
        if (g.component_of(t).pipeline) check_nested_task(g, t);
        const Resources& r = t.requests_and_limits();
        check_quantity(g, t, "cpu request", r.cpu_request, max_cpu);
        check_quantity(g, t, "cpu limit", r.cpu_limit, max_cpu);
        check_quantity(g, t, "memory request", r.memory_request, max_memory);
        check_quantity(g, t, "memory limit", r.memory_limit, max_memory);
        auto exceeds = [](const std::string& req, const std::string& lim) {
            return !req.empty() && !lim.empty() && *parse_quantity(req) > *parse_quantity(lim);
        };
        if (exceeds(r.cpu_request, r.cpu_limit)) {
            throw Error("cpu request " + r.cpu_request + " is above its limit " + r.cpu_limit, at_task(g, t));
        }
        if (exceeds(r.memory_request, r.memory_limit)) {
            throw Error("memory request " + r.memory_request + " is above its limit " + r.memory_limit,
                        at_task(g, t));
        }
        if (!r.accelerator_type.empty() && (r.accelerator_count < 1 || r.accelerator_count > 1024)) {
            throw Error("accelerator count must be between 1 and 1024", at_task(g, t));
        }
        for (const auto& e : t.env) {
            if (!valid_env_name(e.name)) throw Error("env var name '" + e.name + "' is not valid", at_task(g, t));
            check_text(e.value, [&](const std::string& msg) { return Error("env var " + e.name + ": " + msg, at_task(g, t)); });
        }
        if (!r.accelerator_type.empty() && !valid_metadata_key(r.accelerator_type)) {
            throw Error("accelerator type '" + r.accelerator_type + "' is not a resource name such as nvidia.com/gpu",
                        at_task(g, t));
        }
        for (const auto& s : t.secret_env) {
            if (!valid_env_name(s.env_var)) {
                throw Error("env var name '" + s.env_var + "' is not valid", at_task(g, t));
            }
            if (sanitize_k8s_name(s.secret_name) != s.secret_name) {
                throw Error("secret name '" + s.secret_name + "' is not a Kubernetes name", at_task(g, t));
            }
            if (s.secret_key.empty()) throw Error("secret key is empty", at_task(g, t));
        }
        for (const auto& [key, value] : t.node_selector) {
            if (!valid_metadata_key(key)) throw Error("node selector key '" + key + "' is not a valid label key", at_task(g, t));
            if (!valid_label_value(value)) {
                throw Error("node selector value '" + value + "' is not a valid label value", at_task(g, t));
            }
        }
        if (auto key = duplicate_key(t.node_selector)) {
            throw Error("node selector '" + *key + "' is set twice", at_task(g, t));
        }
        if (t.pod) {
            if (auto err = pod_settings_error(*t.pod)) throw Error(*err, at_task(g, t));
        }
        if (t.retry && (t.retry->max_retries < 0 || t.retry->backoff_seconds < 0 ||
                        !(t.retry->backoff_factor >= 1) || t.retry->backoff_max_seconds < 0)) {
            throw Error("retry settings must be non-negative, with a backoff factor of at least 1",
                        at_task(g, t));
        }
        // Engines hold these in 32-bit fields and Go durations; beyond them a retry is absurd anyway.
        constexpr std::int64_t max_seconds = 100LL * 365 * 24 * 3600;
        if (t.retry && (t.retry->max_retries > 10'000 || t.retry->backoff_factor > 1000 ||
                        t.retry->backoff_seconds > max_seconds || t.retry->backoff_max_seconds > max_seconds)) {
            throw Error("retry settings are out of range: at most 10000 retries, a backoff factor of at most 1000 and "
                        "backoffs of at most 100 years",
                        at_task(g, t));
        }
        if (t.timeout_seconds < 0) throw Error("timeout must be positive", at_task(g, t));
    }
    if (!g.pipeline_root.empty()) {
        const std::size_t scheme = g.pipeline_root.find("://");
        const bool spaces = g.pipeline_root.find_first_of(" \t\r\n") != std::string::npos;
        if (scheme == std::string::npos || scheme == 0 || scheme + 3 == g.pipeline_root.size() || spaces) {
            throw Error("pipeline root '" + g.pipeline_root + "' is not a URI such as gs://bucket/root or s3://bucket/root",
                        at_pipeline(g));
        }
    }
    if (!g.artifact_repository_config_map.empty() && g.artifact_repository_key.empty()) {
        throw Error("an artifact repository needs its key in the config map", at_pipeline(g));
    }
    for (const auto* name : {&g.artifact_repository_key, &g.artifact_repository_config_map}) {
        if (!name->empty() && !valid_config_key(*name)) {
            throw Error("artifact repository '" + *name + "' is not a Kubernetes config map name or key", at_pipeline(g));
        }
    }
    if (g.schedule) {
        if (auto err = check_cron(g.schedule->cron)) throw Error(*err, at_pipeline(g));
        g.schedule->cron = normalize_cron(g.schedule->cron);
        if (auto err = check_time_zone(g.schedule->time_zone)) throw Error("schedule: " + *err, at_pipeline(g));
    }
}

// --- order ---------------------------------------------------------------------------------------
[[noreturn]] void report_cycle(const Graph& g, const std::vector<std::uint32_t>& indegree) {
    // Every task left with indegree > 0 lies on or behind a cycle; follow dependencies among them
    // until a task repeats.
    TaskId start = 0;
    while (indegree[start] == 0) ++start;
    std::vector<int> seen_at(g.tasks.size(), -1);
    std::vector<TaskId> path;
    TaskId cur = start;
    while (seen_at[cur] < 0) {
        seen_at[cur] = static_cast<int>(path.size());
        path.push_back(cur);
        for (TaskId d : g.tasks[cur].deps) {
            if (indegree[d] > 0) {
                cur = d;
                break;
            }
        }
    }
    std::string text;
    for (std::size_t i = path.size(); i-- > static_cast<std::size_t>(seen_at[cur]);) {
        text += g.tasks[path[i]].name + " -> ";
    }
    text += g.tasks[path.back()].name;
    throw Error("tasks form a cycle: " + text, at_task(g, g.tasks[cur]));
}

}  // namespace

namespace {
// For each group, the tasks whose outputs its condition or items and those of its outer groups
// read: every task inside waits for them (Argo's `when` may only name tasks it depends on).
std::vector<std::vector<TaskId>> condition_producers(const Graph& g) {
    std::vector<std::vector<TaskId>> out(g.groups.size());
    std::vector<bool> done(g.groups.size(), false);
    done[0] = true;
    std::function<const std::vector<TaskId>&(GroupId)> fill = [&](GroupId id) -> const std::vector<TaskId>& {
        if (done[id]) return out[id];
        out[id] = fill(g.groups[id].parent);
        for (const auto* e : {&g.groups[id].condition, &g.groups[id].items}) {
            if (!*e) continue;
            for_each_node(**e, [&](const Expr& n) {
                if (auto* o = n.as<node::TaskOutput>()) out[id].push_back(o->task);
            });
        }
        done[id] = true;
        return out[id];
    };
    for (GroupId id = 0; id < g.groups.size(); ++id) fill(id);
    return out;
}
}  // namespace

void compute_order(Graph& g) {
    const std::size_t n = g.tasks.size();
    const auto group_deps = condition_producers(g);
    std::vector<std::string_view> names;
    names.reserve(n);
    for (const Task& t : g.tasks) names.emplace_back(t.name);
    const std::vector<std::uint32_t> rank = name_ranks(names);
    auto by_name = [&rank](TaskId a, TaskId b) { return rank[a] < rank[b]; };
    std::vector<std::vector<TaskId>> dependents(n);
    std::vector<std::uint32_t> indegree(n, 0);
    for (TaskId id = 0; id < n; ++id) {
        Task& t = g.tasks[id];
        t.deps = t.after;
        t.deps.insert(t.deps.end(), group_deps[t.group].begin(), group_deps[t.group].end());
        for (const auto& b : t.args) {
            for_each_node(*b.value, [&](const Expr& e) {
                if (auto* o = e.as<node::TaskOutput>()) t.deps.push_back(o->task);
            });
        }
        std::sort(t.deps.begin(), t.deps.end(), by_name);
        t.deps.erase(std::unique(t.deps.begin(), t.deps.end()), t.deps.end());
        for (TaskId d : t.deps) {
            if (d == id) throw Error("task depends on itself", at_task(g, t));
            // Engines make a branch or loop wait for what its tasks wait for outside it, and
            // that wait would still fail on an upstream failure.
            if (t.ignore_upstream_failure && g.tasks[d].group != t.group) {
                throw Error("ignore_upstream_failure(): task '" + g.tasks[d].name +
                                "' is outside this task's branch or loop, whose sub-DAG waits for it instead; add the "
                                "task next to it",
                            at_task(g, t));
            }
            dependents[d].push_back(id);
        }
        indegree[id] = static_cast<std::uint32_t>(t.deps.size());
    }
    // Kahn's algorithm, always taking the smallest ready name, so the order does not depend on the
    // order in which tasks were declared.
    auto later_name = [&](TaskId a, TaskId b) { return by_name(b, a); };
    std::priority_queue<TaskId, std::vector<TaskId>, decltype(later_name)> ready(later_name);
    for (TaskId id = 0; id < n; ++id) {
        if (indegree[id] == 0) ready.push(id);
    }
    g.topo_order.clear();
    g.topo_order.reserve(n);
    while (!ready.empty()) {
        TaskId id = ready.top();
        ready.pop();
        g.topo_order.push_back(id);
        for (TaskId next : dependents[id]) {
            if (--indegree[next] == 0) ready.push(next);
        }
    }
    if (g.topo_order.size() != n) report_cycle(g, indegree);
}

std::vector<GroupId> group_order(const Graph& g) {
    std::vector<std::vector<GroupId>> children(g.groups.size());
    for (GroupId id = 1; id < g.groups.size(); ++id) children[g.groups[id].parent].push_back(id);
    for (auto& list : children) {
        std::sort(list.begin(), list.end(), [&](GroupId a, GroupId b) { return g.groups[a].seq < g.groups[b].seq; });
    }
    std::vector<GroupId> order;
    order.reserve(g.groups.size());
    std::vector<GroupId> stack(children[0].rbegin(), children[0].rend());
    while (!stack.empty()) {
        const GroupId id = stack.back();
        stack.pop_back();
        order.push_back(id);
        stack.insert(stack.end(), children[id].rbegin(), children[id].rend());
    }
    return order;
}

const std::vector<Pass>& passes() {
    static const std::vector<Pass> list = {
        {"names", "pipeline, parameter, port and task names are valid and unique as DNS-1123 names",
         check_names},
        {"references", "the pipeline has tasks; parameters and task outputs exist and belong to this pipeline",
         check_references},
        {"scopes", "placeholders and run-time values appear only where an engine can resolve them",
         check_scopes},
        {"time", "time formats use only directives every engine lowers; time zones exist in the tz database",
         check_time},
        {"bindings", "every input is known, bound once, of a compatible type; required inputs are bound",
         check_bindings},
        {"settings", "images, resources, env vars, secrets, retries, timeouts and the schedule are well-formed",
         check_settings},
        {"order", "dependencies have no cycle; fills the topological order", compute_order},
    };
    return list;
}

void run_passes(Graph& g, std::ostream* trace) {
    for (const auto& pass : passes()) {
        pass.run(g);
        if (trace) {
            *trace << "=== after pass '" << pass.name << "'\n";
            dump(g, *trace);
        }
    }
}

}  // namespace pipecc::graph
