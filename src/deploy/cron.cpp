#include "deploy/cron.hpp"

#include <algorithm>
#include <ctime>
#include <sstream>
#include <vector>

#include "deploy/cron_shift.hpp"
#include "deploy/tz_zone.hpp"
#include "pipecc/error.hpp"

namespace pipecc::deploy {
namespace {

std::string trim(std::string_view s) {
    const auto b = s.find_first_not_of(" \t\r");
    if (b == std::string_view::npos) return {};
    return std::string(s.substr(b, s.find_last_not_of(" \t\r") - b + 1));
}

// The five fields, re-joined with single spaces; refuses prefixes and descriptors, since the zone
// has its own setting and neither engine reads `@daily` the same way.
std::string five_fields(const CronSchedule& s) {
    std::istringstream in(s.cron);
    std::vector<std::string> fields;
    for (std::string f; in >> f;) fields.push_back(f);
    if (fields.size() != 5 || fields[0].find('=') != std::string::npos || fields[0][0] == '@') {
        throw Error("cron '" + s.cron +
                    "' is not a 5-field cron (minute hour day-of-month month day-of-week); give the time zone "
                    "separately");
    }
    return fields[0] + " " + fields[1] + " " + fields[2] + " " + fields[3] + " " + fields[4];
}

// robfig/cron v1.2.0 (spec.go: dow bounds 0-6) has no 7; Vixie cron reads it as Sunday. One answer
// for both targets keeps a cron deployable to either.
void refuse_day_of_week_seven(const std::string& five) {
    const std::string dow = five.substr(five.rfind(' ') + 1);
    std::size_t start = 0;
    while (start <= dow.size()) {
        const std::size_t comma = std::min(dow.find(',', start), dow.size());
        const std::string range = dow.substr(start, std::min(dow.find('/', start), comma) - start);
        const auto dash = range.find('-');
        const std::string high = dash == std::string::npos ? "" : range.substr(dash + 1);
        for (const std::string& end : {range.substr(0, dash), high}) {
            const auto digit = end.find_first_not_of('0');
            if (end.find_first_not_of("0123456789") == std::string::npos && digit != std::string::npos &&
                end.substr(digit) == "7") {
                throw Error("cron '" + five + "': day-of-week 7 is Sunday only in some crons; KFP's robfig/cron "
                            "v1.2.0 takes 0-6, so write 0 for Sunday");
            }
        }
        start = comma + 1;
    }
}

std::string tz_prefix(const CronSchedule& s) {
    if (s.time_zone.find_first_of(" \t") != std::string::npos) throw Error("bad time zone '" + s.time_zone + "'");
    return s.time_zone.empty() ? std::string() : "TZ=" + s.time_zone + " ";
}

std::string duration_text(int seconds) {
    const int a = seconds < 0 ? -seconds : seconds;
    std::string out = a >= 3600 ? std::to_string(a / 3600) + "h" : "";
    if (a % 3600 != 0) out += std::to_string(a / 60 % 60) + "min";
    return out;
}

// The zone's fixed offset, or a refusal; with --fixed-offset, its standard offset and a warning.
int offset_for(const TzZone& z, bool controller, const KfpCronOptions& o, std::int64_t now,
               std::vector<std::string>& warnings) {
    if (!offset_changes(z, now)) return z.offsets.standard;
    const std::string role = controller ? "the controller's zone '" + z.name + "' (--controller-zone)"
                                        : "time zone '" + z.name + "'";
    const std::string standard = utc_offset_text(z.offsets.standard);
    const std::string how = z.offsets.daylight ? "daylight saving time, POSIX rule " + z.footer
                                               : "changes ahead in the tz database";
    if (!o.fixed_offset) {
        throw Error(role + " changes its UTC offset (" + how +
                    "), but a KFP recurring run fires in one fixed zone for the whole cluster (the ScheduledWorkflow "
                    "controller's CRON_SCHEDULE_TIMEZONE), so no one cron keeps its time all year. Use a zone "
                    "without daylight saving time, or pass --fixed-offset to take " + z.name + " as " + standard +
                    " (its standard time) all year");
    }
    std::string w = "warning: --fixed-offset: " + role + " is taken as " + standard + " (its standard time) all year";
    if (z.offsets.daylight && *z.offsets.daylight != z.offsets.standard) {
        // The pipeline's runs keep standard time, so its clocks see them move; the controller keeps
        // its own clock, so the runs move for everyone else.
        const int ahead = *z.offsets.daylight - z.offsets.standard;
        const bool later = (ahead > 0) != controller;
        w += "; while its daylight saving time (" + utc_offset_text(*z.offsets.daylight) +
             ") is in effect, runs fire " + duration_text(ahead) + (later ? " later" : " earlier") +
             (controller ? " than scheduled" : " by the clocks there");
    } else {
        w += "; while its offset differs from that, runs fire at other times than scheduled";
    }
    warnings.push_back(w);
    return z.offsets.standard;
}

}  // namespace

std::optional<CronSchedule> schedule_from_ir_header(std::string_view ir_yaml) {
    std::optional<CronSchedule> out;
    std::string zone;
    std::size_t at = 0;
    // Only the leading comment block is the header; a later line with the same text is data.
    while (at < ir_yaml.size() && ir_yaml[at] == '#') {
        const auto end = ir_yaml.find('\n', at);
        const auto line = ir_yaml.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
        if (line.rfind("# Schedule:", 0) == 0) out = CronSchedule{trim(line.substr(11))};
        if (line.rfind("# Time zone:", 0) == 0) zone = trim(line.substr(12));
        if (end == std::string_view::npos) break;
        at = end + 1;
    }
    if (out) out->time_zone = zone;
    return out;
}

CronSchedule choose_schedule(const std::optional<CronSchedule>& from_pipeline, const std::optional<std::string>& cron,
                             const std::optional<std::string>& time_zone) {
    if (!cron && !from_pipeline) throw Error("the pipeline has no schedule(); give one with --cron (and --time-zone)");
    CronSchedule s = from_pipeline.value_or(CronSchedule{});
    if (cron) s.cron = *cron;
    if (time_zone) s.time_zone = *time_zone;
    return s;
}

KfpCron kfp_cron(const CronSchedule& s, const KfpCronOptions& options) {
    const std::string five = five_fields(s);
    refuse_day_of_week_seven(five);
    KfpCron out;
    const TzZone to = read_tz_zone(options.controller_zone.empty() ? "UTC" : options.controller_zone);
    // No zone is the engine's own: the controller's.
    const TzZone from = s.time_zone.empty() || s.time_zone == to.name ? to : read_tz_zone(s.time_zone);
    int seconds = 0;
    // One zone under one name or two: the controller reads the cron on the pipeline's own clock,
    // daylight saving time included.
    if (from.name != to.name && (from.data.empty() || from.data != to.data)) {
        const std::int64_t now = options.now.value_or(static_cast<std::int64_t>(std::time(nullptr)));
        const int from_offset = offset_for(from, false, options, now, out.warnings);
        seconds = offset_for(to, true, options, now, out.warnings) - from_offset;
    }
    if (seconds % 60 != 0) {
        throw Error("time zones " + from.name + " and " + to.name + " differ by " + std::to_string(seconds) +
                    " seconds, which a cron of whole minutes cannot follow");
    }
    // Even unshifted, the fields are read, so that a bad --cron fails here and not on the server.
    out.cron = "0 " + shift_cron(five, {from.name, to.name, seconds / 60});
    return out;
}

std::string vertex_cron(const CronSchedule& s) {
    const std::string five = five_fields(s);
    refuse_day_of_week_seven(five);
    return tz_prefix(s) + five;
}

}  // namespace pipecc::deploy
