#pragma once
/// Moving a 5-field cron from one clock to another, for an engine that reads every cron in one
/// zone of its own (KFP's ScheduledWorkflow controller).

#include <string>
#include <string_view>

namespace pipecc::deploy {

/// The clocks a cron moves between, named in messages.
///
/// @code
/// CronShift{.from_zone = "Asia/Tokyo", .to_zone = "UTC", .minutes = -540}
/// @endcode
struct CronShift {
    std::string from_zone;
    std::string to_zone;
    int minutes = 0;  ///< how far the `to_zone` clock is ahead of the `from_zone` one
};

/// The 5-field cron that fires at the same instants as `cron`, read on the clock `shift.minutes`
/// ahead: hours and minutes move, and day of month and day of week move with them when the time
/// crosses midnight. Fields that keep their values keep their text. Throws pipecc::Error when no
/// one cron line fires at exactly those instants (a day of month that would wrap into another
/// month, hours that land on different days while the days are restricted, ...), saying why.
///
/// @code
/// shift_cron("0 6 * * 1-5", {"Asia/Tokyo", "UTC", -540}) == "0 21 * * 0-4"
/// shift_cron("0 6 * * *", {"Asia/Kolkata", "UTC", -330}) == "30 0 * * *"
/// @endcode
std::string shift_cron(std::string_view cron, const CronShift& shift);

}  // namespace pipecc::deploy
