// `pipecc run`'s entry: reads the file, settles the run values and the local root, runs, and
// writes the record atomically (also after a failure or Ctrl-C).
#include "run/run.hpp"

#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <regex>
#include <set>

#include "deploy/pipeline_file.hpp"
#include "pipecc/compile.hpp"
#include "pipecc/error.hpp"
#include "run/json_access.hpp"
#include "run/kfp_runner.hpp"

namespace pipecc::run {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string utc_now() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// A random UUID (version 4), as KFP gives each run.
std::string new_uuid() {
    std::random_device rd;
    std::uniform_int_distribution<int> hex(0, 15);
    std::string id = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx";
    for (char& c : id) {
        if (c == 'x') c = "0123456789abcdef"[hex(rd)];
        else if (c == 'y') c = "89ab"[hex(rd) & 3];
    }
    return id;
}

void check_time(const std::string& flag, const std::string& value) {
    static const std::regex rfc3339(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))");
    if (!std::regex_match(value, rfc3339))
        throw Error(flag + " " + value + ": not an RFC 3339 time such as 2024-03-31T16:30:00Z");
}

// The pipeline's input artifacts, from --artifact NAME=URI.
std::map<std::string, std::vector<Artifact>> root_artifacts(const json& spec, const RunOptions& o) {
    const json declared = spec.value("/root/inputDefinitions/artifacts"_json_pointer, json::object());
    std::map<std::string, std::vector<Artifact>> out;
    for (const auto& [name, uri] : o.artifacts) {
        if (!declared.contains(name)) throw Error("--artifact " + name + ": the pipeline has no input artifact '" + name + "'");
        out[name] = {Artifact{name, text_or(field(declared[name], "artifactType"), "schemaTitle", ""), uri}};
    }
    for (const auto& [name, def] : declared.items())
        if (!out.count(name) && !value_or(def, "isOptional", false))
            throw Error("pipeline input artifact '" + name + "' has no value: give its URI with --artifact " + name +
                        "=gs://... (or minio://, s3://)");
    return out;
}

json root_parameters(const json& spec, const RunOptions& o) {
    json params = deploy::runtime_parameters(spec, o.params);
    const json declared = spec.value("/root/inputDefinitions/parameters"_json_pointer, json::object());
    for (const auto& [name, def] : declared.items()) {
        if (params.contains(name)) continue;
        if (def.contains("defaultValue")) params[name] = def["defaultValue"];
        else if (!value_or(def, "isOptional", false))
            throw Error("pipeline input '" + name + "' has no default: give it with --param " + name + "=VALUE");
    }
    return params;
}

void check_image_mappings(const json& spec, const RunOptions& o) {
    std::set<std::string> used;
    const json executors = spec.value("/deploymentSpec/executors"_json_pointer, json::object());
    for (const auto& [label, ex] : executors.items())
        if (ex.contains("container")) used.insert(text_or(ex["container"], "image", ""));
    for (const auto& [from, to] : o.images)
        if (!used.count(from)) {
            std::string known;
            for (const auto& u : used) known += "\n  " + u;
            throw Error("--image " + from + "=" + to + ": no task runs image " + from + "; the images are:" + known);
        }
}

deploy::PipelineFile read_kfp_file(const std::string& path) {
    try {
        return deploy::read_pipeline_file(path);
    } catch (const Error&) {
        std::string text;
        std::ifstream in(path);
        std::getline(in, text, '\0');
        if (text.find("argoproj.io/") != std::string::npos)
            throw Error("an Argo workflow: pipecc run runs KFP v2 IR only, so far; compile the pipeline with "
                        "--engine kfp and run that", Where{.file = path});
        throw;
    }
}

void write_record(const std::string& path, const json& record) { write_file_atomic(path, record.dump(2) + "\n"); }

}  // namespace

int run_pipeline(const RunOptions& given, std::ostream& out, std::ostream& err) {
    RunOptions o = given;
    const deploy::PipelineFile file = read_kfp_file(o.file);
    const json& spec = file.pipeline_spec;
    if (o.max_parallel < 1) throw Error("--max-parallel must be at least 1");
    if (o.created_at.empty()) o.created_at = utc_now();
    check_time("--created-at", o.created_at);
    if (o.scheduled_at.empty()) o.scheduled_at = o.created_at;
    check_time("--scheduled-at", o.scheduled_at);
    check_image_mappings(spec, o);

    RunInfo info;
    info.pipeline_name = file.name;
    info.run_id = new_uuid();
    if (o.run_name.empty()) {
        std::string stamp = o.created_at.substr(0, 19);
        stamp.erase(std::remove_if(stamp.begin(), stamp.end(), [](char c) { return c == '-' || c == ':'; }),
                    stamp.end());
        std::replace(stamp.begin(), stamp.end(), 'T', '-');
        o.run_name = file.name + "-" + stamp;
    }
    info.run_name = o.run_name;
    info.resource_name = "run-" + info.run_id;
    info.created_at = o.created_at;
    info.scheduled_at = o.scheduled_at;
    info.pipeline_root = text_or(spec, "defaultPipelineRoot", "minio://mlpipeline/v2/artifacts");
    while (!info.pipeline_root.empty() && info.pipeline_root.back() == '/') info.pipeline_root.pop_back();
    info.pipeline_root += "/" + file.name + "/" + info.run_id;
    if (o.root.empty()) {
        // Two runs started in one second share a name; each still gets a root of its own.
        o.root = "pipecc-runs/" + o.run_name;
        if (fs::exists(o.root)) o.root += "-" + info.run_id.substr(0, 8);
    }
    if (o.cache_dir.empty()) o.cache_dir = "pipecc-runs/.cache";
    o.cache_dir = fs::absolute(o.cache_dir).lexically_normal().string();
    o.root = fs::absolute(o.root).lexically_normal().string();
    if (!o.root.empty() && o.root.back() == '/') o.root.pop_back();
    Values root;
    root.params = root_parameters(spec, o);
    root.artifacts = root_artifacts(spec, o);

    if (!o.dry_run) fs::create_directories(o.root);
    KfpRunner runner(spec, file.platform_spec, o, info, out);
    out << "run " << info.run_name << " (" << info.run_id << ") of " << file.name << ", created "
        << info.created_at << (o.dry_run ? ", dry run" : ", in " + o.root) << '\n';
    bool ok = false;
    try {
        ok = runner.run(root);
    } catch (const nlohmann::json::exception& e) {
        if (!o.record.empty()) write_record(o.record, runner.record());
        throw Error(std::string("not a runnable KFP pipeline: ") + e.what(), Where{.file = o.file});
    } catch (...) {
        if (!o.record.empty()) write_record(o.record, runner.record());
        throw;
    }
    out << runner.summary();
    if (!o.record.empty()) write_record(o.record, runner.record());
    if (!ok) err << "run " << info.run_name << " failed\n";
    return ok ? 0 : 1;
}

}  // namespace pipecc::run
