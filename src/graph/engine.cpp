#include "pipecc/graph/engine.hpp"

#include <array>
#include <charconv>

#include "pipecc/error.hpp"

namespace pipecc {
namespace {

constexpr EngineProfile argo_profile(int major, int minor) {
    return {.engine = Engine::argo(major, minor),
            .output = OutputKind::ArgoWorkflow,
            .schedule = ScheduleKind::CronWorkflow,
            .expression_templates = true,
            .scheduled_time_tag = true};
}

constexpr EngineProfile kfp_profile(int minor) {
    return {.engine = Engine::kfp(2, minor),
            .run_times = minor >= 17,
            .placeholders_joined = minor >= 17,
            .artifact_iterators = false,
            .run_times_since = "KFP 2.17"};
}

// Oldest first within a family (Engine::argo() and Engine::kfp() default to the newest).
constexpr std::array kProfiles{
    argo_profile(3, 6),
    argo_profile(3, 7),
    argo_profile(4, 0),
    argo_profile(4, 1),
    // KFP 1.8.22 runs Argo v3.1.6 (its go.mod and workflow-controller image), so no expressions.
    EngineProfile{.engine = Engine::kfp_v1(),
                  .output = OutputKind::ArgoWorkflow,
                  .schedule = ScheduleKind::RecurringRun,
                  .expression_templates = false,
                  .scheduled_time_tag = false},
    kfp_profile(14),
    kfp_profile(15),
    kfp_profile(16),
    kfp_profile(17),
    EngineProfile{.engine = Engine::vertex(),
                  .schedule = ScheduleKind::VertexSchedule,
                  .platform_settings = false},
};

std::string_view family_name(EngineFamily f) {
    switch (f) {
        case EngineFamily::Argo: return "argo";
        case EngineFamily::KfpV1:
        case EngineFamily::Kfp: return "kfp";
        case EngineFamily::Vertex: return "vertex";
    }
    return {};
}

std::optional<int> parse_int(std::string_view s) {
    int v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
    return v;
}

}  // namespace

std::string Engine::name() const {
    // Built by appends: `"@" + std::to_string(…)` trips GCC 12's false -Wrestrict.
    std::string out(family_name(family));
    if (family == EngineFamily::Vertex) return out;
    out += '@';
    out += std::to_string(major);
    out += '.';
    out += std::to_string(minor);
    return out;
}

std::span<const EngineProfile> engine_profiles() { return kProfiles; }

const EngineProfile& profile(const Engine& engine) {
    for (const auto& p : kProfiles) {
        if (p.engine == engine) return p;
    }
    throw Error("pipecc has no profile for engine " + engine.name() + "; supported: " + engine_names());
}

std::optional<Engine> parse_engine(std::string_view text) {
    const auto at = text.find('@');
    const std::string_view family = text.substr(0, at);
    if (at == std::string_view::npos) {
        if (family == "argo") return Engine::argo();
        if (family == "kfp") return Engine::kfp();
        if (family == "vertex") return Engine::vertex();
        return std::nullopt;
    }
    const std::string_view version = text.substr(at + 1);
    const auto dot = version.find('.');
    if (dot == std::string_view::npos) return std::nullopt;
    const auto major = parse_int(version.substr(0, dot));
    const auto minor = parse_int(version.substr(dot + 1));
    if (!major || !minor) return std::nullopt;
    Engine e{EngineFamily::Argo, *major, *minor};
    if (family == "kfp") e.family = *major == 1 ? EngineFamily::KfpV1 : EngineFamily::Kfp;
    else if (family != "argo") return std::nullopt;
    for (const auto& p : kProfiles) {
        if (p.engine == e) return e;
    }
    return std::nullopt;
}

std::string engine_names() {
    std::string out;
    for (const auto& p : kProfiles) {
        if (!out.empty()) out += ", ";
        out += p.engine.name();
    }
    return out;
}

std::string engine_table_markdown() {
    std::string out =
        "| engine | output | `schedule()` | `created_at()`, `scheduled_at()` | several values in one input | "
        "loops over artifacts | Kubernetes settings | times formatted and zoned |\n"
        "|---|---|---|---|---|---|---|---|\n";
    for (const auto& p : kProfiles) {
        const bool argo = p.output == OutputKind::ArgoWorkflow;
        out += "| `" + p.engine.name() + "` | ";
        out += argo ? (p.engine.family == EngineFamily::KfpV1 ? "Argo Workflow (KFP 1.8 upload)" : "Argo Workflow")
                    : "KFP v2 IR";
        out += " | ";
        switch (p.schedule) {
            case ScheduleKind::CronWorkflow: out += "CronWorkflow (`schedules`, `timezone`)"; break;
            case ScheduleKind::RecurringRun:
                out += argo ? "a plain Workflow; `pipecc deploy kfp` makes the recurring run"
                            : "`pipecc deploy kfp` makes a recurring run, in the controller's zone";
                break;
            case ScheduleKind::VertexSchedule: out += "`pipecc deploy vertex` makes a schedule (`TZ=` cron)"; break;
        }
        out += " | ";
        if (argo) {
            out += p.scheduled_time_tag ? "yes" : "`created_at()` only";
        } else {
            out += p.run_times ? "yes" : "compile error (from " + std::string(p.run_times_since) + ")";
        }
        out += " | ";
        out += argo || p.placeholders_joined ? "yes" : "a join step per input (in a hook: compile error)";
        out += " | ";
        out += argo ? "compile error (Argo has no artifact lists)" : p.artifact_iterators ? "yes" : "compile error";
        out += " | ";
        out += argo ? "yes" : p.platform_settings ? "yes (PlatformSpec)" : "compile error (no PlatformSpec)";
        out += " | ";
        out += !argo                   ? "resolver step"
               : p.expression_templates ? "in place (expression templates)"
                                        : "resolver step (UTC creation times in place)";
        out += " |\n";
    }
    return out;
}

}  // namespace pipecc
