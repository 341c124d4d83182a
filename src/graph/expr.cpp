#include "pipecc/graph/expr.hpp"

#include "pipecc/error.hpp"
#include "pipecc/graph/graph.hpp"

namespace pipecc::graph {

// Out of line, so that the files of pipeline programs, which include this header, never
// instantiate the expression variant's constructors and destructor.
ExprPtr make_expr(Type type, Expr::Node node) { return std::make_shared<const Expr>(Expr{type, std::move(node)}); }

std::string_view type_name(Type t) {
    if (is_list(t)) {
        switch (element_type(t)) {
            case Type::Artifact: return "List[Artifact]";
            case Type::Dataset: return "List[Dataset]";
            case Type::Model: return "List[Model]";
            case Type::Metrics: return "List[Metrics]";
            case Type::ClassificationMetrics: return "List[ClassificationMetrics]";
            case Type::SlicedClassificationMetrics: return "List[SlicedClassificationMetrics]";
            case Type::HTML: return "List[HTML]";
            case Type::Markdown: return "List[Markdown]";
            default: return "List[?]";
        }
    }
    switch (t) {
        case Type::String: return "String";
        case Type::Int: return "Int";
        case Type::Float: return "Float";
        case Type::Bool: return "Bool";
        case Type::List: return "List";
        case Type::Struct: return "Struct";
        case Type::Timestamp: return "Timestamp";
        case Type::Artifact: return "Artifact";
        case Type::Dataset: return "Dataset";
        case Type::Model: return "Model";
        case Type::Metrics: return "Metrics";
        case Type::ClassificationMetrics: return "ClassificationMetrics";
        case Type::SlicedClassificationMetrics: return "SlicedClassificationMetrics";
        case Type::HTML: return "HTML";
        case Type::Markdown: return "Markdown";
    }
    return "?";
}

std::string_view run_field_name(RunField f) {
    switch (f) {
        case RunField::CreatedAt: return "run::created_at()";
        case RunField::ScheduledAt: return "run::scheduled_at()";
        case RunField::RunName: return "run::name()";
        case RunField::RunId: return "run::id()";
        case RunField::TaskName: return "run::task_name()";
        case RunField::Status: return "run::status()";
        case RunField::Failures: return "run::failures()";
    }
    return "run::?";
}

std::string_view compare_op_text(node::CompareOp op) {
    switch (op) {
        case node::CompareOp::Eq: return "==";
        case node::CompareOp::Ne: return "!=";
        case node::CompareOp::Lt: return "<";
        case node::CompareOp::Le: return "<=";
        case node::CompareOp::Gt: return ">";
        case node::CompareOp::Ge: return ">=";
    }
    return "?";
}

namespace {
// One line, for messages: strings quoted, lists and maps in flow style, cut at 60 characters.
std::string literal_text(const doc::Node& v) {
    switch (v.kind()) {
        case doc::Node::Kind::String: return '"' + v.as_string() + '"';
        case doc::Node::Kind::Int: return std::to_string(v.as_int());
        case doc::Node::Kind::Float: return doc::format_float(v.as_float());
        case doc::Node::Kind::Bool: return v.as_bool() ? "true" : "false";
        case doc::Node::Kind::Null: return "null";
        case doc::Node::Kind::Seq: {
            std::string out = "[";
            for (std::size_t i = 0; i < v.items().size() && out.size() < 60; ++i) {
                if (i) out += ", ";
                out += literal_text(v.items()[i]);
            }
            return out.size() < 60 ? out + "]" : out.substr(0, 60) + "...";
        }
        default: {
            std::string out = "{";
            for (std::size_t i = 0; i < v.entries().size() && out.size() < 60; ++i) {
                if (i) out += ", ";
                out += v.entries()[i].key;
                out += ": ";
                out += literal_text(v.entries()[i].value);
            }
            return out.size() < 60 ? out + "}" : out.substr(0, 60) + "...";
        }
    }
}
}  // namespace

std::string scalar_text(const doc::Node& v) {
    switch (v.kind()) {
        case doc::Node::Kind::String: return v.as_string();
        case doc::Node::Kind::Int: return std::to_string(v.as_int());
        case doc::Node::Kind::Float: return doc::format_float(v.as_float());
        case doc::Node::Kind::Bool: return v.as_bool() ? "true" : "false";
        default: throw InternalError("a list or map literal used as text");
    }
}

std::string literal_debug_string(const doc::Node& value) { return literal_text(value); }

std::string to_debug_string(const Expr& e, const Graph* g) {
    struct Visitor {
        const Graph* g;
        std::string to_debug_string(const Expr& inner) const { return graph::to_debug_string(inner, g); }
        std::string operator()(const node::Literal& n) const { return literal_text(n.value); }
        std::string operator()(const node::Param& n) const { return "param(" + n.name + ")"; }
        std::string operator()(const node::TaskOutput& n) const {
            if (g && n.task < g->tasks.size()) return g->tasks[n.task].name + "." + n.output;
            return "output(task#" + std::to_string(n.task) + "." + n.output + ")";
        }
        std::string operator()(const node::InputValue& n) const { return "input_value(" + n.input + ")"; }
        std::string operator()(const node::InputPath& n) const { return "input_path(" + n.input + ")"; }
        std::string operator()(const node::OutputPath& n) const { return "output_path(" + n.output + ")"; }
        std::string operator()(const node::Concat& n) const {
            std::string out = "concat(";
            for (std::size_t i = 0; i < n.parts.size(); ++i) {
                if (i) out += ", ";
                out += to_debug_string(*n.parts[i]);
            }
            return out + ")";
        }
        std::string operator()(const node::ToString& n) const {
            return "to_string(" + to_debug_string(*n.value) + ")";
        }
        std::string operator()(const node::Run& n) const { return std::string(run_field_name(n.field)); }
        std::string operator()(const node::FormatTime& n) const {
            return to_debug_string(*n.time) + ".in_zone(\"" + n.zone + "\").format(\"" + n.format + "\")";
        }
        std::string operator()(const node::IfPresent& n) const {
            auto list = [this](const std::vector<ExprPtr>& args) {
                std::string out = "[";
                for (std::size_t i = 0; i < args.size(); ++i) out += (i ? ", " : "") + to_debug_string(*args[i]);
                return out + "]";
            };
            return "if_present(" + n.input + ", then " + list(n.then_args) + ", else " + list(n.else_args) + ")";
        }
        std::string operator()(const node::LoopItem& n) const { return "item(loop#" + std::to_string(n.loop) + ")"; }
        std::string operator()(const node::Field& n) const { return to_debug_string(*n.value) + "." + n.name; }
        std::string operator()(const node::Collected& n) const { return "collected(" + to_debug_string(*n.value) + ")"; }
        std::string operator()(const node::OneOf& n) const {
            std::string out = "one_of(";
            for (std::size_t i = 0; i < n.values.size(); ++i) out += (i ? ", " : "") + to_debug_string(*n.values[i]);
            return out + ")";
        }
        std::string operator()(const node::Compare& n) const {
            return to_debug_string(*n.lhs) + " " + std::string(compare_op_text(n.op)) + " " + to_debug_string(*n.rhs);
        }
        std::string operator()(const node::Logic& n) const {
            // Appends, since GCC 12 warns falsely of -Wrestrict on "lit" + std::string.
            std::string out = n.op == node::LogicOp::Not ? "!(" : "(";
            out += to_debug_string(*n.lhs);
            if (n.op != node::LogicOp::Not) {
                out += n.op == node::LogicOp::And ? " && " : " || ";
                out += to_debug_string(*n.rhs);
            }
            return out + ")";
        }
    };
    return std::visit(Visitor{g}, e.node);
}

namespace {
const Port* find_port(const std::vector<Port>& ports, std::string_view name) {
    for (const auto& p : ports) {
        if (p.name == name) return &p;
    }
    return nullptr;
}
}  // namespace

const Port* Component::find_input(std::string_view n) const { return find_port(inputs, n); }
const Port* Component::find_output(std::string_view n) const { return find_port(outputs, n); }
const Port* Graph::find_param(std::string_view n) const { return find_port(params, n); }

}  // namespace pipecc::graph
