#include "deploy/cron.hpp"

#include <sstream>
#include <vector>

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

std::string tz_prefix(const CronSchedule& s) {
    if (s.time_zone.find_first_of(" \t") != std::string::npos) throw Error("bad time zone '" + s.time_zone + "'");
    return s.time_zone.empty() ? std::string() : "TZ=" + s.time_zone + " ";
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

std::string kfp_cron(const CronSchedule& s) { return tz_prefix(s) + "0 " + five_fields(s); }

std::string vertex_cron(const CronSchedule& s) { return tz_prefix(s) + five_fields(s); }

}  // namespace pipecc::deploy
