// export_component: a component as KFP v2 component YAML, through the KFP backend. The component
// becomes a one-task pipeline whose parameters are the component's inputs bound straight through;
// the root then surfaces the task's outputs, as the kfp SDK's ComponentSpec.to_pipeline_spec does.
#include "pipecc/dsl/export_component.hpp"

#include <algorithm>

#include "pipecc/backends/kfp.hpp"
#include "pipecc/compile.hpp"
#include "pipecc/graph/passes.hpp"

namespace pipecc {
namespace {

using doc::Node;

// The type names the kfp SDK writes in its header comment.
std::string comment_type(graph::Type t) {
    switch (t) {
        case graph::Type::String:
        case graph::Type::Timestamp: return "str";
        case graph::Type::Int: return "int";
        case graph::Type::Float: return "float";
        case graph::Type::Bool: return "bool";
        case graph::Type::List: return "list";
        case graph::Type::Struct: return "dict";
        default: return "system." + std::string(graph::type_name(graph::element_type(t)));
    }
}

// Python's repr of a value read back from IR (numbers are doubles there).
std::string python_repr(const Node& v, bool top) {
    switch (v.kind()) {
        case Node::Kind::Null: return "None";
        case Node::Kind::Bool: return v.as_bool() ? "True" : "False";
        case Node::Kind::Int: return doc::format_float(static_cast<double>(v.as_int()));
        case Node::Kind::Float: return doc::format_float(v.as_float());
        case Node::Kind::String: {
            if (top) return "'" + v.as_string() + "'";  // the kfp SDK quotes top-level strings as they are
            std::string out = "'";
            for (char c : v.as_string()) {
                if (c == '\\' || c == '\'') out += '\\';
                out += c;
            }
            return out + "'";
        }
        case Node::Kind::Seq: {
            std::string out = "[";
            for (std::size_t i = 0; i < v.items().size(); ++i) out += (i ? ", " : "") + python_repr(v.items()[i], false);
            return out + "]";
        }
        case Node::Kind::Map: {
            std::string out = "{";
            for (std::size_t i = 0; i < v.entries().size(); ++i) {
                out += (i ? ", " : "") + python_repr(Node(v.entries()[i].key), false) + ": " +
                       python_repr(v.entries()[i].value, false);
            }
            return out + "}";
        }
    }
    return "";
}

// The kfp SDK's header: name, description (continued on lines indented to match), then the
// root's inputs and outputs sorted by name.
// Appends `text` to a header comment. A comment cannot hold control characters (the text itself,
// escaped, is in the IR): a line break continues the comment on a new line with `continuation`,
// and other control characters become spaces.
void append_comment(std::string& out, std::string_view text, std::string_view continuation) {
    bool broken = false;
    for (char ch : text) {
        if (ch == '\n') {
            broken = true;
            continue;
        }
        if (ch == '\r') continue;
        if (broken) out += continuation;  // only before more text: no empty continuation line
        broken = false;
        const auto u = static_cast<unsigned char>(ch);
        out += (u < 0x20 && ch != '\t') || u == 0x7F ? ' ' : ch;
    }
}

std::string header(const graph::Graph& g, const graph::Component& c) {
    std::string out = "# PIPELINE DEFINITION\n# Name: " + g.name + "\n";
    if (!c.description.empty()) {
        out += "# Description: ";
        append_comment(out, c.description, "\n#              ");
        out += '\n';
    }
    auto section = [&](const char* title, std::vector<graph::Port> ports) {
        if (ports.empty()) return;
        std::sort(ports.begin(), ports.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
        out += std::string(title) + "\n";
        for (const auto& p : ports) {
            out += "#    " + p.name + ": " + comment_type(p.type);
            if (p.default_value) {
                out += " [Default: ";
                append_comment(out, python_repr(*p.default_value, true), "\n#      ");
                out += "]";
            }
            out += "\n";
        }
    };
    section("# Inputs:", c.inputs);
    section("# Outputs:", c.outputs);
    return out;
}

}  // namespace

std::string export_component(const Component& component) {
    using namespace graph;
    const graph::Component& c = *component.spec();
    static const char graph_id = 0;
    Graph g;
    g.id = &graph_id;
    g.name = sanitize_k8s_name(c.name);
    if (g.name.empty()) throw Error("component name '" + c.name + "' has no letters or digits");
    g.description = c.description;
    g.components.push_back(c);
    graph::Task task;
    task.name = g.name;
    task.component = 0;
    for (const auto& in : c.inputs) {
        g.params.push_back(in);
        task.args.push_back({in.name, make_expr(in.type, node::Param{g.id, in.name})});
    }
    g.tasks.push_back(std::move(task));
    run_passes(g);
    if (!g.display_name.empty()) throw InternalError("an exported component's pipeline name changed in the checks");

    kfp::Documents d = kfp::emit(g, {.sdk_version = "pipecc-" + std::string(version())});
    Node& spec = d.pipeline_spec;
    // The root surfaces the task's outputs: root.outputDefinitions (the component's own) and
    // root.dag.outputs selecting them from the task.
    if (!c.outputs.empty()) {
        const Node* comp = spec.at("components").find("comp-" + g.name);
        const Node* defs = comp ? comp->find("outputDefinitions") : nullptr;
        if (!defs) throw InternalError("the exported component has no outputDefinitions");
        Node params = Node::map(), artifacts = Node::map();
        for (const auto& out : c.outputs) {
            if (is_artifact(out.type)) {
                artifacts.set(out.name, Node::map().set("artifactSelectors",
                                                        Node::seq({Node::map()
                                                                       .set("outputArtifactKey", out.name)
                                                                       .set("producerSubtask", g.name)})));
            } else {
                params.set(out.name, Node::map().set("valueFromParameter", Node::map()
                                                                               .set("outputParameterKey", out.name)
                                                                               .set("producerSubtask", g.name)));
            }
        }
        Node outputs = Node::map();
        if (!artifacts.empty()) outputs.set("artifacts", std::move(artifacts));
        if (!params.empty()) outputs.set("parameters", std::move(params));
        Node root_defs = *defs;
        Node& root = spec.at("root");
        root.at("dag").set("outputs", std::move(outputs));
        root.set("outputDefinitions", std::move(root_defs));
    }
    if (!d.platform_spec.is_null()) throw InternalError("an exported component has platform settings");
    std::string body = kfp::render_yaml(g, d);
    // Replace the pipeline header with the kfp SDK's component header, which also carries the
    // description (where the kfp SDK reads it back from).
    std::size_t start = 0;
    while (start < body.size() && body[start] == '#') {
        const std::size_t nl = body.find('\n', start);
        if (nl == std::string::npos) break;
        start = nl + 1;
    }
    return header(g, c) + body.substr(start);
}

}  // namespace pipecc
