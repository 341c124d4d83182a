#include <algorithm>
#include <optional>
#include <unordered_set>

#include "pipecc/backends/kfp.hpp"
#include "pipecc/error.hpp"
#include "pipecc/graph/passes.hpp"
#include "pipecc/graph/unique_names.hpp"
#include "../kubernetes_objects.hpp"
#include "../condition_text.hpp"
#include "../scope_tree.hpp"

namespace pipecc::kfp {
namespace {

using namespace graph;
using doc::Node;

// Keys in byte order, as the kfp SDK writes them.
constexpr doc::WriteOptions kWriteOptions{.sort_keys = true};

std::string_view parameter_type(Type t) {
    switch (t) {
        case Type::String:
        case Type::Timestamp: return "STRING";
        case Type::Int: return "NUMBER_INTEGER";
        case Type::Float: return "NUMBER_DOUBLE";
        case Type::Bool: return "BOOLEAN";
        case Type::List: return "LIST";
        case Type::Struct: return "STRUCT";
        default: throw InternalError("parameter_type of an artifact type");
    }
}

std::string schema_title(Type t) { return "system." + std::string(type_name(element_type(t))); }

// IR literals are protobuf Values, whose numbers are doubles: the kfp SDK writes 2 as 2.0.
Node ir_value(const Node& v) {
    switch (v.kind()) {
        case Node::Kind::Int: return Node(static_cast<double>(v.as_int()));
        case Node::Kind::Seq: {
            Node out = Node::seq();
            for (const auto& item : v.items()) out.push(ir_value(item));
            return out;
        }
        case Node::Kind::Map: {
            Node out = Node::map();
            for (const auto& e : v.entries()) out.set(e.key, ir_value(e.value));
            return out;
        }
        default: return v;
    }
}

Node artifact_type(Type t) {
    return Node::map().set("schemaTitle", schema_title(t)).set("schemaVersion", "0.0.1");
}

// An artifact's entry in inputDefinitions or outputDefinitions: its type, and whether it is a list.
Node artifact_def(Type t) {
    Node def = Node::map().set("artifactType", artifact_type(t));
    if (is_list(t)) def.set("isArtifactList", true);
    return def;
}

// A DAG output artifact: output `key` of the DAG's task `producer`.
Node artifact_selectors(const std::string& key, const std::string& producer) {
    return Node::map().set("artifactSelectors",
                           Node::seq({Node::map().set("outputArtifactKey", key).set("producerSubtask", producer)}));
}

// inputDefinitions / outputDefinitions; null when there are no ports.
Node port_definitions(const std::vector<Port>& ports) {
    Node params = Node::map();
    Node artifacts = Node::map();
    for (const auto& p : ports) {
        Node def = Node::map();
        if (is_artifact(p.type)) {
            def = artifact_def(p.type);
        } else {
            def.set("parameterType", parameter_type(p.type));
            if (p.default_value) def.set("defaultValue", ir_value(*p.default_value));
        }
        if (p.optional || p.default_value) def.set("isOptional", true);
        if (!p.description.empty()) def.set("description", p.description);
        (is_artifact(p.type) ? artifacts : params).set(p.name, std::move(def));
    }
    if (params.empty() && artifacts.empty()) return Node();
    Node out = Node::map();
    if (!params.empty()) out.set("parameters", std::move(params));
    if (!artifacts.empty()) out.set("artifacts", std::move(artifacts));
    return out;
}

// Component placeholders in a command line, as the KFP launcher substitutes them.
void append_command_text(std::string& out, const Component& c, const Expr& e) {
    if (auto* lit = e.as<node::Literal>()) {
        out += scalar_text(lit->value);
    } else if (auto* s = e.as<node::ToString>()) {
        append_command_text(out, c, *s->value);
    } else if (auto* v = e.as<node::InputValue>()) {
        // A list of artifacts has no single path: the launcher gives its JSON description.
        const bool list = is_list(c.find_input(v->input)->type);
        out += (list ? "{{$.inputs.artifacts['" : "{{$.inputs.parameters['") + v->input + "']}}";
    } else if (auto* p = e.as<node::InputPath>()) {
        out += "{{$.inputs.artifacts['" + p->input + "'].path}}";
    } else if (auto* o = e.as<node::OutputPath>()) {
        const bool artifact = is_artifact(c.find_output(o->output)->type);
        out += artifact ? "{{$.outputs.artifacts['" + o->output + "'].path}}"
                        : "{{$.outputs.parameters['" + o->output + "'].output_file}}";
    } else if (auto* cat = e.as<node::Concat>()) {
        for (const auto& part : cat->parts) append_command_text(out, c, *part);
    } else {
        throw InternalError("unexpected expression in a command line: " + to_debug_string(e));
    }
}

// A JSON string as Python's json.dumps writes it (ensure_ascii), which is what the kfp SDK puts
// inside its `{"IfPresent": ...}` items.
void append_json_string(std::string& out, std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    auto escape = [&](std::uint32_t u) {
        out += "\\u";
        for (int shift = 12; shift >= 0; shift -= 4) out += hex[(u >> shift) & 0xF];
    };
    out += '"';
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            switch (c) {
                case '"': out += "\\\""; break;
                case '\\': out += "\\\\"; break;
                case '\n': out += "\\n"; break;
                case '\r': out += "\\r"; break;
                case '\t': out += "\\t"; break;
                case '\b': out += "\\b"; break;
                case '\f': out += "\\f"; break;
                default:
                    if (c < 0x20 || c == 0x7F) {
                        escape(c);
                    } else {
                        out += static_cast<char>(c);
                    }
            }
            ++i;
            continue;
        }
        // Decode one UTF-8 sequence (the loaders only admit valid UTF-8).
        const int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        std::uint32_t cp = c & (len == 4 ? 0x07 : len == 3 ? 0x0F : 0x1F);
        for (int k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
        i += len;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            escape(0xD800 + (cp >> 10));
            escape(0xDC00 + (cp & 0x3FF));
        } else {
            escape(cp);
        }
    }
    out += '"';
}

// The kfp SDK's IfPresentPlaceholder: one command-line item holding JSON that the KFP driver
// expands to the Then or Else items, e.g.
// {"IfPresent": {"InputName": "x", "Then": ["--x", "{{$.inputs.parameters['x']}}"]}}
std::string if_present_text(const Component& c, const node::IfPresent& p) {
    auto list = [&](const std::vector<ExprPtr>& items) {
        std::string out = "[";
        for (std::size_t i = 0; i < items.size(); ++i) {
            std::string text;
            append_command_text(text, c, *items[i]);
            if (i) out += ", ";
            append_json_string(out, text);
        }
        return out + "]";
    };
    std::string out = "{\"IfPresent\": {\"InputName\": ";
    append_json_string(out, p.input);
    out += ", \"Then\": " + list(p.then_args);
    if (!p.else_args.empty()) out += ", \"Else\": " + list(p.else_args);
    return out + "}}";
}

Node command_line(const Component& c, const std::vector<ExprPtr>& parts) {
    Node out = Node::seq();
    for (const auto& part : parts) {
        if (auto* p = part->as<node::IfPresent>()) {
            out.push(if_present_text(c, *p));
            continue;
        }
        std::string text;
        append_command_text(text, c, *part);
        out.push(std::move(text));
    }
    return out;
}

