#pragma once
/// `Pipeline` and `Task`: the graph a user builds, and cheap handles to its tasks.

#include <cstdint>
#include <memory>
#include <optional>
#include <iosfwd>
#include <string>
#include <type_traits>
#include <vector>

#include "pipecc/dsl/component.hpp"
#include "pipecc/dsl/condition.hpp"
#include "pipecc/dsl/function_ref.hpp"
#include "pipecc/dsl/json.hpp"
#include "pipecc/dsl/value.hpp"
#include "pipecc/graph/graph.hpp"

namespace pipecc {

namespace detail {
struct PipelineState;

template <class R>
struct ValueType {};
template <TypeTag T>
struct ValueType<Value<T>> {
    using type = T;
};
/// `T` of a `Value<T>` (or of a reference to one).
template <class R>
using value_type_t = typename ValueType<std::remove_cvref_t<R>>::type;
/// Whether a body passed to `If` or `parallel_for` returns a value (a non-artifact `Value<T>`
/// for an If, since `one_of` takes only parameters; any `Value<T>` for a loop).
template <class F, class... Args>
concept ReturnsValue = std::invocable<F&, Args...> &&
                       requires { typename value_type_t<std::invoke_result_t<F&, Args...>>; };
template <class F>
concept ReturnsParameter =
    ReturnsValue<F> && !graph::is_artifact(value_type_t<std::invoke_result_t<F&>>::type);

/// A std::chrono::duration, recognised by its shape so that this header need not include <chrono>.
template <class D>
concept Duration = requires(const D& d) {
    { d.count() } -> std::integral;
    { D::period::num } -> std::convertible_to<long long>;
    { D::period::den } -> std::convertible_to<long long>;
};
/// `count * seconds_per_count`, or an Error if that overflows 64 bits.
std::int64_t whole_seconds(long long count, long long seconds_per_count);
template <Duration D>
std::int64_t seconds_of(D d) {
    static_assert(D::period::den == 1,
                  "pipecc: retry and timeout take whole seconds or longer (std::chrono::seconds, minutes, hours)");
    return whole_seconds(static_cast<long long>(d.count()), static_cast<long long>(D::period::num));
}
}  // namespace detail
class Branches;
class Loop;
template <TypeTag T>
class ValueBranches;
template <TypeTag T>
class ValueLoop;

/// A task: one use of a component in a pipeline. A cheap handle (the pipeline owns the task);
/// setters return `Task&` so calls chain.
///
/// @code
/// Task predict = p.add(predict_component)
///     .arg("date", init.output<String>("ymd"))
///     .memory_request("60G")
///     .node_selector("cloud.google.com/gke-nodepool", "high-memory-pool");
/// @endcode
class Task {
public:
    /// Binds input `input` to a value.
    template <TypeTag T>
    Task& arg(const std::string& input, const Value<T>& value) {
        return bind(input, value.expr());
    }
    Task& arg(const std::string& input, const char* text);
    Task& arg(const std::string& input, const std::string& text);
    /// An integer literal; it feeds a Float input as a Float.
    Task& arg(const std::string& input, long long number);
    Task& arg(const std::string& input, int number) { return arg(input, static_cast<long long>(number)); }
    Task& arg(const std::string& input, double number);
    Task& arg(const std::string& input, bool flag);
    /// A JSON literal: an array feeds a List input, an object a Struct one, and a string, number
    /// or boolean as above, so a grid needs no `Value<List>(…)`. An nlohmann::json converts.
    ///
    /// @code
    /// p.add(sweep).arg("configs", Json::array({{{"lr", 0.1}}, {{"lr", 0.01}}}));
    /// @endcode
    Task& arg(const std::string& input, const Json& literal);
    /// The same for an nlohmann::json, for programs that include it.
    template <detail::NlohmannJson J>
    Task& arg(const std::string& input, const J& literal) {
        return arg(input, Json(literal));
    }

    /// The task's output `name`, of type T (checked against the component).
    template <TypeTag T>
    Value<T> output(const std::string& name) const {
        return Value<T>(output_expr(name, T::type));
    }

    /// Runs this task only after `others` have finished.
    template <class... Tasks>
    Task& after(const Task& first, const Tasks&... others) {
        add_after(first);
        (add_after(others), ...);
        return *this;
    }

