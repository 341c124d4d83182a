#pragma once
/// Engine profiles: the one place that knows what each engine, at each version, accepts and
/// resolves. The checks and the emitters read a profile; nothing else names engine versions.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace pipecc {

/// Which product runs the output.
enum class EngineFamily : std::uint8_t {
    Argo,    ///< plain Argo Workflows
    KfpV1,   ///< Kubeflow Pipelines 1.8: an Argo Workflow uploaded to KFP, run by its Argo
    Kfp,     ///< Kubeflow Pipelines 2: KFP v2 IR
    Vertex,  ///< Google Vertex AI Pipelines: KFP v2 IR
};

/// An engine and its version (`argo@4.1`, `kfp@2.17`, `kfp@1.8`, `vertex`).
///
/// @code
/// CompileOptions opts{.engine = Engine::argo(3, 7)};
/// @endcode
struct Engine {
    EngineFamily family = EngineFamily::Kfp;
    int major = 2;
    int minor = 17;

    /// Argo Workflows; the default is the newest supported version.
    static constexpr Engine argo(int major = 4, int minor = 1) { return {EngineFamily::Argo, major, minor}; }
    /// Kubeflow Pipelines 2; the default is the newest supported version.
    static constexpr Engine kfp(int major = 2, int minor = 17) { return {EngineFamily::Kfp, major, minor}; }
    /// Kubeflow Pipelines 1.8 (an Argo Workflow upload).
    static constexpr Engine kfp_v1() { return {EngineFamily::KfpV1, 1, 8}; }
    /// Vertex AI Pipelines, which has no versions of its own.
    static constexpr Engine vertex() { return {EngineFamily::Vertex, 0, 0}; }

    /// "argo@4.1", "kfp@2.17", "kfp@1.8", "vertex".
    std::string name() const;

    friend bool operator==(const Engine&, const Engine&) = default;
};

/// What an engine reads: an Argo Workflow (or CronWorkflow), or KFP v2 IR.
enum class OutputKind : std::uint8_t { ArgoWorkflow, KfpIr };

/// How a pipeline's `schedule()` reaches the engine.
enum class ScheduleKind : std::uint8_t {
    CronWorkflow,   ///< an Argo CronWorkflow with `schedules:` and an IANA `timezone`
    RecurringRun,   ///< a KFP recurring run made by `pipecc deploy kfp` (robfig/cron in the controller's zone)
    VertexSchedule, ///< a Vertex schedule made by `pipecc deploy vertex` (`TZ=` cron)
};

/// What one engine at one version accepts and resolves. Each flag is read from the engine's own
/// source; tests/engine_profile_test.cpp cites the file for each.
struct EngineProfile {
    Engine engine;
    OutputKind output = OutputKind::KfpIr;
    ScheduleKind schedule = ScheduleKind::RecurringRun;
    /// Argo output: `{{=…}}` expression templates with sprig (Argo >= 3.2.4); else only plain
    /// tags and the controller-zone `creationTimestamp.X` sub-keys.
    bool expression_templates = false;
    /// Argo output: `{{workflow.scheduledTime}}` is set in the runs the schedule starts (a
    /// CronWorkflow's; KFP 1.8 starts plain Workflows).
    bool scheduled_time_tag = false;
    /// KFP IR: the kfp-kubernetes PlatformSpec (secrets, node selectors, volumes, tolerations,
    /// pod metadata, pull secrets, timeouts) is applied. Vertex has no field for it.
    bool platform_settings = true;
    /// KFP IR: `{{$.pipeline_job_create_time_utc}}` and `…schedule_time_utc}}` are filled.
    bool run_times = true;
    /// KFP IR: a runtime constant may join several placeholders (from KFP 2.17 the driver
    /// substitutes them first; before, the launcher's map order can leave one as raw text).
    bool placeholders_joined = true;
    /// KFP IR: loops over artifacts (`artifactIterator`).
    bool artifact_iterators = true;
    /// The version from which `run_times` holds, for messages ("KFP 2.17").
    std::string_view run_times_since{};
};

/// The profile of `engine`. Throws pipecc::Error for an engine pipecc has no profile for.
///
/// @code
/// const EngineProfile& p = profile(Engine::kfp(2, 16));  // p.run_times == false
/// @endcode
const EngineProfile& profile(const Engine& engine);

/// Every engine pipecc compiles for, oldest first within a family.
///
/// @code
/// for (const EngineProfile& p : engine_profiles()) std::cout << p.engine.name() << '\n';
/// @endcode
std::span<const EngineProfile> engine_profiles();

/// Parses `NAME[@VERSION]`: `argo` (argo@4.1), `argo@3.7`, `kfp` (kfp@2.17), `kfp@2.15`, `kfp@1.8`,
/// `vertex`. nullopt for anything without a profile.
///
/// @code
/// bool same = parse_engine("argo@3.6") == Engine::argo(3, 6);  // true
/// @endcode
std::optional<Engine> parse_engine(std::string_view text);

/// "argo@3.6, argo@3.7, …, vertex": for messages and `--help`.
std::string engine_names();

/// A Markdown table of what each engine supports, one row per profile: the README's "What each
/// engine supports" and `pipecc engines` print it.
///
/// @code
/// std::cout << engine_table_markdown();
/// @endcode
std::string engine_table_markdown();

}  // namespace pipecc
