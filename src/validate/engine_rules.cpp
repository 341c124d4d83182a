#include "validate/engine_rules.hpp"

#include "validate/yaml_access.hpp"

namespace pipecc::validate {
namespace {

// Every DAG task of the PipelineSpec: the root's and each component's.
template <class Fn>
void for_each_task(const YAML::Node& spec, WalkBudget& budget, Fn&& fn) {
    auto tasks_of = [&](const YAML::Node& component) {
        const YAML::Node tasks = field(field(component, "dag"), "tasks");
        if (!tasks.IsMap()) return;
        for (const auto& t : tasks) {
            if (!budget.visit(3)) return;
            fn(t.first.Scalar(), t.second);
        }
    };
    tasks_of(field(spec, "root"));
    const YAML::Node components = field(spec, "components");
    if (!components.IsMap()) return;
    for (const auto& c : components) tasks_of(c.second);
}

}  // namespace

void check_ir_for_engine(const std::vector<YAML::Node>& docs, const EngineProfile& engine, WalkBudget& budget,
                         Findings& found) {
    const std::string name = engine.engine.name();
    if (engine.output == OutputKind::ArgoWorkflow) {
        found.add(docs[0].Mark(), "this is KFP v2 IR; " + name + " runs Argo workflows");
        return;
    }
    if (docs.size() == 2 && !engine.platform_settings) {
        found.add(docs[1].Mark(), name + " does not apply the kfp-kubernetes PlatformSpec (a PipelineJob has no field "
                                         "for it): its secrets, node selectors, volumes and other Kubernetes settings "
                                         "would be dropped. Compile with --engine " + name + " to see each one");
    }
    for_each_task(docs[0], budget, [&](const std::string& task, const YAML::Node& t) {
        if (!engine.artifact_iterators && field(t, "artifactIterator").IsDefined()) {
            found.add(field(t, "artifactIterator").Mark(),
                      "task '" + task + "': " + name + "'s driver answers \"artifact iterator not implemented yet\"");
        }
        if (engine.run_times) return;
        const YAML::Node params = field(field(t, "inputs"), "parameters");
        if (!params.IsMap()) return;
        for (const auto& p : params) {
            const YAML::Node constant = field(field(p.second, "runtimeValue"), "constant");
            const std::string& value = constant.IsScalar() ? constant.Scalar() : std::string();
            if (value == "{{$.pipeline_job_create_time_utc}}" || value == "{{$.pipeline_job_schedule_time_utc}}") {
                found.add(constant.Mark(), "task '" + task + "', input '" + p.first.Scalar() + "': " + name +
                                               " does not fill " + value + " (filled from " +
                                               std::string(engine.run_times_since) + ")");
            }
        }
    });
}

void check_argo_for_engine(const YAML::Node& doc, const std::string& kind, const EngineProfile& engine,
                           Findings& found) {
    const std::string name = engine.engine.name();
    if (engine.output == OutputKind::KfpIr) {
        found.add(doc.Mark(), "this is an Argo " + kind + "; " + name + " runs KFP v2 IR");
    } else if (engine.engine.family == EngineFamily::KfpV1 && kind != "Workflow") {
        found.add(field(doc, "kind").Mark(), "KFP 1.8 uploads only kind: Workflow, not " + kind +
                                                 " (compile with --engine kfp@1.8; a schedule becomes a recurring run)");
    }
}

}  // namespace pipecc::validate
