#include <cctype>
#include <algorithm>
#include <cmath>
#include <functional>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "pipecc/backends/argo.hpp"
#include "pipecc/error.hpp"
#include "pipecc/graph/passes.hpp"
#include "pipecc/graph/time_format.hpp"
#include "pipecc/graph/unique_names.hpp"
#include "../condition_text.hpp"
#include "../scope_tree.hpp"
#include "../kubernetes_objects.hpp"

namespace pipecc::argo {

std::string input_artifact_path(const std::string& input) { return "/tmp/inputs/" + input + "/data"; }
std::string output_path(const std::string& output) { return "/tmp/outputs/" + output + "/data"; }

namespace {

using namespace graph;
using doc::Node;

[[noreturn]] void no_schedule(const Graph& g, const Task& t, const std::string& input);

// A DAG template for one If branch (a Condition group) or loop body, run as a task with its
// `when` or `withItems`/`withParam` in the DAG around it. Outputs of tasks outside it reach its tasks as the template's inputs, which its
// task passes in (the names are `<task>-<output>`).
struct Scope {
    int parent = -1;  // -1: the entry DAG
    int depth = 0;
    GroupId group = 0;
    std::string task_name{};
    std::string template_name{};
    Node tasks = Node::seq();
    std::vector<const std::string*> deps{};
    Node inputs = Node::seq();  // inputs.parameters
    Node input_artifacts = Node::seq();
    Node args = Node::seq();  // the task's arguments.parameters
    Node arg_artifacts = Node::seq();
    std::unordered_map<std::string, std::string> channels{};  // input name -> what it carries
    Node outputs = Node::seq();  // outputs.parameters that collected() and one_of() read
    std::unordered_set<std::string> output_names{};
    std::unordered_set<std::string> item_inputs{};  // a loop's inputs that take `{{item…}}`
};

// The entry DAG ([0]) and the DAGs of If branches and loops inside it.
struct Scopes {
    std::vector<Scope> list{};
    std::vector<int> of_group{};
};

// What every lowering function needs: the graph, the target's options, and the DAG scopes.
struct Ctx {
    const Graph& g;
    const Options& options;
    const EngineProfile& engine;  // read once per pipeline, not per task
    Scopes* scopes;
    bool nested = false;  // a pipeline run as a task: parameters are its DAG template's inputs
    bool scheduled = false;  // the outermost pipeline has a schedule
    bool expressions() const { return engine.expression_templates; }
    int scope_of(const Task& t) const { return t.hook != Hook::None ? 0 : scopes->of_group[t.group]; }

    // How scope `s` refers to output `o` of a task: through `tasks.` in the producer's DAG, else
    // through an input of each DAG template between (the checks ensure the producer's encloses `s`).
    std::string output_ref(int s, const node::TaskOutput& o, bool artifact) const {
        const Task& producer = g.tasks[o.task];
        const char* kind = artifact ? "artifacts." : "parameters.";
        if (scope_of(producer) == s) return "{{tasks." + producer.name + ".outputs." + kind + o.output + "}}";
        Scope& scope = scopes->list[s];
        const std::string channel = producer.name + "-" + o.output;
        if (claim_channel(scope, channel, "output '" + o.output + "' of task '" + producer.name + "'")) {
            std::string outer = output_ref(scope.parent, o, artifact);
            if (artifact) {
                scope.input_artifacts.push(Node::map().set("name", channel));
                scope.arg_artifacts.push(Node::map().set("name", channel).set("from", std::move(outer)));
            } else {
                scope.inputs.push(Node::map().set("name", channel));
                scope.args.push(Node::map().set("name", channel).set("value", std::move(outer)));
            }
        }
        return std::string("{{inputs.") + kind + channel + "}}";
    }

    // Whether input `name` of a DAG template is new. Inputs are named after what they carry
    // (`<task>-<output>`, a parameter's name, `<loop>-item`), and two values may name alike:
    // `source` says which value this one is.
    bool claim_channel(Scope& scope, const std::string& name, std::string source) const {
        auto [it, inserted] = scope.channels.try_emplace(name, std::move(source));
        if (!inserted && it->second != source) {
            throw Error("inside " + scope.template_name + ", '" + name + "' names both " + it->second + " and " + source +
                            ": rename the parameter, task or output",
                        Where{.pipeline = g.name});
        }
        return inserted;
    }

    // Declares input parameter `name` of scope `s` for `source`, whose task passes `value()` (in
    // the parent's terms); returns the reference inside `s`.
    template <class Value>
    std::string input_param(int s, const std::string& name, std::string source, Value&& value) const {
        Scope& scope = scopes->list[s];
        if (claim_channel(scope, name, std::move(source))) {
            scope.inputs.push(Node::map().set("name", name));
            scope.args.push(Node::map().set("name", name).set("value", value()));
        }
        return "{{inputs.parameters." + name + "}}";
    }

    // How scope `s` refers to pipeline parameter `name`: a workflow parameter at the root; in a
    // nested pipeline, its DAG template's input, which inner DAGs pass on.
    std::string param_ref(int s, const std::string& name) const {
        if (!nested) return "{{workflow.parameters." + name + "}}";
        if (s == 0) return "{{inputs.parameters." + name + "}}";
        return input_param(s, name, "parameter '" + name + "'", [&] { return param_ref(scopes->list[s].parent, name); });
    }

    // A loop item, or a field of one, as scope `s` sees it: the loop's task passes `{{item}}` or
    // `{{item.<field>}}` as an input of its body, and inner DAGs pass it on.
    std::string item_ref(int s, const Expr& e) const {
        const auto* f = e.as<node::Field>();
        const GroupId loop = (f ? f->value->as<node::LoopItem>() : e.as<node::LoopItem>())->loop;
        const int loop_scope = scopes->of_group[loop];
        const std::string name = scopes->list[loop_scope].task_name + "-item" + (f ? "-" + f->name : std::string());
        const std::string source = "the item" + (f ? " field '" + f->name + "'" : std::string()) + " of " + scopes->list[loop_scope].task_name;
        if (s == loop_scope) {
            scopes->list[s].item_inputs.insert(name);
            return input_param(s, name, source, [&] { return f ? "{{item." + f->name + "}}" : std::string("{{item}}"); });
        }
        return input_param(s, name, source, [&] { return item_ref(scopes->list[s].parent, e); });
    }

    // collected(): the list Argo makes of an output of every iteration of a loop's task, which
    // the loop's body template exports.
    std::string collected_ref(const node::Collected& c) const {
        const auto* o = c.value->as<node::TaskOutput>();
        const Scope& loop = scopes->list[scopes->of_group[g.tasks[o->task].group]];
        return "{{tasks." + loop.task_name + ".outputs.parameters." + exported(*o) + "}}";
    }

    // one_of(): an expression (Argo >= 3.2.4) that reads the output of the branch that ran; each
    // branch's DAG template exports its value, and the branches not taken are Skipped. As
    // Argo's dag-conditional-parameters example picks between branches.
    std::string one_of_expr(const Expr& e) const {
        if (!expressions()) {
            throw Error("one_of() on Argo needs expression templates: Argo 3.2.4 or later", Where{.pipeline = g.name});
        }
        const auto& one = *e.as<node::OneOf>();
        std::string out;
        for (std::size_t i = 0; i < one.values.size(); ++i) {
            const auto* o = one.values[i]->as<node::TaskOutput>();
            const std::string branch = "tasks['" + scopes->list[scopes->of_group[g.tasks[o->task].group]].task_name + "']";
            const std::string value = branch + ".outputs.parameters['" + exported(*o) + "']";
            out += i + 1 == one.values.size() ? value : branch + ".status == 'Succeeded' ? " + value + " : ";
        }
        return out;
    }

