#include <algorithm>

#include "pipecc/backends/kfp.hpp"
#include "pipecc/error.hpp"
#include "pipecc/graph/passes.hpp"
#include "pipecc/graph/unique_names.hpp"

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
        out += lit->value.as_string();
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

Node command_line(const Component& c, const std::vector<ExprPtr>& parts) {
    Node out = Node::seq();
    for (const auto& part : parts) {
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
        default:
            throw Error(std::string(run_field_name(f)) + " has no KFP placeholder",
                        Where{.pipeline = g.name, .task = t.name});
    }
}

Node task_output_parameter(const Graph& g, const node::TaskOutput& o) {
    return Node::map().set("taskOutputParameter", Node::map()
                                                      .set("outputParameterKey", o.output)
                                                      .set("producerTask", g.tasks[o.task].name));
}

// Builds one task's `inputs`. A value that is not a single reference becomes a runtime constant
// whose `{{$.inputs.parameters['pipelinechannel--…']}}` references name extra task inputs; the
// backend substitutes those inside longer strings (run-time placeholders it does not).
class TaskInputs {
public:
    TaskInputs(const Graph& g, const Task& t) : g_(g), t_(t) {}

    void bind(const std::string& input, const Expr& e) {
        if (auto* o = e.as<node::TaskOutput>()) {
            if (is_artifact(e.type)) {
                artifacts_.set(input, Node::map().set(
                                          "taskOutputArtifact",
                                          Node::map().set("outputArtifactKey", o->output).set("producerTask",
                                                                                              g_.tasks[o->task].name)));
            } else {
                params_.set(input, task_output_parameter(g_, *o));
            }
        } else if (auto* p = e.as<node::Param>()) {
            if (is_artifact(e.type)) {
                artifacts_.set(input, Node::map().set("componentInputArtifact", p->name));
            } else {
                params_.set(input, Node::map().set("componentInputParameter", p->name));
            }
        } else if (auto* lit = e.as<node::Literal>()) {
            params_.set(input, constant(ir_value(lit->value)));
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
    static Node constant(Node value) { return Node::map().set("runtimeValue", Node::map().set("constant", std::move(value))); }

    void append_text(std::string& out, const Expr& e, const std::string& input) {
        if (auto* lit = e.as<node::Literal>()) {
            const Node& v = lit->value;
            if (v.kind() == Node::Kind::String) {
                out += v.as_string();
            } else if (v.kind() == Node::Kind::Float) {
                out += doc::format_float(v.as_float());
            } else if (v.kind() == Node::Kind::Int) {
                out += std::to_string(v.as_int());
            } else if (v.kind() == Node::Kind::Bool) {
                out += v.as_bool() ? "true" : "false";
            } else {
                throw InternalError("non-scalar literal in a string");
            }
        } else if (auto* p = e.as<node::Param>()) {
            out += channel("pipelinechannel--" + p->name, Node::map().set("componentInputParameter", p->name));
        } else if (auto* o = e.as<node::TaskOutput>()) {
            out += channel("pipelinechannel--" + g_.tasks[o->task].name + "-" + o->output,
                           task_output_parameter(g_, *o));
        } else if (auto* c = e.as<node::Concat>()) {
            for (const auto& part : c->parts) append_text(out, *part, input);
        } else if (auto* s = e.as<node::ToString>()) {
            append_text(out, *s->value, input);
        } else if (auto* r = e.as<node::Run>()) {
            throw Error(std::string(run_field_name(r->field)) +
                            " is resolved by KFP only as an input's whole value, not inside a longer string",
                        Where{.pipeline = g_.name, .task = t_.name, .input = input});
        } else {
            throw Error("the KFP target cannot lower " + to_debug_string(e),
                        Where{.pipeline = g_.name, .task = t_.name, .input = input});
        }
    }

    // Returns the placeholder text for a channel input, declaring the input once per task.
    std::string channel(const std::string& name, Node spec) {
        const bool known = std::any_of(channels_.begin(), channels_.end(),
                                       [&](const auto& c) { return c.first == name; });
        if (!known) channels_.emplace_back(name, std::move(spec));
        return "{{$.inputs.parameters['" + name + "']}}";
    }

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

Node executor(const Component& c, const Task& t) {
    Node container = Node::map();
    container.set("image", c.image);
    if (!c.command.empty()) container.set("command", command_line(c, c.command));
    if (!c.args.empty()) container.set("args", command_line(c, c.args));
    if (!c.env.empty() || !t.env.empty()) {
        Node env = Node::seq();
        for (const auto* list : {&c.env, &t.env}) {
            for (const auto& e : *list) env.push(Node::map().set("name", e.name).set("value", e.value));
        }
        container.set("env", std::move(env));
    }
    Node res = resources(t.resources);
    if (!res.empty()) container.set("resources", std::move(res));
    return Node::map().set("container", std::move(container));
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
    return out;
}

Node task_spec(const Graph& g, const Task& t, const std::string& component_name) {
    Node spec = Node::map();
    spec.set("taskInfo", Node::map().set("name", t.display_name));
    spec.set("componentRef", Node::map().set("name", component_name));
    if (!t.deps.empty()) {
        Node deps = Node::seq();
        for (TaskId d : t.deps) deps.push(g.tasks[d].name);
        spec.set("dependentTasks", std::move(deps));
    }
    TaskInputs inputs(g, t);
    for (const auto& b : t.args) inputs.bind(b.input, *b.value);
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
    Node k8s_executors = Node::map();
    UniqueNames names;
    names.reserve(g.tasks.size());
    components.entries().reserve(g.tasks.size());
    executors.entries().reserve(g.tasks.size());
    tasks.entries().reserve(g.tasks.size());

    // Like the kfp SDK, every task gets its own component and executor: comp-x, comp-x-2, ...
    for (TaskId id : g.topo_order) {
        const Task& t = g.tasks[id];
        const Component& c = g.component_of(t);
        const std::string base = names.claim(sanitize_k8s_name(c.name));
        const std::string comp_name = "comp-" + base;
        const std::string exec_name = "exec-" + base;

        Node comp = Node::map();
        comp.set("executorLabel", exec_name);
        if (Node in = port_definitions(c.inputs); !in.is_null()) comp.set("inputDefinitions", std::move(in));
        if (Node out = port_definitions(c.outputs); !out.is_null()) comp.set("outputDefinitions", std::move(out));
        components.set(comp_name, std::move(comp));
        executors.set(exec_name, executor(c, t));
        tasks.set(t.name, task_spec(g, t, comp_name));
        if (Node k8s = kubernetes_config(t); !k8s.empty()) k8s_executors.set(exec_name, std::move(k8s));
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
    return doc::to_json(d.pipeline_spec, {.sort_keys = true});
}

}  // namespace pipecc::kfp
