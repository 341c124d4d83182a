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
        out << "  component " << c.name << " image=" << c.image << "\n";
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
        if (t.group != 0 && t.group < g.groups.size()) {
            GroupId group = t.group;
            while (!g.groups[group].condition) group = g.groups[group].parent;
            out << "    if " << to_debug_string(*g.groups[group].condition, &g) << "\n";
        }
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
}

}  // namespace pipecc::graph