    // Output `o` exported by the DAG template of the loop or branch its task is in, as
    // `<task>-<output>`.
    std::string exported(const node::TaskOutput& o) const {
        const Task& producer = g.tasks[o.task];
        Scope& scope = scopes->list[scopes->of_group[producer.group]];
        std::string name = producer.name + "-" + o.output;
        if (scope.output_names.insert(name).second) {
            scope.outputs.push(Node::map().set(
                "name", name).set("valueFrom", Node::map().set("parameter", "{{tasks." + producer.name + ".outputs.parameters." + o.output + "}}")));
        }
        return name;
    }
};

Where at(const Graph& g, const Task& t, const std::string& input = {}) {
    return Where{.pipeline = g.name, .task = t.name, .input = input};
}

// The text Argo passes for a literal parameter: strings as they are, other values as JSON.
std::string literal_text(const Node& v) {
    if (!v.is_map() && !v.is_seq()) return scalar_text(v);
    std::string json = doc::to_json(v);
    json.pop_back();
    return json;
}

// Whether `name` can follow a '.' in an expr expression: an identifier, and not one of expr's
// word operators (expr-lang v1.17.8 parser/lexer/state.go), which older expr reads as operators,
// nor a constant's name.
bool expr_member_name(std::string_view name) {
    static constexpr std::string_view kWords[] = {"not", "in",  "or", "and", "matches", "contains", "startsWith",
                                                  "endsWith", "let", "if", "else", "true", "false", "nil"};
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
    const bool word = std::all_of(name.begin(), name.end(), [](char ch) {
        return ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
    });
    return word && std::find(std::begin(kWords), std::end(kWords), name) == std::end(kWords);
}

// An expr string literal.
std::string expr_string(std::string_view text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\\' || c == '\'') out += '\\';
        out += c;
    }
    return out + "'";
}

// The expr expression that tag body `tag` (the text between "{{" and "}}") stands for: an
// expression tag's own text, or a simple tag's variable as a path through the nested maps Argo's
// expression environment builds from dotted names (util/expand): `tasks['a-b'].outputs.parameters.x`.
std::string tag_expression(std::string_view tag) {
    if (!tag.empty() && tag[0] == '=') return "(" + std::string(tag.substr(1)) + ")";
    std::string out;
    for (std::size_t start = 0;;) {
        const std::size_t dot = tag.find('.', start);
        const std::string_view name = tag.substr(start, dot == std::string_view::npos ? dot : dot - start);
        if (start == 0) {
            out += name;  // Argo's roots: workflow, inputs, tasks, item
        } else if (expr_member_name(name)) {
            out += '.';
            out += name;
        } else {
            out += '[';
            out += expr_string(name);
            out += ']';
        }
        if (dot == std::string_view::npos) return out;
        start = dot + 1;
    }
}

// Appends `piece`, text that may start with a tag, to `out`. Argo's scanner (fasttemplate, which
// util/template/template.go runs with "{{" and "}}" at v3.6.19 and v4.1.2) opens a tag at the
// first "{{" and closes it at the next "}}", so a literal '{' just before a tag would make the tag
// "{workflow.name", which nothing resolves and Argo leaves in the pod's text without an error.
// With expression templates the '{' goes inside the tag: `{{='{' + workflow.name}}`. A tag of its
// own (`{{='{'}}`) is not enough: Argo substitutes a template in several passes (globals, then
// inputs, then tasks.* when the DAG task runs) and rescans each pass's output, so the constant,
// resolved in the first pass, would leave "{{{" for the pass that resolves the tag after it.
// Before expression templates there is no such form, and `refuse()` says so.
template <class Refuse>
void append_piece(std::string& out, std::string_view piece, bool expressions, Refuse&& refuse) {
    if (out.empty() || out.back() != '{' || !piece.starts_with("{{")) {
        out += piece;
        return;
    }
    if (!expressions) throw refuse();
    const std::size_t close = piece.find("}}", 2);
    if (close == std::string_view::npos) throw InternalError("a tag without its end: " + std::string(piece));
    out.pop_back();
    out += "{{='{' + " + tag_expression(piece.substr(2, close - 2)) + "}}";
    out += piece.substr(close + 2);
}

Error brace_before_tag(const Where& where) {
    return Error("a literal '{' right before a run-time value: Argo reads \"{\" followed by \"{{\" as a tag that "
                 "starts with '{', resolves nothing and leaves the text as it is; Argo 3.2.4 or later writes it "
                 "through an expression template, and older Argo needs another character between them",
                 where);
}

// A component's command-line item; `t` is a task the template serves (for errors).
void append_command_text(std::string& out, const Graph& g, const Task& t, bool expressions, const Expr& e) {
    if (auto* lit = e.as<node::Literal>()) {
        out += scalar_text(lit->value);
    } else if (auto* s = e.as<node::ToString>()) {
        append_command_text(out, g, t, expressions, *s->value);
    } else if (auto* v = e.as<node::InputValue>()) {
        append_piece(out, "{{inputs.parameters." + v->input + "}}", expressions,
                     [&] { return brace_before_tag(at(g, t, v->input)); });
    } else if (auto* p = e.as<node::InputPath>()) {
        out += input_artifact_path(p->input);
    } else if (auto* o = e.as<node::OutputPath>()) {
        out += output_path(o->output);
    } else if (auto* c = e.as<node::Concat>()) {
        for (const auto& part : c->parts) append_command_text(out, g, t, expressions, *part);
    } else {
        throw InternalError("unexpected expression in a command line: " + to_debug_string(e));
    }
}

// Whether an if_present() placeholder takes its `then` items for this task: the task binds the
// input or the input has a default (KFP v1's compile-time isPresent).
bool input_present(const Component& c, const Task& t, const std::string& input) {
    const Port* port = c.find_input(input);
    if (port && port->default_value) return true;
    return std::any_of(t.args.begin(), t.args.end(), [&](const Binding& b) { return b.input == input; });
}

Node command_line(const Graph& g, const Component& c, const Task& t, bool expressions,
                  const std::vector<ExprPtr>& parts) {
    Node out = Node::seq();
    for (const auto& part : parts) {
        if (auto* p = part->as<node::IfPresent>()) {
            for (const auto& item : input_present(c, t, p->input) ? p->then_args : p->else_args) {
                std::string text;
                append_command_text(text, g, t, expressions, *item);
                out.push(std::move(text));
            }
            continue;
        }
        std::string text;
        append_command_text(text, g, t, expressions, *part);
        out.push(std::move(text));
    }
    return out;
}

[[noreturn]] void no_schedule(const Graph& g, const Task& t, const std::string& input) {
    throw Error("run::scheduled_at() on the Argo target needs a schedule, which Argo resolves only for "
                "CronWorkflows; use run::created_at() for pipelines started by hand",
                at(g, t, input));
}

// Go layouts have no escapes, so only literal text that no layout token can absorb stays inside
// a layout; other text is joined on as an expr string.
bool layout_safe(std::string_view text) {
    return text.find_first_not_of(" -/:,T") == std::string_view::npos;
}

