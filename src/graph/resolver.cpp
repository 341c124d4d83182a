#include "pipecc/graph/resolver.hpp"

#include <map>
#include <set>

#include "pipecc/error.hpp"
#include "pipecc/graph/passes.hpp"
#include "pipecc/graph/time_format.hpp"
#include "pipecc/graph/unique_names.hpp"
#include "shell_quote.hpp"

namespace pipecc::graph {
namespace {

bool native_format(const node::FormatTime& f, const RunValueSupport& s) {
    if (s.formats_times) return true;
    const auto* run = f.time->as<node::Run>();
    return s.formats_utc_creation_times && run && run->field == RunField::CreatedAt && is_utc(f.zone) &&
           !f.format.empty();
}

bool unsupported(const Expr& e, bool whole, const RunValueSupport& s) {
    if (auto* f = e.as<node::FormatTime>()) return !native_format(*f, s);
    if (auto* r = e.as<node::Run>()) {
        // The final status and failures are the backend's own to render or reject.
        if (r->field == RunField::Status || r->field == RunField::Failures) return false;
        return !whole && !s.run_values_in_strings;
    }
    if (auto* c = e.as<node::Concat>()) {
        for (const auto& part : c->parts) {
            if (unsupported(*part, false, s)) return true;
        }
    }
    if (auto* t = e.as<node::ToString>()) return unsupported(*t->value, whole, s);
    return false;
}

std::string_view input_name(RunField f) {
    switch (f) {
        case RunField::CreatedAt: return "created_at";
        case RunField::ScheduledAt: return "scheduled_at";
        case RunField::RunName: return "run_name";
        case RunField::RunId: return "run_id";
        default: return {};
    }
}

// Collects the values the resolver computes and rewrites expressions to read them.
class Resolver {
public:
    Resolver(Graph& g, const RunValueSupport& support) : g_(g), support_(support) {}

    ExprPtr rewrite(const ExprPtr& e, bool whole, const Task& t, const std::string& input) {
        if (auto* f = e->as<node::FormatTime>()) {
            if (native_format(*f, support_)) return e;
            if (t.hook != Hook::None && !support_.hooks_read_body_outputs) {
                throw Error("this target formats " + to_debug_string(*e) +
                                " in a resolver step, whose outputs a hook task cannot read here; format it in "
                                "a pipeline task, or target an engine that formats times itself (Argo >= 3.2.4)",
                            Where{.pipeline = g_.name, .task = t.name, .input = input});
            }
            const auto* run = f->time->as<node::Run>();
            if (!run) throw InternalError("a formatted time that is not a run value");
            return output(run->field, f->format.empty() ? std::string(kIsoFormat) : f->format, f->zone);
        }
        if (auto* r = e->as<node::Run>()) {
            if (whole || support_.run_values_in_strings) return e;
            if (input_name(r->field).empty()) {
                throw Error(std::string(run_field_name(r->field)) +
                                " can be resolved only as an input's whole value on this target, not inside a string",
                            Where{.pipeline = g_.name, .task = t.name, .input = input});
            }
            return output(r->field, {}, {});
        }
        if (auto* c = e->as<node::Concat>()) {
            std::vector<ExprPtr> parts;
            parts.reserve(c->parts.size());
            for (const auto& part : c->parts) parts.push_back(rewrite(part, false, t, input));
            return make_expr(e->type, node::Concat{std::move(parts)});
        }
        if (auto* s = e->as<node::ToString>()) {
            return make_expr(e->type, node::ToString{rewrite(s->value, whole, t, input)});
        }
        return e;
    }

