#include <algorithm>
#include <optional>

#include "pipecc/backends/kfp.hpp"
#include "pipecc/error.hpp"
#include "pipecc/graph/passes.hpp"
#include "pipecc/graph/unique_names.hpp"
#include "../kubernetes_objects.hpp"

namespace pipecc::kfp {
namespace {

using namespace graph;
using doc::Node;

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

std::string schema_title(Type t) { return "system." + std::string(type_name(t)); }

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

// inputDefinitions / outputDefinitions; null when there are no ports.
Node port_definitions(const std::vector<Port>& ports) {
    Node params = Node::map();
    Node artifacts = Node::map();
    for (const auto& p : ports) {
        Node def = Node::map();
        if (is_artifact(p.type)) {
            def.set("artifactType", artifact_type(p.type));
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
        out += "{{$.inputs.parameters['" + v->input + "']}}";
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

// What tasks need from their surroundings: with hooks, the body runs in the `exit-handler-1`
// sub-DAG, which receives the pipeline parameters it uses and exports the outputs hooks read.
struct Context {
    const Graph& g;
    bool has_hooks = false;
    std::string exit_handler{};  // the sub-DAG task's name
    std::vector<const Port*> body_params{};
    std::vector<std::pair<std::string, const node::TaskOutput*>> exports{};
    std::vector<Type> export_types{};

    bool in_body(const Task& t) const { return has_hooks && t.hook == Hook::None; }

    std::string param(const Task& t, const std::string& name) {
        if (!in_body(t)) return name;
        const bool known = std::any_of(body_params.begin(), body_params.end(),
                                       [&](const Port* p) { return p->name == name; });
        if (!known) body_params.push_back(g.find_param(name));
        return "pipelinechannel--" + name;
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
            const std::string name = ctx_.param(t_, p->name);
            if (is_artifact(e.type)) {
                artifacts_.set(input, Node::map().set("componentInputArtifact", name));
            } else {
                params_.set(input, Node::map().set("componentInputParameter", name));
            }
        } else if (auto* lit = e.as<node::Literal>()) {
            params_.set(input, constant(ir_value(lit->value)));
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
        const std::string producer = from_body ? ctx_.exit_handler : g_.tasks[o.task].name;
        const std::string key = from_body ? ctx_.exported(o, type) : o.output;
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
                           Node::map().set("componentInputParameter", ctx_.param(t_, p->name)));
        } else if (auto* o = e.as<node::TaskOutput>()) {
            out += channel("pipelinechannel--" + g_.tasks[o->task].name + "-" + o->output, output_ref(*o, e.type));
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
    Node res = resources(t.resources);
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

Node task_spec(Context& ctx, const Task& t, const std::string& component_name) {
    const Graph& g = ctx.g;
    Node spec = Node::map();
    spec.set("taskInfo", Node::map().set("name", t.display_name));
    spec.set("componentRef", Node::map().set("name", component_name));
    TaskInputs inputs(ctx, t);
    for (const auto& b : t.args) inputs.bind(b.input, *b.value);
    if (t.hook == Hook::None) {
        if (!t.deps.empty()) {
            Node deps = Node::seq();
            for (TaskId d : t.deps) deps.push(g.tasks[d].name);
            spec.set("dependentTasks", std::move(deps));
        }
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

}  // namespace

Documents emit(const Graph& g, const Options& options) {
    Node components = Node::map();
    Node executors = Node::map();
    Node tasks = Node::map();
    Node body_tasks = Node::map();
    Node k8s_executors = Node::map();
    UniqueNames names;
    names.reserve(g.tasks.size());
    Context ctx{g};
    ctx.has_hooks = std::any_of(g.tasks.begin(), g.tasks.end(), [](const Task& t) { return t.hook != Hook::None; });
    std::string exit_component;
    if (ctx.has_hooks) {
        UniqueNames task_names;
        for (const auto& t : g.tasks) task_names.take(t.name);
        ctx.exit_handler = task_names.claim("exit-handler-1");
        exit_component = "comp-" + names.claim("exit-handler-1");
    }
    components.entries().reserve(g.tasks.size());
    executors.entries().reserve(g.tasks.size());
    tasks.entries().reserve(g.tasks.size());

    // Like the kfp SDK, every task gets its own component and executor: comp-x, comp-x-2, ...
    std::vector<std::optional<ComponentParts>> parts(g.components.size());
    for (TaskId id : g.topo_order) {
        const Task& t = g.tasks[id];
        const Component& c = g.component_of(t);
        const std::string base = names.claim(sanitize_k8s_name(c.name));
        const std::string comp_name = "comp-" + base;
        const std::string exec_name = "exec-" + base;

        std::optional<ComponentParts>& cached = parts[t.component];
        if (!cached) cached = component_parts(c);
        Node comp = Node::map();
        comp.set("executorLabel", exec_name);
        if (!cached->inputs.is_null()) comp.set("inputDefinitions", cached->inputs);
        if (!cached->outputs.is_null()) comp.set("outputDefinitions", cached->outputs);
        components.set(comp_name, std::move(comp));
        executors.set(exec_name, executor(c, *cached, t));
        (ctx.in_body(t) ? body_tasks : tasks).set(t.name, task_spec(ctx, t, comp_name));
        if (Node k8s = kubernetes_config(t); !k8s.empty()) k8s_executors.set(exec_name, std::move(k8s));
    }

    if (ctx.has_hooks) {
        // The kfp SDK's ExitHandler shape: the body as a sub-DAG task that the hooks follow.
        Node channels = Node::map();
        Node defs = Node::map();
        for (const Port* p : ctx.body_params) {
            channels.set("pipelinechannel--" + p->name, Node::map().set("componentInputParameter", p->name));
            defs.set("pipelinechannel--" + p->name, Node::map().set("parameterType", parameter_type(p->type)));
        }
        Node dag = Node::map().set("tasks", std::move(body_tasks));
        Node out_params = Node::map(), out_artifacts = Node::map(), sel_params = Node::map(), sel_artifacts = Node::map();
        for (std::size_t i = 0; i < ctx.exports.size(); ++i) {
            const auto& [key, o] = ctx.exports[i];
            const std::string producer = g.tasks[o->task].name;
            if (is_artifact(ctx.export_types[i])) {
                out_artifacts.set(key, Node::map().set("artifactType", artifact_type(ctx.export_types[i])));
                sel_artifacts.set(key, Node::map().set(
                                           "artifactSelectors",
                                           Node::seq({Node::map().set("outputArtifactKey", o->output).set("producerSubtask", producer)})));
            } else {
                out_params.set(key, Node::map().set("parameterType", parameter_type(ctx.export_types[i])));
                sel_params.set(key, Node::map().set("valueFromParameter", Node::map()
                                                                              .set("outputParameterKey", o->output)
                                                                              .set("producerSubtask", producer)));
            }
        }
        Node exit_comp = Node::map();
        if (!sel_params.empty() || !sel_artifacts.empty()) {
            Node outputs = Node::map();
            if (!sel_artifacts.empty()) outputs.set("artifacts", std::move(sel_artifacts));
            if (!sel_params.empty()) outputs.set("parameters", std::move(sel_params));
            dag.set("outputs", std::move(outputs));
            Node out_defs = Node::map();
            if (!out_artifacts.empty()) out_defs.set("artifacts", std::move(out_artifacts));
            if (!out_params.empty()) out_defs.set("parameters", std::move(out_params));
            exit_comp.set("outputDefinitions", std::move(out_defs));
        }
        exit_comp.set("dag", std::move(dag));
        if (!defs.empty()) exit_comp.set("inputDefinitions", Node::map().set("parameters", std::move(defs)));
        components.set(exit_component, std::move(exit_comp));
        Node handler = Node::map()
                           .set("componentRef", Node::map().set("name", exit_component))
                           .set("taskInfo", Node::map().set("name", ctx.exit_handler));
        if (!channels.empty()) handler.set("inputs", Node::map().set("parameters", std::move(channels)));
        tasks.set(ctx.exit_handler, std::move(handler));
    }

    Node root = Node::map();
    root.set("dag", Node::map().set("tasks", std::move(tasks)));
    if (Node in = port_definitions(g.params); !in.is_null()) root.set("inputDefinitions", std::move(in));

    Node info = Node::map().set("name", g.name);
    if (!g.display_name.empty()) info.set("displayName", g.display_name);
    if (!g.description.empty()) info.set("description", g.description);

    Documents out;
    out.pipeline_spec = Node::map();
    if (!components.empty()) out.pipeline_spec.set("components", std::move(components));
    if (!executors.empty()) out.pipeline_spec.set("deploymentSpec", Node::map().set("executors", std::move(executors)));
    out.pipeline_spec.set("pipelineInfo", std::move(info));
    out.pipeline_spec.set("root", std::move(root));
    out.pipeline_spec.set("schemaVersion", "2.1.0");
    out.pipeline_spec.set("sdkVersion", options.sdk_version);
    if (!k8s_executors.empty()) {
        out.platform_spec = Node::map().set(
            "platforms",
            Node::map().set("kubernetes",
                            Node::map().set("deploymentSpec", Node::map().set("executors", std::move(k8s_executors)))));
    }
    return out;
}

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
    const doc::WriteOptions sorted{.sort_keys = true};
    doc::append_yaml(out, d.pipeline_spec, sorted);
    if (!d.platform_spec.is_null()) {
        out += "---\n";
        doc::append_yaml(out, d.platform_spec, sorted);
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
    return doc::to_json(d.pipeline_spec, {.sort_keys = true});
}

}  // namespace pipecc::kfp
