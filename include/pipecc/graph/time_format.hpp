#pragma once
/// strftime formats and time zones that every lowering of a run-time timestamp supports: Argo's
/// creationTimestamp sub-keys, sprig's dateInZone (Go layouts) and GNU date in the resolver step.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pipecc::graph {

/// One piece of a strftime format: a directive (`%Y`) or literal text.
struct FormatPiece {
    char directive = 0;  ///< the letter after '%', or 0 for literal text
    std::string text;    ///< the literal text (with "%%" already turned into "%")
};

/// The directives pipecc lowers: Argo's 15 strftime sub-key characters that are also in C strftime.
inline constexpr std::string_view kTimeDirectives = "YymdHIMSpaAbBZz";

/// The format used when a zoned timestamp is passed as text without `.format()`.
inline constexpr std::string_view kIsoFormat = "%Y-%m-%dT%H:%M:%S%z";

/// Splits a strftime format into pieces, or returns an error message: an unsupported directive,
/// a dangling '%', braces that engines would read as placeholders, or control characters.
///
/// @code
/// std::vector<FormatPiece> pieces;
/// if (auto err = parse_time_format("%Y/%m/%d", pieces)) throw Error(*err);
/// @endcode
std::optional<std::string> parse_time_format(std::string_view format, std::vector<FormatPiece>& pieces);

/// Go's time layout for one supported directive ("2006" for 'Y').
std::string_view go_layout(char directive);

/// Whether `zone` names a zone in the system's tz database ($TZDIR or /usr/share/zoneinfo), or is
/// "UTC". Returns an error message when it does not, or when there is no tz database to ask.
std::optional<std::string> check_time_zone(std::string_view zone);

/// Checks a 5-field cron expression (minute hour day-of-month month day-of-week; lists, ranges,
/// steps, `*`, and month/day names), or returns what is wrong with it.
///
/// @code
/// check_cron("0 6 * * *");  // nullopt
/// @endcode
std::optional<std::string> check_cron(std::string_view cron);

/// The fields of a cron expression joined by single spaces: Argo and KFP split fields on any
/// whitespace, so tabs and repeated spaces mean the same schedule.
///
/// @code
/// normalize_cron("0\t6  * * *");  // "0 6 * * *"
/// @endcode
std::string normalize_cron(std::string_view cron);

/// True when the zone is UTC (or empty, which means UTC).
bool is_utc(std::string_view zone);

}  // namespace pipecc::graph