std::string_view run_placeholder(const Graph& g, const Task& t, RunField f) {
    switch (f) {
        case RunField::CreatedAt: return "{{$.pipeline_job_create_time_utc}}";
        case RunField::ScheduledAt: return "{{$.pipeline_job_schedule_time_utc}}";
        case RunField::RunName: return "{{$.pipeline_job_name}}";
        case RunField::RunId: return "{{$.pipeline_job_uuid}}";
        case RunField::TaskName: return "{{$.pipeline_task_name}}";
        case RunField::Failures:
            throw Error("run::failures() exists only on Argo; on KFP read run::status()",
                        Where{.pipeline = g.name, .task = t.name});
        default:
            throw Error(std::string(run_field_name(f)) + " has no KFP placeholder",
                        Where{.pipeline = g.name, .task = t.name});
    }
}

// The normalised final status, computed by the KFP driver from the exit handler's
// PipelineTaskFinalStatus (MLMD states on KFP, pipeline states on Vertex) with a CEL selector.
constexpr const char* kStatusSelector =
    "struct_value.state in ['COMPLETE', 'CACHED', 'SUCCEEDED'] ? 'Succeeded' : "
    "struct_value.state == 'FAILED' ? 'Failed' : "
    "struct_value.state in ['CANCELED', 'CANCELLED', 'CANCELING', 'CANCELLING'] ? 'Cancelled' : 'Error'";
constexpr const char* kStatusChannel = "pipelinechannel--run-status";

// A sub-DAG of the IR: the exit handler's body, an If's branches, or one branch. Values from
// outside reach its tasks through `pipelinechannel--…` inputs, which its own task binds in the
// parent DAG, as the kfp SDK writes them.
struct Scope {
    int parent = -1;  // -1: the root DAG
    int depth = 0;
    std::string task_name{};  // its task in the parent DAG
    std::string component{};  // comp-…
    GroupId group = 0;        // 0 for the root and the exit handler
    std::string item_channel{};  // a loop's: the input that holds the current item
    Node outputs = Node::map();  // dag.outputs parameters: collected() and one_of() values it exports
    Node output_defs = Node::map();
    Node artifact_outputs = Node::map();  // dag.outputs artifacts: collected() artifacts it exports
    Node artifact_output_defs = Node::map();
    Node tasks = Node::map();
    int one_ofs = 0;                         // a Branches group's: one_of() values so far
    std::vector<const std::string*> deps{};  // names of the tasks its task waits for
    Node input_params = Node::map();         // channel -> binding in the parent
    Node input_artifacts = Node::map();
    Node param_defs = Node::map();  // channel -> inputDefinitions entry
    Node artifact_defs = Node::map();
    std::unordered_set<std::string> channels{};
};

// What tasks need from their surroundings: the scope each task is in, and, with hooks, the
// outputs of body tasks that the exit handler exports to them.
struct Context {
    const Graph& g;
    bool has_hooks = false;
    std::string exit_handler{};  // the sub-DAG task's name
    std::vector<Scope> scopes{};  // [0] is the root
    std::vector<int> scope_of_group{};
    int body = 0;  // where tasks of group 0 go: the exit handler's scope with hooks, else the root
    std::vector<std::pair<std::string, const node::TaskOutput*>> exports{};
    std::unordered_map<const Expr*, std::string> one_of_keys{};
    std::vector<Type> export_types{};

    int scope_of(const Task& t) const { return t.hook != Hook::None ? 0 : scope_of_group[t.group]; }

    // Declares channel `name` as an input of scope `s`, bound in the parent by `binding()`.
    template <class Binding>
    void declare(int s, const std::string& name, Type type, Binding&& binding) {
        Scope& scope = scopes[s];
        if (!scope.channels.insert(name).second) return;
        if (is_artifact(type)) {
            scope.input_artifacts.set(name, binding());
            scope.artifact_defs.set(name, artifact_def(type));
        } else {
            scope.input_params.set(name, binding());
            scope.param_defs.set(name, Node::map().set("parameterType", parameter_type(type)));
        }
    }

    // The input name under which scope `s` sees pipeline parameter `name`.
    std::string param_in(int s, const std::string& name) {
        if (s == 0) return name;
        const std::string channel = "pipelinechannel--" + name;
        const Port* p = g.find_param(name);
        declare(s, channel, p->type, [&] {
            const std::string outer = param_in(scopes[s].parent, name);
            return Node::map().set(is_artifact(p->type) ? "componentInputArtifact" : "componentInputParameter", outer);
        });
        return channel;
    }

    // How scope `s` refers to output `o`: directly in the producer's scope, else through a channel
    // of each scope between (the checks ensure the producer's scope encloses `s`).
    Node output_in(int s, const node::TaskOutput& o, Type type) {
        const Task& producer = g.tasks[o.task];
        if (scope_of(producer) == s) {
            const bool artifact = is_artifact(type);
            return Node::map().set(artifact ? "taskOutputArtifact" : "taskOutputParameter",
                                   Node::map()
                                       .set(artifact ? "outputArtifactKey" : "outputParameterKey", o.output)
                                       .set("producerTask", producer.name));
        }
        return Node::map().set(is_artifact(type) ? "componentInputArtifact" : "componentInputParameter",
                               output_channel(s, o, type));
    }

    std::string output_channel(int s, const node::TaskOutput& o, Type type) {
        const std::string channel = "pipelinechannel--" + g.tasks[o.task].name + "-" + o.output;
        declare(s, channel, type, [&] { return output_in(scopes[s].parent, o, type); });
        return channel;
    }

    // The input name under which scope `s` sees the current item of loop group `loop`.
    std::string item_in(int s, GroupId loop) {
        const int loop_scope = scope_of_group[loop];
        const std::string& channel = scopes[loop_scope].item_channel;
        if (s == loop_scope) return channel;
        const Type type = g.groups[loop].item_type;
        declare(s, channel, type, [&] {
            return Node::map().set(is_artifact(type) ? "componentInputArtifact" : "componentInputParameter",
                                   item_in(scopes[s].parent, loop));
        });
        return channel;
    }

    // How scope `s` reads `e`, a loop item or a field of one, as a whole input.
    Node item_ref(int s, const Expr& e) {
        if (auto* f = e.as<node::Field>()) {
            const auto* item = f->value->as<node::LoopItem>();
            return Node::map()
                .set("componentInputParameter", item_in(s, item->loop))
                .set("parameterExpressionSelector", field_selector(f->name));
        }
        const GroupId loop = e.as<node::LoopItem>()->loop;
        return Node::map().set(is_artifact(e.type) ? "componentInputArtifact" : "componentInputParameter", item_in(s, loop));
    }

    static std::string field_selector(const std::string& field) {
        std::string out = "parseJson(string_value)[";
        append_json_string(out, field);
        return out + "]";
    }

    // The channel name of a loop item or field for CEL and longer strings: the item's own, or
    // kfp's `…-loop-item-subvar-<field>`, declared with its selector on scope `s`.
    std::string item_channel_in(int s, const Expr& e) {
        auto* f = e.as<node::Field>();
        if (!f) return item_in(s, e.as<node::LoopItem>()->loop);
        const GroupId loop = f->value->as<node::LoopItem>()->loop;
        const std::string channel = scopes[scope_of_group[loop]].item_channel + "-subvar-" + f->name;
        declare(s, channel, e.type, [&] { return item_ref(scopes[s].parent, e); });
        return channel;
    }

