#pragma once
/// Schedules for deployment: read from the compiled IR's header, written for each engine's cron
/// dialect.

#include <optional>
#include <string>
#include <string_view>

namespace pipecc::deploy {

/// A 5-field cron (minute hour day-of-month month day-of-week) in an IANA time zone; an empty
/// zone means the engine's own.
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

/// KFP's recurring-run cron: robfig/cron v1 needs seconds first (it would read a 5-field cron as
/// seconds..month, silently), and takes the zone as a `TZ=` prefix. Throws pipecc::Error for a
/// cron that is not 5 fields.
///
/// @code
/// kfp_cron({"0 6 * * *", "Asia/Tokyo"}) == "TZ=Asia/Tokyo 0 0 6 * * *"
/// @endcode
std::string kfp_cron(const CronSchedule& s);

/// Vertex AI's schedule cron: 5 fields with a `TZ=` prefix. Throws pipecc::Error for a cron that
/// is not 5 fields.
///
/// @code
/// vertex_cron({"0 6 * * *", "Asia/Tokyo"}) == "TZ=Asia/Tokyo 0 6 * * *"
/// @endcode
std::string vertex_cron(const CronSchedule& s);

}  // namespace pipecc::deploy
