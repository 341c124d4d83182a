// Writing a picture as Graphviz DOT, Mermaid, or SVG through Graphviz.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "picture/labels.hpp"
#include "picture/picture.hpp"
#include "pipecc/error.hpp"

namespace pipecc::picture {
namespace {

std::string dot_quoted(const std::string& s) {
    std::string out = "\"";
    for (const char c : s) {
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

std::string cluster_style(GroupKind kind) {
    switch (kind) {
        case GroupKind::ExitHandler: return "style=dashed; color=gray40;";
        case GroupKind::Condition: return "style=\"rounded,dotted\";";
        case GroupKind::Loop: return "style=\"rounded,bold\";";
        case GroupKind::SubDag:
        case GroupKind::Pipeline: return "style=rounded;";
    }
    return "";
}

std::string node_label(const Node& n) {
    std::string label = n.label;
    if (!n.condition.empty()) label.append("\n").append(condition_label(n.condition));
    if (n.on_exit) label += "\n(on exit)";
    return label;
}

// An empty group gets an invisible node, so that dot draws its cluster.
bool has_nodes(const Group& g) {
    if (!g.nodes.empty()) return true;
    for (const auto& child : g.groups) {
        if (has_nodes(child)) return true;
    }
    return false;
}

void write_dot_group(std::ostringstream& out, const Group& g, int depth) {
    const std::string pad(static_cast<std::size_t>(depth) * 2, ' ');
    out << pad << "subgraph cluster_" << g.id << " {\n"
        << pad << "  label=" << dot_quoted(g.label) << "; " << cluster_style(g.kind) << "\n";
    if (!has_nodes(g)) out << pad << "  " << g.id << " [shape=point, style=invis, width=0];\n";
    for (const auto& n : g.nodes) {
        out << pad << "  " << n.id << " [label=" << dot_quoted(node_label(n)) << (n.on_exit ? ", shape=ellipse" : "")
            << "];\n";
    }
    for (const auto& child : g.groups) write_dot_group(out, child, depth + 1);
    out << pad << "}\n";
}

// dot clips an edge at a cluster's border (lhead, ltail) but draws it to a node: the cluster's
// first task for edges into it, its last for edges out.
std::string end_node(const Group& g, const std::vector<Edge>& edges, bool first) {
    if (!has_nodes(g)) return g.id;
    const auto ends = ends_of(g, edges, first);
    for (const auto& n : g.nodes) {
        if (std::find(ends.begin(), ends.end(), n.id) != ends.end()) return n.id;
    }
    for (const auto& child : g.groups) {
        if (has_nodes(child) && std::find(ends.begin(), ends.end(), child.id) != ends.end()) return end_node(child, edges, first);
    }
    // A cycle of members: any of them.
    return g.nodes.empty() ? end_node(g.groups.front(), edges, first) : g.nodes.front().id;
}

void collect_groups(const Group& g, std::map<std::string, const Group*>& out) {
    out[g.id] = &g;
    for (const auto& child : g.groups) collect_groups(child, out);
}

std::string mermaid_text(const std::string& s) {
    std::string out;
    for (const char c : s) {
        if (c == '"') out += "#quot;";
        else if (c == '\n') out += "<br/>";
        else out += c;
    }
    return out;
}

void write_mermaid_group(std::ostringstream& out, const Group& g, int depth) {
    const std::string pad(static_cast<std::size_t>(depth) * 2, ' ');
    for (const auto& n : g.nodes) {
        // Exit hooks are stadiums, other tasks boxes.
        out << pad << n.id << (n.on_exit ? "([\"" : "[\"") << mermaid_text(node_label(n)) << (n.on_exit ? "\"])" : "\"]")
            << "\n";
    }
    for (const auto& child : g.groups) {
        out << pad << "subgraph " << child.id << "[\"" << mermaid_text(child.label) << "\"]\n";
        write_mermaid_group(out, child, depth + 1);
        out << pad << "end\n";
        if (child.kind == GroupKind::ExitHandler) {
            out << pad << "style " << child.id << " stroke-dasharray: 5 5\n";
        }
    }
}

}  // namespace

std::string to_dot(const Picture& p) {
    std::ostringstream out;
    out << "digraph " << dot_quoted(p.root.label) << " {\n"
        << "  compound=true;\n  rankdir=TB;\n  label=" << dot_quoted(p.root.label) << ";\n  labelloc=t;\n"
        << "  fontname=\"Helvetica\";\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n"
        << "  edge [fontname=\"Helvetica\"];\n";
    for (const auto& n : p.root.nodes) {
        out << "  " << n.id << " [label=" << dot_quoted(node_label(n)) << (n.on_exit ? ", shape=ellipse" : "") << "];\n";
    }
    for (const auto& g : p.root.groups) write_dot_group(out, g, 1);
    std::map<std::string, const Group*> groups;
    collect_groups(p.root, groups);
    for (const auto& e : p.edges) {
        const auto from = groups.find(e.from);
        const auto to = groups.find(e.to);
        std::string attrs;
        const auto add = [&](const std::string& attr) { attrs += (attrs.empty() ? "" : ", ") + attr; };
        if (from != groups.end()) add("ltail=cluster_" + e.from);
        // Room between the rank above and the tasks below the cluster's label.
        if (to != groups.end()) add("lhead=cluster_" + e.to + ", minlen=2");
        if (e.on_exit) add("style=dashed, label=\"on exit\"");
        out << "  " << (from != groups.end() ? end_node(*from->second, p.edges, false) : e.from) << " -> "
            << (to != groups.end() ? end_node(*to->second, p.edges, true) : e.to) << (attrs.empty() ? "" : " [" + attrs + "]")
            << ";\n";
    }
    out << "}\n";
    return out.str();
}

std::string to_mermaid(const Picture& p) {
    std::ostringstream out;
    out << "---\ntitle: " << mermaid_text(p.root.label) << "\n---\nflowchart TB\n";
    write_mermaid_group(out, p.root, 1);
    for (const auto& e : p.edges) out << "  " << e.from << (e.on_exit ? " -. on exit .-> " : " --> ") << e.to << "\n";
    return out.str();
}

std::string dot_to_svg(const std::string& dot) {
    const char* path = std::getenv("PATH");
    std::istringstream dirs(path ? path : "");
    std::string program;
    for (std::string dir; program.empty() && std::getline(dirs, dir, ':');) {
        if (!dir.empty() && ::access((dir + "/dot").c_str(), X_OK) == 0) program = dir + "/dot";
    }
    if (program.empty()) {
        throw Error("SVG needs Graphviz's `dot` on PATH (Debian: apt-get install graphviz); --format dot or "
                    "--format mermaid need nothing");
    }
    // dot reads the graph from a file and writes SVG to stdout: one pipe, so no deadlock.
    char name[] = "/tmp/pipecc-graph-XXXXXX";
    const int fd = ::mkstemp(name);
    if (fd < 0) throw Error("cannot create a temporary file for dot");
    ::close(fd);
    std::ofstream(name, std::ios::binary) << dot;
    std::unique_ptr<FILE, decltype(&pclose)> p(popen(("'" + program + "' -Tsvg " + name).c_str(), "r"), pclose);
    std::string svg;
    if (p) {
        char buf[65536];
        for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p.get())) > 0;) svg.append(buf, n);
    }
    const int rc = p ? pclose(p.release()) : -1;
    std::remove(name);
    if (rc != 0 || svg.empty()) throw Error("Graphviz's dot failed to draw the graph");
    return svg;
}

}  // namespace pipecc::picture