    // A collected() output, read in scope `reader`: the loop's sub-DAG exports the list, of
    // parameters (`valueFromParameter`) or of artifacts (`artifactSelectors`, `isArtifactList`).
    // Read after loops around that loop, each of them exports the list of the one inside it.
    Node collected_ref(const node::Collected& c, Type type, int reader) {
        const auto* o = c.value->as<node::TaskOutput>();
        const std::string key = "pipelinechannel--" + g.tasks[o->task].name + "-" + o->output;
        const bool artifact = is_artifact(type);
        const std::string* producer = &g.tasks[o->task].name;
        const std::string* output = &o->output;
        for (int s = scope_of_group[g.tasks[o->task].group];; s = scopes[s].parent) {
            if (s <= 0) throw InternalError("collected() read outside the loops around its task");
            Scope& loop = scopes[s];
            if (artifact && !loop.artifact_outputs.find(key)) {
                loop.artifact_outputs.set(key, artifact_selectors(*output, *producer));
                loop.artifact_output_defs.set(key, artifact_def(type));
            } else if (!artifact && !loop.outputs.find(key)) {
                loop.outputs.set(key, Node::map().set("valueFromParameter", Node::map()
                                                                                     .set("outputParameterKey", *output)
                                                                                     .set("producerSubtask", *producer)));
                loop.output_defs.set(key, Node::map().set("parameterType", parameter_type(type)));
            }
            if (loop.parent == reader) {
                return Node::map().set(artifact ? "taskOutputArtifact" : "taskOutputParameter",
                                       Node::map()
                                           .set(artifact ? "outputArtifactKey" : "outputParameterKey", key)
                                           .set("producerTask", loop.task_name));
            }
            producer = &loop.task_name;
            output = &key;
        }
    }

    // one_of(): each branch's sub-DAG exports its value, and the sub-DAG of the branches picks
    // the one that ran (`valueFromOneof`), named `pipelinechannel--<branches>-oneof-N`.
    Node one_of_ref(const Expr& e) {
        const auto& one = *e.as<node::OneOf>();
        const Task& first = g.tasks[one.values.front()->as<node::TaskOutput>()->task];
        Scope& branches = scopes[scope_of_group[g.groups[first.group].parent]];
        auto [it, inserted] = one_of_keys.try_emplace(&e);
        if (inserted) {
            it->second = "pipelinechannel--" + branches.task_name + "-oneof-" + std::to_string(++branches.one_ofs);
            Node selectors = Node::seq();
            for (const auto& v : one.values) {
                const auto* o = v->as<node::TaskOutput>();
                const Task& producer = g.tasks[o->task];
                Scope& branch = scopes[scope_of_group[producer.group]];
                const std::string key = "pipelinechannel--" + producer.name + "-" + o->output;
                if (!branch.outputs.find(key)) {
                    branch.outputs.set(key, Node::map().set("valueFromParameter", Node::map()
                                                                                      .set("outputParameterKey", o->output)
                                                                                      .set("producerSubtask", producer.name)));
                    branch.output_defs.set(key, Node::map().set("parameterType", parameter_type(e.type)));
                }
                selectors.push(Node::map().set("outputParameterKey", key).set("producerSubtask", branch.task_name));
            }
            branches.outputs.set(it->second, Node::map().set("valueFromOneof", Node::map().set("parameterSelectors", std::move(selectors))));
            branches.output_defs.set(it->second, Node::map().set("parameterType", parameter_type(e.type)));
        }
        return Node::map().set("taskOutputParameter",
                               Node::map().set("outputParameterKey", it->second).set("producerTask", branches.task_name));
    }

    // The key under which the exit handler exports a body output to a hook.
    std::string exported(const node::TaskOutput& o, Type type) {
        const std::string key = g.tasks[o.task].name + "-" + o.output;
        const bool known = std::any_of(exports.begin(), exports.end(), [&](const auto& e) { return e.first == key; });
        if (!known) {
            exports.emplace_back(key, &o);
            export_types.push_back(type);
        }
        return key;
    }
};

Node final_status(const std::string& exit_handler) {
    return Node::map()
        .set("taskFinalStatus", Node::map().set("producerTask", exit_handler))
        .set("parameterExpressionSelector", kStatusSelector);
}

// Builds one task's `inputs`. A value that is not a single reference becomes a runtime constant
// whose `{{$.inputs.parameters['pipelinechannel--…']}}` references name extra task inputs; the
// backend substitutes those inside longer strings (run-time placeholders it does not).
class TaskInputs {
public:
    TaskInputs(Context& ctx, const Task& t) : ctx_(ctx), g_(ctx.g), t_(t) {}

    void bind(const std::string& input, const Expr& e) {
        if (auto* o = e.as<node::TaskOutput>()) {
            (is_artifact(e.type) ? artifacts_ : params_).set(input, output_ref(*o, e.type));
        } else if (auto* p = e.as<node::Param>()) {
            const std::string name = ctx_.param_in(ctx_.scope_of(t_), p->name);
            if (is_artifact(e.type)) {
                artifacts_.set(input, Node::map().set("componentInputArtifact", name));
            } else {
                params_.set(input, Node::map().set("componentInputParameter", name));
            }
        } else if (auto* lit = e.as<node::Literal>()) {
            params_.set(input, constant(ir_value(lit->value)));
        } else if (e.as<node::LoopItem>() || e.as<node::Field>()) {
            (is_artifact(e.type) ? artifacts_ : params_).set(input, ctx_.item_ref(ctx_.scope_of(t_), e));
        } else if (auto* c = e.as<node::Collected>()) {
            (is_artifact(e.type) ? artifacts_ : params_).set(input, ctx_.collected_ref(*c, e.type, ctx_.scope_of(t_)));
        } else if (e.as<node::OneOf>()) {
            params_.set(input, ctx_.one_of_ref(e));
        } else if (auto* r = e.as<node::Run>(); r && r->field == RunField::Status) {
            params_.set(input, final_status(ctx_.exit_handler));
        } else if (auto* r = e.as<node::Run>()) {
            params_.set(input, constant(Node(run_placeholder(g_, t_, r->field))));
        } else {
            std::string text;
            append_text(text, e, input);
            params_.set(input, constant(Node(std::move(text))));
        }
    }

    Node take() {
        for (auto& [name, spec] : channels_) params_.set(name, std::move(spec));
        Node out = Node::map();
        if (!params_.empty()) out.set("parameters", std::move(params_));
        if (!artifacts_.empty()) out.set("artifacts", std::move(artifacts_));
        return out;
    }

private:
    // A reference to a task's output. A hook reads a body task's output through the exit
    // handler's exported outputs, since the body runs inside that sub-DAG.
    Node output_ref(const node::TaskOutput& o, Type type) {
        const bool from_body = t_.hook != Hook::None && g_.tasks[o.task].hook == Hook::None;
        if (!from_body) return ctx_.output_in(ctx_.scope_of(t_), o, type);
        const std::string& producer = ctx_.exit_handler;
        const std::string key = ctx_.exported(o, type);
        if (is_artifact(type)) {
            return Node::map().set("taskOutputArtifact",
                                   Node::map().set("outputArtifactKey", key).set("producerTask", producer));
        }
        return Node::map().set("taskOutputParameter",
                               Node::map().set("outputParameterKey", key).set("producerTask", producer));
    }

    static Node constant(Node value) { return Node::map().set("runtimeValue", Node::map().set("constant", std::move(value))); }