// A formatted run timestamp: an expression template (Argo >= 3.2.4) over the Unix seconds, so the
// controller's own zone never matters; older Argo gets strftime sub-keys for plain UTC creation
// times (the resolver step handles the rest).
void append_time(std::string& out, const Ctx& c, const Task& t, const std::string& input,
                 const node::FormatTime& f) {
    const Graph& g = c.g;
    const auto* run = f.time->as<node::Run>();
    if (!run) throw InternalError("a formatted time that is not a run value");
    const bool scheduled = run->field == RunField::ScheduledAt;
    if (scheduled && !c.scheduled) no_schedule(g, t, input);
    std::vector<FormatPiece> pieces;
    const std::string format = f.format.empty() ? std::string(kIsoFormat) : f.format;
    if (auto err = parse_time_format(format, pieces)) throw Error(*err, at(g, t, input));
    // Sub-keys render in the controller's local zone (metav1.Time decodes to Local), so they are
    // used only where Argo has no expressions; a UTC controller, the official image's, is assumed.
    if (!scheduled && is_utc(f.zone) && !f.format.empty() && !c.expressions()) {
        for (const auto& p : pieces) {
            append_piece(out, p.directive ? "{{workflow.creationTimestamp." + std::string(1, p.directive) + "}}" : p.text,
                         false, [&] { return brace_before_tag(at(g, t, input)); });
        }
        return;
    }
    if (!c.expressions()) throw InternalError("a formatted time left for Argo without expressions");
    const std::string zone = is_utc(f.zone) ? "UTC" : f.zone;
    // scheduledTime is RFC 3339 text; sprig.toDate turns it into a time (sprig.date itself would
    // silently fall back to the current time for text).
    const std::string time = scheduled ? "sprig.toDate('2006-01-02T15:04:05Z07:00', workflow.scheduledTime)"
                                       : "sprig.int64(workflow.creationTimestamp.s)";
    std::vector<std::string> terms;
    std::string layout;
    auto flush = [&] {
        if (layout.empty()) return;
        terms.push_back("sprig.dateInZone(" + expr_string(layout) + ", " + time + ", " + expr_string(zone) + ")");
        layout.clear();
    };
    for (const auto& p : pieces) {
        if (p.directive) {
            layout += go_layout(p.directive);
        } else if (layout_safe(p.text) && !layout.empty()) {
            layout += p.text;
        } else {
            flush();
            terms.push_back(expr_string(p.text));
        }
    }
    flush();
    out += "{{=";
    for (std::size_t i = 0; i < terms.size(); ++i) out += (i ? " + " : "") + terms[i];
    out += "}}";
}

// A task-level value as Argo parameter text.
void append_value_text(std::string& out, const Ctx& c, const Task& t, const std::string& input, const Expr& e) {
    const Graph& g = c.g;
    if (auto* lit = e.as<node::Literal>()) {
        out += literal_text(lit->value);
        return;
    }
    if (auto* cat = e.as<node::Concat>()) {
        for (const auto& part : cat->parts) append_value_text(out, c, t, input, *part);
        return;
    }
    if (auto* s = e.as<node::ToString>()) {
        append_value_text(out, c, t, input, *s->value);
        return;
    }
    // The rest (but the task's name) are tags, which must not follow a literal '{' as they are: see
    // append_piece.
    std::string tag;
    if (auto* p = e.as<node::Param>()) {
        tag = c.param_ref(c.scope_of(t), p->name);
    } else if (auto* o = e.as<node::TaskOutput>()) {
        tag = c.output_ref(c.scope_of(t), *o, false);
    } else if (e.as<node::LoopItem>() || e.as<node::Field>()) {
        tag = c.item_ref(c.scope_of(t), e);
    } else if (auto* col = e.as<node::Collected>()) {
        tag = c.collected_ref(*col);
    } else if (e.as<node::OneOf>()) {
        tag = "{{=" + c.one_of_expr(e) + "}}";
    } else if (auto* f = e.as<node::FormatTime>()) {
        // Its sub-key form (before 3.2.4) checks its own literal text.
        append_time(tag, c, t, input, *f);
    } else if (auto* r = e.as<node::Run>()) {
        switch (r->field) {
            case RunField::CreatedAt:
                // The sub-key form carries its offset, so the controller's zone cannot skew it.
                tag = c.expressions() ? "{{workflow.creationTimestamp.RFC3339}}"
                                      : "{{workflow.creationTimestamp.Y}}-{{workflow.creationTimestamp.m}}-"
                                        "{{workflow.creationTimestamp.d}}T{{workflow.creationTimestamp.H}}:"
                                        "{{workflow.creationTimestamp.M}}:{{workflow.creationTimestamp.S}}"
                                        "{{workflow.creationTimestamp.z}}";
                break;
            case RunField::ScheduledAt:
                if (!c.scheduled) no_schedule(g, t, input);
                tag = "{{workflow.scheduledTime}}";
                break;
            case RunField::RunName: tag = "{{workflow.name}}"; break;
            case RunField::RunId: tag = "{{workflow.uid}}"; break;
            case RunField::TaskName: tag = t.name; break;  // an Argo DAG task's name is fixed
            case RunField::Status: tag = "{{workflow.status}}"; break;
            case RunField::Failures:
                // The controller stores the list strconv.Quote'd (operator.go), so the plain tag
                // delivers a JSON string of it; decoding once gives the list itself, and `[]`
                // where Argo's empty list marshals as null.
                tag = c.expressions()
                          ? "{{=workflow.failures == '\"null\"' ? '[]' : sprig.fromJson(workflow.failures)}}"
                          : "{{workflow.failures}}";
                break;
        }
    } else {
        throw Error("the Argo target cannot lower " + to_debug_string(e), at(g, t, input));
    }
    append_piece(out, tag, c.expressions(), [&] { return brace_before_tag(at(g, t, input)); });
}

// A string literal of govaluate, which evaluates `when` after Argo substitutes the {{…}} in it.
std::string when_string(std::string_view text) {
    std::string out = "\"";
    for (char ch : text) {
        if (ch == '\\' || ch == '"') out += '\\';
        out += ch;
    }
    return out + "\"";
}

// A condition as a `when` expression over the values scope `s` sees, in the shape KFP v1 wrote:
// run-time strings quoted after substitution (`"{{tasks.flip.outputs.parameters.Output}}" ==
// "heads"`), numbers and Bools bare.
// No literal '{' can come right before a tag here (see append_piece): string literals are quoted,
// and each tag follows a quote, an operator or a parenthesis.
void append_when(std::string& out, const Ctx& c, int s, const Expr& e) {
    backends::append_condition(out, e, [&](std::string& text, const Expr& v) {
        if (auto* lit = v.as<node::Literal>()) {
            text += v.type == Type::String ? when_string(lit->value.as_string()) : scalar_text(lit->value);
            return;
        }
        if (v.type == Type::String) text += '"';
        if (auto* p = v.as<node::Param>()) {
            text += c.param_ref(s, p->name);
        } else if (auto* o = v.as<node::TaskOutput>()) {
            text += c.output_ref(s, *o, false);
        } else if (v.as<node::LoopItem>() || v.as<node::Field>()) {
            text += c.item_ref(s, v);
        } else {
            throw InternalError("a condition operand that is not a value: " + to_debug_string(v));
        }
        if (v.type == Type::String) text += '"';
    });
}

Node ports_section(const Component& c, bool inputs) {
    Node params = Node::seq();
    Node artifacts = Node::seq();
    for (const auto& p : inputs ? c.inputs : c.outputs) {
        Node entry = Node::map().set("name", p.name);
        if (is_artifact(p.type)) {
            entry.set("path", inputs ? input_artifact_path(p.name) : output_path(p.name));
            if (inputs && p.optional) entry.set("optional", true);
            artifacts.push(std::move(entry));
            continue;
        }
        if (inputs) {
            // An optional input without a default still needs a value for Argo to start the pod.
            if (p.default_value) {
                entry.set("default", literal_text(*p.default_value));
            } else if (p.optional) {
                entry.set("default", "");
            }
        } else {
            entry.set("valueFrom", Node::map().set("path", output_path(p.name)));
        }
        params.push(std::move(entry));
    }
    Node out = Node::map();
    if (!params.empty()) out.set("parameters", std::move(params));
    if (!artifacts.empty()) out.set("artifacts", std::move(artifacts));
    return out;
}