    /// The name shown in UIs (the task name by default).
    Task& display_name(std::string name);
    /// Kubernetes quantities, e.g. "500m" or "2" CPUs, "512Mi" or "60G" memory.
    Task& cpu_request(std::string quantity);
    Task& cpu_limit(std::string quantity);
    Task& memory_request(std::string quantity);
    Task& memory_limit(std::string quantity);
    /// An accelerator type (e.g. "nvidia.com/gpu", "NVIDIA_TESLA_T4") and how many.
    Task& accelerator(std::string type, std::int64_t count = 1);
    /// Schedules the task on nodes with this label (e.g. a GKE node pool).
    Task& node_selector(std::string key, std::string value);
    /// A plain environment variable in the task's container.
    Task& env(std::string name, std::string value);
    /// An environment variable from key `key` of Kubernetes secret `secret`: the secret stays
    /// out of the image and out of the compiled pipeline.
    Task& env_from_secret(std::string name, std::string secret, std::string key);
    /// An environment variable from key `key` of Kubernetes config map `config_map`.
    Task& env_from_config_map(std::string name, std::string config_map, std::string key);
    /// Mounts Kubernetes secret `secret` as files (one per key) under `mount_path`.
    ///
    /// @code
    /// task.secret_volume("gcp-sa-key", "/secrets/gcp");
    /// @endcode
    Task& secret_volume(std::string secret, std::string mount_path);
    /// Mounts config map `config_map` as files (one per key) under `mount_path`.
    Task& config_map_volume(std::string config_map, std::string mount_path);
    /// Mounts the existing PersistentVolumeClaim `pvc` at `mount_path` (a sub-path of it if given).
    Task& pvc_mount(std::string pvc, std::string mount_path, std::string sub_path = {});
    /// Mounts a volume of `size` made for this task's pod and deleted with it (a generic
    /// ephemeral volume), from `storage_class` or the cluster's default.
    ///
    /// @code
    /// task.ephemeral_volume("scratch", "/scratch", "200Gi", "premium-rwo");
    /// @endcode
    Task& ephemeral_volume(std::string name, std::string mount_path, std::string size,
                           std::string storage_class = {});
    /// Lets the task run on nodes with a matching taint (e.g. a GPU or high-memory node pool).
    ///
    /// @code
    /// task.toleration({.key = "nvidia.com/gpu", .op = "Exists", .effect = "NoSchedule"});
    /// @endcode
    Task& toleration(graph::Toleration toleration);
    /// Requires nodes whose labels match all of `match`; with a `weight` (1-100), prefers them.
    ///
    /// @code
    /// task.node_affinity({{.key = "cloud.google.com/gke-nodepool", .op = "In", .values = {"gpu-pool"}}});
    /// @endcode
    Task& node_affinity(std::vector<graph::NodeRequirement> match, std::int32_t weight = 0);
    /// A label on the task's pod.
    Task& pod_label(std::string key, std::string value);
    /// An annotation on the task's pod.
    Task& pod_annotation(std::string key, std::string value);
    /// Pulls the task's image with the registry credentials in secret `secret`. (Argo sets pull
    /// secrets for the whole workflow, so there every pod gets it.)
    Task& image_pull_secret(std::string secret);
    /// Retries a failed task up to `max_retries` times with exponential backoff: the first retry
    /// after `backoff` (a std::chrono duration of whole seconds or longer), each next one
    /// `backoff_factor` times later. `max_backoff` (default one hour, as in kfp) bounds the
    /// whole task, counted from its first attempt's start: both engines hand it to Argo's
    /// `backoff.maxDuration`, which makes no retry once that time has passed or a wait would pass
    /// it. A task that runs longer than `max_backoff` is therefore never retried.
    ///
    /// @code
    /// task.retry(3, std::chrono::seconds(30), 2.0, std::chrono::minutes(10));
    /// @endcode
    Task& retry(std::int64_t max_retries) { return set_retry(max_retries, 0, 2.0, 3600); }
    template <detail::Duration Backoff>
    Task& retry(std::int64_t max_retries, Backoff backoff, double backoff_factor = 2.0) {
        return set_retry(max_retries, detail::seconds_of(backoff), backoff_factor, 3600);
    }
    template <detail::Duration Backoff, detail::Duration MaxBackoff>
    Task& retry(std::int64_t max_retries, Backoff backoff, double backoff_factor, MaxBackoff max_backoff) {
        return set_retry(max_retries, detail::seconds_of(backoff), backoff_factor, detail::seconds_of(max_backoff));
    }
    /// Runs this task once the tasks it waits for have finished, even if some of them failed:
    /// a clean-up or report step. Inputs it reads from those tasks need a default (used when
    /// the task failed to write them). KFP: triggerPolicy ALL_UPSTREAM_TASKS_COMPLETED; Argo:
    /// `depends` on every end state, for tasks that read no upstream outputs.
    ///
    /// @code
    /// Task training = p.add(train);
    /// p.add(cleanup).after(training).ignore_upstream_failure();
    /// @endcode
    Task& ignore_upstream_failure();
    /// Turns result caching on (the default) or off.
    Task& caching(bool enabled);
    /// Fails the task if it runs longer than `limit` (a std::chrono duration of whole seconds or
    /// longer).
    ///
    /// @code
    /// task.timeout(std::chrono::hours(12));
    /// @endcode
    template <detail::Duration Limit>
    Task& timeout(Limit limit) { return set_timeout(detail::seconds_of(limit)); }