    void append_text(std::string& out, const Expr& e, const std::string& input) {
        if (auto* lit = e.as<node::Literal>()) {
            out += scalar_text(lit->value);
        } else if (auto* p = e.as<node::Param>()) {
            out += channel("pipelinechannel--" + p->name,
                           Node::map().set("componentInputParameter", ctx_.param_in(ctx_.scope_of(t_), p->name)));
        } else if (auto* o = e.as<node::TaskOutput>()) {
            out += channel("pipelinechannel--" + g_.tasks[o->task].name + "-" + o->output, output_ref(*o, e.type));
        } else if (auto* f = e.as<node::Field>()) {
            const GroupId loop = f->value->as<node::LoopItem>()->loop;
            const int scope = ctx_.scope_of(t_);
            out += channel(ctx_.scopes[ctx_.scope_of_group[loop]].item_channel + "-subvar-" + f->name, ctx_.item_ref(scope, e));
        } else if (auto* item = e.as<node::LoopItem>()) {
            out += channel(ctx_.scopes[ctx_.scope_of_group[item->loop]].item_channel, ctx_.item_ref(ctx_.scope_of(t_), e));
        } else if (auto* r = e.as<node::Run>(); r && r->field == RunField::Status) {
            out += channel(kStatusChannel, final_status(ctx_.exit_handler));
        } else if (auto* c = e.as<node::Concat>()) {
            for (const auto& part : c->parts) append_text(out, *part, input);
        } else if (auto* s = e.as<node::ToString>()) {
            append_text(out, *s->value, input);
        } else if (auto* r = e.as<node::Run>(); r && r->field == RunField::Failures) {
            run_placeholder(g_, t_, r->field);  // throws: Argo only
        } else if (auto* r = e.as<node::Run>()) {
            throw Error(std::string(run_field_name(r->field)) +
                            " is resolved by KFP only as an input's whole value, not inside a longer string",
                        Where{.pipeline = g_.name, .task = t_.name, .input = input});
        } else {
            throw Error("the KFP target cannot lower " + to_debug_string(e),
                        Where{.pipeline = g_.name, .task = t_.name, .input = input});
        }
    }

public:
    // Returns the placeholder text for a channel input, declaring the input once per task.
    // A parameter "a-o" and output "o" of task "a" would share a name: the later one gets a suffix.
    std::string channel(const std::string& name, Node spec) {
        std::string unique = name;
        for (int n = 2;; ++n) {
            auto it = std::find_if(channels_.begin(), channels_.end(), [&](const auto& c) { return c.first == unique; });
            if (it == channels_.end()) {
                channels_.emplace_back(unique, std::move(spec));
                break;
            }
            if (it->second == spec) break;
            unique = name + "-" + std::to_string(n);
        }
        return "{{$.inputs.parameters['" + unique + "']}}";
    }

private:
    Context& ctx_;
    const Graph& g_;
    const Task& t_;
    Node params_ = Node::map();
    Node artifacts_ = Node::map();
    std::vector<std::pair<std::string, Node>> channels_;
};

std::string seconds(std::int64_t s) { return std::to_string(s) + "s"; }

Node resources(const Resources& r) {
    Node out = Node::map();
    // The numeric fields are deprecated but still read by older backends; the kfp SDK writes both.
    auto add = [&](const std::string& q, const char* numeric, const char* text, double unit) {
        if (q.empty()) return;
        out.set(numeric, *parse_quantity(q) / unit);
        out.set(text, q);
    };
    add(r.cpu_limit, "cpuLimit", "resourceCpuLimit", 1);
    add(r.cpu_request, "cpuRequest", "resourceCpuRequest", 1);
    add(r.memory_limit, "memoryLimit", "resourceMemoryLimit", 1e9);
    add(r.memory_request, "memoryRequest", "resourceMemoryRequest", 1e9);
    if (!r.accelerator_type.empty()) {
        const std::string count = std::to_string(r.accelerator_count);
        out.set("accelerator", Node::map()
                                   .set("count", count)
                                   .set("resourceCount", count)
                                   .set("resourceType", r.accelerator_type)
                                   .set("type", r.accelerator_type));
    }
    return out;
}

// What every task of one component shares: built once per component, and shared (not copied)
// by each task's component and executor, so the YAML writer renders each part once.
struct ComponentParts {
    Node inputs;
    Node outputs;
    Node command;
    Node args;
    Node container;  // the executor's container when a task adds nothing to it
};

Node shared_or_null(Node n) { return n.is_null() ? Node() : Node::shared(std::move(n)); }

Node container_of(const Component& c, const Node& command, const Node& args) {
    Node container = Node::map();
    container.set("image", c.image);
    if (!command.is_null()) container.set("command", command);
    if (!args.is_null()) container.set("args", args);
    return container;
}

ComponentParts component_parts(const Component& c) {
    ComponentParts parts{shared_or_null(port_definitions(c.inputs)), shared_or_null(port_definitions(c.outputs)),
                         c.command.empty() ? Node() : Node::shared(command_line(c, c.command)),
                         c.args.empty() ? Node() : Node::shared(command_line(c, c.args)), Node()};
    parts.container = Node::shared(container_of(c, parts.command, parts.args));
    return parts;
}

Node executor(const Component& c, const ComponentParts& parts, const Task& t) {
    Node res = resources(t.requests_and_limits());
    if (c.env.empty() && t.env.empty() && res.empty()) return Node::map().set("container", parts.container);
    Node container = container_of(c, parts.command, parts.args);
    if (!c.env.empty() || !t.env.empty()) {
        Node env = Node::seq();
        for (const auto* list : {&c.env, &t.env}) {
            for (const auto& e : *list) env.push(Node::map().set("name", e.name).set("value", e.value));
        }
        container.set("env", std::move(env));
    }
    if (!res.empty()) container.set("resources", std::move(res));
    return Node::map().set("container", std::move(container));
}

// An importer's executor: the URI as a constant when it is a literal, else read from the task's
// `uri` input at run time.
Node importer_executor(const Component& c, const Task& t) {
    const auto binding = std::find_if(t.args.begin(), t.args.end(), [](const Binding& b) { return b.input == "uri"; });
    if (binding == t.args.end()) throw InternalError("an importer task without its uri");
    Node uri = Node::map();
    if (auto* lit = binding->value->as<node::Literal>()) {
        uri.set("constant", lit->value);
    } else {
        uri.set("runtimeParameter", "uri");
    }
    Node importer = Node::map().set("artifactUri", std::move(uri));
    if (!c.importer->metadata.is_null()) importer.set("metadata", ir_value(c.importer->metadata));
    if (c.importer->reimport) importer.set("reimport", true);
    importer.set("typeSchema", artifact_type(c.outputs.front().type));
    return Node::map().set("importer", std::move(importer));
}

// A Kubernetes object named by a constant: kfp-kubernetes writes the name in both its old field
// (read by backends before 2.4) and its `...Parameter` form (read by later ones).
void set_name(Node& entry, const char* field, const std::string& name) {
    entry.set(field, name);
    entry.set(std::string(field) + "Parameter", Node::map().set("runtimeValue", Node::map().set("constant", name)));
}