Node resources(const Graph& g, const Task& t) {
    const Resources& r = t.requests_and_limits();
    Node requests = Node::map();
    Node limits = Node::map();
    if (!r.cpu_request.empty()) requests.set("cpu", r.cpu_request);
    if (!r.memory_request.empty()) requests.set("memory", r.memory_request);
    if (!r.cpu_limit.empty()) limits.set("cpu", r.cpu_limit);
    if (!r.memory_limit.empty()) limits.set("memory", r.memory_limit);
    if (!r.accelerator_type.empty()) {
        if (r.accelerator_type.find('/') == std::string::npos) {
            throw Error("accelerator type '" + r.accelerator_type +
                            "' is a Vertex AI machine type; Argo needs a Kubernetes resource name such as "
                            "\"nvidia.com/gpu\"",
                        at(g, t));
        }
        limits.set(r.accelerator_type, std::to_string(r.accelerator_count));
    }
    Node out = Node::map();
    if (!limits.empty()) out.set("limits", std::move(limits));
    if (!requests.empty()) out.set("requests", std::move(requests));
    return out;
}

// A task's volumes (for its template) and their mounts (for its container), named by kind and
// position: the names only need to be unique within the pod.
struct PodVolumes {
    Node volumes = Node::seq();
    Node mounts = Node::seq();
};

PodVolumes pod_volumes(const Task& t) {
    PodVolumes out;
    if (!t.pod) return out;
    int n = 0;
    auto add = [&](const char* kind, const char* source_key, Node source, const std::string& mount_path,
                   const std::string& sub_path) {
        const std::string name = std::string(kind) + "-" + std::to_string(++n);
        Node mount = Node::map().set("name", name).set("mountPath", mount_path);
        if (!sub_path.empty()) mount.set("subPath", sub_path);
        out.mounts.push(std::move(mount));
        out.volumes.push(Node::map().set("name", name).set(source_key, std::move(source)));
    };
    for (const auto& v : t.pod->secret_volumes) {
        Node secret = Node::map().set("secretName", v.secret_name);
        if (v.optional) secret.set("optional", true);
        add("secret", "secret", std::move(secret), v.mount_path, {});
    }
    for (const auto& v : t.pod->config_map_volumes) {
        Node map = Node::map().set("name", v.config_map);
        if (v.optional) map.set("optional", true);
        add("config-map", "configMap", std::move(map), v.mount_path, {});
    }
    for (const auto& v : t.pod->pvc_mounts) {
        add("pvc", "persistentVolumeClaim", Node::map().set("claimName", v.pvc_name), v.mount_path, v.sub_path);
    }
    for (const auto& v : t.pod->ephemeral_volumes) {
        Node modes = Node::seq();
        for (const auto& m : v.access_modes) modes.push(m);
        Node spec = Node::map().set("accessModes", std::move(modes));
        if (!v.storage_class.empty()) spec.set("storageClassName", v.storage_class);
        spec.set("resources", Node::map().set("requests", Node::map().set("storage", v.size)));
        add("ephemeral", "ephemeral", Node::map().set("volumeClaimTemplate", Node::map().set("spec", std::move(spec))),
            v.mount_path, {});
    }
    return out;
}

// The pod-level settings of a task's template: tolerations and node affinity.
void set_scheduling(Node& tmpl, const PodSettings& pod) {
    if (!pod.tolerations.empty()) {
        Node list = Node::seq();
        for (const auto& t : pod.tolerations) {
            Node entry = Node::map();
            if (!t.key.empty()) entry.set("key", t.key);
            entry.set("operator", t.op);
            if (!t.value.empty()) entry.set("value", t.value);
            if (!t.effect.empty()) entry.set("effect", t.effect);
            if (t.seconds >= 0) entry.set("tolerationSeconds", t.seconds);
            list.push(std::move(entry));
        }
        tmpl.set("tolerations", std::move(list));
    }
    Node required = Node::seq();
    Node preferred = Node::seq();
    for (const auto& a : pod.node_affinity) {
        if (a.weight == 0) {
            required.push(Node::map().set("matchExpressions", backends::match_expressions(a.match)));
        } else {
            preferred.push(Node::map().set("weight", a.weight).set(
                "preference", Node::map().set("matchExpressions", backends::match_expressions(a.match))));
        }
    }
    if (required.empty() && preferred.empty()) return;
    Node node_affinity = Node::map();
    if (!required.empty()) {
        node_affinity.set("requiredDuringSchedulingIgnoredDuringExecution",
                          Node::map().set("nodeSelectorTerms", std::move(required)));
    }
    if (!preferred.empty()) node_affinity.set("preferredDuringSchedulingIgnoredDuringExecution", std::move(preferred));
    tmpl.set("affinity", Node::map().set("nodeAffinity", std::move(node_affinity)));
}

Node container(const Graph& g, const Component& c, const Task& t, bool expressions) {
    Node out = Node::map();
    out.set("image", c.image);
    // if_present() items may expand to nothing: an empty list is left out.
    if (Node command = command_line(g, c, t, expressions, c.command); !command.empty()) {
        out.set("command", std::move(command));
    }
    if (Node args = command_line(g, c, t, expressions, c.args); !args.empty()) out.set("args", std::move(args));
    Node env = Node::seq();
    for (const auto* list : {&c.env, &t.env}) {
        for (const auto& e : *list) env.push(Node::map().set("name", e.name).set("value", e.value));
    }
    for (const auto& s : t.secret_env) {
        Node ref = Node::map().set("name", s.secret_name).set("key", s.secret_key);
        if (s.optional) ref.set("optional", true);
        env.push(Node::map().set("name", s.env_var).set("valueFrom", Node::map().set("secretKeyRef", std::move(ref))));
    }
    if (t.pod) {
        for (const auto& e : t.pod->config_map_env) {
            Node ref = Node::map().set("name", e.config_map).set("key", e.key);
            if (e.optional) ref.set("optional", true);
            env.push(Node::map().set("name", e.env_var).set("valueFrom", Node::map().set("configMapKeyRef", std::move(ref))));
        }
    }
    if (!env.empty()) out.set("env", std::move(env));
    if (Node res = resources(g, t); !res.empty()) out.set("resources", std::move(res));
    if (Node mounts = pod_volumes(t).mounts; !mounts.empty()) out.set("volumeMounts", std::move(mounts));
    return out;
}

