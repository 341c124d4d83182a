#include "deploy/kfp_v1_client.hpp"

#include <filesystem>

namespace pipecc::deploy {
namespace {

const std::string kApi = "/apis/v1beta1";

bool final_phase(const std::string& phase) {
    return phase == "Succeeded" || phase == "Failed" || phase == "Error" || phase == "Skipped" || phase == "Omitted";
}

FilePart upload_part(const WorkflowFile& file) {
    // The server picks the parser by the file name's extension (server/util.go ReadPipelineFile).
    std::string filename = std::filesystem::path(file.path).filename().string();
    const auto ext = std::filesystem::path(filename).extension().string();
    if (ext != ".yaml" && ext != ".yml" && ext != ".json") filename += ".yaml";
    return FilePart{.field = "uploadfile", .filename = filename, .content = file.text};
}

}  // namespace

std::string v1_equals_filter(const std::string& key, const std::string& value) {
    return nlohmann::json{{"predicates", {{{"key", key}, {"op", "EQUALS"}, {"string_value", value}}}}}.dump();
}

nlohmann::json resource_reference(const std::string& type, const std::string& id, const std::string& relationship) {
    return {{"key", {{"type", type}, {"id", id}}}, {"relationship", relationship}};
}

RunStatus kfp_v1_run_status(const nlohmann::json& run_detail) {
    RunStatus s;
    const auto run = run_detail.value("run", nlohmann::json::object());
    const std::string phase = run.value("status", "");
    s.state = phase.empty() ? "Pending" : phase;
    s.finished = final_phase(phase);
    s.succeeded = phase == "Succeeded";
    s.error = run.value("error", "");
    const std::string manifest = run_detail.value("/pipeline_runtime/workflow_manifest"_json_pointer, std::string());
    const auto wf = nlohmann::json::parse(manifest, nullptr, /*allow_exceptions=*/false);
    if (wf.is_object()) {
        const auto nodes = wf.value("/status/nodes"_json_pointer, nlohmann::json::object());
        for (const auto& [_, node] : nodes.items()) {
            if (node.value("type", "") != "Pod") continue;
            ++s.tasks_seen;
            if (final_phase(node.value("phase", ""))) ++s.tasks_done;
        }
        if (s.error.empty() && s.finished && !s.succeeded) s.error = wf.value("/status/message"_json_pointer, std::string());
    }
    return s;
}

nlohmann::json KfpV1Client::placeholder(nlohmann::json reply, const char* id) const {
    // Every v1beta1 object's id is `id`: a dry run names which one it stands for.
    if (dry_run()) reply["id"] = id;
    return reply;
}

KfpV1Client::KfpV1Client(KfpConnection connection, HttpClient& http)
    : api_(connection, http, kApi), http_(http), ns_(connection.ns) {}

std::vector<std::pair<std::string, std::string>> KfpV1Client::namespace_key() const {
    if (ns_.empty()) return {};
    return {{"resource_reference_key.type", "NAMESPACE"}, {"resource_reference_key.id", ns_}};
}

std::optional<nlohmann::json> KfpV1Client::find_pipeline(const std::string& name) {
    auto query = namespace_key();
    query.insert(query.begin(), {{"filter", v1_equals_filter("name", name)}, {"page_size", "2"}});
    const auto reply = http_.send(api_.request("GET", "/pipelines", query));
    if (reply.dry_run) return std::nullopt;
    require_ok(reply, "looking up pipeline '" + name + "'");
    for (const auto& p : reply.json().value("pipelines", nlohmann::json::array())) {
        if (p.value("name", "") == name) return p;
    }
    return std::nullopt;
}

nlohmann::json KfpV1Client::upload_pipeline(const std::string& name, const WorkflowFile& file) {
    auto r = api_.request("POST", "/pipelines/upload", {{"name", name}, {"namespace", ns_}});
    r.file = upload_part(file);
    return placeholder(api_.call(r, "uploading pipeline '" + name + "'"), "<pipeline_id>");
}

std::optional<nlohmann::json> KfpV1Client::find_version(const std::string& pipeline_id, const std::string& name) {
    const auto reply = http_.send(api_.request("GET", "/pipeline_versions",
                                               {{"resource_key.type", "PIPELINE"},
                                                {"resource_key.id", pipeline_id},
                                                {"filter", v1_equals_filter("name", name)},
                                                {"page_size", "2"}}));
    if (reply.dry_run) return std::nullopt;
    require_ok(reply, "looking up version '" + name + "'");
    for (const auto& v : reply.json().value("versions", nlohmann::json::array())) {
        if (v.value("name", "") == name) return v;
    }
    return std::nullopt;
}

std::string KfpV1Client::version_template(const std::string& version_id) {
    const auto j = api_.call(api_.request("GET", "/pipeline_versions/" + percent_encode(version_id) + "/templates"),
                             "reading the template of version " + version_id);
    return j.value("template", "");
}

HttpResponse KfpV1Client::upload_version(const std::string& pipeline_id, const std::string& name,
                                         const WorkflowFile& file) {
    auto r = api_.request("POST", "/pipelines/upload_version", {{"name", name}, {"pipelineid", pipeline_id}});
    r.file = upload_part(file);
    return http_.send(r);
}

std::optional<nlohmann::json> KfpV1Client::find_experiment(const std::string& name) {
    auto query = namespace_key();
    query.insert(query.begin(), {{"filter", v1_equals_filter("name", name)}, {"page_size", "2"}});
    const auto reply = http_.send(api_.request("GET", "/experiments", query));
    if (reply.dry_run) return std::nullopt;
    require_ok(reply, "looking up experiment '" + name + "'");
    for (const auto& e : reply.json().value("experiments", nlohmann::json::array())) {
        if (e.value("name", "") == name) return e;
    }
    return std::nullopt;
}

nlohmann::json KfpV1Client::create_experiment(const std::string& name) {
    auto r = api_.request("POST", "/experiments");
    nlohmann::json body{{"name", name}};
    // Multi-user KFP 1.8 takes the namespace as the experiment's owner reference.
    if (!ns_.empty()) body["resource_references"] = {resource_reference("NAMESPACE", ns_, "OWNER")};
    r.body = body.dump();
    return placeholder(api_.call(r, "creating experiment '" + name + "'"), "<experiment_id>");
}

nlohmann::json KfpV1Client::create_run(const nlohmann::json& run) {
    auto r = api_.request("POST", "/runs");
    r.body = run.dump();
    if (dry_run()) {
        http_.send(r);
        return {{"run", {{"id", "<run_id>"}}}};
    }
    return api_.call(r, "creating a run");
}

RunStatus KfpV1Client::run_status(const std::string& run_id) {
    return kfp_v1_run_status(api_.call(api_.request("GET", "/runs/" + percent_encode(run_id)), "reading run " + run_id));
}

std::vector<nlohmann::json> KfpV1Client::list_jobs() {
    std::vector<nlohmann::json> out;
    std::string page;
    do {
        auto query = namespace_key();
        query.insert(query.begin(), {{"page_size", "100"}, {"page_token", page}});
        const auto reply = http_.send(api_.request("GET", "/jobs", query));
        if (reply.dry_run) return out;
        require_ok(reply, "listing jobs");
        const auto j = reply.json();
        for (const auto& job : j.value("jobs", nlohmann::json::array())) out.push_back(job);
        page = j.value("next_page_token", "");
    } while (!page.empty());
    return out;
}

nlohmann::json KfpV1Client::create_job(const nlohmann::json& job) {
    auto r = api_.request("POST", "/jobs");
    r.body = job.dump();
    return placeholder(api_.call(r, "creating the job"), "<job_id>");
}

void KfpV1Client::disable_job(const std::string& id) {
    api_.call(api_.request("POST", "/jobs/" + percent_encode(id) + "/disable"), "disabling job " + id);
}

void KfpV1Client::delete_job(const std::string& id) {
    api_.call(api_.request("DELETE", "/jobs/" + percent_encode(id)), "deleting job " + id);
}

}  // namespace pipecc::deploy