    // Adds the resolver's component and task; returns its id.
    TaskId add_task() {
        Component c;
        c.name = "resolve-run-values";
        c.description = "Formats run-time values that the engine cannot format itself (added by pipecc).";
        c.image = g_.resolver_image;
        // Each value is computed in an assignment, where `set -e` sees a failing `date`; an empty
        // or blank input would make `date -d ""` (or `" "`) print today's midnight, so it is
        // refused first. So is a zone whose file the image lacks: GNU date then silently formats in
        // UTC. It reads the file where glibc looks for it; UTC needs none.
        std::string script =
            "set -eu\nexport LC_ALL=C\n"
            "out() { mkdir -p \"$(dirname \"$1\")\"; printf '%s' \"$2\" > \"$1\"; }\n";
        std::vector<ExprPtr> args = {literal("resolve-run-values")};
        std::map<RunField, int> position;
        for (const auto& v : values_) {
            if (position.count(v.field)) continue;
            const int pos = static_cast<int>(position.size()) + 1;
            position[v.field] = pos;
            const std::string name(input_name(v.field));
            c.inputs.push_back({.name = name, .type = Type::String});
            args.push_back(make_expr(Type::String, node::InputValue{name}));
        }
        for (const auto& [field, pos] : position) {
            script += "case \"${" + std::to_string(pos) + "}\" in *[![:space:]]*) ;; *) echo \"resolve-run-values: " +
                      std::string(input_name(field)) + " is empty or blank\" >&2; exit 1;; esac\n";
        }
        std::set<std::string> zones;
        for (const auto& v : values_) {
            if (!v.format.empty() && !is_utc(v.zone)) zones.insert(v.zone);
        }
        for (const auto& zone : zones) {
            const std::string file = "\"${TZDIR:-/usr/share/zoneinfo}\"/" + shell_quote(zone);
            script += "[ -f " + file + " ] || { printf 'resolve-run-values: no file for time zone %s at %s: the image "
                      "needs tzdata\\n' " + shell_quote(zone) + " " + file + " >&2; exit 1; }\n";
        }
        const int first_output = static_cast<int>(position.size()) + 1;
        for (std::size_t i = 0; i < values_.size(); ++i) {
            const Value& v = values_[i];
            const std::string out = "${" + std::to_string(first_output + static_cast<int>(i)) + "}";
            const std::string in = "${" + std::to_string(position[v.field]) + "}";
            if (v.format.empty()) {
                script += "out \"" + out + "\" \"" + in + "\"\n";
            } else {
                script += "v=$(TZ=" + shell_quote(is_utc(v.zone) ? "UTC" : v.zone) + " date -d \"" + in + "\" +" +
                          shell_quote(v.format) + ")\nout \"" + out + "\" \"$v\"\n";
            }
            c.outputs.push_back({.name = v.output, .type = Type::String});
            args.push_back(make_expr(Type::String, node::OutputPath{v.output}));
        }
        c.command = {literal("sh"), literal("-c"), literal(script)};
        c.args = std::move(args);

        Task task;
        UniqueNames names;
        for (const auto& existing : g_.tasks) names.take(existing.name);
        task.name = names.claim("resolve-run-values");
        task.display_name = task.name;
        task.component = static_cast<std::uint32_t>(g_.components.size());
        task.cache = false;  // its inputs name the run, so a cached result would be another run's
        for (const auto& [field, pos] : position) {
            task.args.push_back({std::string(input_name(field)), make_expr(Type::String, node::Run{field})});
        }
        g_.components.push_back(std::move(c));
        g_.tasks.push_back(std::move(task));
        id_ = static_cast<TaskId>(g_.tasks.size() - 1);
        return id_;
    }

    TaskId id() const { return id_; }

private:
    struct Value {
        RunField field;
        std::string format;
        std::string zone;
        std::string output;
    };

    static ExprPtr literal(std::string s) { return make_expr(Type::String, node::Literal{doc::Node(std::move(s))}); }

    // The task id is known once the task is added, after all rewrites; outputs refer to the id
    // the task will get.
    ExprPtr output(RunField field, std::string format, std::string zone) {
        if (field != RunField::CreatedAt && field != RunField::ScheduledAt && !format.empty()) {
            throw InternalError("formatting a run value that is not a time");
        }
        std::string* name = nullptr;
        for (auto& v : values_) {
            if (v.field == field && v.format == format && v.zone == zone) name = &v.output;
        }
        if (!name) {
            values_.push_back({field, std::move(format), std::move(zone), "value-" + std::to_string(values_.size())});
            name = &values_.back().output;
        }
        return make_expr(Type::String, node::TaskOutput{g_.id, static_cast<TaskId>(g_.tasks.size()), *name});
    }

    Graph& g_;
    RunValueSupport support_;
    std::vector<Value> values_;
    TaskId id_ = 0;
};

}  // namespace

bool needs_resolver(const Graph& g, const RunValueSupport& support) {
    for (const auto& t : g.tasks) {
        for (const auto& b : t.args) {
            if (unsupported(*b.value, true, support)) return true;
        }
    }
    return false;
}

void insert_resolver(Graph& g, const RunValueSupport& support) {
    Resolver resolver(g, support);
    for (TaskId id : g.topo_order) {
        Task& t = g.tasks[id];
        for (auto& b : t.args) {
            if (unsupported(*b.value, true, support)) b.value = resolver.rewrite(b.value, true, t, b.input);
        }
    }
    resolver.add_task();
    compute_order(g);
}

}  // namespace pipecc::graph
