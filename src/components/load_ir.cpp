// KFP v2 component YAML (a PipelineSpec holding one container component) -> graph::Component,
// as the kfp SDK reads one (kfp/dsl/structures.py ComponentSpec.from_ir_dicts): the component
// `comp-<pipelineInfo.name>` and its executor `exec-<pipelineInfo.name>`.
#include <algorithm>
#include <cmath>

#include "loader.hpp"

namespace pipecc::components {
namespace {

using graph::ExprPtr;
using graph::Type;

std::optional<Type> artifact_schema(const std::string& title) {
    static const std::pair<const char*, Type> titles[] = {
        {"system.Artifact", Type::Artifact},
        {"system.Dataset", Type::Dataset},
        {"system.Model", Type::Model},
        {"system.Metrics", Type::Metrics},
        {"system.ClassificationMetrics", Type::ClassificationMetrics},
        {"system.SlicedClassificationMetrics", Type::SlicedClassificationMetrics},
        {"system.HTML", Type::HTML},
        {"system.Markdown", Type::Markdown},
    };
    for (const auto& [t, type] : titles) {
        if (title == t) return type;
    }
    return std::nullopt;
}

std::optional<Type> parameter_type(const std::string& name) {
    static const std::pair<const char*, Type> names[] = {
        {"STRING", Type::String}, {"NUMBER_INTEGER", Type::Int}, {"NUMBER_DOUBLE", Type::Float},
        {"BOOLEAN", Type::Bool},  {"LIST", Type::List},          {"STRUCT", Type::Struct},
    };
    for (const auto& [n, type] : names) {
        if (name == n) return type;
    }
    return std::nullopt;
}

class Ir {
public:
    Ir(const Source& src, const YAML::Node& root) : src_(src), root_(root) {}
    graph::Component load();

private:
    void read_ports(const YAML::Node& defs, std::vector<graph::Port>& ports, bool inputs);
    std::optional<doc::Node> default_of(const YAML::Node& d, const std::string& name, Type type);
    ExprPtr element(const YAML::Node& n);
    ExprPtr text(const std::string& s, const YAML::Node& at);
    ExprPtr placeholder(const std::string& inner, const YAML::Node& at);
    ExprPtr json_item(const doc::Node& item, const YAML::Node& at, bool in_if);
    std::string description_from_header() const;

    const graph::Port* input(const std::string& name) const {
        for (const auto& p : c_.inputs) if (p.name == name) return &p;
        return nullptr;
    }
    const graph::Port* output(const std::string& name) const {
        for (const auto& p : c_.outputs) if (p.name == name) return &p;
        return nullptr;
    }

