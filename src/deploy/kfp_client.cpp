#include "deploy/kfp_client.hpp"

#include <filesystem>

namespace pipecc::deploy {
namespace {

const std::string kApi = "/apis/v2beta1";

}  // namespace

std::string equals_filter(const std::string& key, const std::string& value) {
    return nlohmann::json{{"predicates", {{{"key", key}, {"operation", "EQUALS"}, {"string_value", value}}}}}.dump();
}

RunStatus kfp_run_status(const nlohmann::json& run) {
    RunStatus s;
    s.state = run.value("state", "RUNTIME_STATE_UNSPECIFIED");
    s.finished = s.state == "SUCCEEDED" || s.state == "SKIPPED" || s.state == "FAILED" || s.state == "CANCELED";
    s.succeeded = s.state == "SUCCEEDED";
    const auto tasks = run.value("/run_details/task_details"_json_pointer, nlohmann::json::array());
    for (const auto& t : tasks) {
        ++s.tasks_seen;
        const std::string st = t.value("state", "");
        if (st == "SUCCEEDED" || st == "SKIPPED" || st == "FAILED" || st == "CANCELED") ++s.tasks_done;
    }
    if (run.contains("error") && run["error"].is_object()) s.error = run["error"].value("message", "");
    return s;
}

KfpApi::KfpApi(KfpConnection connection, HttpClient& http, std::string prefix)
    : connection_(std::move(connection)), http_(http), prefix_(std::move(prefix)) {
    while (!connection_.host.empty() && connection_.host.back() == '/') connection_.host.pop_back();
}

HttpRequest KfpApi::request(std::string method, const std::string& path,
                            const std::vector<std::pair<std::string, std::string>>& query) const {
    HttpRequest r{.method = std::move(method), .url = with_query(connection_.host + prefix_ + path, query)};
    if (!connection_.token.empty()) r.headers.emplace_back("Authorization", "Bearer " + connection_.token);
    if (!connection_.user_id.empty()) r.headers.emplace_back(connection_.user_id_header, connection_.user_id);
    return r;
}

nlohmann::json KfpApi::call(const HttpRequest& r, const std::string& what, const char* placeholder_field) {
    const auto reply = http_.send(r);
    require_ok(reply, what);
    if (reply.dry_run) {
        return placeholder_field ? nlohmann::json{{placeholder_field, std::string("<") + placeholder_field + ">"}}
                                 : nlohmann::json::object();
    }
    return reply.json();
}

KfpClient::KfpClient(KfpConnection connection, HttpClient& http)
    : api_(connection, http, kApi), http_(http), ns_(connection.ns) {}

std::optional<nlohmann::json> KfpClient::find_pipeline(const std::string& name) {
    const auto reply = http_.send(request("GET", "/pipelines/names/" + percent_encode(name), {{"namespace", ns_}}));
    if (reply.dry_run || reply.status == 404) return std::nullopt;
    require_ok(reply, "looking up pipeline '" + name + "'");
    return reply.json();
}

nlohmann::json KfpClient::create_pipeline(const std::string& name) {
    auto r = request("POST", "/pipelines");
    nlohmann::json body{{"name", name}, {"display_name", name}};
    if (!ns_.empty()) body["namespace"] = ns_;
    r.body = body.dump();
    return call(r, "creating pipeline '" + name + "'", "pipeline_id");
}

std::optional<nlohmann::json> KfpClient::find_version(const std::string& pipeline_id, const std::string& name) {
    const auto reply = http_.send(request("GET", "/pipelines/" + percent_encode(pipeline_id) + "/versions",
                                          {{"filter", equals_filter("name", name)}, {"page_size", "2"}}));
    if (reply.dry_run) return std::nullopt;
    require_ok(reply, "looking up version '" + name + "'");
    for (const auto& v : reply.json().value("pipeline_versions", nlohmann::json::array())) {
        // The filter is the server's business; the exact name is checked here too.
        if (v.value("name", "") == name) return v;
    }
    return std::nullopt;
}

HttpResponse KfpClient::upload_version(const std::string& pipeline_id, const std::string& name, const PipelineFile& file) {
    auto r = request("POST", "/pipelines/upload_version",
                     {{"pipelineid", pipeline_id}, {"name", name}, {"display_name", name}});
    r.file = FilePart{.field = "uploadfile",
                      .filename = std::filesystem::path(file.path).filename().string(),
                      .content = file.text};
    return http_.send(r);
}

std::optional<nlohmann::json> KfpClient::find_experiment(const std::string& display_name) {
    const auto reply = http_.send(request(
        "GET", "/experiments",
        {{"filter", equals_filter("display_name", display_name)}, {"namespace", ns_}, {"page_size", "2"}}));
    if (reply.dry_run) return std::nullopt;
    require_ok(reply, "looking up experiment '" + display_name + "'");
    for (const auto& e : reply.json().value("experiments", nlohmann::json::array())) {
        if (e.value("display_name", "") == display_name) return e;
    }
    return std::nullopt;
}

nlohmann::json KfpClient::create_experiment(const std::string& display_name) {
    auto r = request("POST", "/experiments");
    nlohmann::json body{{"display_name", display_name}};
    if (!ns_.empty()) body["namespace"] = ns_;
    r.body = body.dump();
    return call(r, "creating experiment '" + display_name + "'", "experiment_id");
}

nlohmann::json KfpClient::create_run(const nlohmann::json& run) {
    auto r = request("POST", "/runs", {{"experiment_id", run.value("experiment_id", "")}});
    r.body = run.dump();
    return call(r, "creating a run", "run_id");
}

RunStatus KfpClient::run_status(const std::string& run_id) {
    return kfp_run_status(call(request("GET", "/runs/" + percent_encode(run_id)), "reading run " + run_id));
}

std::vector<nlohmann::json> KfpClient::list_recurring_runs() {
    std::vector<nlohmann::json> out;
    std::string page;
    do {
        const auto reply = http_.send(request(
            "GET", "/recurringruns", {{"namespace", ns_}, {"page_size", "100"}, {"page_token", page}}));
        if (reply.dry_run) return out;
        require_ok(reply, "listing recurring runs");
        const auto j = reply.json();
        // The swagger names the list `recurringRuns`; servers marshalling proto names say `recurring_runs`.
        for (const char* key : {"recurringRuns", "recurring_runs"}) {
            for (const auto& rr : j.value(key, nlohmann::json::array())) out.push_back(rr);
        }
        page = j.value("next_page_token", "");
    } while (!page.empty());
    return out;
}

nlohmann::json KfpClient::create_recurring_run(const nlohmann::json& recurring_run) {
    auto r = request("POST", "/recurringruns");
    r.body = recurring_run.dump();
    return call(r, "creating the recurring run", "recurring_run_id");
}

void KfpClient::disable_recurring_run(const std::string& id) {
    call(request("POST", "/recurringruns/" + percent_encode(id) + ":disable"), "disabling recurring run " + id);
}

void KfpClient::delete_recurring_run(const std::string& id) {
    call(request("DELETE", "/recurringruns/" + percent_encode(id)), "deleting recurring run " + id);
}

}  // namespace pipecc::deploy