void add_pod_settings(Node& out, const PodSettings& pod) {
    auto list = [&](const char* key, auto& items, auto&& to_node) {
        if (items.empty()) return;
        Node seq = Node::seq();
        for (const auto& item : items) seq.push(to_node(item));
        out.set(key, std::move(seq));
    };
    list("secretAsVolume", pod.secret_volumes, [](const SecretVolume& v) {
        Node e = Node::map().set("mountPath", v.mount_path).set("optional", v.optional);
        set_name(e, "secretName", v.secret_name);
        return e;
    });
    list("configMapAsEnv", pod.config_map_env, [](const ConfigMapEnv& v) {
        Node e = Node::map().set("keyToEnv", Node::seq({Node::map().set("configMapKey", v.key).set("envVar", v.env_var)}));
        e.set("optional", v.optional);
        set_name(e, "configMapName", v.config_map);
        return e;
    });
    list("configMapAsVolume", pod.config_map_volumes, [](const ConfigMapVolume& v) {
        Node e = Node::map().set("mountPath", v.mount_path).set("optional", v.optional);
        set_name(e, "configMapName", v.config_map);
        return e;
    });
    list("pvcMount", pod.pvc_mounts, [](const PvcMount& v) {
        Node e = Node::map().set("constant", v.pvc_name).set("mountPath", v.mount_path);
        e.set("pvcNameParameter", Node::map().set("runtimeValue", Node::map().set("constant", v.pvc_name)));
        if (!v.sub_path.empty()) e.set("subPath", v.sub_path);
        return e;
    });
    list("genericEphemeralVolume", pod.ephemeral_volumes, [](const EphemeralVolume& v) {
        Node modes = Node::seq();
        for (const auto& m : v.access_modes) modes.push(m);
        Node e = Node::map().set("accessModes", std::move(modes));
        if (v.storage_class.empty()) {
            e.set("defaultStorageClass", true);
        }
        e.set("mountPath", v.mount_path).set("size", v.size);
        if (!v.storage_class.empty()) e.set("storageClassName", v.storage_class);
        e.set("volumeName", v.name);
        return e;
    });
    list("tolerations", pod.tolerations, [](const Toleration& t) {
        Node e = Node::map();
        if (!t.effect.empty()) e.set("effect", t.effect);
        if (!t.key.empty()) e.set("key", t.key);
        e.set("operator", t.op);
        if (t.seconds >= 0) e.set("tolerationSeconds", t.seconds);
        if (!t.value.empty()) e.set("value", t.value);
        return e;
    });
    list("nodeAffinity", pod.node_affinity, [](const NodeAffinity& a) {
        Node e = Node::map().set("matchExpressions", backends::match_expressions(a.match));
        if (a.weight != 0) e.set("weight", a.weight);
        return e;
    });
    if (!pod.labels.empty() || !pod.annotations.empty()) {
        Node meta = Node::map();
        auto pairs = [](const std::vector<std::pair<std::string, std::string>>& kv) {
            Node m = Node::map();
            for (const auto& [k, v] : kv) m.set(k, v);
            return m;
        };
        if (!pod.annotations.empty()) meta.set("annotations", pairs(pod.annotations));
        if (!pod.labels.empty()) meta.set("labels", pairs(pod.labels));
        out.set("podMetadata", std::move(meta));
    }
    list("imagePullSecret", pod.image_pull_secrets, [](const std::string& name) {
        Node e = Node::map();
        set_name(e, "secretName", name);
        return e;
    });
}

// kfp-kubernetes settings for one executor; empty when the task has none.
Node kubernetes_config(const Task& t) {
    Node out = Node::map();
    if (!t.node_selector.empty()) {
        Node labels = Node::map();
        for (const auto& [k, v] : t.node_selector) labels.set(k, v);
        out.set("nodeSelector", Node::map().set("labels", std::move(labels)));
    }
    if (!t.secret_env.empty()) {
        Node list = Node::seq();
        for (const auto& s : t.secret_env) {
            // secretName for backends before 2.4, secretNameParameter for later ones.
            list.push(Node::map()
                          .set("keyToEnv", Node::seq({Node::map().set("envVar", s.env_var).set("secretKey", s.secret_key)}))
                          .set("optional", s.optional)
                          .set("secretName", s.secret_name)
                          .set("secretNameParameter",
                               Node::map().set("runtimeValue", Node::map().set("constant", s.secret_name))));
        }
        out.set("secretAsEnv", std::move(list));
    }
    if (t.timeout_seconds > 0) out.set("activeDeadlineSeconds", t.timeout_seconds);
    if (t.pod) add_pod_settings(out, *t.pod);
    return out;
}


Node task_spec(Context& ctx, const Task& t, const std::string& component_name, std::vector<const std::string*>& deps) {
    const Graph& g = ctx.g;
    Node spec = Node::map();
    spec.set("taskInfo", Node::map().set("name", t.display_name));
    spec.set("componentRef", Node::map().set("name", component_name));
    TaskInputs inputs(ctx, t);
    for (const auto& b : t.args) inputs.bind(b.input, *b.value);
    if (t.hook == Hook::None) {
        if (!deps.empty()) spec.set("dependentTasks", backends::sorted_names(deps));
        if (t.ignore_upstream_failure) spec.set("triggerPolicy", Node::map().set("strategy", "ALL_UPSTREAM_TASKS_COMPLETED"));
    } else {
        // The KFP backend runs these as Argo exit hooks of the exit handler, which nothing else
        // can wait for; and the driver reads the final status from the first dependency.
        for (TaskId d : t.deps) {
            if (g.tasks[d].hook != Hook::None) {
                throw Error("on KFP, a hook task cannot wait for another hook task ('" + g.tasks[d].name + "')",
                            Where{.pipeline = g.name, .task = t.name});
            }
        }
        spec.set("dependentTasks", Node::seq({ctx.exit_handler}));
        Node trigger = Node::map().set("strategy", "ALL_UPSTREAM_TASKS_COMPLETED");
        if (t.hook != Hook::Exit) {
            inputs.channel(kStatusChannel, final_status(ctx.exit_handler));
            trigger.set("condition", "inputs.parameter_values['" + std::string(kStatusChannel) + "'] " +
                                         (t.hook == Hook::Success ? "==" : "!=") + " 'Succeeded'");
        }
        spec.set("triggerPolicy", std::move(trigger));
    }
    Node in = inputs.take();
    if (!in.empty()) spec.set("inputs", std::move(in));
    spec.set("cachingOptions", t.cache ? Node::map().set("enableCache", true) : Node::map());
    if (t.retry) {
        spec.set("retryPolicy", Node::map()
                                    .set("maxRetryCount", t.retry->max_retries)
                                    .set("backoffDuration", seconds(t.retry->backoff_seconds))
                                    .set("backoffFactor", t.retry->backoff_factor)
                                    .set("backoffMaxDuration", seconds(t.retry->backoff_max_seconds)));
    }
    return spec;
}

// JSON as Python's json.dumps writes it, which is how the kfp SDK writes a literal loop's items.
void append_python_json(std::string& out, const Node& v) {
    switch (v.kind()) {
        case Node::Kind::String: append_json_string(out, v.as_string()); break;
        case Node::Kind::Seq:
            out += '[';
            for (std::size_t i = 0; i < v.items().size(); ++i) {
                if (i) out += ", ";
                append_python_json(out, v.items()[i]);
            }
            out += ']';
            break;
        case Node::Kind::Map:
            out += '{';
            for (std::size_t i = 0; i < v.entries().size(); ++i) {
                if (i) out += ", ";
                append_json_string(out, v.entries()[i].key);
                out += ": ";
                append_python_json(out, v.entries()[i].value);
            }
            out += '}';
            break;
        case Node::Kind::Null: out += "null"; break;
        default: out += scalar_text(v);
    }
}

