#pragma once
/// Schedules for deployment: read from the compiled IR's header, written for each engine's cron
/// dialect.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pipecc::deploy {

/// A 5-field cron (minute hour day-of-month month day-of-week) in an IANA time zone; an empty
/// zone means the engine's own (for KFP, the controller's).
struct CronSchedule {
    std::string cron;
    std::string time_zone{};
};

/// The `# Schedule:` and `# Time zone:` lines that the KFP backend writes at the top of IR YAML
/// (pipecc's `Pipeline::schedule`), or nullopt if the pipeline has no schedule.
///
/// @code
/// schedule_from_ir_header("# Schedule: 0 6 * * *\n# Time zone: Asia/Tokyo\n...")  // {"0 6 * * *", "Asia/Tokyo"}
/// @endcode
std::optional<CronSchedule> schedule_from_ir_header(std::string_view ir_yaml);

/// The schedule to deploy: `cron` and `time_zone` (the command line's) override the pipeline's;
/// a `cron` alone keeps the pipeline's zone. Throws pipecc::Error when there is no cron at all.
///
/// @code
/// choose_schedule(CronSchedule{"0 6 * * *", "Asia/Tokyo"}, "30 7 * * 1", std::nullopt)  // {"30 7 * * 1", "Asia/Tokyo"}
/// @endcode
CronSchedule choose_schedule(const std::optional<CronSchedule>& from_pipeline, const std::optional<std::string>& cron,
                             const std::optional<std::string>& time_zone);

/// Where KFP fires a recurring run: the ScheduledWorkflow controller reads every cron in one zone
/// for the whole cluster (its env CRON_SCHEDULE_TIMEZONE; kubeflow/pipelines 2.17.0
/// backend/src/crd/controller/scheduledworkflow/util/const.go).
///
/// @code
/// KfpCronOptions{.controller_zone = "UTC", .fixed_offset = true}
/// @endcode
struct KfpCronOptions {
    std::string controller_zone = "UTC";  ///< "" is UTC too
    bool fixed_offset = false;            ///< take a zone whose offset changes at its standard offset all year
    std::optional<std::int64_t> now{};    ///< the Unix time whose tz rules apply; default: the clock
};

/// A KFP cron and what the user should know about it.
struct KfpCron {
    std::string cron;
    std::vector<std::string> warnings{};  ///< e.g. what --fixed-offset costs, one line each
};

/// KFP's recurring-run cron: robfig/cron v1.2.0 `cron.Parse` (the API server's check) takes six
/// fields with seconds first and no zone prefix, so the pipeline's zone is converted into the
/// controller's: hours, minutes and days move, with "0" seconds in front. A zone whose UTC offset
/// changes (daylight saving time) on either side is refused unless `fixed_offset`. Throws
/// pipecc::Error for a cron that is not 5 fields, day of week 7, an unknown zone, or a shift that
/// one cron line cannot say.
///
/// @code
/// kfp_cron({"0 6 * * *", "Asia/Tokyo"}).cron == "0 0 21 * * *"
/// kfp_cron({"0 6 * * 1-5", "Asia/Tokyo"}).cron == "0 0 21 * * 0-4"
/// @endcode
KfpCron kfp_cron(const CronSchedule& s, const KfpCronOptions& options = {});

/// Vertex AI's schedule cron: 5 fields with a `TZ=` prefix. Throws pipecc::Error for a cron that
/// is not 5 fields, or has day of week 7 (refused as kfp_cron does, so both targets take one cron).
///
/// @code
/// vertex_cron({"0 6 * * *", "Asia/Tokyo"}) == "TZ=Asia/Tokyo 0 6 * * *"
/// @endcode
std::string vertex_cron(const CronSchedule& s);

}  // namespace pipecc::deploy