// Everything outside the component that shapes a task's template; tasks with equal keys and the
// same component share one template.
std::string settings_key(const Graph& g, const Task& t) {
    std::string key;
    auto add = [&key](const std::string& s) {
        key += std::to_string(s.size());
        key += ':';
        key += s;
    };
    const Resources& r = t.requests_and_limits();
    for (const auto* s : {&r.cpu_request, &r.cpu_limit, &r.memory_request, &r.memory_limit, &r.accelerator_type}) add(*s);
    add(std::to_string(r.accelerator_count));
    for (const auto& [k, v] : t.node_selector) add(k), add(v);
    key += '|';
    for (const auto& e : t.env) add(e.name), add(e.value);
    key += '|';
    for (const auto& s : t.secret_env) add(s.env_var), add(s.secret_name), add(s.secret_key), add(s.optional ? "1" : "0");
    key += '|';
    if (t.retry) {
        add(std::to_string(t.retry->max_retries));
        add(std::to_string(t.retry->backoff_seconds));
        add(doc::format_float(t.retry->backoff_factor));
        add(std::to_string(t.retry->backoff_max_seconds));
    }
    key += '|';
    if (t.pod) {
        const PodSettings& pod = *t.pod;
        for (const auto& v : pod.secret_volumes) add(v.secret_name), add(v.mount_path), add(v.optional ? "1" : "0");
        key += '|';
        for (const auto& e : pod.config_map_env) add(e.env_var), add(e.config_map), add(e.key), add(e.optional ? "1" : "0");
        key += '|';
        for (const auto& v : pod.config_map_volumes) add(v.config_map), add(v.mount_path), add(v.optional ? "1" : "0");
        key += '|';
        for (const auto& v : pod.pvc_mounts) add(v.pvc_name), add(v.mount_path), add(v.sub_path);
        key += '|';
        for (const auto& v : pod.ephemeral_volumes) {
            add(v.name), add(v.mount_path), add(v.size), add(v.storage_class);
            for (const auto& m : v.access_modes) add(m);
            key += ';';
        }
        key += '|';
        for (const auto& x : pod.tolerations) add(x.key), add(x.op), add(x.value), add(x.effect), add(std::to_string(x.seconds));
        key += '|';
        for (const auto& a : pod.node_affinity) {
            add(std::to_string(a.weight));
            for (const auto& r : a.match) {
                add(r.key), add(r.op);
                for (const auto& v : r.values) add(v);
                key += ';';
            }
            key += ',';
        }
        key += '|';
        for (const auto& [k, v] : pod.labels) add(k), add(v);
        key += '|';
        for (const auto& [k, v] : pod.annotations) add(k), add(v);
    }
    key += '|';
    add(std::to_string(t.timeout_seconds));
    add(t.cache ? "1" : "0");
    add(t.display_name == t.name ? "" : t.display_name);
    // if_present() items are resolved per task: which of their inputs this task has.
    key += '|';
    const Component& c = g.component_of(t);
    for (const auto* list : {&c.command, &c.args}) {
        for (const auto& part : *list) {
            if (auto* p = part->as<node::IfPresent>()) add(p->input + (input_present(c, t, p->input) ? "=1" : "=0"));
        }
    }
    return key;
}

// Argo gathers the parameters of a loop's iterations (`outputs.parameters` of a `withItems`
// task), but no value of it holds several artifacts.
std::string artifact_list_unsupported(Type type) {
    return "a list of artifacts (" + std::string(type_name(type)) +
           ") is KFP-only: Argo has no value that holds several artifacts, so it can neither gather a loop's "
           "artifacts with collected() nor loop over them";
}

Node container_template(const Graph& g, const Task& t, const std::string& name, bool expressions) {
    const Component& c = g.component_of(t);
    for (const auto& in : c.inputs) {
        if (is_list(in.type)) throw Error(artifact_list_unsupported(in.type), at(g, t, in.name));
    }
    Node tmpl = Node::map();
    tmpl.set("name", name);
    if (Node in = ports_section(c, true); !in.empty()) tmpl.set("inputs", std::move(in));
    if (Node out = ports_section(c, false); !out.empty()) tmpl.set("outputs", std::move(out));
    Node labels = Node::map();
    Node annotations = Node::map();
    // KFP v1 reads these; plain Argo ignores them.
    if (!t.cache) labels.set("pipelines.kubeflow.org/enable_caching", "false");
    if (t.display_name != t.name) annotations.set("pipelines.kubeflow.org/task_display_name", t.display_name);
    if (t.pod) {
        for (const auto& [k, v] : t.pod->labels) labels.set(k, v);
        for (const auto& [k, v] : t.pod->annotations) annotations.set(k, v);
    }
    if (!labels.empty() || !annotations.empty()) {
        Node meta = Node::map();
        if (!annotations.empty()) meta.set("annotations", std::move(annotations));
        if (!labels.empty()) meta.set("labels", std::move(labels));
        tmpl.set("metadata", std::move(meta));
    }
    tmpl.set("container", container(g, c, t, expressions));
    if (Node volumes = pod_volumes(t).volumes; !volumes.empty()) tmpl.set("volumes", std::move(volumes));
    if (!t.node_selector.empty()) {
        Node sel = Node::map();
        for (const auto& [k, v] : t.node_selector) sel.set(k, v);
        tmpl.set("nodeSelector", std::move(sel));
    }
    if (t.pod) set_scheduling(tmpl, *t.pod);
    if (t.retry) {
        const double factor = t.retry->backoff_factor;
        if (factor != std::floor(factor)) {
            throw Error("Argo takes only whole-number backoff factors, not " + doc::format_float(factor), at(g, t));
        }
        tmpl.set("retryStrategy",
                 Node::map()
                     .set("limit", std::to_string(t.retry->max_retries))
                     .set("backoff", Node::map()
                                         .set("duration", std::to_string(t.retry->backoff_seconds) + "s")
                                         .set("factor", static_cast<long long>(factor))
                                         .set("maxDuration", std::to_string(t.retry->backoff_max_seconds) + "s")));
    }
    if (t.timeout_seconds > 0) tmpl.set("activeDeadlineSeconds", t.timeout_seconds);
    return tmpl;
}


// Argo has no importer step: a task reading an imported artifact fetches it from its URI itself,
// so the URI must be one Argo can fetch, known when the workflow is written.
Node imported_artifact(const Graph& g, const Task& importer, const std::string& input) {
    const auto binding = std::find_if(importer.args.begin(), importer.args.end(), [](const Binding& b) { return b.input == "uri"; });
    const auto* lit = binding == importer.args.end() ? nullptr : binding->value->as<node::Literal>();
    if (!lit) {
        throw Error("on Argo, an importer's URI must be a literal: Argo fetches it into the reading task's pod",
                    at(g, importer, "uri"));
    }
    if (!g.component_of(importer).importer->metadata.is_null()) {
        throw Error("importer metadata is KFP only: Argo keeps no artifact records to hold it", at(g, importer));
    }
    const std::string& uri = lit->value.as_string();
    Node artifact = Node::map().set("name", input);
    auto bucket_and_key = [&](std::size_t scheme_length, const char* kind) {
        const std::size_t slash = uri.find('/', scheme_length);
        if (slash == std::string::npos || slash == scheme_length || slash + 1 == uri.size()) {
            throw Error("importer URI '" + uri + "' needs a bucket and a key", at(g, importer, "uri"));
        }
        artifact.set(kind, Node::map()
                               .set("bucket", uri.substr(scheme_length, slash - scheme_length))
                               .set("key", uri.substr(slash + 1)));
    };
    if (uri.rfind("gs://", 0) == 0) {
        bucket_and_key(5, "gcs");
    } else if (uri.rfind("s3://", 0) == 0) {
        bucket_and_key(5, "s3");
    } else if (uri.rfind("https://", 0) == 0 || uri.rfind("http://", 0) == 0) {
        artifact.set("http", Node::map().set("url", uri));
    } else {
        throw Error("on Argo, an importer's URI must be gs://, s3:// or http(s):// (got '" + uri + "')",
                    at(g, importer, "uri"));
    }
    return artifact;
}

// A DAG task's `depends`: the names it waits for, sorted and joined with &&, as Hera writes it
// (a list of `dependencies` costs a line per name, and Argo objects have a size limit). With
// `any_end`, each may have ended in any state (ignore_upstream_failure).
std::string depends_text(std::vector<const std::string*>& deps, bool any_end) {
    std::string out;
    const Node names = backends::sorted_names(deps);
    for (const auto& name : names.items()) {
        if (!out.empty()) out += " && ";
        const std::string& n = name.as_string();
        if (any_end) {
            out += "(" + n + ".Succeeded || " + n + ".Skipped || " + n + ".Failed || " + n + ".Errored)";
        } else {
            out += n;
        }
    }
    return out;
}