    /// The task's name as given (checks later turn it into a DNS-1123 name).
    const std::string& name() const;
    graph::TaskId id() const { return id_; }

private:
    friend class Pipeline;
    Task(std::shared_ptr<detail::PipelineState> state, graph::TaskId id) : state_(std::move(state)), id_(id) {}
    Task& bind(const std::string& input, graph::ExprPtr value);
    Task& set_retry(std::int64_t max_retries, std::int64_t backoff_seconds, double backoff_factor,
                    std::int64_t max_backoff_seconds);
    Task& set_timeout(std::int64_t seconds);
    graph::ExprPtr output_expr(const std::string& name, graph::Type type) const;
    void add_after(const Task& other);
    graph::Task& task() const;
    /// The task's pod settings, copied for a change (they are shared with checked graphs).
    graph::PodSettings& pod() const;
    /// The task's requests and limits, copied for a change, as `pod()`.
    graph::Resources& resources() const;

    std::shared_ptr<detail::PipelineState> state_;
    graph::TaskId id_;
};

/// A pipeline: parameters and tasks. A handle to shared state, so it can be returned and copied
/// freely; tasks and values refer back to it.
///
/// @code
/// Pipeline p("daily-thanks");
/// auto root = p.param<String>("gcs-root", "gs://my-bucket");
/// p.add(thanks).arg("message", "byebye").arg("gcs-output-path", concat(root, "/thanks.txt"));
/// @endcode
class Pipeline {
public:
    explicit Pipeline(std::string name);

    Pipeline& description(std::string text);

    /// The image of the resolver step, which pipecc inserts where an engine cannot format a
    /// run-time value itself (KFP). It needs a POSIX shell, GNU date and tzdata; pin it.
    Pipeline& resolver_image(std::string image);

    /// A required parameter, supplied when a run is created.
    template <TypeTag T>
    Value<T> param(std::string name) {
        return Value<T>(add_param({.name = std::move(name), .type = T::type}));
    }
    /// A parameter with a default value.
    template <TypeTag T>
    Value<T> param(std::string name, const Value<T>& default_value) {
        return param<T>(std::move(name), PortSpec<T>{default_value, {}});
    }
    /// A parameter with a default value and/or a description.
    template <TypeTag T>
    Value<T> param(std::string name, const PortSpec<T>& spec) {
        graph::Port port{.name = std::move(name), .type = T::type, .description = spec.description};
        if (spec.default_value) port.default_value = param_default(spec.default_value->expr(), port.name);
        return Value<T>(add_param(std::move(port)));
    }

    /// Adds a task running `component`. Its name is `name`, or the component's name made unique
    /// with a "-2", "-3", ... suffix.
    Task add(const Component& component, std::string name = {});

    /// Adds a task that runs pipeline `sub` as one step: its parameters are the task's inputs and
    /// its `output()`s the task's outputs. `sub` is checked and copied as it is now; later changes
    /// to it do not reach this task. KFP: a graph component with `dag.outputs`; Argo: a DAG template.
    ///
    /// @code
    /// Pipeline prep("prepare");
    /// auto day = prep.param<String>("day");
    /// prep.output("table", prep.add(extract).arg("day", day).output<String>("table"));
    /// Task t = p.add(prep).arg("day", run::created_at().in_zone("Asia/Tokyo").format("%Y%m%d"));
    /// p.add(train).arg("table", t.output<String>("table"));
    /// @endcode
    Task add(const Pipeline& sub, std::string name = {});