// CEL over the condition task's inputs, as the kfp SDK writes it: numbers are read with int()
// or double(), since the inputs hold JSON values.
void append_cel(std::string& out, Context& ctx, int s, const Expr& e) {
    backends::append_condition(out, e, [&](std::string& text, const Expr& v) {
        if (auto* lit = v.as<node::Literal>()) {
            if (v.type != Type::String) {
                text += scalar_text(lit->value);
                return;
            }
            text += '\'';
            for (char ch : lit->value.as_string()) {
                if (ch == '\\' || ch == '\'') text += '\\';
                text += ch;
            }
            text += '\'';
            return;
        }
        std::string channel;
        if (auto* p = v.as<node::Param>()) {
            channel = ctx.param_in(s, p->name);
        } else if (auto* o = v.as<node::TaskOutput>()) {
            channel = ctx.output_channel(s, *o, v.type);
        } else if (v.as<node::LoopItem>() || v.as<node::Field>()) {
            channel = ctx.item_channel_in(s, v);
        } else {
            throw InternalError("a condition operand that is not a value: " + to_debug_string(v));
        }
        const bool number = v.type == Type::Int || v.type == Type::Float;
        if (number) text += v.type == Type::Int ? "int(" : "double(";
        text += "inputs.parameter_values['";
        text += channel;
        text += "']";
        if (number) text += ')';
    });
}

// The sub-DAGs, numbered like the kfp SDK's groups: the exit handler first, then the If
// branches in declaration order, parents before children (condition-branches-1, condition-2, ...).
void make_scopes(Context& ctx, UniqueNames& component_names) {
    const Graph& g = ctx.g;
    ctx.scopes.emplace_back();
    ctx.scope_of_group.assign(g.groups.size(), 0);
    const bool has_groups = g.groups.size() > 1;
    if (!ctx.has_hooks && !has_groups) return;
    UniqueNames task_names;
    task_names.reserve(g.tasks.size());
    for (const auto& t : g.tasks) task_names.take(t.name);
    auto add_scope = [&](int parent, const std::string& numbered, GroupId group) {
        Scope scope;
        scope.parent = parent;
        scope.depth = ctx.scopes[parent].depth + 1;
        scope.group = group;
        scope.task_name = task_names.claim(numbered);
        scope.component = "comp-" + component_names.claim(numbered);
        ctx.scopes.push_back(std::move(scope));
        return static_cast<int>(ctx.scopes.size() - 1);
    };
    if (ctx.has_hooks) {
        ctx.body = add_scope(0, "exit-handler-1", 0);
        ctx.exit_handler = ctx.scopes[ctx.body].task_name;
        ctx.scope_of_group[0] = ctx.body;
    }
    for (const auto& [id, number, item_number] : backends::number_groups(g, ctx.has_hooks)) {
        const Group& group = g.groups[id];
        const int s = add_scope(ctx.scope_of_group[group.parent],
                                std::string(backends::group_base_name(group)) + "-" + std::to_string(number), id);
        ctx.scope_of_group[id] = s;
        if (group.kind != GroupKind::Loop) continue;
        // kfp's names for the current item: after its list's channel, or numbered for a literal.
        std::string& item = ctx.scopes[s].item_channel;
        if (auto* p = group.items->as<node::Param>()) {
            item = "pipelinechannel--" + p->name + "-loop-item";
        } else if (auto* o = group.items->as<node::TaskOutput>()) {
            item = "pipelinechannel--" + g.tasks[o->task].name + "-" + o->output + "-loop-item";
        } else if (auto* f = group.items->as<node::Field>()) {
            // A List field of an outer loop's item: kfp's `…-loop-item-subvar-<field>-loop-item`.
            const GroupId outer = f->value->as<node::LoopItem>()->loop;
            item = ctx.scopes[ctx.scope_of_group[outer]].item_channel + "-subvar-" + f->name + "-loop-item";
        } else if (auto* outer_item = group.items->as<node::LoopItem>()) {
            item = ctx.scopes[ctx.scope_of_group[outer_item->loop]].item_channel + "-loop-item";
        } else {
            item = "pipelinechannel--loop-item-param-" + std::to_string(item_number);
        }
    }
}

// Makes task `t` wait for task `d`, or the sub-DAG around `t` wait for the one around `d`.
void add_dependency(Context& ctx, const Task& t, const Task& d, std::vector<const std::string*>& task_deps) {
    auto [waiter, name] = backends::lift_dependency(ctx.scopes, ctx.scope_of(t), ctx.scope_of(d), d.name);
    (waiter < 0 ? task_deps : ctx.scopes[waiter].deps).push_back(name);
}

// The component of an exit handler or If sub-DAG: its channel inputs, its tasks and, for the
// exit handler, the body outputs it exports to hooks.
Node scope_component(Context& ctx, Scope& scope, bool exit_handler) {
    const Graph& g = ctx.g;
    Node dag = Node::map().set("tasks", std::move(scope.tasks));
    Node component = Node::map();
    if (exit_handler && !ctx.exports.empty()) {
        Node out_params = Node::map(), out_artifacts = Node::map(), sel_params = Node::map(), sel_artifacts = Node::map();
        for (std::size_t i = 0; i < ctx.exports.size(); ++i) {
            const auto& [key, o] = ctx.exports[i];
            const std::string producer = g.tasks[o->task].name;
            if (is_artifact(ctx.export_types[i])) {
                out_artifacts.set(key, artifact_def(ctx.export_types[i]));
                sel_artifacts.set(key, artifact_selectors(o->output, producer));
            } else {
                out_params.set(key, Node::map().set("parameterType", parameter_type(ctx.export_types[i])));
                sel_params.set(key, Node::map().set("valueFromParameter", Node::map()
                                                                              .set("outputParameterKey", o->output)
                                                                              .set("producerSubtask", producer)));
            }
        }
        Node outputs = Node::map();
        if (!sel_artifacts.empty()) outputs.set("artifacts", std::move(sel_artifacts));
        if (!sel_params.empty()) outputs.set("parameters", std::move(sel_params));
        dag.set("outputs", std::move(outputs));
        Node out_defs = Node::map();
        if (!out_artifacts.empty()) out_defs.set("artifacts", std::move(out_artifacts));
        if (!out_params.empty()) out_defs.set("parameters", std::move(out_params));
        component.set("outputDefinitions", std::move(out_defs));
    }
    if (!scope.outputs.empty() || !scope.artifact_outputs.empty()) {
        Node outputs = Node::map(), defs = Node::map();
        if (!scope.artifact_outputs.empty()) {
            outputs.set("artifacts", std::move(scope.artifact_outputs));
            defs.set("artifacts", std::move(scope.artifact_output_defs));
        }
        if (!scope.outputs.empty()) {
            outputs.set("parameters", std::move(scope.outputs));
            defs.set("parameters", std::move(scope.output_defs));
        }
        dag.set("outputs", std::move(outputs));
        component.set("outputDefinitions", std::move(defs));
    }
    component.set("dag", std::move(dag));
    if (!scope.item_channel.empty()) {
        const Type item = g.groups[scope.group].item_type;
        if (is_artifact(item)) {
            scope.artifact_defs.set(scope.item_channel, artifact_def(item));
        } else {
            scope.param_defs.set(scope.item_channel, Node::map().set("parameterType", parameter_type(item)));
        }
    }
    if (!scope.param_defs.empty() || !scope.artifact_defs.empty()) {
        Node defs = Node::map();
        if (!scope.artifact_defs.empty()) defs.set("artifacts", std::move(scope.artifact_defs));
        if (!scope.param_defs.empty()) defs.set("parameters", std::move(scope.param_defs));
        component.set("inputDefinitions", std::move(defs));
    }
    return component;
}