// `deps`: the names the task waits for in its own DAG.
Node dag_task(const Ctx& c, const Task& t, const std::string& template_name, std::vector<const std::string*>& deps) {
    const Graph& g = c.g;
    Node task = Node::map();
    task.set("name", t.name);
    task.set("template", template_name);
    if (!deps.empty()) task.set("depends", depends_text(deps, t.ignore_upstream_failure));
    if (t.hook == Hook::Success) task.set("when", "{{workflow.status}} == Succeeded");
    if (t.hook == Hook::Failure) task.set("when", "{{workflow.status}} != Succeeded");
    Node params = Node::seq();
    Node artifacts = Node::seq();
    for (const auto& b : t.args) {
        const Expr& e = *b.value;
        bool from_body = false, reads_task = false;
        for_each_node(e, [&](const Expr& n) {
            auto* o = n.as<node::TaskOutput>();
            reads_task = reads_task || o || n.as<node::Collected>();
            if (o) from_body = from_body || (t.hook != Hook::None && g.tasks[o->task].hook == Hook::None);
        });
        if (reads_task && t.ignore_upstream_failure) {
            throw Error("on Argo, a task with ignore_upstream_failure() cannot read task outputs: Argo cannot resolve an "
                        "output that a failed task did not write (KFP passes the input's default)",
                        at(g, t, b.input));
        }
        if (from_body) {
            throw Error("on Argo, a hook task cannot read outputs of the pipeline's tasks: the exit handler runs "
                        "outside their DAG",
                        at(g, t, b.input));
        }
        if (is_list(e.type)) throw Error(artifact_list_unsupported(e.type), at(g, t, b.input));
        if (is_artifact(e.type)) {
            auto* o = e.as<node::TaskOutput>();
            if (!o) throw Error("the Argo target passes artifacts only from task outputs", at(g, t, b.input));
            const Task& producer = g.tasks[o->task];
            if (g.component_of(producer).importer) {
                artifacts.push(imported_artifact(g, producer, b.input));
            } else {
                artifacts.push(Node::map().set("name", b.input).set("from", c.output_ref(c.scope_of(t), *o, true)));
            }
            continue;
        }
        std::string text;
        append_value_text(text, c, t, b.input, e);
        params.push(Node::map().set("name", b.input).set("value", std::move(text)));
    }
    if (!params.empty() || !artifacts.empty()) {
        Node args = Node::map();
        if (!params.empty()) args.set("parameters", std::move(params));
        if (!artifacts.empty()) args.set("artifacts", std::move(artifacts));
        task.set("arguments", std::move(args));
    }
    return task;
}

// A DAG template per Condition and Loop group, named like kfp's groups (condition-N,
// for-loop-N, counting the exit handler and the Branches groups, which Argo does not need: their
// branches sit side by side in the DAG around them, each with its full condition).
Scopes make_scopes(const Graph& g, bool has_hooks, UniqueNames& template_names) {
    Scopes scopes;
    scopes.list.emplace_back();
    scopes.of_group.assign(g.groups.size(), 0);
    if (g.groups.size() == 1) return scopes;
    UniqueNames task_names;
    task_names.reserve(g.tasks.size());
    for (const auto& t : g.tasks) task_names.take(t.name);
    for (const auto& numbered : backends::number_groups(g, has_hooks)) {
        const Group& group = g.groups[numbered.group];
        if (group.items && is_list(group.items->type)) {
            throw Error("parallel_for over " + artifact_list_unsupported(group.items->type), Where{.pipeline = g.name});
        }
        const int parent = scopes.of_group[group.parent];
        if (group.kind == GroupKind::Branches) {
            scopes.of_group[numbered.group] = parent;
            continue;
        }
        Scope scope;
        scope.parent = parent;
        scope.depth = scopes.list[parent].depth + 1;
        scope.group = numbered.group;
        scope.task_name = task_names.claim(std::string(backends::group_base_name(group)) + "-" + std::to_string(numbered.number));
        scope.template_name = template_names.claim(scope.task_name);
        scopes.list.push_back(std::move(scope));
        scopes.of_group[numbered.group] = static_cast<int>(scopes.list.size() - 1);
    }
    return scopes;
}

// What the root and every nested pipeline share: the template list and its names.
struct Emission {
    const Options& options;
    const EngineProfile& engine;
    const Graph* root;
    UniqueNames template_names{};
    Node templates = Node::seq();
    // Container templates by component and task settings: tasks with equal keys share one, also
    // across the pipelines that nest each other.
    std::unordered_map<std::string, std::string> template_by_key{};
};

// Template `arguments` or `inputs`: parameters and artifacts, each only if there are any.
Node args_of(Node params, Node artifacts) {
    Node args = Node::map();
    if (!params.empty()) args.set("parameters", std::move(params));
    if (!artifacts.empty()) args.set("artifacts", std::move(artifacts));
    return args;
}

// A pipeline's DAG template outputs: what it returns, read from its body's tasks.
Node pipeline_outputs(const Ctx& c) {
    const Graph& g = c.g;
    Node params = Node::seq(), artifacts = Node::seq();
    for (const auto& out : g.outputs) {
        const Expr& e = *out.value;
        if (is_list(e.type)) {
            throw Error("output '" + out.name + "': " + artifact_list_unsupported(e.type), Where{.pipeline = g.name});
        }
        if (auto* col = e.as<node::Collected>()) {
            params.push(Node::map().set("name", out.name).set("valueFrom", Node::map().set("parameter", c.collected_ref(*col))));
            continue;
        }
        if (e.as<node::OneOf>()) {
            params.push(Node::map().set("name", out.name).set("valueFrom", Node::map().set("expression", c.one_of_expr(e))));
            continue;
        }
        const auto* o = e.as<node::TaskOutput>();
        const Task& producer = g.tasks[o->task];
        if (g.component_of(producer).importer) {
            throw Error("output '" + out.name + "' returns an importer's artifact, which is no step on Argo: read it from its URI",
                        Where{.pipeline = g.name});
        }
        if (is_artifact(e.type)) {
            artifacts.push(Node::map().set("name", out.name).set("from", c.output_ref(0, *o, true)));
        } else {
            params.push(Node::map().set("name", out.name).set("valueFrom", Node::map().set("parameter", c.output_ref(0, *o, false))));
        }
    }
    return args_of(std::move(params), std::move(artifacts));
}