    /// Returns `value` (a body task's output, or `collected()` of one) as output `name` of the
    /// pipeline: of the task that runs it when nested, and of the run on KFP.
    template <TypeTag T>
    Pipeline& output(std::string name, const Value<T>& value) {
        return add_output(std::move(name), value.expr());
    }

    /// Adds an importer: a task that registers an existing artifact at `uri` (a literal or a
    /// parameter) as its output "artifact" of type T, with `metadata`, for tasks to read. KFP: an
    /// `importer` executor (`reimport` registers it again if the URI is known). Argo: no pod; the
    /// readers fetch it from the URI, which must be a literal gs://, s3:// or http(s):// URI.
    ///
    /// @code
    /// auto data = p.importer<Dataset>("gs://bucket/train.csv", {{"source", "bigquery"}}).output<Dataset>("artifact");
    /// p.add(train).arg("data", data);
    /// @endcode
    template <TypeTag T>
        requires(graph::is_artifact(T::type))
    Task importer(const Value<String>& uri, const Json& metadata = Json::object(), bool reimport = false) {
        return add_importer(uri.expr(), T::type, metadata, reimport);
    }

    /// Adds a task that runs after all the others, whatever happened: an exit handler. It may
    /// read `run::status()`.
    ///
    /// @code
    /// p.on_exit(notify_slack).arg("status", run::status()).arg("run", run::name());
    /// @endcode
    Task on_exit(const Component& component, std::string name = {});
    /// Adds a task that runs after all the others only if they all succeeded.
    Task on_success(const Component& component, std::string name = {});
    /// Adds a task that runs after all the others only if the run did not succeed.
    Task on_failure(const Component& component, std::string name = {});

    /// Runs the tasks that `body` adds only when `condition` holds at run time. Chain `Elif` and
    /// `Else` on the result for the other branches. (Capitalised, as in kfp, since `if` and
    /// `else` are keywords.) KFP: a `condition-N` sub-DAG with a CEL trigger; Argo: `when`.
    ///
    /// @code
    /// Value<String> coin = flip.output<String>("Output");
    /// p.If(coin == "heads", [&] { p.add(celebrate); })
    ///  .Elif(coin == "tails", [&] { p.add(retry_flip); })
    ///  .Else([&] { p.add(report_edge); });
    /// @endcode
    Branches If(const Condition& condition, FunctionRef<void()> body);

    /// An If whose branches each return a value: `Else` ends the chain and gives the value of
    /// whichever branch ran (`one_of` of the branches' values), so nothing made inside a branch
    /// needs to be kept in a variable declared before it.
    ///
    /// @code
    /// Value<String> text = p.If(side == "heads", [&] { return p.add(say).output<String>("Output"); })
    ///                       .Else([&] { return p.add(shout).output<String>("Output"); });
    /// p.add(report).arg("text", text);
    /// @endcode
    template <class F>
        requires detail::ReturnsParameter<F>
    ValueBranches<detail::value_type_t<std::invoke_result_t<F&>>> If(const Condition& condition, F&& body);

    /// Runs the tasks that `body` adds once per item of `items` (a literal list, a List parameter
    /// or a task's List output), in parallel; `body` receives the item as a `Value<T>`. Use
    /// `collected()` after the loop to gather an output of every iteration. KFP: a `for-loop-N`
    /// sub-DAG with a `parameterIterator`; Argo: a DAG template run `withItems` / `withParam`.
    ///
    /// @code
    /// p.parallel_for<String>(p.param<List>("models"), [&](const Value<String>& model) {
    ///     p.add(train).arg("model", model);
    /// }).parallelism(2);
    /// @endcode
    template <TypeTag T>
        requires(!graph::is_artifact(T::type) && T::type != graph::Type::Timestamp)
    Loop parallel_for(const Value<List>& items, FunctionRef<void(const Value<T>&)> body);

    /// Runs the tasks that `body` adds once per artifact of `items` (a task's or nested
    /// pipeline's list of artifacts), in parallel. KFP only: an `artifactIterator`.
    ///
    /// @code
    /// auto datasets = p.add(make_datasets).output<ArtifactList<Dataset>>("Output");
    /// p.parallel_for<Dataset>(datasets, [&](const Value<Dataset>& d) { p.add(show).arg("data", d); });
    /// @endcode
    template <ArtifactTag T>
    Loop parallel_for(const Value<ArtifactList<T>>& items, FunctionRef<void(const Value<T>&)> body);

