#include "pipecc/graph/passes.hpp"

namespace pipecc::graph {
namespace {

void dump_port(const Port& p, std::ostream& out) {
    out << p.name << ": " << type_name(p.type);
    if (p.default_value) out << " = " << doc::to_json(*p.default_value).substr(0, 80);
    if (p.optional) out << " (optional)";
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
        out << "  task " << t.name << " = " << g.component_of(t).name << "\n";
        // The innermost condition or loop around the task.
        GroupId group = t.group < g.groups.size() ? t.group : 0;
        while (group != 0 && !g.groups[group].condition && !g.groups[group].items) group = g.groups[group].parent;
        if (group != 0 && g.groups[group].condition) out << "    if " << to_debug_string(*g.groups[group].condition, &g) << "\n";
        if (group != 0 && g.groups[group].items) out << "    for each of " << to_debug_string(*g.groups[group].items, &g) << "\n";
        for (const auto& b : t.args) out << "    " << b.input << " <- " << to_debug_string(*b.value, &g) << "\n";
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
