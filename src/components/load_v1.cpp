// KFP v1 component.yaml -> graph::Component, following what the kfp SDK (2.x) makes of a v1 file
// in `kfp.components.load_component_from_file` (kfp/dsl/structures.py from_v1_component_spec,
// kfp/dsl/placeholders.py maybe_convert_v1_yaml_placeholder_to_v2_placeholder, and
// kfp/dsl/types/type_utils.py), with the differences noted where they are made.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include "loader.hpp"

namespace pipecc::components {
namespace {

using graph::ExprPtr;
using graph::Type;

// --- types ---------------------------------------------------------------------------------------

// What a v1 type name says about a port.
struct TypeInfo {
    enum Class { Parameter, Artifact, Other } cls = Other;
    Type type = Type::String;  // Parameter/Artifact: the type; Other: the parameter type if read by value
    std::string text;          // the type as written, for messages ("" when absent)
};

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// type_utils.PARAMETER_TYPES_MAPPING (keys lower-case).
std::optional<Type> parameter_type(const std::string& lowered) {
    static const std::map<std::string, Type> m = {
        {"integer", Type::Int},    {"int", Type::Int},       {"double", Type::Float},    {"float", Type::Float},
        {"string", Type::String},  {"str", Type::String},    {"text", Type::String},     {"bool", Type::Bool},
        {"boolean", Type::Bool},   {"dict", Type::Struct},   {"list", Type::List},       {"jsonobject", Type::Struct},
        {"jsonarray", Type::List},
    };
    auto it = m.find(lowered);
    return it == m.end() ? std::nullopt : std::optional<Type>(it->second);
}

// type_utils.ARTIFACT_CLASSES_MAPPING (keys lower-case).
std::optional<Type> artifact_type(const std::string& lowered) {
    static const std::map<std::string, Type> m = {
        {"artifact", Type::Artifact},
        {"model", Type::Model},
        {"dataset", Type::Dataset},
        {"metrics", Type::Metrics},
        {"classificationmetrics", Type::ClassificationMetrics},
        {"slicedclassificationmetrics", Type::SlicedClassificationMetrics},
        {"html", Type::HTML},
        {"markdown", Type::Markdown},
    };
    auto it = m.find(lowered);
    return it == m.end() ? std::nullopt : std::optional<Type>(it->second);
}

// type_utils.get_canonical_name_for_outer_generic: "typing.List[str]" -> "List".
std::string canonical(std::string t) {
    if (t.rfind("typing.", 0) == 0) t = t.substr(7);
    const std::string l = lower(t);
    if (l.rfind("list", 0) == 0 || l.rfind("dict", 0) == 0) t = t.substr(0, t.find('['));
    return t;
}

TypeInfo classify(const Source& src, const YAML::Node& type) {
    TypeInfo info;
    if (!type.IsDefined() || type.IsNull()) return info;  // no type: kfp makes it a system.Artifact
    std::string name;
    if (type.IsScalar()) {
        name = type.Scalar();
        info.text = name;
    } else if (type.IsMap() && type.size() == 1) {
        // A type with properties, e.g. {GCSPath: {data_type: CSV}}. kfp 2.x turns every such
        // type into system.Artifact, even {JsonObject: ...} read with inputValue, and then
        // refuses to compile that; we read the outer name instead, as KFP v1 did.
        name = src.str(type.begin()->first, "a type name");
        info.text = name;
        const std::string c = lower(canonical(name));
        if (auto p = parameter_type(c)) info.type = *p;
        return info;  // Other: a parameter when read by value, else an artifact
    } else {
        src.fail(type, "a type must be a name (String, Integer, Dataset, ...) or a map with one key such as "
                       "{GCSPath: {data_type: CSV}}");
    }
    const std::string c = lower(canonical(name));
    if (c == "pipelinetaskfinalstatus") {
        src.fail(type, "type PipelineTaskFinalStatus is not supported: read run::status() in a task added with "
                       "on_exit() instead");
    }
    if (auto p = parameter_type(c)) {
        info.cls = TypeInfo::Parameter;
        info.type = *p;
        return info;
    }
    // Scanned by hand: std::regex recurses once per character, and a 300,000-letter type name
    // overflowed the stack.
    const bool google = name.size() > 7 && name.starts_with("google.") &&
                        std::all_of(name.begin() + 7, name.end(), [](unsigned char c) { return std::isalpha(c); });
    if (google) {
        src.fail(type, "artifact type '" + name +
                           "' (Google Cloud Pipeline Components) is not supported: pipecc knows only the system.* "
                           "artifact types (Artifact, Dataset, Model, Metrics, ...)");
    }
    if (auto a = artifact_type(c)) {
        info.cls = TypeInfo::Artifact;
        info.type = *a;
        return info;
    }
    return info;  // any other name (CSV, GCSPath, URI, ...): Other
}

std::string type_label(const TypeInfo& t) { return t.text.empty() ? "no type" : "type '" + t.text + "'"; }

// --- command lines -------------------------------------------------------------------------------

// A v1 command-line element, parsed before the port types are known.
struct Item {
    enum Kind { Literal, InputValue, InputPath, OutputPath, Concat, If } kind = Literal;
    std::string text;  // the literal text, or the port name as written
    YAML::Mark mark;
    std::vector<Item> parts;  // Concat
    std::vector<Item> then_items, else_items;  // If (on isPresent of input `text`)
};

enum class Place { TopLevel, InConcat, InIf };

struct Port {
    std::string raw;   // as written in the file
    std::string name;  // sanitised
    YAML::Node node;   // the port's map
    YAML::Node name_node;
    TypeInfo type;
    bool value_use = false, path_use = false;
    YAML::Mark value_mark, path_mark;
};

class V1 {
public:
    V1(const Source& src, const YAML::Node& root) : src_(src), root_(root) {}

