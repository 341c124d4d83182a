#include "run/cache.hpp"

#include <cstdint>
#include <cstdio>
#include <filesystem>

#include "pipecc/compile.hpp"
#include "pipecc/error.hpp"
#include "run/container.hpp"
#include "run/json_access.hpp"

namespace pipecc::run {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// A stable hash for a local cache: the same bytes give the same key on every machine and build.
std::string fnv1a_hex(const std::string& text) {
    std::uint64_t h = 14695981039346656037ULL;
    for (unsigned char c : text) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

std::string entry_path(const std::string& dir, const std::string& pipeline, const CacheKey& key) {
    return dir + "/" + pipeline + "/" + key.fingerprint + ".json";
}

}  // namespace

CacheKey cache_key(const Node& node, const json& container, const Values& outputs) {
    json input_artifacts = json::object();
    for (const auto& [name, list] : node.inputs.artifacts) {
        json names = json::array();
        for (const auto& a : list) names.push_back(a.uri);
        input_artifacts[name] = {{"artifactNames", names}};
    }
    json output_artifacts = json::object();
    for (const auto& [name, list] : outputs.artifacts)
        if (!list.empty())
            output_artifacts[name] = {{"name", list[0].name}, {"type", {{"schemaTitle", list[0].type}}},
                                      {"metadata", list[0].metadata}};
    json output_params = json::object();
    for (const auto& [name, def] : field(field(*node.component, "outputDefinitions"), "parameters").items())
        output_params[name] = text_or(def, "parameterType", "");
    json cmd_args = json::array();
    for (const char* part : {"command", "args"})
        for (const auto& w : field(container, part)) cmd_args.push_back(w);
    CacheKey key;
    key.fields = {{"inputArtifactNames", input_artifacts},
                  {"inputParameterValues", node.inputs.params},
                  {"outputArtifactsSpec", output_artifacts},
                  {"outputParametersSpec", output_params},
                  {"containerSpec", {{"image", text_or(container, "image", "")}, {"cmdArgs", cmd_args}, {"pvcNames", json::array()}}}};
    key.fingerprint = fnv1a_hex(key.fields.dump());
    return key;
}

std::optional<CacheHit> cache_lookup(const std::string& dir, const std::string& pipeline, const CacheKey& key) {
    std::string text;
    if (!read_file(entry_path(dir, pipeline, key), text)) return std::nullopt;
    const json entry = json::parse(text, nullptr, false);
    // Another key with the same fingerprint, or a damaged file: a miss, not an error.
    if (entry.is_discarded() || field(entry, "key") != key.fields) return std::nullopt;
    CacheHit hit;
    hit.root = text_or(entry, "root", "");
    hit.run_name = text_or(entry, "run", "");
    hit.outputs.params = field(entry, "parameters").is_object() ? entry["parameters"] : json::object();
    for (const auto& [name, list] : field(entry, "artifacts").items())
        for (const auto& a : list) {
            Artifact artifact = artifact_from_json(a);
            std::error_code ec;
            if (!fs::exists(hit.root + local_path_for_uri(artifact.uri), ec)) return std::nullopt;
            hit.outputs.artifacts[name].push_back(std::move(artifact));
        }
    return hit;
}

void cache_store(const std::string& dir, const std::string& pipeline, const CacheKey& key, const CacheHit& entry) {
    json artifacts = json::object();
    for (const auto& [name, list] : entry.outputs.artifacts) {
        artifacts[name] = json::array();
        for (const auto& a : list) artifacts[name].push_back(artifact_to_json(a));
    }
    const json j = {{"key", key.fields},
                    {"parameters", entry.outputs.params},
                    {"artifacts", artifacts},
                    {"root", entry.root},
                    {"run", entry.run_name}};
    const std::string path = entry_path(dir, pipeline, key);
    fs::create_directories(fs::path(path).parent_path());
    write_file_atomic(path, j.dump(2) + "\n");
}

void copy_cached_artifacts(const CacheHit& hit, const std::string& root) {
    if (fs::path(hit.root) == fs::path(root)) return;
    for (const auto& [name, list] : hit.outputs.artifacts)
        for (const auto& a : list) {
            const std::string from = hit.root + local_path_for_uri(a.uri);
            const std::string to = root + local_path_for_uri(a.uri);
            fs::create_directories(fs::path(to).parent_path());
            fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
        }
}

}  // namespace pipecc::run
