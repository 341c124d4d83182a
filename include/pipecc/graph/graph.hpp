#pragma once
/// The backend-neutral pipeline graph that the DSL builds, the checks verify and the emitters read.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pipecc/emit/document.hpp"
#include "pipecc/graph/expr.hpp"
#include "pipecc/graph/large_array.hpp"
#include "pipecc/graph/pod_settings.hpp"
#include "pipecc/graph/types.hpp"

namespace pipecc::graph {

struct Graph;

/// A named, typed port: a component input or output, or a pipeline parameter.
struct Port {
    std::string name{};
    Type type = Type::String;
    std::optional<doc::Node> default_value{};
    bool optional = false;
    std::string description{};

    /// Whether a task must bind it: no default and not optional.
    bool required() const { return !default_value && !optional; }
};

/// A plain environment variable.
struct EnvVar {
    std::string name{};
    std::string value{};
};

/// An environment variable read from a key of a Kubernetes secret.
struct SecretEnv {
    std::string env_var{};
    std::string secret_name{};
    std::string secret_key{};
    bool optional = false;
};

/// What makes a component an importer: it runs no container but registers an existing artifact
/// (input `uri`) as its output `artifact`.
struct Importer {
    doc::Node metadata{};   ///< a map of metadata for the artifact, or null
    bool reimport = false;  ///< KFP: register it again even if this URI is known
};

/// A container component: a reusable template that tasks instantiate.
struct Component {
    std::string name{};
    std::string description{};
    std::string image{};
    std::vector<ExprPtr> command{};
    std::vector<ExprPtr> args{};
    std::vector<EnvVar> env{};
    std::vector<Port> inputs{};
    std::vector<Port> outputs{};
    std::optional<Importer> importer{};  ///< set for an importer, which has no image
    /// Set for a nested pipeline: the checked graph that its tasks run. Its parameters are the
    /// inputs, its outputs the outputs; it has no image. Shared: nesting copies no tasks.
    std::shared_ptr<const Graph> pipeline{};
    /// Set by the DSL: the immutable spec this copy was made from, held alive. Components with
    /// the same identity are equal, so emitters share what they build for them across the
    /// pipelines that nest each other.
    std::shared_ptr<const void> identity{};

    const Port* find_input(std::string_view n) const;
    const Port* find_output(std::string_view n) const;
};

/// Kubernetes resource quantities, kept as the user wrote them ("500m", "60G"); empty = unset.
struct Resources {
    std::string cpu_request{};
    std::string cpu_limit{};
    std::string memory_request{};
    std::string memory_limit{};
    std::string accelerator_type{};  ///< e.g. "nvidia.com/gpu"
    std::int64_t accelerator_count = 0;
};

/// Retry on failure with exponential backoff.
struct Retry {
    std::int64_t max_retries = 0;
    std::int64_t backoff_seconds = 0;
    double backoff_factor = 2.0;
    std::int64_t backoff_max_seconds = 3600;
};

/// When a task runs relative to the pipeline's body (the tasks without a hook).
enum class Hook : std::uint8_t {
    None,     ///< part of the body
    Exit,     ///< after the body, whatever happened (an exit handler)
    Success,  ///< after the body, only if it succeeded
    Failure,  ///< after the body, only if it did not succeed
};

/// A recurring schedule: a 5-field cron expression in an IANA time zone.
struct Schedule {
    std::string cron{};
    std::string time_zone{};
};

/// What a group of tasks is.
enum class GroupKind : std::uint8_t {
    Body,       ///< the pipeline itself (group 0)
    Branches,   ///< If with its Elif and Else branches, each a Condition group inside it
    Condition,  ///< tasks that run only when `condition` holds
    Loop,       ///< tasks that run once per item of `items`, in parallel (ParallelFor)
};

/// A scope of tasks inside the pipeline: a condition, the branches of an If, or a loop. Tasks and groups
/// name the group they are in; engines nest them (KFP sub-DAGs) or flatten them (Argo `when`).
struct Group {
    GroupKind kind = GroupKind::Body;
    GroupId parent = 0;
    /// Declaration order among the parent's groups (a Branches group takes its If's).
    std::uint32_t seq = 0;
    /// Condition groups: a Bool expression of Compare and Logic nodes. An Elif's or Else's
    /// includes the negation of the branches before it.
    ExprPtr condition{};
    /// Loop groups: the List to iterate (a literal, a parameter or a task output), the type of
    /// one item, and how many iterations may run at once (0: no limit).
    ExprPtr items{};
    Type item_type = Type::String;
    std::int64_t parallelism = 0;
    /// Condition groups: the Else of an If chain.
    bool otherwise = false;
};

/// One input of a task bound to a value.
struct Binding {
    std::string input{};
    ExprPtr value{};
};

/// A task: one use of a component inside the pipeline, with its arguments and settings.
struct Task {
    std::string name{};          ///< the user's name; checks replace it with its DNS-1123 form
    std::string display_name{};  ///< shown in UIs; defaults to the name
    std::uint32_t component = 0;
    std::vector<Binding> args{};
    std::vector<TaskId> after{};  ///< explicit ordering from `.after()`
    /// Requests and limits; null when the task sets none, which keeps a 100,000-task graph a
    /// third smaller (it is built, copied and walked whole). Shared and immutable: setters copy it.
    std::shared_ptr<const Resources> resources{};
    std::vector<std::pair<std::string, std::string>> node_selector{};
    std::vector<EnvVar> env{};
    std::vector<SecretEnv> secret_env{};
    /// Volumes, tolerations, affinity, pod metadata and pull secrets; null when the task sets
    /// none, which keeps a 100,000-task graph small. Shared and immutable: setters copy it.
    std::shared_ptr<const PodSettings> pod{};
    std::optional<Retry> retry{};
    bool cache = true;
    /// Runs once the tasks it waits for have finished, even if some failed (kfp's
    /// `ignore_upstream_failure`).
    bool ignore_upstream_failure = false;
    std::int64_t timeout_seconds = 0;  ///< 0 = none
    Hook hook = Hook::None;
    GroupId group = 0;  ///< the innermost group the task is in

