// The decisions that make `pipecc deploy kfp` idempotent: reuse or refuse a version name, and the
// hand-over between recurring runs.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "deploy/kfp_deploy.hpp"
#include "deploy/pipeline_file.hpp"

namespace deploy_plan_test {

using namespace pipecc::deploy;
using nlohmann::json;

namespace {

json recurring(const std::string& id, const std::string& pipeline, const std::string& version, const std::string& status,
               const std::string& cron = "0 0 6 * * *", bool ours = true) {
    return {{"recurring_run_id", id},
            {"status", status},
            {"description", ours ? "Deployed by pipecc deploy: pipeline d, version x" : "made by hand"},
            {"pipeline_version_reference", {{"pipeline_id", pipeline}, {"pipeline_version_id", version}}},
            {"trigger", {{"cron_schedule", {{"cron", cron}}}}}};
}

}  // namespace

TEST_CASE("deploy: a version name is uploaded, reused for the same content, refused for other content", "[deploy]") {
    const auto f = parse_pipeline_file("d.yaml", "pipelineInfo: {name: d}\nroot: {dag: {tasks: {}}}\n");
    CHECK(decide_version(std::nullopt, f) == VersionAction::Upload);
    CHECK(decide_version(json{{"pipeline_spec", f.pipeline_spec}}, f) == VersionAction::Reuse);
    CHECK(decide_version(json{{"pipeline_spec", {{"pipelineInfo", {{"name", "d"}}}, {"root", json::object()}}}}, f) ==
          VersionAction::Conflict);

    // With a PlatformSpec, KFP returns both under pipeline_spec.
    const auto g = parse_pipeline_file("d.yaml", "pipelineInfo: {name: d}\nroot: {}\n---\nplatforms: {kubernetes: {}}\n");
    CHECK(decide_version(json{{"pipeline_spec", {{"pipeline_spec", g.pipeline_spec}, {"platform_spec", g.platform_spec}}}},
                         g) == VersionAction::Reuse);
    CHECK(decide_version(json{{"pipeline_spec", g.pipeline_spec}}, g) == VersionAction::Conflict);
}

TEST_CASE("deploy: the recurring run of a new version replaces the earlier deploys' ones", "[deploy]") {
    const std::vector<json> existing{
        recurring("old", "p", "v1", "ENABLED"),
        recurring("older", "p", "v0", "DISABLED"),
        recurring("by-hand", "p", "v1", "ENABLED", "0 0 6 * * *", false),
        recurring("other-pipeline", "q", "w1", "ENABLED"),
    };
    const auto plan = plan_recurring(existing, "p", "v2", "0 0 6 * * *", Retire::Disable);
    CHECK_FALSE(plan.keep);
    CHECK(plan.retire == std::vector<std::string>{"old"});
    CHECK(plan_recurring(existing, "p", "v2", "0 0 6 * * *", Retire::Delete).retire ==
          std::vector<std::string>{"old", "older"});
}

TEST_CASE("deploy: deploying the same version again keeps its recurring run and finishes a hand-over", "[deploy]") {
    // An interrupted deploy left the new one and the old one both enabled.
    const std::vector<json> existing{recurring("old", "p", "v1", "ENABLED"), recurring("new", "p", "v2", "ENABLED")};
    const auto plan = plan_recurring(existing, "p", "v2", "0 0 6 * * *", Retire::Disable);
    CHECK(plan.keep == std::optional<std::string>("new"));
    CHECK(plan.retire == std::vector<std::string>{"old"});
    // A changed cron is a new recurring run: there is no update call.
    CHECK_FALSE(plan_recurring(existing, "p", "v2", "0 30 7 * * *", Retire::Disable).keep);
}

TEST_CASE("deploy: a recurring run with the cron of an earlier pipecc is replaced by the converted one", "[deploy]") {
    // Earlier pipecc sent `TZ=Asia/Tokyo 0 0 6 * * *`, which KFP 2.17.0 refuses (robfig/cron v1.2.0
    // cron.Parse in api_converter.go) but a server without that check may hold: the same version with
    // the converted cron (06:00 Tokyo = 21:00 UTC) must not count as already pinned.
    const std::vector<json> existing{recurring("tz", "p", "v1", "ENABLED", "TZ=Asia/Tokyo 0 0 6 * * *")};
    const auto plan = plan_recurring(existing, "p", "v1", "0 0 21 * * *", Retire::Disable);
    CHECK_FALSE(plan.keep);
    CHECK(plan.retire == std::vector<std::string>{"tz"});
    CHECK(plan_recurring({recurring("utc", "p", "v1", "ENABLED", "0 0 21 * * *")}, "p", "v1", "0 0 21 * * *",
                         Retire::Disable)
              .keep == std::optional<std::string>("utc"));
}

}  // namespace deploy_plan_test