// Appends the templates of pipeline `g` to `em`: its DAG (`name`), its exit DAG (`exit_name`, with
// hooks), the DAGs of its groups, its containers, then those of the pipelines it nests.
void emit_pipeline(Emission& em, const Graph& g, const std::string& name, const std::string& exit_name) {
    const Options& options = em.options;
    UniqueNames& template_names = em.template_names;
    const bool has_hooks = !exit_name.empty();
    Scopes scopes = make_scopes(g, has_hooks, template_names);
    const Ctx ctx{g, options, em.engine, &scopes, &g != em.root, em.root->schedule.has_value()};
    Node templates = Node::seq();
    templates.push(Node());  // the entry DAG, filled in below
    if (has_hooks) templates.push(Node());  // the exit DAG
    const std::size_t first_scope_template = templates.items().size();
    for (std::size_t s = 1; s < scopes.list.size(); ++s) templates.push(Node());  // the branches' DAGs
    Node exit_tasks = Node::seq();
    scopes.list[0].tasks.items().reserve(g.tasks.size());

    std::vector<const std::string*> deps;
    // A task waits for what an importer it reads would have waited for, since importers are
    // not steps on Argo.
    std::function<void(const Task&, const Task&)> wait_for = [&](const Task& t, const Task& dep) {
        if (g.component_of(dep).importer) {
            for (TaskId d : dep.deps) wait_for(t, g.tasks[d]);
            return;
        }
        if (t.hook != Hook::None) {
            // Hooks run in the exit DAG after the body: only their order among themselves remains.
            if (dep.hook != Hook::None) deps.push_back(&dep.name);
            return;
        }
        auto [waiter, name] = backends::lift_dependency(scopes.list, ctx.scope_of(t), ctx.scope_of(dep), dep.name);
        (waiter < 0 ? deps : scopes.list[waiter].deps).push_back(name);
    };
    std::unordered_map<const Graph*, std::string> nested_names;
    std::vector<std::pair<const Graph*, const std::string*>> nested;
    for (TaskId id : g.topo_order) {
        const Task& t = g.tasks[id];
        if (g.component_of(t).importer) continue;
        if (const auto& sub = g.component_of(t).pipeline) {
            auto [it, inserted] = nested_names.try_emplace(sub.get());
            if (inserted) {
                it->second = template_names.claim(sanitize_k8s_name(sub->name));
                nested.emplace_back(sub.get(), &it->second);
            }
            deps.clear();
            for (TaskId d : t.deps) wait_for(t, g.tasks[d]);
            scopes.list[ctx.scope_of(t)].tasks.push(dag_task(ctx, t, it->second, deps));
            continue;
        }
        const Component& c = g.component_of(t);
        const void* identity = c.identity ? c.identity.get() : &c;
        std::string key = std::to_string(reinterpret_cast<std::uintptr_t>(identity)) + '#' + settings_key(g, t);
        auto [it, inserted] = em.template_by_key.try_emplace(std::move(key));
        if (inserted) {
            it->second = template_names.claim(sanitize_k8s_name(g.component_of(t).name));
            templates.push(container_template(g, t, it->second, ctx.expressions()));
        }
        deps.clear();
        for (TaskId d : t.deps) wait_for(t, g.tasks[d]);
        Node task = dag_task(ctx, t, it->second, deps);
        (t.hook == Hook::None ? scopes.list[ctx.scope_of(t)].tasks : exit_tasks).push(std::move(task));
    }
    // Conditions and loop sources first: they may add inputs to the DAGs around them.
    std::vector<std::string> whens(scopes.list.size());
    std::vector<std::pair<const char*, Node>> loop_sources(scopes.list.size());
    for (std::size_t s = 1; s < scopes.list.size(); ++s) {
        const Group& group = g.groups[scopes.list[s].group];
        const int parent = scopes.list[s].parent;
        if (group.condition) append_when(whens[s], ctx, parent, *group.condition);
        if (!group.items) continue;
        if (auto* lit = group.items->as<node::Literal>()) {
            loop_sources[s] = {"withItems", lit->value};
        } else if (auto* p = group.items->as<node::Param>()) {
            loop_sources[s] = {"withParam", Node(ctx.param_ref(parent, p->name))};
        } else if (group.items->as<node::LoopItem>() || group.items->as<node::Field>()) {
            loop_sources[s] = {"withParam", Node(ctx.item_ref(parent, *group.items))};
        } else {
            loop_sources[s] = {"withParam", Node(ctx.output_ref(parent, *group.items->as<node::TaskOutput>(), false))};
        }
    }
    // Each group's task joins its parent's DAG before any DAG template is built.
    std::vector<Node> wrappers;
    for (std::size_t s = 1; s < scopes.list.size(); ++s) {
        Scope& scope = scopes.list[s];
        const std::int64_t parallelism = g.groups[scope.group].parallelism;
        const bool wrapped = loop_sources[s].first && parallelism > 0;
        const std::string wrapper_name = wrapped ? template_names.claim(scope.template_name + "-parallelism") : std::string();
        Node task = Node::map().set("name", scope.task_name).set("template", wrapped ? wrapper_name : scope.template_name);
        if (!scope.deps.empty()) task.set("depends", depends_text(scope.deps, false));
        if (!whens[s].empty()) task.set("when", std::move(whens[s]));
        if (wrapped) {
            // Argo limits parallelism per template, so a limited loop runs in a DAG of its own
            // with `parallelism`, which passes its inputs on to each iteration and passes the
            // lists of their outputs back.
            Node outer_params = Node::seq(), inner_params = Node::seq(), inputs = Node::seq();
            for (auto& arg : scope.args.items()) {
                const std::string name = arg.find("name")->as_string();
                if (scope.item_inputs.count(name)) {
                    inner_params.push(std::move(arg));
                    continue;
                }
                inputs.push(Node::map().set("name", name));
                inner_params.push(Node::map().set("name", name).set("value", "{{inputs.parameters." + name + "}}"));
                outer_params.push(std::move(arg));
            }
            Node outer_artifacts = Node::seq(), inner_artifacts = Node::seq(), input_artifacts = Node::seq();
            for (auto& arg : scope.arg_artifacts.items()) {
                const std::string name = arg.find("name")->as_string();
                input_artifacts.push(Node::map().set("name", name));
                inner_artifacts.push(Node::map().set("name", name).set("from", "{{inputs.artifacts." + name + "}}"));
                outer_artifacts.push(std::move(arg));
            }
            Node& source = loop_sources[s].second;
            if (source.kind() == Node::Kind::String) {
                inputs.push(Node::map().set("name", "loop-items"));
                outer_params.push(Node::map().set("name", "loop-items").set("value", std::move(source)));
                source = Node("{{inputs.parameters.loop-items}}");
            }
            Node inner = Node::map().set("name", scope.task_name).set("template", scope.template_name);
            inner.set(loop_sources[s].first, std::move(source));
            if (Node args = args_of(std::move(inner_params), std::move(inner_artifacts)); !args.empty()) inner.set("arguments", std::move(args));
            Node wrapper = Node::map().set("name", wrapper_name);
            if (!inputs.empty() || !input_artifacts.empty()) wrapper.set("inputs", args_of(std::move(inputs), std::move(input_artifacts)));
            if (!scope.outputs.empty()) {
                Node outputs = Node::seq();
                for (const auto& out : scope.outputs.items()) {
                    const std::string& name = out.find("name")->as_string();
                    outputs.push(Node::map().set("name", name).set(
                        "valueFrom", Node::map().set("parameter", "{{tasks." + scope.task_name + ".outputs.parameters." + name + "}}")));
                }
                wrapper.set("outputs", Node::map().set("parameters", std::move(outputs)));
            }
            wrapper.set("parallelism", parallelism);
            wrapper.set("dag", Node::map().set("tasks", Node::seq({std::move(inner)})));
            wrappers.push_back(std::move(wrapper));
            if (Node args = args_of(std::move(outer_params), std::move(outer_artifacts)); !args.empty()) task.set("arguments", std::move(args));
        } else {
            if (loop_sources[s].first) task.set(loop_sources[s].first, std::move(loop_sources[s].second));
            if (Node args = args_of(std::move(scope.args), std::move(scope.arg_artifacts)); !args.empty()) task.set("arguments", std::move(args));
        }
        scopes.list[scope.parent].tasks.push(std::move(task));
    }
    for (std::size_t s = 1; s < scopes.list.size(); ++s) {
        Scope& scope = scopes.list[s];
        Node tmpl = Node::map().set("name", scope.template_name);
        if (!scope.inputs.empty() || !scope.input_artifacts.empty()) {
            Node inputs = Node::map();
            if (!scope.inputs.empty()) inputs.set("parameters", std::move(scope.inputs));
            if (!scope.input_artifacts.empty()) inputs.set("artifacts", std::move(scope.input_artifacts));
            tmpl.set("inputs", std::move(inputs));
        }
        if (!scope.outputs.empty()) tmpl.set("outputs", Node::map().set("parameters", std::move(scope.outputs)));
        tmpl.set("dag", Node::map().set("tasks", std::move(scope.tasks)));
        templates.items()[first_scope_template + s - 1] = std::move(tmpl);
    }
    // The parallelism wrappers go right after the DAG templates (before the containers).
    templates.items().insert(templates.items().begin() + static_cast<std::ptrdiff_t>(first_scope_template + scopes.list.size() - 1),
                             std::make_move_iterator(wrappers.begin()), std::make_move_iterator(wrappers.end()));
    Node entry = Node::map().set("name", name);
    if (ctx.nested) {
        Node params = Node::seq(), artifacts = Node::seq();
        for (const auto& p : g.params) {
            Node entry_param = Node::map().set("name", p.name);
            if (p.default_value) entry_param.set("default", literal_text(*p.default_value));
            (is_artifact(p.type) ? artifacts : params).push(std::move(entry_param));
        }
        if (Node inputs = args_of(std::move(params), std::move(artifacts)); !inputs.empty()) entry.set("inputs", std::move(inputs));
    }
    if (Node outputs = pipeline_outputs(ctx); !outputs.empty()) entry.set("outputs", std::move(outputs));
    templates.items()[0] = std::move(entry.set("dag", Node::map().set("tasks", std::move(scopes.list[0].tasks))));
    if (has_hooks) {
        templates.items()[1] = Node::map().set("name", exit_name).set("dag", Node::map().set("tasks", std::move(exit_tasks)));
    }
    for (auto& item : templates.items()) em.templates.push(std::move(item));
    for (const auto& [sub, sub_name] : nested) emit_pipeline(em, *sub, *sub_name, {});
}

