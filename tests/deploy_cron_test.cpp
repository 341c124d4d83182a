// Schedules for `pipecc deploy`: the IR header lines, and KFP's and Vertex's cron dialects.
#include <catch2/catch.hpp>

#include "deploy/cron.hpp"
#include "pipecc/error.hpp"

namespace deploy_cron_test {

using namespace pipecc::deploy;
using Catch::Contains;

TEST_CASE("deploy: the IR header gives the schedule and its zone", "[deploy]") {
    const auto s = schedule_from_ir_header("# PIPELINE DEFINITION\n# Name: d\n# Schedule: 0 6 * * *\n# Time zone: Asia/Tokyo\n"
                                           "# Inputs:\ncomponents: {}\n");
    REQUIRE(s);
    CHECK(s->cron == "0 6 * * *");
    CHECK(s->time_zone == "Asia/Tokyo");
    CHECK_FALSE(schedule_from_ir_header("# PIPELINE DEFINITION\n# Name: d\nroot: {}\n"));
    // Only the leading comment block is the header.
    CHECK_FALSE(schedule_from_ir_header("root: {}\n# Schedule: 0 6 * * *\n"));
}

// KFP 2.17.0 checks a recurring run's cron with robfig/cron v1.2.0 cron.Parse
// (backend/src/apiserver/server/api_converter.go; go.mod pins v1.2.0): six fields, seconds first,
// no TZ= prefix (robfig/cron parser.go at v1.2.0). The ScheduledWorkflow controller fires every
// cron in its one zone, CRON_SCHEDULE_TIMEZONE (backend/src/crd/controller/scheduledworkflow/util/
// const.go and cron_schedule.go at 2.17.0), so the pipeline's zone is converted into that one.
TEST_CASE("deploy: KFP gets the schedule in the controller's zone, seconds first, no TZ=", "[deploy][cron]") {
    CHECK(kfp_cron({"0 6 * * *", "Asia/Tokyo"}).cron == "0 0 21 * * *");
    CHECK(kfp_cron({"0 6 * * 1-5", "Asia/Tokyo"}).cron == "0 0 21 * * 0-4");
    CHECK(kfp_cron({"0 6 * * MON-FRI", "Asia/Tokyo"}).cron == "0 0 21 * * 0-4");
    CHECK(kfp_cron({"0 6 10,20 * *", "Asia/Tokyo"}).cron == "0 0 21 9,19 * *");
    CHECK(kfp_cron({"0 6 15 jan *", "Asia/Tokyo"}).cron == "0 0 21 14 jan *");  // inside the month: exact
    // Half- and quarter-hour zones move the minutes too.
    CHECK(kfp_cron({"0 6 * * *", "Asia/Kolkata"}).cron == "0 30 0 * * *");
    CHECK(kfp_cron({"0 3 * * 1", "Asia/Kolkata"}).cron == "0 30 21 * * 0");
    CHECK(kfp_cron({"0 6 * * *", "Asia/Kathmandu"}).cron == "0 15 0 * * *");
    CHECK(kfp_cron({"*/15 * * * *", "Asia/Kolkata"}).cron == "0 */15 * * * *");
    // West of the controller, late runs move to the next day.
    CHECK(kfp_cron({"0 22 * * 5", "America/Sao_Paulo"}).cron == "0 0 1 * * 6");
    CHECK(kfp_cron({"0 22 10 * *", "America/Sao_Paulo"}).cron == "0 0 1 11 * *");
    CHECK(kfp_cron({"0 22 * * 6", "America/Sao_Paulo"}).cron == "0 0 1 * * 0");
    // Another controller zone.
    CHECK(kfp_cron({"0 21 * * 0", "UTC"}, {.controller_zone = "Asia/Tokyo"}).cron == "0 0 6 * * 1");
    CHECK(kfp_cron({"0 6 * * *", "Asia/Kolkata"}, {.controller_zone = "Asia/Tokyo"}).cron == "0 30 9 * * *");
    // Same zone, one zone under two names, or no zone (the controller's own): no shift.
    CHECK(kfp_cron({"0 6 * * *", "Asia/Tokyo"}, {.controller_zone = "Asia/Tokyo"}).cron == "0 0 6 * * *");
    CHECK(kfp_cron({"0 6 * * *", "Asia/Calcutta"}, {.controller_zone = "Asia/Kolkata"}).cron == "0 0 6 * * *");
    CHECK(kfp_cron({"0 6 * * *", "Etc/UTC"}).cron == "0 0 6 * * *");
    CHECK(kfp_cron({"*/15  9-17 * * 1-5", ""}).cron == "0 */15 9-17 * * 1-5");
    CHECK(kfp_cron({"0 6 * * *", "Asia/Tokyo"}).warnings.empty());

    CHECK_THROWS_AS(kfp_cron({"0 0 6 * * *", "UTC"}), pipecc::Error);
    CHECK_THROWS_AS(kfp_cron({"@daily", "UTC"}), pipecc::Error);
    CHECK_THROWS_AS(kfp_cron({"TZ=Asia/Tokyo 0 6 * *", "UTC"}), pipecc::Error);
    CHECK_THROWS_WITH(kfp_cron({"0 6 * * *", "Asia/To kyo"}), Contains("is not an IANA time zone name"));
    CHECK_THROWS_WITH(kfp_cron({"0 6 * * *", "Asia/Atlantis"}), Contains("unknown time zone 'Asia/Atlantis'"));
    CHECK_THROWS_WITH(kfp_cron({"0 6 * * *", "UTC"}, {.controller_zone = "Mars/Base"}),
                      Contains("unknown time zone 'Mars/Base'"));
    CHECK_THROWS_WITH(kfp_cron({"0 25 * * *", "UTC"}), Contains("hour field '25': values must lie from 0 to 23"));
}

// One cron line is a set of minutes x a set of hours on a set of days (robfig/cron spec.go at
// v1.2.0: a bit set per field); whatever the shift makes of it must be such a product again.
TEST_CASE("deploy: a KFP shift that one cron line cannot say is refused, saying why", "[deploy][cron]") {
    const auto refused = [](const CronSchedule& s, const std::string& why) {
        INFO(s.cron << " in " << s.time_zone);
        CHECK_THROWS_WITH(kfp_cron(s), Contains("cannot be written as one cron line in UTC") && Contains(why) &&
                                           Contains("--controller-zone " + s.time_zone));
    };
    refused({"0 6 1 * *", "Asia/Tokyo"}, "day-of-month 1 would move into the month before");
    refused({"0 6 2,31 * *", "Asia/Tokyo"}, "day-of-month 31 would become 30, which would also fire in months that "
                                            "have no 31st; use days from 2 to 28");
    refused({"0 22 28 * *", "America/Sao_Paulo"}, "in a month that ends on the 28th is in the next month");
    refused({"0 6,12 * * 1", "Asia/Tokyo"}, "06:00 and 12:00 in Asia/Tokyo, which are 21:00 the day before and 03:00 "
                                            "the same day in UTC");
    refused({"0 6,12 * * 1", "Asia/Tokyo"}, "one cron line cannot give each hour its own day");
    refused({"0,30 6 * * *", "Asia/Kolkata"}, "not every combination of one set of minutes and one set of hours");
    refused({"0 6 * 1 *", "Asia/Tokyo"}, "would fall in another month");
    // '*/2' makes the day fields match together (robfig/cron spec.go dayMatches at v1.2.0); a list would not.
    refused({"0 6 */2 * 1", "Asia/Tokyo"}, "day-of-month 1 would move into the month before");
    refused({"0 6 2-30/2 * 1-5", "Asia/Tokyo"}, "day-of-month 30 would become 29");
    CHECK(kfp_cron({"0 6 2-28/2 * *", "Asia/Tokyo"}).cron == "0 0 21 1-27/2 * *");
    // Hours that all stay on one day are fine with restricted days.
    CHECK(kfp_cron({"0 10,12 * * 1", "Asia/Tokyo"}).cron == "0 0 1,3 * * 1");
    // With every day allowed, hours may land on different days.
    CHECK(kfp_cron({"0 6,12 * * *", "Asia/Tokyo"}).cron == "0 0 3,21 * * *");
}

// The controller evaluates crons in one time.Location for the whole cluster (cron_schedule.go at
// kubeflow/pipelines 2.17.0), so a zone with daylight saving time has no one cron line. Whether an
// offset changes comes from the tz database's TZif file (RFC 8536 footer), not from the clock.
TEST_CASE("deploy: KFP refuses a zone with daylight saving time unless --fixed-offset", "[deploy][cron]") {
    CHECK_THROWS_WITH(kfp_cron({"0 6 * * *", "America/New_York"}),
                      Contains("time zone 'America/New_York' changes its UTC offset") &&
                          Contains("a KFP recurring run fires in one fixed zone for the whole cluster") &&
                          Contains("--fixed-offset"));
    CHECK_THROWS_WITH(kfp_cron({"0 6 * * *", "Asia/Tokyo"}, {.controller_zone = "Europe/Berlin"}),
                      Contains("the controller's zone 'Europe/Berlin' (--controller-zone) changes its UTC offset"));

    const auto ny = kfp_cron({"0 6 * * *", "America/New_York"}, {.fixed_offset = true});
    CHECK(ny.cron == "0 0 11 * * *");  // 06:00 EST
    REQUIRE(ny.warnings.size() == 1);
    CHECK_THAT(ny.warnings[0], Contains("'America/New_York' is taken as UTC-05:00 (its standard time) all year") &&
                                   Contains("1h later"));
    const auto berlin = kfp_cron({"0 6 * * *", "Asia/Tokyo"}, {.controller_zone = "Europe/Berlin", .fixed_offset = true});
    CHECK(berlin.cron == "0 0 22 * * *");
    REQUIRE(berlin.warnings.size() == 1);
    CHECK_THAT(berlin.warnings[0], Contains("UTC+01:00") && Contains("1h earlier than scheduled"));
    // The controller in the pipeline's own zone follows its daylight saving time itself.
    const auto same = kfp_cron({"0 6 * * *", "America/New_York"}, {.controller_zone = "America/New_York"});
    CHECK(same.cron == "0 0 6 * * *");
    CHECK(same.warnings.empty());
}

// robfig/cron v1.2.0 spec.go: day-of-week bounds are 0-6, so 7 is "above maximum" on KFP; Vertex
// gets the same answer so that one schedule deploys to both.
TEST_CASE("deploy: day of week 7 is refused for KFP and Vertex alike", "[deploy][cron]") {
    for (const char* cron : {"0 6 * * 7", "0 6 * * 5-7", "0 6 * * 1,07"}) {
        INFO(cron);
        CHECK_THROWS_WITH(kfp_cron({cron, "UTC"}), Contains("write 0 for Sunday"));
        CHECK_THROWS_WITH(vertex_cron({cron, "UTC"}), Contains("write 0 for Sunday"));
    }
    CHECK(kfp_cron({"0 6 * * 0", "UTC"}).cron == "0 0 6 * * 0");
    CHECK(vertex_cron({"0 6 * * 0,6", "Asia/Tokyo"}) == "TZ=Asia/Tokyo 0 6 * * 0,6");
}

TEST_CASE("deploy: Vertex gets a 5-field cron with TZ=", "[deploy]") {
    CHECK(vertex_cron({"0 6 * * *", "Asia/Tokyo"}) == "TZ=Asia/Tokyo 0 6 * * *");
    CHECK(vertex_cron({"0 6 * * *", ""}) == "0 6 * * *");
    CHECK_THROWS_AS(vertex_cron({"TZ=UTC 0 6 * * *", ""}), pipecc::Error);
}

TEST_CASE("deploy: --cron and --time-zone override the pipeline's schedule", "[deploy]") {
    const CronSchedule tokyo{"0 6 * * *", "Asia/Tokyo"};
    CHECK(choose_schedule(tokyo, std::nullopt, std::nullopt).cron == "0 6 * * *");
    const auto c = choose_schedule(tokyo, "30 7 * * 1", std::nullopt);
    CHECK(c.cron == "30 7 * * 1");
    CHECK(c.time_zone == "Asia/Tokyo");
    CHECK(choose_schedule(std::nullopt, "0 1 * * *", "UTC").time_zone == "UTC");
    CHECK_THROWS_WITH(choose_schedule(std::nullopt, std::nullopt, std::nullopt), Catch::Contains("--cron"));
}

}  // namespace deploy_cron_test