    /// A ParallelFor whose body returns a value: `collected()` on the result gathers that value
    /// from every iteration, in item order, for the tasks after the loop (fan-in).
    ///
    /// @code
    /// Value<List> scores = p.parallel_for<Struct>(configs, [&](const Value<Struct>& c) {
    ///     return p.add(train).arg("lr", c.field<Float>("lr")).output<Float>("score");
    /// }).parallelism(2).collected();
    /// p.add(pick_best).arg("scores", scores);
    /// @endcode
    template <TypeTag T, class F>
        requires(!graph::is_artifact(T::type) && T::type != graph::Type::Timestamp &&
                 detail::ReturnsValue<F, const Value<T>&>)
    ValueLoop<detail::value_type_t<std::invoke_result_t<F&, const Value<T>&>>> parallel_for(const Value<List>& items,
                                                                                            F&& body);

    /// Where KFP and Vertex write the run's artifacts (IR `defaultPipelineRoot`). Argo has no
    /// URI for this: name its artifact repository with `artifact_repository` as well.
    ///
    /// @code
    /// p.pipeline_root("gs://my-bucket/pipeline-root").artifact_repository("gcs-pipelines");
    /// @endcode
    Pipeline& pipeline_root(std::string uri);
    /// Argo: the artifact repository the run's artifacts go to, by its key in config map
    /// `config_map` (Argo's default "artifact-repositories" when empty): `artifactRepositoryRef`.
    Pipeline& artifact_repository(std::string key, std::string config_map = {});

    /// Runs the pipeline on a 5-field cron schedule in an IANA time zone.
    /// Argo: a CronWorkflow. KFP IR: recorded in the file's header for `pipecc deploy`.
    ///
    /// @code
    /// p.schedule("0 6 * * *", "Asia/Tokyo");  // every day at 06:00 in Tokyo
    /// @endcode
    Pipeline& schedule(std::string cron, std::string time_zone = "UTC");

    const std::string& name() const;
    /// The graph as built so far, before any checks.
    const graph::Graph& graph() const;
    /// Writes a readable dump of the graph.
    void dump(std::ostream& out) const;

private:
    friend class Branches;
    Pipeline& add_output(std::string name, graph::ExprPtr value);
    Task add_importer(graph::ExprPtr uri, graph::Type type, const Json& metadata, bool reimport);
    Loop add_loop(graph::ExprPtr items, graph::Type item_type, FunctionRef<void(graph::ExprPtr)> body);
    Task add_task(const Component& component, std::string name, graph::Hook hook);
    graph::ExprPtr add_param(graph::Port port);
    doc::Node param_default(const graph::ExprPtr& e, const std::string& name) const;

    std::shared_ptr<detail::PipelineState> state_;
};

/// The branches of one `Pipeline::If`: add `Elif` and `Else` branches in order. Exactly one
/// branch runs at most; each later branch holds only when the earlier ones do not.
///
/// @code
/// Value<Int> n = count.output<Int>("n");
/// p.If(n > 100, [&] { p.add(big); }).Elif(n > 10, [&] { p.add(medium); }).Else([&] { p.add(small); });
/// @endcode
class Branches {
public:
    /// A branch that runs when `condition` holds and no earlier branch did.
    Branches& Elif(const Condition& condition, FunctionRef<void()> body);
    /// The branch that runs when no earlier branch did. It ends the chain.
    void Else(FunctionRef<void()> body);

private:
    friend class Pipeline;
    Branches(std::shared_ptr<detail::PipelineState> state, graph::GroupId first, graph::ExprPtr condition)
        : state_(std::move(state)), first_(first), earlier_{std::move(condition)} {}
    graph::GroupId add_branch(graph::ExprPtr own, FunctionRef<void()> body, const char* what);