    /// Filled by the checks: every task this one waits for (data edges and `after`), sorted by
    /// name and unique.
    std::vector<TaskId> deps{};

    /// The task's requests and limits; empty ones when it sets none.
    ///
    /// @code
    /// if (!t.requests_and_limits().cpu_limit.empty()) { /* ... */ }
    /// @endcode
    const Resources& requests_and_limits() const {
        static const Resources none{};
        return resources ? *resources : none;
    }
};

/// A value a pipeline returns: a body task's output, or a `collected()` one.
struct Output {
    std::string name{};
    ExprPtr value{};
};

/// A whole pipeline.
struct Graph {
    /// Identifies the pipeline that built this graph; parameter and task-output expressions carry
    /// it so the checks can reject values taken from another pipeline.
    const void* id = nullptr;
    std::string name{};          ///< the user's name; checks replace it with its DNS-1123 form
    std::string display_name{};  ///< filled by the checks with the user's name when that differs
    std::string description{};
    std::vector<Port> params{};
    /// What the pipeline returns: a nested pipeline's task outputs, and root outputs on KFP.
    std::vector<Output> outputs{};
    std::vector<Component> components{};
    std::vector<Task, LargeArrayAllocator<Task>> tasks{};
    /// groups[0] is the body; the others are conditions and branches.
    std::vector<Group> groups{Group{}};
    std::optional<Schedule> schedule{};
    /// Where KFP writes the run's artifacts (IR `defaultPipelineRoot`), e.g. "gs://bucket/root".
    std::string pipeline_root{};
    /// Argo's counterpart: the artifact repository, by its key in a config map
    /// (`spec.artifactRepositoryRef`; the config map defaults to Argo's "artifact-repositories").
    std::string artifact_repository_key{};
    std::string artifact_repository_config_map{};
    /// The image of the resolver step that formats run-time values where an engine cannot; it
    /// needs a POSIX shell, GNU date and tzdata. Pinned by the tag's digest as well, so
    /// that a re-pushed tag cannot change what runs.
    std::string resolver_image =
        "debian:bookworm-20241111-slim@sha256:ca3372ce30b03a591ec573ea975ad8b0ecaf0eb17a354416741f8001bbcae33d";

    /// Filled by the checks: task ids in a stable topological order.
    std::vector<TaskId> topo_order{};

    const Port* find_param(std::string_view n) const;
    /// Whether group `inner` is `outer` or lies inside it.
    bool within(GroupId inner, GroupId outer) const {
        while (inner != outer && inner != 0) inner = groups[inner].parent;
        return inner == outer;
    }
    /// The component that task `t` instantiates.
    const Component& component_of(const Task& t) const { return components[t.component]; }
};

}  // namespace pipecc::graph
