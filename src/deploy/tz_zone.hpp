#pragma once
/// Time zones read straight from the tz database's TZif files (RFC 8536), so that whether a zone
/// keeps one UTC offset is decided by the data, the same on every machine with that tzdata.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pipecc::deploy {

/// The UTC offsets a POSIX TZ string gives (the footer of a version 2+ TZif file).
///
/// @code
/// parse_posix_tz("EST5EDT,M3.2.0,M11.1.0")  // {.standard = -18000, .daylight = -14400}
/// @endcode
struct PosixTz {
    int standard = 0;                ///< seconds east of UTC
    std::optional<int> daylight{};   ///< seconds east of UTC, when the string has a DST part
};

/// Parses the offsets of a POSIX TZ string such as `JST-9`, `<+0545>-5:45` or
/// `GMT0BST,M3.5.0/1,M10.5.0` (note POSIX's sign: hours west of UTC). Throws pipecc::Error for
/// text that is not one.
///
/// @code
/// parse_posix_tz("IST-5:30").standard == 19800
/// @endcode
PosixTz parse_posix_tz(std::string_view tz);

/// One zone of the tz database.
///
/// @code
/// TzZone tokyo = read_tz_zone("Asia/Tokyo");  // tokyo.footer == "JST-9"
/// @endcode
struct TzZone {
    std::string name;
    std::string footer{};  ///< the POSIX TZ string, e.g. "JST-9"
    PosixTz offsets{};     ///< the footer's offsets: the rule after the last transition
    std::vector<std::pair<std::int64_t, int>> transitions{};  ///< (Unix time, offset from then on)
    std::string data{};    ///< the file's bytes: two names with the same bytes are one zone
};

/// Reads `name` from `$TZDIR` (default /usr/share/zoneinfo). "UTC", "Etc/UTC" and "" need no file.
/// Throws pipecc::Error for a name that is not a zone there, or a file without a POSIX TZ footer.
///
/// @code
/// read_tz_zone("America/New_York").offsets.daylight.has_value() == true
/// @endcode
TzZone read_tz_zone(std::string_view name);

/// Whether the zone's UTC offset changes after `now` (Unix seconds): the footer has daylight
/// saving time, or a transition still ahead leads to another offset (as Morocco's do).
///
/// @code
/// offset_changes(read_tz_zone("Asia/Tokyo"), std::time(nullptr)) == false
/// @endcode
bool offset_changes(const TzZone& zone, std::int64_t now);

/// "UTC+09:00", "UTC-05:00", "UTC+05:45": an offset in seconds east of UTC, for messages.
///
/// @code
/// utc_offset_text(-18000) == "UTC-05:00"
/// @endcode
std::string utc_offset_text(int seconds_east);

}  // namespace pipecc::deploy