    const Source& src_;
    YAML::Node root_;
    graph::Component c_;
};

std::optional<doc::Node> Ir::default_of(const YAML::Node& d, const std::string& name, Type type) {
    if (!d.IsDefined() || is_plain_null(d)) return std::nullopt;
    const std::string what = "the defaultValue of parameter '" + name + "' (" + std::string(graph::type_name(type)) + ")";
    if (type == Type::String) return doc::Node(src_.str(d, what));
    doc::Node v = src_.to_doc(d);
    switch (type) {
        case Type::Int:
            if (v.kind() == doc::Node::Kind::Int) return v;
            // IR numbers are protobuf doubles: the kfp SDK writes 10 as 10.0.
            if (v.kind() == doc::Node::Kind::Float && v.as_float() == std::floor(v.as_float()) &&
                std::fabs(v.as_float()) < 9e15) {
                return doc::Node(static_cast<long long>(v.as_float()));
            }
            src_.fail(d, what + " must be a whole number");
        case Type::Float:
            if (v.kind() == doc::Node::Kind::Int) return doc::Node(static_cast<double>(v.as_int()));
            if (v.kind() == doc::Node::Kind::Float) return v;
            src_.fail(d, what + " must be a number");
        case Type::Bool:
            if (v.kind() == doc::Node::Kind::Bool) return v;
            src_.fail(d, what + " must be true or false");
        case Type::List:
            if (v.is_seq()) return v;
            src_.fail(d, what + " must be a list");
        default:
            if (v.is_map()) return v;
            src_.fail(d, what + " must be a map");
    }
}

void Ir::read_ports(const YAML::Node& defs, std::vector<graph::Port>& ports, bool inputs) {
    const std::string kind = inputs ? "input" : "output";
    if (!defs.IsDefined() || defs.IsNull()) return;
    src_.expect_map(defs, inputs ? "inputDefinitions" : "outputDefinitions", {"parameters", "artifacts"});
    for (const char* section : {"parameters", "artifacts"}) {
        const YAML::Node map = Source::get(defs, section);
        if (!map.IsDefined() || map.IsNull()) continue;
        if (!map.IsMap()) src_.fail(map, std::string(section) + " must be a map of names to definitions");
        const bool artifacts = std::string_view(section) == "artifacts";
        for (const auto& kv : map) {
            graph::Port p;
            p.name = src_.str(kv.first, "a port name");
            check_port_name(src_, kv.first, p.name, kind + " '" + p.name + "'");
            for (const auto& other : ports) {
                if (other.name == p.name) src_.fail(kv.first, kind + " '" + p.name + "' is declared twice");
            }
            const YAML::Node def = kv.second;
            if (artifacts) {
                src_.expect_map(def, "an artifact definition", {"artifactType", "isOptional", "isArtifactList", "description"});
                const YAML::Node at = Source::get(def, "artifactType");
                if (!at.IsDefined()) src_.fail(kv.first, kind + " '" + p.name + "' has no artifactType");
                src_.expect_map(at, "artifactType", {"schemaTitle", "schemaVersion", "instanceSchema"});
                const YAML::Node title = Source::get(at, "schemaTitle");
                if (!title.IsDefined()) src_.fail(at, "artifactType needs a schemaTitle");
                const std::string t = src_.str(title, "schemaTitle");
                auto type = artifact_schema(t);
                if (!type) {
                    src_.fail(title, "artifact type '" + t + "' is not supported: pipecc knows only system.Artifact, "
                                     "system.Dataset, system.Model, system.Metrics, system.ClassificationMetrics, "
                                     "system.SlicedClassificationMetrics, system.HTML and system.Markdown");
                }
                p.type = *type;
                if (auto l = Source::get(def, "isArtifactList"); l.IsDefined() && src_.boolean(l, "isArtifactList")) {
                    // Containers read lists of artifacts, but only a DAG's outputs can be one.
                    if (!inputs) src_.fail(l, kind + " '" + p.name + "' is a list of artifacts, which only inputs can be");
                    p.type = graph::list_of(p.type);
                }
            } else {
                src_.expect_map(def, "a parameter definition", {"parameterType", "defaultValue", "isOptional", "description"});
                const YAML::Node pt = Source::get(def, "parameterType");
                if (!pt.IsDefined()) src_.fail(def, "parameter '" + p.name + "' has no parameterType");
                const std::string t = src_.str(pt, "parameterType");
                auto type = parameter_type(t);
                if (!type) {
                    src_.fail(pt, "parameterType '" + t + "' is not supported; expected STRING, NUMBER_INTEGER, "
                                  "NUMBER_DOUBLE, BOOLEAN, LIST or STRUCT");
                }
                p.type = *type;
                const YAML::Node d = Source::get(def, "defaultValue");
                if (d.IsDefined() && !inputs) src_.fail(d, "an output cannot have a defaultValue");
                p.default_value = default_of(d, p.name, p.type);
            }
            if (auto o = Source::get(def, "isOptional"); o.IsDefined()) {
                if (!inputs) src_.fail(o, "an output cannot be optional");
                p.optional = src_.boolean(o, "isOptional");
            }
            if (auto d = Source::get(def, "description"); d.IsDefined() && !d.IsNull()) p.description = src_.str(d, "description");
            ports.push_back(std::move(p));
        }
    }
}

ExprPtr Ir::placeholder(const std::string& inner, const YAML::Node& at) {
    using namespace graph;
    auto named = [&](std::string_view prefix, std::string_view suffix, std::string& name) {
        if (inner.size() < prefix.size() + suffix.size() + 2) return false;
        if (inner.compare(0, prefix.size(), prefix) != 0) return false;
        if (inner.compare(inner.size() - suffix.size(), suffix.size(), suffix) != 0) return false;
        const std::string quoted = inner.substr(prefix.size(), inner.size() - prefix.size() - suffix.size());
        if (quoted.size() < 2 || quoted.front() != '\'' || quoted.back() != '\'') return false;
        name = quoted.substr(1, quoted.size() - 2);
        return name.find('\'') == std::string::npos;
    };
    const std::string shown = "{{" + inner + "}}";
    std::string name;
    if (named("$.inputs.parameters[", "]", name)) {
        const Port* p = input(name);
        if (!p) src_.fail(at, shown + " names no declared input");
        if (is_artifact(p->type)) src_.fail(at, shown + ": input '" + name + "' is an artifact, not a parameter");
        return make_expr(Type::String, node::InputValue{name});
    }
    if (named("$.inputs.artifacts[", "].path", name)) {
        const Port* p = input(name);
        if (!p) src_.fail(at, shown + " names no declared input");
        if (!is_artifact(p->type)) src_.fail(at, shown + ": input '" + name + "' is a parameter, not an artifact");
        if (is_list(p->type)) src_.fail(at, shown + ": input '" + name + "' is a list of artifacts, which has no single path");
        return make_expr(Type::String, node::InputPath{name});
    }
    if (named("$.inputs.artifacts[", "]", name)) {
        const Port* p = input(name);
        if (!p) src_.fail(at, shown + " names no declared input");
        if (!is_list(p->type)) {
            src_.fail(at, shown + ": only a list of artifacts (isArtifactList) is passed whole; read artifact '" + name +
                              "' with .path");
        }
        return make_expr(Type::String, node::InputValue{name});
    }
    if (named("$.outputs.parameters[", "].output_file", name)) {
        const Port* p = output(name);
        if (!p) src_.fail(at, shown + " names no declared output");
        if (is_artifact(p->type)) src_.fail(at, shown + ": output '" + name + "' is an artifact, not a parameter");
        return make_expr(Type::String, node::OutputPath{name});
    }
    if (named("$.outputs.artifacts[", "].path", name)) {
        const Port* p = output(name);
        if (!p) src_.fail(at, shown + " names no declared output");
        if (!is_artifact(p->type)) src_.fail(at, shown + ": output '" + name + "' is a parameter, not an artifact");
        return make_expr(Type::String, node::OutputPath{name});
    }
    if (named("$.inputs.artifacts[", "].uri", name) || named("$.outputs.artifacts[", "].uri", name)) {
        src_.fail(at, shown + " is not supported: pipecc hands artifacts to containers as local files (Argo has no "
                              "artifact URIs to substitute); use the .path placeholder and read or write the file");
    }
    if (inner == "$") {
        src_.fail(at, "{{$}} (the executor input) is not supported: it is the KFP v2 launcher's JSON description of "
                      "the whole execution, which only the kfp SDK's Python executor reads and which Argo cannot "
                      "provide; pass the values the program needs as inputs");
    }
    if (inner.rfind("$.pipeline_", 0) == 0) {
        src_.fail(at, shown + " is not supported in a component's command line: declare an input and bind it to the "
                              "run value (run::name(), run::id(), run::created_at(), ...) in the pipeline");
    }
    if (inner.rfind("$.", 0) == 0) {
        src_.fail(at, "unknown placeholder " + shown + "; expected {{$.inputs.parameters['x']}}, "
                      "{{$.inputs.artifacts['x'].path}}, {{$.outputs.parameters['x'].output_file}} or "
                      "{{$.outputs.artifacts['x'].path}}");
    }
    check_literal(src_, at.Mark(), shown);
    throw InternalError("check_literal accepted '{{'");
}

// A string with embedded placeholders: literal pieces and placeholders, concatenated.
ExprPtr Ir::text(const std::string& s, const YAML::Node& at) {
    using namespace graph;
    std::vector<ExprPtr> parts;
    std::string literal;
    std::size_t i = 0;
    while (i < s.size()) {
        const std::size_t open = s.find("{{", i);
        if (open == std::string::npos) break;
        const std::size_t close = s.find("}}", open + 2);
        if (close == std::string::npos) break;  // the literal check below refuses the rest
        literal += s.substr(i, open - i);
        if (!literal.empty()) {
            parts.push_back(make_expr(Type::String, node::Literal{doc::Node(literal)}));
            literal.clear();
        }
        parts.push_back(placeholder(s.substr(open + 2, close - open - 2), at));
        i = close + 2;
    }
    literal += s.substr(std::min(i, s.size()));
    if (!literal.empty() || parts.empty()) {
        check_literal(src_, at.Mark(), literal);
        parts.push_back(make_expr(Type::String, node::Literal{doc::Node(literal)}));
    }
    if (parts.size() == 1) return parts.front();
    return make_expr(Type::String, node::Concat{std::move(parts)});
}

// An item of a JSON placeholder's Then/Else/Concat list.
ExprPtr Ir::json_item(const doc::Node& item, const YAML::Node& at, bool in_if) {
    using namespace graph;
    if (item.kind() == doc::Node::Kind::String) return text(item.as_string(), at);
    if (item.is_map() && item.size() == 1 && item.entries()[0].key == "Concat" && item.entries()[0].value.is_seq()) {
        std::vector<ExprPtr> parts;
        for (const auto& part : item.entries()[0].value.items()) parts.push_back(json_item(part, at, in_if));
        if (parts.empty()) return make_expr(Type::String, node::Literal{doc::Node("")});
        return make_expr(Type::String, node::Concat{std::move(parts)});
    }
    if (item.is_map() && item.find("IfPresent")) {
        src_.fail(at, std::string("an IfPresent inside ") + (in_if ? "another IfPresent" : "a Concat") +
                          " is not supported: the KFP backend expands IfPresent only as a whole command-line item");
    }
    src_.fail(at, "a placeholder item must be a string, {\"Concat\": [...]} or (as a whole item) {\"IfPresent\": ...}");
}

// One command-line item: a string with embedded placeholders, or a JSON Concat/IfPresent.
ExprPtr Ir::element(const YAML::Node& n) {
    using namespace graph;
    const std::string s = src_.str(n, "a command-line item");
    const std::size_t start = s.find_first_not_of(" \t\r\n");
    const std::string_view trimmed = start == std::string::npos ? std::string_view() : std::string_view(s).substr(start);
    const bool if_present = trimmed.rfind("{\"IfPresent\":", 0) == 0;
    const bool concat = trimmed.rfind("{\"Concat\":", 0) == 0;
    if (!if_present && !concat) return text(s, n);
    auto json = parse_json(trimmed);
    if (!json || !json->is_map() || json->size() != 1) {
        src_.fail(n, std::string("a ") + (if_present ? "IfPresent" : "Concat") +
                         " placeholder must be JSON with one key (or it is nested more than " + std::to_string(kMaxDepth) +
                         " levels deep)");
    }
    const doc::Node& body = json->entries()[0].value;
    if (concat) return json_item(*json, n, false);
    if (!body.is_map()) src_.fail(n, "IfPresent must hold {\"InputName\": ..., \"Then\": [...], \"Else\": [...]}");
    const doc::Node* name = body.find("InputName");
    const doc::Node* then = body.find("Then");
    const doc::Node* otherwise = body.find("Else");
    for (const auto& e : body.entries()) {
        if (e.key != "InputName" && e.key != "Then" && e.key != "Else") {
            src_.fail(n, "unknown key '" + e.key + "' in IfPresent; expected InputName, Then and Else");
        }
    }
    if (!name || name->kind() != doc::Node::Kind::String) src_.fail(n, "IfPresent needs an InputName string");
    if (!input(name->as_string())) src_.fail(n, "IfPresent names input '" + name->as_string() + "', which is not declared");
    node::IfPresent ip{name->as_string(), {}, {}};
    auto items = [&](const doc::Node* list, std::vector<ExprPtr>& into) {
        if (!list || list->is_null()) return;
        if (list->is_seq()) {
            for (const auto& item : list->items()) into.push_back(json_item(item, n, true));
        } else {
            into.push_back(json_item(*list, n, true));
        }
    };
    items(then, ip.then_args);
    items(otherwise, ip.else_args);
    return make_expr(Type::String, std::move(ip));
}

std::string Ir::description_from_header() const {
    // The kfp SDK keeps a component's description only in the header comment:
    // "# Description: first line" and "#              next line".
    const std::string& t = src_.text();
    std::string out;
    bool in = false;
    std::size_t pos = 0;
    while (pos < t.size()) {
        std::size_t end = t.find('\n', pos);
        if (end == std::string::npos) end = t.size();
        std::string line = t.substr(pos, end - pos);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        pos = end + 1;
        if (line.empty() || line[0] != '#') break;
        if (!in && line.rfind("# Description: ", 0) == 0) {
            out = line.substr(15);
            in = true;
        } else if (in && line.rfind("#              ", 0) == 0) {
            out += '\n';
            out.append(line, 15);
        } else if (in) {
            break;
        }
    }
    return out;
}

graph::Component Ir::load() {
    if (!root_.IsMap()) src_.fail(root_, "a KFP v2 component file must be a map (a PipelineSpec)");
    const YAML::Node info = Source::get(root_, "pipelineInfo");
    if (!info.IsMap()) src_.fail(info.IsDefined() ? info : root_, "a KFP v2 component file needs pipelineInfo with a name");
    const YAML::Node name = Source::get(info, "name");
    if (!name.IsDefined()) src_.fail(info, "pipelineInfo needs a name");
    c_.name = src_.str(name, "pipelineInfo.name");
    const std::string k8s = kfp_k8s_name(c_.name);
    if (k8s.empty()) src_.fail(name, "component name '" + c_.name + "' has no letters or digits");

    const YAML::Node components = Source::get(root_, "components");
    const std::string key = "comp-" + k8s;
    const YAML::Node comp = Source::get(components, key);
    if (!comp.IsDefined()) {
        src_.fail(name, "no component '" + key + "' under components: this file is a compiled pipeline, not a "
                        "component (the kfp SDK writes a component as a pipeline named after it)");
    }
    src_.expect_map(comp, "component '" + key + "'",
                    {"executorLabel", "inputDefinitions", "outputDefinitions", "dag", "singlePlatformSpecs", "taskConfigPassthroughs"});
    if (auto dag = Source::get(comp, "dag"); dag.IsDefined()) {
        src_.fail(dag, "component '" + key + "' is a graph (a sub-pipeline); only container components can be loaded");
    }
    const YAML::Node label = Source::get(comp, "executorLabel");
    if (!label.IsDefined()) src_.fail(comp, "component '" + key + "' has no executorLabel");
    const std::string exec_name = src_.str(label, "executorLabel");
    const YAML::Node exec = Source::get(Source::get(Source::get(root_, "deploymentSpec"), "executors"), exec_name);
    if (!exec.IsDefined()) src_.fail(label, "no executor '" + exec_name + "' under deploymentSpec.executors");
    if (!exec.IsMap() || !Source::get(exec, "container").IsDefined()) {
        src_.fail(exec, "executor '" + exec_name + "' is not a container (importers and resolvers are not supported)");
    }
    const YAML::Node container = Source::get(exec, "container");
    src_.expect_map(container, "the container", {"image", "command", "args", "env", "resources"});

    if (auto d = Source::get(info, "description"); d.IsDefined() && !d.IsNull()) c_.description = src_.str(d, "description");
    if (c_.description.empty()) c_.description = description_from_header();

    read_ports(Source::get(comp, "inputDefinitions"), c_.inputs, true);
    read_ports(Source::get(comp, "outputDefinitions"), c_.outputs, false);

    const YAML::Node image = Source::get(container, "image");
    if (!image.IsDefined() || is_plain_null(image)) src_.fail(container, "the container has no image");
    c_.image = src_.str(image, "image");
    check_image(src_, image, c_.image);
    for (auto [key_name, into] : {std::pair<const char*, std::vector<ExprPtr>*>{"command", &c_.command}, {"args", &c_.args}}) {
        const YAML::Node list = Source::get(container, key_name);
        if (!list.IsDefined() || list.IsNull()) continue;
        if (!list.IsSequence()) src_.fail(list, std::string(key_name) + " must be a list of strings");
        for (const auto& e : list) into->push_back(element(e));
    }
    if (auto env = Source::get(container, "env"); env.IsDefined() && !env.IsNull()) {
        if (!env.IsSequence()) src_.fail(env, "env must be a list of {name, value}");
        for (const auto& e : env) {
            src_.expect_map(e, "an env var", {"name", "value"});
            const YAML::Node n = Source::get(e, "name");
            if (!n.IsDefined()) src_.fail(e, "an env var needs a name");
            const std::string var = src_.str(n, "an env var name");
            check_env_name(src_, n, var);
            const YAML::Node v = Source::get(e, "value");
            const std::string value = !v.IsDefined() || is_plain_null(v) ? "" : src_.str(v, "an env var value");
            check_literal(src_, v.IsDefined() ? v.Mark() : n.Mark(), value);
            c_.env.push_back({var, value});
        }
    }
    return c_;
}

}  // namespace

graph::Component load_ir(const Source& src, const YAML::Node& root) { return Ir(src, root).load(); }

}  // namespace pipecc::components