    graph::Component load();

private:
    void read_ports(const YAML::Node& list, bool inputs);
    Port* find(std::vector<Port>& ports, const std::string& raw);
    void parse(const YAML::Node& n, std::vector<Item>& out, Place place, int depth);
    void parse_if(const YAML::Node& n, const YAML::Node& spec, std::vector<Item>& out, Place place, int depth);
    std::string port_name(const YAML::Node& value, const std::string& key);
    void note_use(const Item& item);
    ExprPtr build(const Item& item);
    std::optional<doc::Node> default_of(const Port& p, Type type);

    const Source& src_;
    YAML::Node root_;
    std::vector<Port> inputs_, outputs_;
};

Port* V1::find(std::vector<Port>& ports, const std::string& raw) {
    for (auto& p : ports) {
        if (p.raw == raw) return &p;
    }
    return nullptr;
}

void V1::read_ports(const YAML::Node& list, bool inputs) {
    const char* kind = inputs ? "input" : "output";
    if (!list.IsDefined() || list.IsNull()) return;
    if (!list.IsSequence()) src_.fail(list, std::string(inputs ? "inputs" : "outputs") + " must be a list of ports");
    auto& ports = inputs ? inputs_ : outputs_;
    for (const auto& spec : list) {
        if (inputs) {
            src_.expect_map(spec, "an input", {"name", "type", "description", "default", "optional", "annotations"});
        } else {
            src_.expect_map(spec, "an output", {"name", "type", "description", "annotations"});
        }
        Port p;
        p.node.reset(spec);  // reset: Node assignment would write into the document
        p.name_node.reset(Source::get(spec, "name"));
        if (!p.name_node.IsDefined()) src_.fail(spec, std::string("an ") + kind + " needs a name");
        p.raw = src_.str(p.name_node, std::string("an ") + kind + " name");
        p.name = sanitize_input_name(p.raw);
        if (p.name.empty()) {
            src_.fail(p.name_node, std::string(kind) + " name '" + p.raw + "' has no letters or digits");
        }
        check_port_name(src_, p.name_node, p.name,
                        std::string(kind) + " '" + p.raw + "' becomes '" + p.name + "' (as the kfp SDK renames it)");
        for (const auto& other : ports) {
            if (other.raw == p.raw) src_.fail(p.name_node, std::string(kind) + " '" + p.raw + "' is declared twice");
            if (other.name == p.name) {
                src_.fail(p.name_node, std::string(kind) + "s '" + other.raw + "' and '" + p.raw + "' both become '" +
                                           p.name + "' (the kfp SDK's names): rename one of them");
            }
        }
        p.type = classify(src_, Source::get(spec, "type"));
        if (auto d = Source::get(spec, "description"); d.IsDefined() && !d.IsNull()) src_.str(d, "a description");
        ports.push_back(std::move(p));
    }
}

std::string V1::port_name(const YAML::Node& value, const std::string& key) {
    if (!value.IsScalar()) src_.fail(value, "{" + key + ": ...} needs a port name");
    return value.Scalar();
}

// One v1 element (a scalar or a one-key placeholder map) into `out`. An `if` with a constant
// condition is decided here and its items spliced in.
void V1::parse(const YAML::Node& n, std::vector<Item>& out, Place place, int depth) {
    if (depth > kMaxDepth) src_.fail(n, "placeholders are nested too deeply");
    if (n.IsScalar()) {
        Item item;
        item.kind = Item::Literal;
        item.text = n.Scalar();
        item.mark = n.Mark();
        out.push_back(std::move(item));
        return;
    }
    if (n.IsNull()) src_.fail(n, "an empty command-line item; write '' for an empty string");
    if (n.IsSequence()) {
        src_.fail(n, "a list inside a command line; expected a string or a placeholder such as {inputValue: name}");
    }
    if (n.size() != 1) {
        src_.fail(n, "a placeholder is a map with exactly one key (inputValue, inputPath, outputPath, concat or if); "
                     "this one has " + std::to_string(n.size()));
    }
    const auto kv = *n.begin();
    const std::string key = src_.str(kv.first, "a placeholder name");
    const YAML::Node value = kv.second;
    Item item;
    item.mark = n.Mark();
    if (key == "inputValue" || key == "inputPath" || key == "outputPath") {
        item.kind = key == "inputValue" ? Item::InputValue : key == "inputPath" ? Item::InputPath : Item::OutputPath;
        item.text = port_name(value, key);
        const bool input = item.kind != Item::OutputPath;
        if (!find(input ? inputs_ : outputs_, item.text)) {
            std::string names;
            for (const auto& p : input ? inputs_ : outputs_) names += (names.empty() ? "" : ", ") + p.raw;
            src_.fail(n, "{" + key + ": " + item.text + "} names no declared " + (input ? "input" : "output") +
                             (names.empty() ? std::string(" (there are none)") : "; declared: " + names));
        }
        note_use(item);
        out.push_back(std::move(item));
    } else if (key == "concat") {
        if (!value.IsSequence()) src_.fail(value, "{concat: ...} takes a list of items");
        item.kind = Item::Concat;
        for (const auto& part : value) parse(part, item.parts, Place::InConcat, depth + 1);
        if (place == Place::InConcat) {
            for (auto& part : item.parts) out.push_back(std::move(part));  // flatten
        } else {
            out.push_back(std::move(item));
        }
    } else if (key == "if") {
        parse_if(n, value, out, place, depth);
    } else if (key == "inputUri" || key == "outputUri") {
        src_.fail(n, "{" + key + ": ...} is not supported: pipecc hands artifacts to containers as local files "
                     "(Argo and KFP v1 have no artifact URIs to substitute); use {" +
                         std::string(key == "inputUri" ? "inputPath" : "outputPath") + ": ...} and read or write the file");
    } else if (key == "executorInput") {
        src_.fail(n, "{executorInput} is not supported: it is the KFP v2 launcher's JSON description of the whole "
                     "execution, which only the kfp SDK's Python executor reads and which Argo cannot provide; pass "
                     "the values the program needs with inputValue/inputPath/outputPath");
    } else if (key == "inputMetadata" || key == "outputMetadata" || key == "inputOutputPortName") {
        src_.fail(n, "{" + key + "} is a KFP v2 launcher placeholder that pipecc does not support");
    } else if (key == "isPresent") {
        src_.fail(n, "{isPresent: ...} is only valid as the cond of an if: {if: {cond: {isPresent: name}, then: [...]}}");
    } else {
        src_.fail(kv.first, "unknown placeholder '" + key +
                                "'; expected one of inputValue, inputPath, outputPath, concat, if");
    }
}

void V1::parse_if(const YAML::Node& n, const YAML::Node& spec, std::vector<Item>& out, Place place, int depth) {
    src_.expect_map(spec, "an if placeholder", {"cond", "then", "else"});
    const YAML::Node cond = Source::get(spec, "cond");
    const YAML::Node then_node = Source::get(spec, "then");
    const YAML::Node else_node = Source::get(spec, "else");
    if (!cond.IsDefined()) src_.fail(spec, "an if placeholder needs a cond");
    if (!then_node.IsDefined()) src_.fail(spec, "an if placeholder needs a then");
    auto items = [&](const YAML::Node& branch, std::vector<Item>& into, Place where) {
        if (!branch.IsDefined() || branch.IsNull()) return;
        if (branch.IsSequence()) {
            for (const auto& e : branch) parse(e, into, where, depth + 1);
        } else {
            parse(branch, into, where, depth + 1);
        }
    };
    if (cond.IsScalar()) {
        // A constant condition, decided as KFP v1 did (strtobool on its text).
        const auto truth = parse_truth(cond.Scalar());
        if (!truth) {
            src_.fail(cond, "cond '" + cond.Scalar() +
                                "' is neither {isPresent: name} nor a truth value (true/false, yes/no, on/off, 1/0)");
        }
        items(*truth ? then_node : else_node, out, place);
        return;
    }
    const YAML::Node present = Source::get(cond, "isPresent");
    if (!cond.IsMap() || cond.size() != 1 || !present.IsDefined()) {
        if (cond.IsMap() && Source::get(cond, "inputValue").IsDefined()) {
            src_.fail(cond, "cond: {inputValue: ...} depends on an argument's value when the run is submitted, which "
                            "neither KFP v2 nor pipecc decides; use {isPresent: name}");
        }
        src_.fail(cond, "cond must be {isPresent: name}, true or false");
    }
    if (place != Place::TopLevel) {
        src_.fail(n, std::string("an if on isPresent inside ") + (place == Place::InConcat ? "a concat" : "another if") +
                         " is not supported: the KFP backend expands it only as a whole command-line item. Move it "
                         "out (repeat the surrounding items in both branches)");
    }
    Item item;
    item.kind = Item::If;
    item.mark = n.Mark();
    item.text = port_name(present, "isPresent");
    if (!find(inputs_, item.text)) src_.fail(present, "{isPresent: " + item.text + "} names no declared input");
    items(then_node, item.then_items, Place::InIf);
    items(else_node, item.else_items, Place::InIf);
    out.push_back(std::move(item));
}

void V1::note_use(const Item& item) {
    if (item.kind == Item::InputValue || item.kind == Item::InputPath) {
        Port* p = find(inputs_, item.text);
        if (item.kind == Item::InputValue && !p->value_use) p->value_use = true, p->value_mark = item.mark;
        if (item.kind == Item::InputPath && !p->path_use) p->path_use = true, p->path_mark = item.mark;
    }
}

ExprPtr V1::build(const Item& item) {
    using namespace graph;
    switch (item.kind) {
        case Item::Literal:
            check_literal(src_, item.mark, item.text);
            return make_expr(Type::String, node::Literal{doc::Node(item.text)});
        case Item::InputValue: return make_expr(Type::String, node::InputValue{find(inputs_, item.text)->name});
        case Item::InputPath: return make_expr(Type::String, node::InputPath{find(inputs_, item.text)->name});
        case Item::OutputPath: return make_expr(Type::String, node::OutputPath{find(outputs_, item.text)->name});
        case Item::Concat: {
            std::vector<ExprPtr> parts;
            for (const auto& p : item.parts) parts.push_back(build(p));
            if (parts.empty()) return make_expr(Type::String, node::Literal{doc::Node("")});
            return make_expr(Type::String, node::Concat{std::move(parts)});
        }
        case Item::If: {
            node::IfPresent ip{find(inputs_, item.text)->name, {}, {}};
            for (const auto& t : item.then_items) ip.then_args.push_back(build(t));
            for (const auto& e : item.else_items) ip.else_args.push_back(build(e));
            return make_expr(Type::String, std::move(ip));
        }
    }
    throw InternalError("unknown v1 item");
}

// A v1 default (text in the file) converted to the input's type, as the kfp SDK's
// deserialize_v1_component_yaml_default does; nullopt for a null default.
std::optional<doc::Node> V1::default_of(const Port& p, Type type) {
    const YAML::Node d = Source::get(p.node, "default");
    if (!d.IsDefined() || is_plain_null(d)) return std::nullopt;
    const std::string what = "the default of input '" + p.raw + "' (" + type_label(p.type) + ")";
    if (type == Type::Struct || type == Type::List) {
        const bool want_map = type == Type::Struct;
        doc::Node v;
        if (d.IsScalar()) {
            auto parsed = parse_json(d.Scalar());
            if (!parsed) src_.fail(d, what + " must be JSON text, e.g. " + (want_map ? "'{\"a\": 1}'" : "'[1, 2]'"));
            v = std::move(*parsed);
        } else {
            v = src_.to_doc(d);
        }
        if (want_map ? !v.is_map() : !v.is_seq()) src_.fail(d, what + " must be a JSON " + (want_map ? "object" : "array"));
        return v;
    }
    if (!d.IsScalar()) src_.fail(d, what + " must be a single value, not a " + (d.IsMap() ? "map" : "list"));
    const std::string& text = d.Scalar();
    std::string trimmed = text;
    trimmed.erase(0, trimmed.find_first_not_of(" \t"));
    trimmed.erase(trimmed.find_last_not_of(" \t") + 1);
    switch (type) {
        case Type::Int: {
            if (auto i = parse_int(trimmed)) return doc::Node(*i);
            // PyYAML reads a plain 10.0 as a float, and int(10.0) is 10.
            if (auto f = parse_float(trimmed); f && is_plain(d) && *f == std::floor(*f) && std::fabs(*f) < 9e15) {
                return doc::Node(static_cast<long long>(*f));
            }
            src_.fail(d, what + " must be a whole number, not '" + text + "'");
        }
        case Type::Float: {
            if (auto f = parse_float(trimmed)) return doc::Node(*f);
            src_.fail(d, what + " must be a finite number, not '" + text + "'");
        }
        case Type::Bool: {
            if (auto b = parse_truth(trimmed)) return doc::Node(*b);
            src_.fail(d, what + " must be true or false (or yes/no, on/off, 1/0), not '" + text + "'");
        }
        default: {
            // str() of what PyYAML read: a plain YAML 1.1 boolean becomes "True" or "False".
            if (is_plain(d)) {
                doc::Node v = src_.to_doc(d);
                if (v.kind() == doc::Node::Kind::Bool) return doc::Node(v.as_bool() ? "True" : "False");
            }
            return doc::Node(text);
        }
    }
}

graph::Component V1::load() {
    src_.expect_map(root_, "a KFP v1 component",
                    {"name", "description", "metadata", "inputs", "outputs", "implementation", "version"});
    graph::Component c;
    const YAML::Node name = Source::get(root_, "name");
    c.name = name.IsDefined() && !name.IsNull() ? src_.str(name, "name") : "name";  // kfp's fallback
    if (kfp_k8s_name(c.name).empty()) src_.fail(name, "component name '" + c.name + "' has no letters or digits");
    if (auto d = Source::get(root_, "description"); d.IsDefined() && !d.IsNull()) c.description = src_.str(d, "description");

    read_ports(Source::get(root_, "inputs"), true);
    read_ports(Source::get(root_, "outputs"), false);
    const YAML::Node impl = Source::get(root_, "implementation");
    if (!impl.IsMap()) src_.fail(impl.IsDefined() ? impl : root_, "implementation must be a map with a container");
    if (Source::get(impl, "graph").IsDefined()) {
        src_.fail(Source::get(impl, "graph"), "graph components (implementation.graph) are not supported: write the "
                                             "steps as a pipeline of tasks (or a nested pipeline) instead");
    }
    src_.expect_map(impl, "implementation", {"container"});
    const YAML::Node container = Source::get(impl, "container");
    if (!container.IsDefined()) src_.fail(impl, "implementation needs a container");
    src_.expect_map(container, "the container", {"image", "command", "args", "env", "fileOutputs"});
    if (auto fo = Source::get(container, "fileOutputs"); fo.IsDefined()) {
        src_.fail(fo, "fileOutputs (outputs at fixed paths) is not supported, and the kfp SDK ignores it, so such "
                      "outputs would never be collected: pass each output's path with {outputPath: name}");
    }
    const YAML::Node image = Source::get(container, "image");
    if (!image.IsDefined() || is_plain_null(image)) src_.fail(container, "the container has no image");
    c.image = src_.str(image, "image");
    check_image(src_, image, c.image);

    std::vector<Item> command, args;
    for (auto [key, into] : {std::pair<const char*, std::vector<Item>*>{"command", &command}, {"args", &args}}) {
        const YAML::Node list = Source::get(container, key);
        if (!list.IsDefined() || list.IsNull()) continue;
        if (!list.IsSequence()) src_.fail(list, std::string(key) + " must be a list");
        for (const auto& e : list) parse(e, *into, Place::TopLevel, 0);
    }
    if (auto env = Source::get(container, "env"); env.IsDefined() && !env.IsNull()) {
        if (!env.IsMap()) src_.fail(env, "env must be a map of names to values");
        for (const auto& kv : env) {
            const std::string var = src_.str(kv.first, "an env var name");
            check_env_name(src_, kv.first, var);
            if (kv.second.IsMap()) {
                src_.fail(kv.second, "env var '" + var + "': placeholders in env are not supported; pass the value "
                                                         "on the command line instead");
            }
            const std::string value = is_plain_null(kv.second) ? "" : src_.str(kv.second, "an env var value");
            check_literal(src_, kv.second.Mark(), value);
            c.env.push_back({var, value});
        }
    }

    // Ports, now that their uses are known.
    for (const auto& p : inputs_) {
        graph::Port port{.name = p.name};
        const YAML::Node opt = Source::get(p.node, "optional");
        const bool has_default = Source::get(p.node, "default").IsDefined();
        port.optional = (opt.IsDefined() && !opt.IsNull() && src_.boolean(opt, "optional")) || has_default;
        if (auto d = Source::get(p.node, "description"); d.IsDefined() && !d.IsNull()) port.description = d.Scalar();
        bool artifact = false;
        switch (p.type.cls) {
            case TypeInfo::Parameter:
                if (p.path_use) {
                    src_.fail(p.path_mark, "input '" + p.raw + "' has " + type_label(p.type) +
                                               ", a parameter, but {inputPath} asks for it as a file; the kfp SDK "
                                               "refuses this too. Use {inputValue: " + p.raw +
                                               "}, or give the input an artifact type");
                }
                port.type = p.type.type;
                break;
            case TypeInfo::Artifact:
                if (p.value_use) {
                    src_.fail(p.value_mark, "input '" + p.raw + "' has " + type_label(p.type) +
                                                ", an artifact, but {inputValue} asks for its value; the kfp SDK "
                                                "refuses this too. Use {inputPath: " + p.raw + "}");
                }
                port.type = p.type.type;
                artifact = true;
                break;
            case TypeInfo::Other:
                if (p.value_use && p.path_use) {
                    src_.fail(p.path_mark, "input '" + p.raw + "' (" + type_label(p.type) +
                                               ") is read both as a value ({inputValue}) and as a file ({inputPath}); "
                                               "pipecc must make it either a parameter or an artifact");
                }
                // Read by value: a parameter (String, or the outer name's type); otherwise an
                // artifact, as the kfp SDK makes every input of such a type.
                artifact = !p.value_use;
                port.type = artifact ? Type::Artifact : p.type.type;
                break;
        }
        if (artifact) {
            // The kfp SDK keeps an artifact input with a default optional and drops the default
            // (IR artifacts have none).
            if (has_default) port.optional = true;
        } else {
            port.default_value = default_of(p, port.type);
        }
        c.inputs.push_back(std::move(port));
    }
    for (const auto& p : outputs_) {
        graph::Port port{.name = p.name};
        port.type = p.type.cls == TypeInfo::Other ? Type::Artifact : p.type.type;
        if (auto d = Source::get(p.node, "description"); d.IsDefined() && !d.IsNull()) port.description = d.Scalar();
        c.outputs.push_back(std::move(port));
    }
    for (const auto& i : command) c.command.push_back(build(i));
    for (const auto& i : args) c.args.push_back(build(i));
    return c;
}

}  // namespace

graph::Component load_v1(const Source& src, const YAML::Node& root) { return V1(src, root).load(); }

}  // namespace pipecc::components
