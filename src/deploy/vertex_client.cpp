#include "deploy/vertex_client.hpp"

#include "pipecc/error.hpp"

namespace pipecc::deploy {

RunStatus vertex_run_status(const nlohmann::json& job) {
    RunStatus s;
    s.state = job.value("state", "PIPELINE_STATE_UNSPECIFIED");
    s.succeeded = s.state == "PIPELINE_STATE_SUCCEEDED";
    s.finished = s.succeeded || s.state == "PIPELINE_STATE_FAILED" || s.state == "PIPELINE_STATE_CANCELLED";
    for (const auto& t : job.value("/jobDetail/taskDetails"_json_pointer, nlohmann::json::array())) {
        ++s.tasks_seen;
        const std::string st = t.value("state", "");
        if (st == "SUCCEEDED" || st == "SKIPPED" || st == "FAILED" || st == "CANCELLED") ++s.tasks_done;
    }
    if (job.contains("error") && job["error"].is_object()) s.error = job["error"].value("message", "");
    return s;
}

VertexClient::VertexClient(VertexConnection connection, HttpClient& http) : connection_(std::move(connection)), http_(http) {
    if (connection_.endpoint.empty()) connection_.endpoint = "https://" + connection_.region + "-aiplatform.googleapis.com";
    while (connection_.endpoint.back() == '/') connection_.endpoint.pop_back();
}

std::string VertexClient::parent() const {
    return "projects/" + percent_encode(connection_.project) + "/locations/" + percent_encode(connection_.region);
}

HttpRequest VertexClient::request(std::string method, const std::string& path,
                                  const std::vector<std::pair<std::string, std::string>>& query) const {
    HttpRequest r{.method = std::move(method), .url = with_query(connection_.endpoint + "/v1/" + path, query)};
    if (!connection_.token.empty()) r.headers.emplace_back("Authorization", "Bearer " + connection_.token);
    return r;
}

nlohmann::json VertexClient::call(HttpRequest r, const std::string& what) {
    const auto reply = http_.send(r);
    require_ok(reply, what);
    return reply.dry_run ? nlohmann::json::object() : reply.json();
}

nlohmann::json VertexClient::create_pipeline_job(const std::string& job_id, const nlohmann::json& job) {
    auto r = request("POST", parent() + "/pipelineJobs", {{"pipelineJobId", job_id}});
    r.body = job.dump();
    const std::string name = parent() + "/pipelineJobs/" + job_id;
    const auto reply = http_.send(r);
    if (reply.dry_run) return nlohmann::json{{"name", name}};
    if (reply.status == 409) return call(request("GET", name), "reading pipeline job " + name);
    require_ok(reply, "creating pipeline job " + job_id);
    return reply.json();
}

RunStatus VertexClient::pipeline_job_status(const std::string& name) {
    return vertex_run_status(call(request("GET", name), "reading pipeline job " + name));
}

std::optional<nlohmann::json> VertexClient::find_schedule(const std::string& display_name) {
    const auto reply = http_.send(request("GET", parent() + "/schedules",
                                          {{"filter", "display_name=" + nlohmann::json(display_name).dump()}}));
    if (reply.dry_run) return std::nullopt;
    require_ok(reply, "listing schedules");
    std::optional<nlohmann::json> found;
    for (const auto& s : reply.json().value("schedules", nlohmann::json::array())) {
        if (s.value("displayName", "") != display_name || s.value("state", "") == "COMPLETED") continue;
        if (found) {
            throw Error("several schedules are named '" + display_name + "' (" + found->value("name", "") + ", " +
                        s.value("name", "") + "); delete all but one, then deploy again");
        }
        found = s;
    }
    return found;
}

nlohmann::json VertexClient::create_schedule(const nlohmann::json& schedule) {
    auto r = request("POST", parent() + "/schedules");
    r.body = schedule.dump();
    auto reply = call(r, "creating schedule '" + schedule.value("displayName", "") + "'");
    if (http_.dry_run()) reply["name"] = parent() + "/schedules/<schedule_id>";
    return reply;
}

nlohmann::json VertexClient::patch_schedule(const std::string& name, const nlohmann::json& schedule) {
    std::string mask;
    for (const auto& [field, _] : schedule.items()) mask += (mask.empty() ? "" : ",") + field;
    auto r = request("PATCH", name, {{"updateMask", mask}});
    r.body = schedule.dump();
    return call(r, "updating schedule " + name);
}

}  // namespace pipecc::deploy
