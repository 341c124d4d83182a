#include "pipecc/dsl/pipeline.hpp"

#include <limits>
#include <unordered_map>

#include "pipecc/graph/passes.hpp"
#include "pipecc/graph/unique_names.hpp"

namespace pipecc {
namespace detail {

struct PipelineState {
    graph::Graph graph;
    // Component specs are immutable once shared (Component is copy-on-write), so the spec's address
    // identifies its content; holding the pointers keeps the addresses from being reused.
    std::unordered_map<const graph::Component*, std::uint32_t> component_index;
    std::vector<std::shared_ptr<const graph::Component>> component_specs;
    graph::UniqueNames task_names;
    graph::GroupId current_group = 0;  // where add() puts tasks: the body, or an If's branch
    std::uint32_t groups_declared = 0;
};

std::int64_t whole_seconds(long long count, long long seconds_per_count) {
    long long seconds = 0;
    if (__builtin_mul_overflow(count, seconds_per_count, &seconds)) {
        throw Error("a duration of " + std::to_string(count) + " x " + std::to_string(seconds_per_count) +
                    " s does not fit in 64-bit seconds");
    }
    return seconds;
}

}  // namespace detail

namespace {
// Settings a task shares with checked graphs are copied before a change.
template <class Settings>
Settings& copy_for_change(std::shared_ptr<const Settings>& slot) {
    auto copy = slot ? std::make_shared<Settings>(*slot) : std::make_shared<Settings>();
    Settings& settings = *copy;
    slot = std::move(copy);
    return settings;
}

// Runs `body` with add() putting tasks into `group`, and restores the outer group after it, also
// when it throws.
void run_in_group(detail::PipelineState& s, graph::GroupId group, FunctionRef<void()> body) {
    struct Restore {
        detail::PipelineState& s;
        graph::GroupId outer;
        ~Restore() { s.current_group = outer; }
    } restore{s, s.current_group};
    s.current_group = group;
    body();
}

graph::GroupId add_group(detail::PipelineState& s, graph::GroupKind kind, graph::GroupId parent, graph::ExprPtr condition) {
    const auto id = static_cast<graph::GroupId>(s.graph.groups.size());
    graph::Group group;
    group.kind = kind;
    group.parent = parent;
    group.seq = ++s.groups_declared;
    group.condition = std::move(condition);
    s.graph.groups.push_back(std::move(group));
    return id;
}
}  // namespace

// --- Task ----------------------------------------------------------------------------------------

graph::Task& Task::task() const { return state_->graph.tasks[id_]; }

const std::string& Task::name() const { return task().name; }

Task& Task::bind(const std::string& input, graph::ExprPtr value) {
    task().args.push_back({input, std::move(value)});
    return *this;
}

Task& Task::arg(const std::string& input, const char* text) { return arg(input, Value<String>(text)); }
Task& Task::arg(const std::string& input, const std::string& text) { return arg(input, Value<String>(text)); }
Task& Task::arg(const std::string& input, double number) { return arg(input, Value<Float>(number)); }
Task& Task::arg(const std::string& input, bool flag) { return arg(input, Value<Bool>(flag)); }

Task& Task::arg(const std::string& input, const Json& literal) {
    const doc::Node& n = literal.node();
    switch (n.kind()) {
        case doc::Node::Kind::Seq: return arg(input, Value<List>(literal));
        case doc::Node::Kind::Map: return arg(input, Value<Struct>(literal));
        case doc::Node::Kind::String: return arg(input, n.as_string());
        case doc::Node::Kind::Bool: return arg(input, n.as_bool());
        case doc::Node::Kind::Int: return arg(input, static_cast<long long>(n.as_int()));
        case doc::Node::Kind::Float: return arg(input, n.as_float());
        case doc::Node::Kind::Null: break;
    }
    throw Error("the JSON literal null is not a List, Struct, String, Int, Float or Bool value",
                Where{.pipeline = state_->graph.name, .task = task().name, .input = input});
}

Task& Task::arg(const std::string& input, long long number) {
    const graph::Port* port = state_->graph.component_of(task()).find_input(input);
    if (port && port->type == graph::Type::Float) return arg(input, Value<Float>(number));
    return arg(input, Value<Int>(number));
}

graph::ExprPtr Task::output_expr(const std::string& name, graph::Type type) const {
    return graph::make_expr(type, graph::node::TaskOutput{state_->graph.id, id_, name});
}

void Task::add_after(const Task& other) {
    // A task of another pipeline gets an id the checks reject.
    task().after.push_back(other.state_ == state_ ? other.id_ : static_cast<graph::TaskId>(-1));
}

Task& Task::display_name(std::string name) {
    task().display_name = std::move(name);
    return *this;
}
Task& Task::cpu_request(std::string q) {
    resources().cpu_request = std::move(q);
    return *this;
}
Task& Task::cpu_limit(std::string q) {
    resources().cpu_limit = std::move(q);
    return *this;
}
Task& Task::memory_request(std::string q) {
    resources().memory_request = std::move(q);
    return *this;
}
Task& Task::memory_limit(std::string q) {
    resources().memory_limit = std::move(q);
    return *this;
}
Task& Task::accelerator(std::string type, std::int64_t count) {
    resources().accelerator_type = std::move(type);
    resources().accelerator_count = count;
    return *this;
}
Task& Task::node_selector(std::string key, std::string value) {
    task().node_selector.emplace_back(std::move(key), std::move(value));
    return *this;
}
Task& Task::env(std::string name, std::string value) {
    task().env.push_back({std::move(name), std::move(value)});
    return *this;
}
Task& Task::env_from_secret(std::string name, std::string secret, std::string key) {
    task().secret_env.push_back({std::move(name), std::move(secret), std::move(key), false});
    return *this;
}
graph::Resources& Task::resources() const { return copy_for_change(task().resources); }
graph::PodSettings& Task::pod() const { return copy_for_change(task().pod); }
Task& Task::env_from_config_map(std::string name, std::string config_map, std::string key) {
    pod().config_map_env.push_back({std::move(name), std::move(config_map), std::move(key), false});
    return *this;
}
Task& Task::secret_volume(std::string secret, std::string mount_path) {
    pod().secret_volumes.push_back({std::move(secret), std::move(mount_path), false});
    return *this;
}
Task& Task::config_map_volume(std::string config_map, std::string mount_path) {
    pod().config_map_volumes.push_back({std::move(config_map), std::move(mount_path), false});
    return *this;
}
Task& Task::pvc_mount(std::string pvc, std::string mount_path, std::string sub_path) {
    pod().pvc_mounts.push_back({std::move(pvc), std::move(mount_path), std::move(sub_path)});
    return *this;
}
Task& Task::ephemeral_volume(std::string name, std::string mount_path, std::string size, std::string storage_class) {
    pod().ephemeral_volumes.push_back(
        {std::move(name), std::move(mount_path), std::move(size), std::move(storage_class), {"ReadWriteOnce"}});
    return *this;
}
Task& Task::toleration(graph::Toleration toleration) {
    pod().tolerations.push_back(std::move(toleration));
    return *this;
}
Task& Task::node_affinity(std::vector<graph::NodeRequirement> match, std::int32_t weight) {
    pod().node_affinity.push_back({std::move(match), weight});
    return *this;
}
Task& Task::pod_label(std::string key, std::string value) {
    pod().labels.emplace_back(std::move(key), std::move(value));
    return *this;
}
Task& Task::pod_annotation(std::string key, std::string value) {
    pod().annotations.emplace_back(std::move(key), std::move(value));
    return *this;
}
Task& Task::image_pull_secret(std::string secret) {
    pod().image_pull_secrets.push_back(std::move(secret));
    return *this;
}
Task& Task::set_retry(std::int64_t max_retries, std::int64_t backoff_seconds, double backoff_factor,
                      std::int64_t max_backoff_seconds) {
    task().retry = graph::Retry{max_retries, backoff_seconds, backoff_factor, max_backoff_seconds};
    return *this;
}
Task& Task::ignore_upstream_failure() {
    task().ignore_upstream_failure = true;
    return *this;
}
Task& Task::caching(bool enabled) {
    task().cache = enabled;
    return *this;
}
Task& Task::set_timeout(std::int64_t seconds) {
    task().timeout_seconds = seconds;
    return *this;
}

// --- Pipeline ------------------------------------------------------------------------------------

Pipeline::Pipeline(std::string name) : state_(std::make_shared<detail::PipelineState>()) {
    state_->graph.id = state_.get();
    state_->graph.name = std::move(name);
    // Growing 1, 2, 4, 8 moved each (464-byte) task three times in the small pipelines that
    // nesting makes many of.
    state_->graph.tasks.reserve(8);
}

Pipeline& Pipeline::description(std::string text) {
    state_->graph.description = std::move(text);
    return *this;
}

Pipeline& Pipeline::resolver_image(std::string image) {
    state_->graph.resolver_image = std::move(image);
    return *this;
}

const std::string& Pipeline::name() const { return state_->graph.name; }
const graph::Graph& Pipeline::graph() const { return state_->graph; }
void Pipeline::dump(std::ostream& out) const { graph::dump(state_->graph, out); }

graph::ExprPtr Pipeline::add_param(graph::Port port) {
    auto expr = graph::make_expr(port.type, graph::node::Param{state_->graph.id, port.name});
    state_->graph.params.push_back(std::move(port));
    return expr;
}

doc::Node Pipeline::param_default(const graph::ExprPtr& e, const std::string& name) const {
    if (auto* lit = e->as<graph::node::Literal>()) return lit->value;
    throw Error("the default of parameter '" + name + "' must be a literal, not " + graph::to_debug_string(*e),
                Where{.pipeline = state_->graph.name});
}

Task Pipeline::add(const Component& component, std::string name) {
    return add_task(component, std::move(name), graph::Hook::None);
}
Task Pipeline::add(const Pipeline& sub, std::string name) {
    if (sub.state_ == state_) throw Error("a pipeline cannot run itself as a task", Where{.pipeline = state_->graph.name});
    graph::Graph checked = sub.graph();
    graph::run_passes(checked);
    const Where where{.pipeline = checked.name};
    if (checked.schedule) throw Error("a nested pipeline runs when its parent does: it cannot have a schedule", where);
    for (const auto& t : checked.tasks) {
        if (t.hook != graph::Hook::None) {
            throw Error("on_exit, on_success and on_failure belong to the outermost pipeline; task '" + t.name +
                            "' is one in a pipeline used as a task",
                        where);
        }
    }
    graph::Component spec;
    spec.name = checked.name;
    spec.description = checked.description;
    spec.inputs = checked.params;
    for (const auto& o : checked.outputs) spec.outputs.push_back({.name = o.name, .type = o.value->type});
    spec.pipeline = std::make_shared<const graph::Graph>(std::move(checked));
    return add(Component(std::move(spec)), std::move(name));
}

Pipeline& Pipeline::add_output(std::string name, graph::ExprPtr value) {
    state_->graph.outputs.push_back({std::move(name), std::move(value)});
    return *this;
}

Task Pipeline::on_exit(const Component& component, std::string name) {
    return add_task(component, std::move(name), graph::Hook::Exit);
}
Task Pipeline::on_success(const Component& component, std::string name) {
    return add_task(component, std::move(name), graph::Hook::Success);
}
Task Pipeline::on_failure(const Component& component, std::string name) {
    return add_task(component, std::move(name), graph::Hook::Failure);
}

Pipeline& Pipeline::pipeline_root(std::string uri) {
    state_->graph.pipeline_root = std::move(uri);
    return *this;
}

Pipeline& Pipeline::artifact_repository(std::string key, std::string config_map) {
    state_->graph.artifact_repository_key = std::move(key);
    state_->graph.artifact_repository_config_map = std::move(config_map);
    return *this;
}

Pipeline& Pipeline::schedule(std::string cron, std::string time_zone) {
    state_->graph.schedule = graph::Schedule{std::move(cron), std::move(time_zone)};
    return *this;
}

Branches Pipeline::If(const Condition& condition, FunctionRef<void()> body) {
    auto& s = *state_;
    const graph::GroupId group = add_group(s, graph::GroupKind::Condition, s.current_group, condition.expr());
    run_in_group(s, group, body);
    return Branches(state_, group, condition.expr());
}

Task Pipeline::add_importer(graph::ExprPtr uri, graph::Type type, const Json& metadata, bool reimport) {
    if (!metadata.is_object()) {
        throw Error("an importer's metadata must be a JSON object", Where{.pipeline = state_->graph.name});
    }
    graph::Component spec;
    spec.name = "importer";
    spec.inputs.push_back({.name = "uri", .type = graph::Type::String});
    spec.outputs.push_back({.name = "artifact", .type = type});
    spec.importer = graph::Importer{metadata.node().empty() ? doc::Node() : metadata.node(), reimport};
    return add(Component(std::move(spec))).arg("uri", Value<String>(std::move(uri)));
}

Loop Pipeline::add_loop(graph::ExprPtr items, graph::Type item_type, FunctionRef<void(graph::ExprPtr)> body) {
    auto& s = *state_;
    const graph::GroupId group = add_group(s, graph::GroupKind::Loop, s.current_group, nullptr);
    s.graph.groups[group].items = std::move(items);
    s.graph.groups[group].item_type = item_type;
    run_in_group(s, group, [&] { body(graph::make_expr(item_type, graph::node::LoopItem{s.graph.id, group})); });
    return Loop(state_, group);
}

Loop& Loop::parallelism(std::int64_t n) {
    state_->graph.groups[group_].parallelism = n;
    return *this;
}

graph::GroupId Branches::add_branch(graph::ExprPtr own, FunctionRef<void()> body, const char* what) {
    auto& s = *state_;
    if (closed_) throw Error(std::string(what) + " after Else: Else must be the last branch", Where{.pipeline = s.graph.name});
    if (branches_ == 0) {
        // The If becomes the first branch of a Branches group that takes its place.
        graph::Group& first = s.graph.groups[first_];
        const graph::GroupId parent = first.parent;
        const std::uint32_t seq = first.seq;
        branches_ = add_group(s, graph::GroupKind::Branches, parent, nullptr);
        s.graph.groups[branches_].seq = seq;
        s.graph.groups[first_].parent = branches_;
    }
    // Each branch holds when its own condition does and no earlier one did, as kfp writes it:
    // !(c1) && !(c2) && c3.
    const bool otherwise = own == nullptr;
    graph::ExprPtr condition;
    for (const auto& earlier : earlier_) {
        graph::ExprPtr negated = (!Condition::from_expr(earlier)).expr();
        condition = condition ? (Condition::from_expr(condition) && Condition::from_expr(negated)).expr() : negated;
    }
    if (own) {
        condition = (Condition::from_expr(condition) && Condition::from_expr(own)).expr();
        earlier_.push_back(std::move(own));
    }
    const graph::GroupId group = add_group(s, graph::GroupKind::Condition, branches_, std::move(condition));
    s.graph.groups[group].otherwise = otherwise;
    run_in_group(s, group, body);
    return group;
}

Branches& Branches::Elif(const Condition& condition, FunctionRef<void()> body) {
    add_branch(condition.expr(), body, "Elif");
    return *this;
}

void Branches::Else(FunctionRef<void()> body) {
    add_branch(nullptr, body, "Else");
    closed_ = true;
}

Task Pipeline::add_task(const Component& component, std::string name, graph::Hook hook) {
    auto& s = *state_;
    if (hook != graph::Hook::None && s.current_group != 0) {
        throw Error("on_exit, on_success and on_failure tasks run after the whole pipeline: add them outside If, "
                    "Elif, Else and parallel_for",
                    Where{.pipeline = s.graph.name});
    }
    auto spec = component.spec();
    auto [it, inserted] = s.component_index.try_emplace(spec.get(), static_cast<std::uint32_t>(s.graph.components.size()));
    if (inserted) {
        s.graph.components.push_back(*spec);
        s.graph.components.back().identity = spec;
        s.component_specs.push_back(std::move(spec));
    }
    if (name.empty()) {
        name = s.task_names.claim(graph::sanitize_k8s_name(component.name()));
    } else {
        // Reserve the name the checks will give it, so later automatic names avoid it; a clash
        // between given names is reported by the checks, with both names.
        s.task_names.take(graph::sanitize_k8s_name(name));
    }
    const auto id = static_cast<graph::TaskId>(s.graph.tasks.size());
    // Built in place: a Task is a few hundred bytes, and moving one in cost a fifth of add().
    graph::Task& task = s.graph.tasks.emplace_back();
    task.name = std::move(name);
    task.component = it->second;
    task.hook = hook;
    task.group = s.current_group;
    return Task(state_, id);
}

}  // namespace pipecc
