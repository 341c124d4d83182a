// Schedules for `pipecc deploy`: the IR header lines, and KFP's and Vertex's cron dialects.
#include <catch2/catch.hpp>

#include "deploy/cron.hpp"
#include "pipecc/error.hpp"

using namespace pipecc::deploy;

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

TEST_CASE("deploy: KFP gets a 6-field cron, seconds first, with TZ=", "[deploy]") {
    CHECK(kfp_cron({"0 6 * * *", "Asia/Tokyo"}) == "TZ=Asia/Tokyo 0 0 6 * * *");
    CHECK(kfp_cron({"*/15  9-17 * * 1-5", ""}) == "0 */15 9-17 * * 1-5");
    CHECK_THROWS_AS(kfp_cron({"0 0 6 * * *", "UTC"}), pipecc::Error);
    CHECK_THROWS_AS(kfp_cron({"@daily", "UTC"}), pipecc::Error);
    CHECK_THROWS_AS(kfp_cron({"0 6 * * *", "Asia/To kyo"}), pipecc::Error);
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
