// The lints of a checked graph: what each task runs, with the task (and input) to blame.
#include <vector>

#include "lint/lint_rules.hpp"
#include "pipecc/graph/expr.hpp"

namespace pipecc {

using namespace graph;
using lint_detail::LintSubject;

namespace {

// The text of a String literal, or null for anything else (placeholders, run-time values).
const std::string* literal_text(const ExprPtr& e) {
    if (!e) return nullptr;
    const auto* lit = e->as<node::Literal>();
    if (!lit || lit->value.kind() != doc::Node::Kind::String) return nullptr;
    return &lit->value.as_string();
}

LintSubject subject_of(const Graph& g) {
    LintSubject s;
    std::vector<bool> component_seen(g.components.size(), false);
    for (const Task& t : g.tasks) {
        const Where at{.pipeline = g.name, .task = t.name};
        const Component& c = g.components[t.component];
        // A component's own settings once, at the first task that uses it.
        if (!component_seen[t.component]) {
            component_seen[t.component] = true;
            if (!c.image.empty()) s.images.push_back({c.image, at});
            std::size_t n = 0;
            for (const auto* words : {&c.command, &c.args})
                for (const ExprPtr& w : *words) {
                    ++n;
                    if (const auto* text = literal_text(w))
                        s.literals.push_back({"component '" + c.name + "' argument " + std::to_string(n), "", *text, at});
                }
            for (const EnvVar& e : c.env) s.literals.push_back({"env " + e.name, e.name, e.value, at});
        }
        for (const EnvVar& e : t.env) s.literals.push_back({"env " + e.name, e.name, e.value, at});
        for (const Binding& b : t.args)
            if (const auto* text = literal_text(b.value)) {
                Where input = at;
                input.input = b.input;
                s.literals.push_back({"input '" + b.input + "'", "", *text, input});
            }
        s.tasks.push_back({t.display_name.empty() ? t.name : t.display_name, at});
        const Resources& r = t.requests_and_limits();
        if (!r.cpu_request.empty() && !r.cpu_limit.empty()) s.resources.push_back({"cpu", r.cpu_request, r.cpu_limit, at});
        if (!r.memory_request.empty() && !r.memory_limit.empty())
            s.resources.push_back({"memory", r.memory_request, r.memory_limit, at});
    }
    if (g.schedule) s.crons.push_back({g.schedule->cron, Where{.pipeline = g.name}});
    return s;
}

}  // namespace

std::vector<LintFinding> lint(const Graph& g, const std::vector<std::string>& disabled) {
    return lint_detail::run_lints(subject_of(g), disabled);
}

}  // namespace pipecc
