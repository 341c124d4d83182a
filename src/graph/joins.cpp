#include "pipecc/graph/joins.hpp"

#include "pipecc/graph/passes.hpp"
#include "pipecc/graph/unique_names.hpp"
#include "shell_quote.hpp"

namespace pipecc::graph {
namespace {

// The parts of `e` in order: literal text, and the values that become placeholders.
void flatten(const ExprPtr& e, std::vector<ExprPtr>& parts) {
    if (auto* c = e->as<node::Concat>()) {
        for (const auto& part : c->parts) flatten(part, parts);
    } else if (auto* s = e->as<node::ToString>()) {
        flatten(s->value, parts);
    } else {
        parts.push_back(e);
    }
}

bool joins_several(const Task& t) {
    if (t.hook != Hook::None) return false;
    for (const auto& b : t.args) {
        if (joined_placeholders(*b.value) > 1) return true;
    }
    return false;
}

}  // namespace

int joined_placeholders(const Expr& e) {
    if (e.as<node::Literal>()) return 0;
    if (auto* c = e.as<node::Concat>()) {
        int n = 0;
        for (const auto& part : c->parts) n += joined_placeholders(*part);
        return n;
    }
    if (auto* s = e.as<node::ToString>()) return joined_placeholders(*s->value);
    return 1;
}

bool needs_joins(const Graph& g) {
    for (const auto& t : g.tasks) {
        if (joins_several(t)) return true;
    }
    return false;
}

void insert_joins(Graph& g) {
    UniqueNames names;
    names.reserve(g.tasks.size());
    for (const auto& t : g.tasks) names.take(t.name);
    const std::size_t users = g.tasks.size();
    for (std::size_t id = 0; id < users; ++id) {
        if (!joins_several(g.tasks[id])) continue;
        for (std::size_t arg = 0; arg < g.tasks[id].args.size(); ++arg) {
            const Binding& b = g.tasks[id].args[arg];
            if (joined_placeholders(*b.value) < 2) continue;
            std::vector<ExprPtr> parts;
            flatten(b.value, parts);
            Component c;
            c.name = names.claim(g.tasks[id].name + "-join-" + sanitize_k8s_name(b.input));
            c.description = "Joins the values of input '" + b.input + "' of task '" + g.tasks[id].name +
                            "', which KFP before 2.17 may leave half substituted (added by pipecc).";
            c.image = g.resolver_image;
            Task join;
            join.name = c.name;
            join.display_name = c.name;
            join.group = g.tasks[id].group;
            // `$1`… are the parts' values, the last argument the output file.
            std::string text;
            std::vector<ExprPtr> args = {make_expr(Type::String, node::Literal{doc::Node(c.name)})};
            for (const auto& part : parts) {
                if (auto* lit = part->as<node::Literal>()) {
                    text += shell_quote(scalar_text(lit->value));
                    continue;
                }
                const std::string input = "part-" + std::to_string(c.inputs.size());
                c.inputs.push_back({.name = input, .type = part->type});
                join.args.push_back({input, part});
                args.push_back(make_expr(Type::String, node::InputValue{input}));
                text += "\"${" + std::to_string(c.inputs.size()) + "}\"";
            }
            const std::string out = "\"${" + std::to_string(c.inputs.size() + 1) + "}\"";
            c.outputs.push_back({.name = "value", .type = Type::String});
            args.push_back(make_expr(Type::String, node::OutputPath{"value"}));
            c.command = {make_expr(Type::String, node::Literal{doc::Node("sh")}),
                         make_expr(Type::String, node::Literal{doc::Node("-c")}),
                         make_expr(Type::String, node::Literal{doc::Node("set -eu\nmkdir -p \"$(dirname " + out +
                                                                         ")\"\nprintf '%s' " + text + " > " + out)})};
            c.args = std::move(args);
            join.component = static_cast<std::uint32_t>(g.components.size());
            g.components.push_back(std::move(c));
            g.tasks.push_back(std::move(join));
            const auto join_id = static_cast<TaskId>(g.tasks.size() - 1);
            g.tasks[id].args[arg].value =
                make_expr(Type::String, node::TaskOutput{g.id, join_id, "value"});
        }
    }
    compute_order(g);
}

}  // namespace pipecc::graph