    std::shared_ptr<detail::PipelineState> state_;
    graph::GroupId first_;                  // the If's group
    graph::GroupId branches_ = 0;           // their Branches group, made by the first Elif or Else
    std::vector<graph::ExprPtr> earlier_;  // the conditions of the branches so far
    bool closed_ = false;                   // after Else
};

/// The branches of an If whose bodies return a `Value<T>`; `Else` ends them with the value of
/// the branch that ran. Made by the value-returning `Pipeline::If`.
///
/// @code
/// Value<Int> rows = p.If(epochs > 100, [&] { return p.add(big).output<Int>("rows"); })
///                     .Else([&] { return p.add(small).output<Int>("rows"); });
/// @endcode
template <TypeTag T>
class ValueBranches {
public:
    /// A branch that runs when `condition` holds and no earlier branch did; it returns its value.
    template <class F>
        requires std::same_as<std::invoke_result_t<F&>, Value<T>>
    ValueBranches& Elif(const Condition& condition, F&& body) {
        branches_.Elif(condition, [&] { values_.push_back(body().expr()); });
        return *this;
    }
    /// The last branch; the result is the value of whichever branch ran.
    template <class F>
        requires std::same_as<std::invoke_result_t<F&>, Value<T>>
    Value<T> Else(F&& body) {
        branches_.Else([&] { values_.push_back(body().expr()); });
        return Value<T>(detail::one_of_expr(values_, T::type));
    }

private:
    friend class Pipeline;
    ValueBranches(Branches branches, std::vector<graph::ExprPtr> values)
        : branches_(std::move(branches)), values_(std::move(values)) {}
    Branches branches_;
    std::vector<graph::ExprPtr> values_;
};

/// A ParallelFor loop added by `Pipeline::parallel_for`; a cheap handle.
///
/// @code
/// p.parallel_for<Int>(shards, [&](const Value<Int>& shard) { p.add(work).arg("shard", shard); }).parallelism(4);
/// @endcode
class Loop {
public:
    /// At most `n` iterations run at once (KFP `parallelismLimit`, Argo `parallelism`).
    Loop& parallelism(std::int64_t n);

private:
    friend class Pipeline;
    Loop(std::shared_ptr<detail::PipelineState> state, graph::GroupId group) : state_(std::move(state)), group_(group) {}
    std::shared_ptr<detail::PipelineState> state_;
    graph::GroupId group_;
};

/// A loop whose body returns a `Value<T>`: `collected()` gathers it from every iteration. Made by
/// the value-returning `Pipeline::parallel_for`.
///
/// @code
/// Value<List> days = p.parallel_for<String>(regions, [&](const Value<String>& r) {
///     return p.add(extract).arg("region", r).output<String>("day");
/// }).collected();
/// @endcode
template <TypeTag T>
class ValueLoop {
public:
    /// At most `n` iterations run at once, as `Loop::parallelism`.
    ValueLoop& parallelism(std::int64_t n) {
        loop_.parallelism(n);
        return *this;
    }
    /// The body's value of every iteration, in item order: `collected(value)`.
    auto collected() const { return pipecc::collected(value_); }

private:
    friend class Pipeline;
    ValueLoop(Loop loop, Value<T> value) : loop_(std::move(loop)), value_(std::move(value)) {}
    Loop loop_;
    Value<T> value_;
};

template <class F>
    requires detail::ReturnsParameter<F>
ValueBranches<detail::value_type_t<std::invoke_result_t<F&>>> Pipeline::If(const Condition& condition, F&& body) {
    std::vector<graph::ExprPtr> values;
    Branches branches = If(condition, [&] { values.push_back(body().expr()); });
    return {std::move(branches), std::move(values)};
}

template <TypeTag T, class F>
    requires(!graph::is_artifact(T::type) && T::type != graph::Type::Timestamp &&
             detail::ReturnsValue<F, const Value<T>&>)
ValueLoop<detail::value_type_t<std::invoke_result_t<F&, const Value<T>&>>> Pipeline::parallel_for(
    const Value<List>& items, F&& body) {
    using U = detail::value_type_t<std::invoke_result_t<F&, const Value<T>&>>;
    std::optional<Value<U>> value;  // the body runs exactly once, while the loop is built
    Loop loop = parallel_for<T>(items, FunctionRef<void(const Value<T>&)>(
                                           [&](const Value<T>& item) { value.emplace(body(item)); }));
    return ValueLoop<U>(std::move(loop), std::move(*value));
}

template <TypeTag T>
    requires(!graph::is_artifact(T::type) && T::type != graph::Type::Timestamp)
Loop Pipeline::parallel_for(const Value<List>& items, FunctionRef<void(const Value<T>&)> body) {
    return add_loop(items.expr(), T::type, [&](graph::ExprPtr item) { body(Value<T>(std::move(item))); });
}

template <ArtifactTag T>
Loop Pipeline::parallel_for(const Value<ArtifactList<T>>& items, FunctionRef<void(const Value<T>&)> body) {
    return add_loop(items.expr(), T::type, [&](graph::ExprPtr item) { body(Value<T>(std::move(item))); });
}

}  // namespace pipecc