// The task that runs a sub-DAG in its parent DAG; `condition` is its CEL trigger, `iterator` a
// loop's parameterIterator (artifactIterator over artifacts), if any.
Node scope_task(Scope& scope, std::string condition, Node iterator, bool over_artifacts, std::int64_t parallelism) {
    Node task = Node::map()
                    .set("componentRef", Node::map().set("name", scope.component))
                    .set("taskInfo", Node::map().set("name", scope.task_name));
    if (!scope.deps.empty()) task.set("dependentTasks", backends::sorted_names(scope.deps));
    if (!scope.input_params.empty() || !scope.input_artifacts.empty()) {
        Node inputs = Node::map();
        if (!scope.input_artifacts.empty()) inputs.set("artifacts", std::move(scope.input_artifacts));
        if (!scope.input_params.empty()) inputs.set("parameters", std::move(scope.input_params));
        task.set("inputs", std::move(inputs));
    }
    if (!condition.empty()) task.set("triggerPolicy", Node::map().set("condition", std::move(condition)));
    if (!iterator.is_null()) task.set(over_artifacts ? "artifactIterator" : "parameterIterator", std::move(iterator));
    if (parallelism > 0) task.set("iteratorPolicy", Node::map().set("parallelismLimit", parallelism));
    return task;
}

// What the root and every nested pipeline share: one namespace of components and executors.
struct Emission {
    // Map-entry depths of what `part` renders: a components or executors entry, and a task of
    // the root DAG or of a component's DAG.
    static constexpr std::size_t kComponentDepth = 1;
    static constexpr std::size_t kExecutorDepth = 2;
    static constexpr std::size_t kRootTaskDepth = 3;
    static constexpr std::size_t kComponentTaskDepth = 4;

    // With prerendering, `value` as text for its place `depth` maps deep; else `value`.
    Node part(Node value, std::size_t depth) {
        if (prerenderer) return prerenderer->render(std::move(value), depth);
        return value;  // moved; in `a ? b : value` it was copied, tree and all
    }

    std::optional<doc::Prerenderer> prerenderer;
    // Parts of a component, built once for every task of every pipeline that uses it.
    std::unordered_map<const void*, ComponentParts> parts;
    Node components = Node::map();
    Node executors = Node::map();
    Node k8s_executors = Node::map();
    UniqueNames names;
};

// `dag.outputs` and `outputDefinitions` for what a pipeline returns: body task outputs, and a
// loop's collected outputs through the loop's sub-DAG.
void add_pipeline_outputs(Context& ctx, Node& dag, Node& component) {
    const Graph& g = ctx.g;
    Node params = Node::map(), artifacts = Node::map(), param_defs = Node::map(), artifact_defs = Node::map();
    for (const auto& out : g.outputs) {
        const Expr& e = *out.value;
        if (e.as<node::Collected>() || e.as<node::OneOf>()) {
            auto* c = e.as<node::Collected>();
            const Node ref = c ? ctx.collected_ref(*c, e.type, ctx.scope_of_group[0]) : ctx.one_of_ref(e);
            if (const Node* from = ref.find("taskOutputArtifact")) {
                artifacts.set(out.name, artifact_selectors(from->find("outputArtifactKey")->as_string(),
                                                           from->find("producerTask")->as_string()));
                artifact_defs.set(out.name, artifact_def(e.type));
                continue;
            }
            const Node* from = ref.find("taskOutputParameter");
            params.set(out.name, Node::map().set("valueFromParameter", Node::map()
                                                                           .set("outputParameterKey", *from->find("outputParameterKey"))
                                                                           .set("producerSubtask", *from->find("producerTask"))));
            param_defs.set(out.name, Node::map().set("parameterType", parameter_type(e.type)));
            continue;
        }
        const auto* o = e.as<node::TaskOutput>();
        const std::string& producer = g.tasks[o->task].name;
        if (is_artifact(e.type)) {
            artifacts.set(out.name, artifact_selectors(o->output, producer));
            artifact_defs.set(out.name, artifact_def(e.type));
        } else {
            params.set(out.name, Node::map().set("valueFromParameter",
                                                 Node::map().set("outputParameterKey", o->output).set("producerSubtask", producer)));
            param_defs.set(out.name, Node::map().set("parameterType", parameter_type(e.type)));
        }
    }
    if (params.empty() && artifacts.empty()) return;
    Node outputs = Node::map(), defs = Node::map();
    if (!artifacts.empty()) {
        outputs.set("artifacts", std::move(artifacts));
        defs.set("artifacts", std::move(artifact_defs));
    }
    if (!params.empty()) {
        outputs.set("parameters", std::move(params));
        defs.set("parameters", std::move(param_defs));
    }
    dag.set("outputs", std::move(outputs));
    component.set("outputDefinitions", std::move(defs));
}

