#include "pipecc/graph/passes.hpp"

namespace pipecc::graph {
namespace {

// A dump line per setting: long JSON would bury the graph, so a value is cut at 80 characters.
std::string short_json(const doc::Node& v) {
    std::string s = doc::to_json(v);
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    if (s.size() > 80) s = s.substr(0, 77) + "...";
    return s;
}

void dump_port(const Port& p, std::ostream& out) {
    out << p.name << ": " << type_name(p.type);
    if (p.default_value) out << " = " << short_json(*p.default_value);
    if (p.optional) out << " (optional)";
}

const char* optional_mark(bool optional) { return optional ? " (optional)" : ""; }

void dump_resources(const Resources& r, std::ostream& out) {
    if (r.cpu_request.empty() && r.cpu_limit.empty() && r.memory_request.empty() && r.memory_limit.empty() &&
        r.accelerator_count == 0) {
        return;
    }
    out << "    resources";
    const auto pair = [&](const char* what, const std::string& request, const std::string& limit) {
        if (!request.empty()) out << ' ' << what << " request " << request;
        if (!limit.empty()) out << ' ' << what << " limit " << limit;
    };
    pair("cpu", r.cpu_request, r.cpu_limit);
    pair("memory", r.memory_request, r.memory_limit);
    if (r.accelerator_count > 0) out << ' ' << r.accelerator_type << " x" << r.accelerator_count;
    out << "\n";
}

// Everything a task asks of its pod, one setting a line, so a dump shows what the emitters will write.
void dump_pod(const Task& t, std::ostream& out) {
    dump_resources(t.requests_and_limits(), out);
    for (const auto& [k, v] : t.node_selector) out << "    node selector " << k << "=" << v << "\n";
    for (const auto& e : t.env) out << "    env " << e.name << "=" << e.value << "\n";
    for (const auto& e : t.secret_env) {
        out << "    env " << e.env_var << " <- secret " << e.secret_name << "/" << e.secret_key
            << optional_mark(e.optional) << "\n";
    }
    if (t.pod) {
        const PodSettings& p = *t.pod;
        for (const auto& e : p.config_map_env) {
            out << "    env " << e.env_var << " <- config map " << e.config_map << "/" << e.key
                << optional_mark(e.optional) << "\n";
        }
        for (const auto& v : p.secret_volumes) {
            out << "    mount secret " << v.secret_name << " at " << v.mount_path << optional_mark(v.optional) << "\n";
        }
        for (const auto& v : p.config_map_volumes) {
            out << "    mount config map " << v.config_map << " at " << v.mount_path << optional_mark(v.optional) << "\n";
        }
        for (const auto& v : p.pvc_mounts) {
            out << "    mount pvc " << v.pvc_name << (v.sub_path.empty() ? "" : "/" + v.sub_path) << " at "
                << v.mount_path << "\n";
        }
        for (const auto& v : p.ephemeral_volumes) {
            out << "    mount ephemeral " << v.name << " " << v.size
                << (v.storage_class.empty() ? "" : " of class " + v.storage_class) << " at " << v.mount_path << "\n";
        }
        for (const auto& tol : p.tolerations) {
            out << "    tolerate " << tol.key << ' ' << tol.op << (tol.value.empty() ? "" : " " + tol.value)
                << (tol.effect.empty() ? "" : " " + tol.effect) << "\n";
        }
        for (const auto& a : p.node_affinity) {
            out << "    node affinity" << (a.weight == 0 ? "" : " preferred, weight " + std::to_string(a.weight));
            for (const auto& m : a.match) {
                out << ' ' << m.key << ' ' << m.op;
                for (const auto& v : m.values) out << ' ' << v;
            }
            out << "\n";
        }
        for (const auto& [k, v] : p.labels) out << "    pod label " << k << "=" << v << "\n";
        for (const auto& [k, v] : p.annotations) out << "    pod annotation " << k << "=" << v << "\n";
        for (const auto& s : p.image_pull_secrets) out << "    image pull secret " << s << "\n";
    }
    if (t.retry) {
        out << "    retry " << t.retry->max_retries << " times, backoff " << t.retry->backoff_seconds << " s x"
            << t.retry->backoff_factor << " up to " << t.retry->backoff_max_seconds << " s\n";
    }
    if (t.timeout_seconds > 0) out << "    timeout " << t.timeout_seconds << " s\n";
    if (!t.cache) out << "    cache off\n";
    if (t.ignore_upstream_failure) out << "    runs even if upstream tasks fail\n";
}

const char* hook_name(Hook h) {
    switch (h) {
        case Hook::None: return "";
        case Hook::Exit: return " (on exit)";
        case Hook::Success: return " (on success)";
        case Hook::Failure: return " (on failure)";
    }
    return "";
}

std::string task_label(const Graph& g, TaskId id) {
    return id < g.tasks.size() ? g.tasks[id].name : "task#" + std::to_string(id);
}

}  // namespace

void dump(const Graph& g, std::ostream& out) {
    out << "pipeline " << g.name << "\n";
    for (const auto& p : g.params) {
        out << "  param ";
        dump_port(p, out);
        out << "\n";
    }
    for (const auto& c : g.components) {
        out << "  component " << c.name;
        if (c.pipeline) {
            out << " runs pipeline " << c.pipeline->name << " (" << c.pipeline->tasks.size() << " tasks)\n";
        } else {
            out << " image=" << c.image << "\n";
        }
        for (const auto& in : c.inputs) {
            out << "    in  ";
            dump_port(in, out);
            out << "\n";
        }
        for (const auto& o : c.outputs) {
            out << "    out ";
            dump_port(o, out);
            out << "\n";
        }
    }
    auto dump_task = [&](TaskId id) {
        const Task& t = g.tasks[id];
        out << "  task " << t.name << " = " << g.component_of(t).name << hook_name(t.hook);
        if (!t.display_name.empty() && t.display_name != t.name) out << " \"" << t.display_name << "\"";
        out << "\n";
        // The innermost condition or loop around the task.
        GroupId group = t.group < g.groups.size() ? t.group : 0;
        while (group != 0 && !g.groups[group].condition && !g.groups[group].items) group = g.groups[group].parent;
        if (group != 0 && g.groups[group].condition) out << "    if " << to_debug_string(*g.groups[group].condition, &g) << "\n";
        if (group != 0 && g.groups[group].items) out << "    for each of " << to_debug_string(*g.groups[group].items, &g) << "\n";
        for (const auto& b : t.args) out << "    " << b.input << " <- " << to_debug_string(*b.value, &g) << "\n";
        dump_pod(t, out);
        if (!t.deps.empty()) {
            out << "    after";
            for (TaskId d : t.deps) out << ' ' << task_label(g, d);
            out << "\n";
        }
    };
    if (g.topo_order.size() == g.tasks.size()) {
        for (TaskId id : g.topo_order) dump_task(id);
    } else {
        for (TaskId id = 0; id < g.tasks.size(); ++id) dump_task(id);
    }
    for (const auto& o : g.outputs) out << "  output " << o.name << " <- " << to_debug_string(*o.value, &g) << "\n";
}

}  // namespace pipecc::graph