// run::scheduled_at() in a pipeline that has no schedule, or in one it nests.
void reject_scheduled_at(const Graph& g) {
    for (const auto& t : g.tasks) {
        if (const auto& sub = g.component_of(t).pipeline) reject_scheduled_at(*sub);
        for (const auto& b : t.args) {
            for_each_node(*b.value, [&](const Expr& e) {
                if (auto* r = e.as<node::Run>(); r && r->field == RunField::ScheduledAt) no_schedule(g, t, b.input);
            });
        }
    }
}

// An importer is no step on Argo: it only hands its URI to the tasks that read it, so one that
// no task reads would vanish with its metadata. Nested pipelines are checked as they are.
void reject_unread_importers(const Graph& g) {
    std::vector<bool> read(g.tasks.size(), false);
    for (const Task& t : g.tasks)
        for (const Binding& b : t.args)
            for_each_node(*b.value, [&](const Expr& e) {
                if (auto* o = e.as<node::TaskOutput>(); o && o->owner == g.id) read[o->task] = true;
            });
    for (std::size_t id = 0; id < g.tasks.size(); ++id) {
        const Task& t = g.tasks[id];
        if (const auto& sub = g.component_of(t).pipeline) reject_unread_importers(*sub);
        if (g.component_of(t).importer && !read[id])
            throw Error("no task reads this importer's artifact; on Argo an importer is no step (there is no "
                        "artifact store to register it in), so it would be dropped: read it, or leave it out",
                        at(g, t));
    }
}

}  // namespace

void check(const Graph& g, const Options&) {
    if (!g.schedule) reject_scheduled_at(g);
    reject_unread_importers(g);
}

doc::Node emit(const Graph& g, const Options& options) {
    Emission em{options, profile(options.engine), &g};
    em.template_names.take(g.name);
    const bool has_hooks = std::any_of(g.tasks.begin(), g.tasks.end(), [](const Task& t) { return t.hook != Hook::None; });
    const std::string exit_name = has_hooks ? em.template_names.claim(g.name + "-exit") : std::string();
    emit_pipeline(em, g, g.name, exit_name);
    Node templates = std::move(em.templates);

    Node spec = Node::map();
    spec.set("entrypoint", g.name);
    if (has_hooks) spec.set("onExit", exit_name);
    if (!g.params.empty()) {
        Node params = Node::seq();
        for (const auto& p : g.params) {
            if (is_artifact(p.type)) {
                throw Error("artifact parameter '" + p.name + "' is not supported on the Argo target",
                            Where{.pipeline = g.name});
            }
            Node entry = Node::map().set("name", p.name);
            if (p.default_value) entry.set("value", literal_text(*p.default_value));
            if (!p.description.empty()) entry.set("description", p.description);
            params.push(std::move(entry));
        }
        spec.set("arguments", Node::map().set("parameters", std::move(params)));
    }
    if (!g.pipeline_root.empty() && g.artifact_repository_key.empty()) {
        throw Error("pipeline_root('" + g.pipeline_root + "') has no Argo form: name the Argo artifact repository "
                    "for the same place with artifact_repository(key)",
                    Where{.pipeline = g.name});
    }
    if (!g.artifact_repository_key.empty()) {
        Node ref = Node::map();
        if (!g.artifact_repository_config_map.empty()) ref.set("configMap", g.artifact_repository_config_map);
        spec.set("artifactRepositoryRef", std::move(ref.set("key", g.artifact_repository_key)));
    }
    spec.set("templates", std::move(templates));
    // Argo sets pull secrets for the whole workflow: every pod gets each task's.
    Node pull_secrets = Node::seq();
    std::unordered_set<std::string_view> seen_secrets;
    for (TaskId id : g.topo_order) {
        if (!g.tasks[id].pod) continue;
        for (const auto& s : g.tasks[id].pod->image_pull_secrets) {
            if (seen_secrets.insert(s).second) pull_secrets.push(Node::map().set("name", s));
        }
    }
    if (!pull_secrets.empty()) spec.set("imagePullSecrets", std::move(pull_secrets));

    Node annotations = Node::map();
    if (!g.display_name.empty()) annotations.set("workflows.argoproj.io/title", g.display_name);
    if (!g.description.empty()) annotations.set("workflows.argoproj.io/description", g.description);
    const bool cron_workflow = g.schedule && em.engine.schedule == ScheduleKind::CronWorkflow;
    if (g.schedule && !cron_workflow) {
        // KFP 1.8 takes only a Workflow; `pipecc deploy kfp` reads the schedule from here to make
        // the recurring run.
        annotations.set(std::string(kScheduleAnnotation), g.schedule->cron);
        annotations.set(std::string(kTimeZoneAnnotation), is_utc(g.schedule->time_zone) ? std::string("UTC") : g.schedule->time_zone);
    }
    // A CronWorkflow needs a fixed name; the workflows it starts get generated ones.
    Node metadata = Node::map().set(cron_workflow ? "name" : "generateName", cron_workflow ? g.name : g.name + "-");
    if (!annotations.empty()) metadata.set("annotations", std::move(annotations));

    Node doc = Node::map().set("apiVersion", "argoproj.io/v1alpha1");
    if (!cron_workflow) {
        doc.set("kind", "Workflow").set("metadata", std::move(metadata)).set("spec", std::move(spec));
        return doc;
    }
    // `schedules` (a list) exists from Argo 3.6, and 4.0 dropped the single `schedule`.
    Node cron = Node::map();
    cron.set("schedules", Node::seq({g.schedule->cron}));
    cron.set("timezone", is_utc(g.schedule->time_zone) ? std::string("UTC") : g.schedule->time_zone);
    cron.set("workflowSpec", std::move(spec));
    doc.set("kind", "CronWorkflow").set("metadata", std::move(metadata)).set("spec", std::move(cron));
    return doc;
}

}  // namespace pipecc::argo