// Emits pipeline `g` as a DAG component (`root`, or a nested pipeline's `comp-…`): its tasks'
// components and executors go into `em`, then the components of the pipelines it nests.
Node emit_dag(Emission& em, const Graph& g, bool top) {
    Node& components = em.components;
    Context ctx{g};
    ctx.has_hooks = std::any_of(g.tasks.begin(), g.tasks.end(), [](const Task& t) { return t.hook != Hook::None; });
    make_scopes(ctx, em.names);
    // The root DAG's tasks are `root: dag: tasks:`; all others sit in a component's DAG.
    const auto task_depth = [top](int scope) { return top && scope == 0 ? Emission::kRootTaskDepth : Emission::kComponentTaskDepth; };
    ctx.scopes[ctx.body].tasks.entries().reserve(g.tasks.size());

    // Like the kfp SDK, every task gets its own component and executor: comp-x, comp-x-2, ...
    // Nested pipelines claim theirs after this pipeline's, as kfp's merge renames them.
    std::vector<std::pair<const Graph*, std::string>> nested;
    std::vector<const std::string*> deps;
    for (TaskId id : g.topo_order) {
        const Task& t = g.tasks[id];
        const Component& c = g.component_of(t);
        const std::string base = em.names.claim(sanitize_k8s_name(c.name));
        const std::string comp_name = "comp-" + base;
        const std::string exec_name = "exec-" + base;
        deps.clear();
        if (t.hook == Hook::None) {
            for (TaskId d : t.deps) add_dependency(ctx, t, g.tasks[d], deps);
        }
        const int scope = ctx.scope_of(t);
        ctx.scopes[scope].tasks.set(t.name, em.part(task_spec(ctx, t, comp_name, deps), task_depth(scope)));
        if (c.pipeline) {
            nested.emplace_back(c.pipeline.get(), comp_name);
            continue;
        }
        auto [cached, fresh] = em.parts.try_emplace(c.identity ? c.identity.get() : &c);
        if (fresh) cached->second = component_parts(c);
        const ComponentParts& parts = cached->second;
        Node comp = Node::map();
        comp.set("executorLabel", exec_name);
        if (!parts.inputs.is_null()) comp.set("inputDefinitions", parts.inputs);
        if (!parts.outputs.is_null()) comp.set("outputDefinitions", parts.outputs);
        components.set(comp_name, em.part(std::move(comp), Emission::kComponentDepth));
        em.executors.set(exec_name, em.part(c.importer ? importer_executor(c, t) : executor(c, parts, t), Emission::kExecutorDepth));
        if (Node k8s = kubernetes_config(t); !k8s.empty()) em.k8s_executors.set(exec_name, std::move(k8s));
    }

    // What it returns, before the loops' sub-DAGs are written: collected outputs add to them.
    Node root = Node::map();
    Node dag = Node::map();
    add_pipeline_outputs(ctx, dag, root);

    // Sub-DAGs innermost first: each one's task goes into its parent's DAG. Conditions are
    // written first, since they may add channel inputs to their scope and its parents.
    std::vector<std::string> conditions(ctx.scopes.size());
    std::vector<Node> iterators(ctx.scopes.size());
    for (std::size_t s = 1; s < ctx.scopes.size(); ++s) {
        const GroupId id = ctx.scopes[s].group;
        if (const auto& condition = g.groups[id].condition) append_cel(conditions[s], ctx, static_cast<int>(s), *condition);
        if (const auto& items = g.groups[id].items) {
            Node source = Node::map();
            if (auto* p = items->as<node::Param>()) {
                source.set(is_list(items->type) ? "inputArtifact" : "inputParameter", ctx.param_in(static_cast<int>(s), p->name));
            } else if (auto* o = items->as<node::TaskOutput>()) {
                source.set(is_list(items->type) ? "inputArtifact" : "inputParameter",
                           ctx.output_channel(static_cast<int>(s), *o, items->type));
            } else if (items->as<node::LoopItem>() || items->as<node::Field>()) {
                source.set("inputParameter", ctx.item_channel_in(static_cast<int>(s), *items));
            } else {
                std::string raw;
                append_python_json(raw, items->as<node::Literal>()->value);
                source.set("raw", std::move(raw));
            }
            iterators[s] = Node::map().set("itemInput", ctx.scopes[s].item_channel).set("items", std::move(source));
        }
        // Like the kfp SDK, a branch inside another also receives the values the outer
        // conditions test.
        for (GroupId outer = id ? g.groups[id].parent : 0; outer != 0; outer = g.groups[outer].parent) {
            if (!g.groups[outer].condition) continue;
            for_each_node(*g.groups[outer].condition, [&](const Expr& e) {
                if (auto* p = e.as<node::Param>()) ctx.param_in(static_cast<int>(s), p->name);
                if (auto* o = e.as<node::TaskOutput>()) ctx.output_channel(static_cast<int>(s), *o, e.type);
            });
        }
    }
    for (std::size_t s = ctx.scopes.size(); s-- > 1;) {
        Scope& scope = ctx.scopes[s];
        components.set(scope.component, em.part(scope_component(ctx, scope, static_cast<int>(s) == ctx.body && ctx.has_hooks),
                                                Emission::kComponentDepth));
        const Group& group = g.groups[scope.group];
        Node task = scope_task(scope, std::move(conditions[s]), std::move(iterators[s]), is_artifact(group.item_type),
                               group.parallelism);
        ctx.scopes[scope.parent].tasks.set(scope.task_name, em.part(std::move(task), task_depth(scope.parent)));
    }
    dag.set("tasks", std::move(ctx.scopes[0].tasks));
    root.set("dag", std::move(dag));
    if (Node in = port_definitions(g.params); !in.is_null()) root.set("inputDefinitions", std::move(in));
    for (const auto& [sub, name] : nested) components.set(name, em.part(emit_dag(em, *sub, false), Emission::kComponentDepth));
    return root;
}

// How many tasks emitting `g` writes, with those of the pipelines it nests (each once per use):
// every one writes a component and an executor, so sizing for them spares growing those maps.
std::size_t emitted_tasks(const Graph& g) {
    std::size_t n = g.tasks.size();
    for (const auto& t : g.tasks) {
        if (const auto& sub = g.component_of(t).pipeline) n += emitted_tasks(*sub);
    }
    return n;
}

}  // namespace

Documents emit(const Graph& g, const Options& options) {
    Emission em;
    if (options.prerender) em.prerenderer.emplace(*options.prerender, kWriteOptions);
    const std::size_t tasks = emitted_tasks(g);
    em.components.entries().reserve(tasks);
    em.executors.entries().reserve(tasks);
    Node root = emit_dag(em, g, true);
    Node info = Node::map().set("name", g.name);
    if (!g.display_name.empty()) info.set("displayName", g.display_name);
    if (!g.description.empty()) info.set("description", g.description);

    Documents out;
    if (em.prerenderer) out.rendered_bytes = em.prerenderer->bytes();
    out.pipeline_spec = Node::map();
    if (!em.components.empty()) out.pipeline_spec.set("components", std::move(em.components));
    if (!g.pipeline_root.empty()) out.pipeline_spec.set("defaultPipelineRoot", g.pipeline_root);
    if (!em.executors.empty()) out.pipeline_spec.set("deploymentSpec", Node::map().set("executors", std::move(em.executors)));
    out.pipeline_spec.set("pipelineInfo", std::move(info));
    out.pipeline_spec.set("root", std::move(root));
    out.pipeline_spec.set("schemaVersion", "2.1.0");
    out.pipeline_spec.set("sdkVersion", options.sdk_version);
    if (!em.k8s_executors.empty()) {
        out.platform_spec = Node::map().set(
            "platforms",
            Node::map().set("kubernetes",
                            Node::map().set("deploymentSpec", Node::map().set("executors", std::move(em.k8s_executors)))));
    }
    return out;
}

namespace {
// The spec's write options, with its size guessed from the prerendered text: the parts not
// prerendered (keys, the skeleton) add a few percent.
doc::WriteOptions spec_write_options(const Documents& d) {
    doc::WriteOptions options = kWriteOptions;
    options.expected_size = d.rendered_bytes + d.rendered_bytes / 8;
    return options;
}
}  // namespace

std::string render_yaml(const Graph& g, const Documents& d) {
    std::string out = "# PIPELINE DEFINITION\n# Name: " + g.name + "\n";
    if (g.schedule) {
        // IR has no schedule field; `pipecc deploy` reads these lines.
        out += "# Schedule: " + g.schedule->cron + "\n# Time zone: " + g.schedule->time_zone + "\n";
    }
    if (!g.params.empty()) {
        out += "# Inputs:\n";
        for (const auto& p : g.params) {
            out += "#    " + p.name + ": " + std::string(type_name(p.type));
            if (p.default_value && p.default_value->kind() != Node::Kind::Map &&
                p.default_value->kind() != Node::Kind::Seq) {
                std::string v = doc::to_json(*p.default_value);
                v.pop_back();  // newline
                if (v.find('\n') == std::string::npos) out += " [Default: " + v + "]";
            }
            out += "\n";
        }
    }
    doc::append_yaml(out, d.pipeline_spec, spec_write_options(d));
    if (!d.platform_spec.is_null()) {
        out += "---\n";
        doc::append_yaml(out, d.platform_spec, kWriteOptions);
    }
    return out;
}

std::string render_json(const Graph& g, const Documents& d) {
    if (!d.platform_spec.is_null()) {
        throw Error("Kubernetes settings (node selectors, secrets, timeouts) are written as a second YAML "
                    "document, which JSON cannot hold: use --format yaml",
                    Where{.pipeline = g.name});
    }
    if (g.schedule) {
        throw Error("the schedule is recorded in the YAML IR's header for deployment, which JSON cannot hold: "
                    "use --format yaml, or pass the schedule to your deploy step",
                    Where{.pipeline = g.name});
    }
    return doc::to_json(d.pipeline_spec, spec_write_options(d));
}

}  // namespace pipecc::kfp
