#include "pipecc/graph/engine_check.hpp"

#include <unordered_set>

#include "pipecc/error.hpp"
#include "pipecc/graph/joins.hpp"

namespace pipecc::graph {
namespace {

// A setting of a task that only the kfp-kubernetes PlatformSpec carries, and what to do instead.
struct PlatformSetting {
    std::string what;  // e.g. "node selectors (cloud.google.com/gke-nodepool=high-memory-pool)"
    std::string_view instead;
};

std::optional<PlatformSetting> first_platform_setting(const Task& t) {
    constexpr std::string_view machine = "Set CPU, memory and accelerator, which choose the machine";
    constexpr std::string_view secret = "Read the secret at run time from Secret Manager with the job's service "
                                        "account (README: Vertex and Kubernetes settings)";
    if (!t.secret_env.empty()) {
        const auto& s = t.secret_env.front();
        return PlatformSetting{"secrets (env " + s.env_var + " from secret '" + s.secret_name + "')", secret};
    }
    if (!t.node_selector.empty()) {
        const auto& [k, v] = t.node_selector.front();
        return PlatformSetting{"node selectors (" + k + "=" + v + ")", machine};
    }
    if (t.timeout_seconds > 0) {
        return PlatformSetting{"task timeouts (" + std::to_string(t.timeout_seconds) + " s)",
                               "Leave the timeout out for vertex"};
    }
    if (!t.pod) return std::nullopt;
    const PodSettings& p = *t.pod;
    if (!p.secret_volumes.empty()) {
        return PlatformSetting{"secret volumes ('" + p.secret_volumes.front().secret_name + "')", secret};
    }
    if (!p.config_map_env.empty() || !p.config_map_volumes.empty()) {
        const std::string& name =
            p.config_map_env.empty() ? p.config_map_volumes.front().config_map : p.config_map_env.front().config_map;
        return PlatformSetting{"config maps ('" + name + "')", "Pass the values as pipeline parameters"};
    }
    if (!p.pvc_mounts.empty() || !p.ephemeral_volumes.empty()) {
        const std::string& name = p.pvc_mounts.empty() ? p.ephemeral_volumes.front().name : p.pvc_mounts.front().pvc_name;
        return PlatformSetting{"Kubernetes volumes ('" + name + "')",
                               "Pass data between tasks as artifacts, which Vertex keeps under the pipeline root"};
    }
    if (!p.tolerations.empty()) return PlatformSetting{"tolerations", machine};
    if (!p.node_affinity.empty()) return PlatformSetting{"node affinity", machine};
    if (!p.labels.empty() || !p.annotations.empty()) {
        return PlatformSetting{"pod labels and annotations",
                               "Label the pipeline job instead (pipecc deploy vertex --label k=v)"};
    }
    if (!p.image_pull_secrets.empty()) {
        return PlatformSetting{"image pull secrets ('" + p.image_pull_secrets.front() + "')",
                               "Let the job's service account read the registry (Artifact Registry)"};
    }
    return std::nullopt;
}

// Whether `e` reads a run value `field`.
bool reads(const Expr& e, RunField field) {
    bool found = false;
    for_each_node(e, [&](const Expr& n) {
        if (auto* r = n.as<node::Run>(); r && r->field == field) found = true;
    });
    return found;
}

class EngineCheck {
public:
    explicit EngineCheck(const EngineProfile& p) : p_(p), engine_(p.engine.name()) {}

    void check(const Graph& g, bool nested = false) {
        for (GroupId id = 0; id < g.groups.size(); ++id) {
            const Group& group = g.groups[id];
            if (group.kind == GroupKind::Loop && is_artifact(group.item_type) && !p_.artifact_iterators) {
                throw Error(engine_ + " cannot run a parallel_for over artifacts: its driver answers \"artifact "
                                "iterator not implemented yet\". Loop over a list of parameters (e.g. the "
                                "artifacts' URIs), or compile for --engine vertex",
                            Where{.pipeline = g.name, .task = first_task_in(g, id)});
            }
        }
        const Task* hook = nullptr;
        for (const Task& t : g.tasks) {
            check_task(g, t, nested);
            if (t.hook != Hook::None && !hook) hook = &t;
            if (const auto& sub = g.component_of(t).pipeline; sub && seen_.insert(sub.get()).second) check(*sub, true);
        }
        // KFP runs the body of a pipeline with hooks inside exit-handler-1, so a root output would
        // name a task that is not in the root DAG; the kfp SDK refuses it too
        // (validate_pipeline_outputs_dict: "Pipeline outputs may only be returned from the top level").
        if (p_.output == OutputKind::KfpIr && hook && !g.outputs.empty()) {
            throw Error(engine_ + " cannot return output '" + g.outputs.front().name + "' from a pipeline with hook task '" +
                            hook->name + "': KFP runs the body inside the exit handler, and, as the kfp SDK does, "
                            "pipecc returns outputs only from the top level. Return them from a nested pipeline "
                            "without hooks",
                        Where{.pipeline = g.name});
        }
    }

private:
    // Names the loop in a message by a task in it (an error path: the scan is not per task).
    static std::string first_task_in(const Graph& g, GroupId loop) {
        for (const Task& t : g.tasks) {
            if (g.within(t.group, loop)) return t.name;
        }
        return {};
    }

    void check_task(const Graph& g, const Task& t, bool nested) {
        if (p_.output == OutputKind::KfpIr && !p_.platform_settings) {
            if (auto s = first_platform_setting(t)) {
                throw Error(engine_ + " does not apply " + s->what + ": a Vertex PipelineJob has no field for "
                                "Kubernetes settings. " + std::string(s->instead),
                            Where{.pipeline = g.name, .task = t.name});
            }
        }
        for (const Binding& b : t.args) {
            const Where where{.pipeline = g.name, .task = t.name, .input = b.input};
            if (p_.output == OutputKind::KfpIr && !p_.run_times) {
                for (RunField f : {RunField::CreatedAt, RunField::ScheduledAt}) {
                    if (reads(*b.value, f)) {
                        throw Error(engine_ + " does not fill " + std::string(run_field_name(f)) + " (its run times "
                                        "are filled from " + std::string(p_.run_times_since) + "); compile for "
                                        "--engine kfp@2.17, or pass the time in as a pipeline parameter",
                                    where);
                    }
                }
            }
            // The body's inputs get join steps (insert_joins); a hook cannot wait for one, and a
            // nested pipeline is emitted as it was checked.
            if (p_.output == OutputKind::KfpIr && !p_.placeholders_joined && (t.hook != Hook::None || nested) &&
                joined_placeholders(*b.value) > 1) {
                throw Error(engine_ + " may leave one of several values joined in one input unsubstituted (KFP "
                                "before 2.17 substitutes them in map order), and a join step cannot run " +
                                (nested ? "inside a nested pipeline" : "before a hook") +
                                "; join them inside the component, or compile for --engine kfp@2.17",
                            where);
            }
            if (p_.output == OutputKind::ArgoWorkflow && !p_.scheduled_time_tag && reads(*b.value, RunField::ScheduledAt)) {
                throw Error(engine_ + " starts a recurring run's workflows as plain Workflows, which have no "
                                "{{workflow.scheduledTime}}; use run::created_at()",
                            where);
            }
        }
    }

    const EngineProfile& p_;
    std::string engine_;
    std::unordered_set<const Graph*> seen_;
};

}  // namespace

void check_for_engine(const Graph& g, const EngineProfile& engine) { EngineCheck(engine).check(g); }

}  // namespace pipecc::graph
