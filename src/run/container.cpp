#include "run/container.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "pipecc/error.hpp"
#include "run/json_access.hpp"

namespace pipecc::run {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// The execution's salt in its URIs: the number in front of its folder's name ("3-train").
std::string salt_of(const Node& node) {
    const std::string name = fs::path(node.dir).filename().string();
    return name.substr(0, name.find('-'));
}

std::string host_path(const RunOptions& o, const std::string& uri) { return o.root + local_path_for_uri(uri); }

// The path a task sees: the engine's own path in a container, the same file under the local
// root when it runs on the host.
std::string seen(const RunOptions& o, const std::string& runtime, const std::string& uri) {
    return runtime == "host" ? host_path(o, uri) : local_path_for_uri(uri);
}

json artifact_json(const Artifact& a) {
    return {{"name", a.name}, {"uri", a.uri}, {"metadata", a.metadata}, {"type", {{"schemaTitle", a.type}}}};
}

// A kfp-kubernetes `...NameParameter`: a constant, one of the task's inputs (the SDK adds the
// pipeline channel to them), or an upstream task's output.
std::string name_parameter(const Node& node, const json& spec) {
    json value;
    if (spec.contains("runtimeValue")) {
        value = field(spec["runtimeValue"], "constant");
    } else if (spec.contains("componentInputParameter")) {
        const std::string from = spec["componentInputParameter"];
        value = node.inputs.params.contains(from) ? node.inputs.params[from] : field(node.parent->inputs.params, from);
    } else if (spec.contains("taskOutputParameter")) {
        const auto p = node.parent->by_key.find(text_or(spec["taskOutputParameter"], "producerTask", ""));
        if (p != node.parent->by_key.end())
            value = field(p->second->outputs.params, text_or(spec["taskOutputParameter"], "outputParameterKey", ""));
    }
    return value.is_null() ? std::string() : parameter_text(value);
}

// kfp-kubernetes `secretAsEnv` and `configMapAsEnv`: the value comes from --secret NAME/KEY=VALUE.
void kubernetes_env(const Node& node, const json& kubernetes, const RunOptions& options, Execution& ex) {
    for (const char* kind : {"secretAsEnv", "configMapAsEnv"}) {
        const bool secret = std::string(kind) == "secretAsEnv";
        for (const auto& source : field(kubernetes, kind)) {
            std::string name = text_or(source, secret ? "secretName" : "configMapName", "");
            if (name.empty()) name = name_parameter(node, field(source, secret ? "secretNameParameter" : "configMapNameParameter"));
            if (name.empty() && value_or(source, "optional", false)) continue;
            if (name.empty())
                throw Error(std::string("the ") + (secret ? "secret" : "config map") + "'s name has no value");
            for (const auto& k : field(source, "keyToEnv")) {
                const std::string key = text_or(k, secret ? "secretKey" : "configMapKey", "");
                const std::string var = text_or(k, "envVar", "");
                const auto v = options.secrets.find(name + "/" + key);
                ex.shown_env.push_back(var + "=<" + std::string(secret ? "secret " : "config map ") + name + "/" + key +
                                       ">");
                if (v != options.secrets.end()) {
                    ex.env.push_back(var + "=" + v->second);
                } else if (!options.dry_run && !value_or(source, "optional", false)) {
                    throw Error("env " + var + " reads key '" + key + "' of " + (secret ? "secret" : "config map") +
                                " '" + name + "'; give its value with --secret " + name + "/" + key + "=VALUE");
                }
            }
        }
    }
}

}  // namespace

std::string choose_runtime(const std::string& asked) {
    if (asked == "host") return asked;
    if (asked == "auto") {
        for (const char* rt : {"podman", "docker"})
            if (on_path(rt)) return rt;
        throw Error("no container runtime: install podman (apt-get install podman) or docker, or run the "
                    "commands on this machine with --runtime host");
    }
    if (asked != "podman" && asked != "docker") throw Error("--runtime " + asked + ": use podman, docker, host or auto");
    if (!on_path(asked)) throw Error("--runtime " + asked + ": " + asked + " is not on PATH");
    return asked;
}

Execution prepare_execution(const Node& node, const json& container, const json& kubernetes, const RunInfo& info,
                            const RunOptions& options, const std::string& runtime) {
    Execution ex;
    const std::string image = text_or(container, "image", "");
    const auto mapped = options.images.find(image);
    ex.image = mapped != options.images.end() ? mapped->second : image;

    const std::string outputs_dir = node.dir + "/outputs";
    const std::string task_root = info.pipeline_root + "/" + node.key + "/" + salt_of(node);
    Placeholders ph;
    json executor_input = {{"inputs", {{"parameterValues", node.inputs.params}}}, {"outputs", json::object()}};
    for (const auto& [name, value] : node.inputs.params.items())
        ph.text["{{$.inputs.parameters['" + name + "']}}"] = parameter_text(value);
    for (const auto& [name, list] : node.inputs.artifacts) {
        json artifacts = json::array();
        for (const auto& a : list) artifacts.push_back(artifact_json(a));
        executor_input["inputs"]["artifacts"][name] = {{"artifacts", artifacts}};
        if (list.empty()) continue;
        ph.text["{{$.inputs.artifacts['" + name + "'].uri}}"] = list[0].uri;
        ph.text["{{$.inputs.artifacts['" + name + "'].path}}"] = seen(options, runtime, list[0].uri);
    }
    const json& out_defs = field(*node.component, "outputDefinitions");
    for (const auto& [name, def] : field(out_defs, "artifacts").items()) {
        Artifact a{name, text_or(field(def, "artifactType"), "schemaTitle", ""),
                   task_root + "/" + name};
        ex.outputs.artifacts[name] = {a};
        executor_input["outputs"]["artifacts"][name] = {{"artifacts", {artifact_json(a)}}};
        ph.text["{{$.outputs.artifacts['" + name + "'].uri}}"] = a.uri;
        ph.text["{{$.outputs.artifacts['" + name + "'].path}}"] = seen(options, runtime, a.uri);
        if (!options.dry_run) fs::create_directories(fs::path(host_path(options, a.uri)).parent_path());
    }
    for (const auto& [name, def] : field(out_defs, "parameters").items()) {
        const std::string file = (runtime == "host" ? outputs_dir : std::string("/tmp/kfp/outputs")) + "/" + name;
        executor_input["outputs"]["parameters"][name] = {{"outputFile", file}};
        ph.text["{{$.outputs.parameters['" + name + "'].output_file}}"] = file;
    }
    // driver.go provisionOutputs: the executor output file sits in the task's root folder.
    executor_input["outputs"]["outputFile"] = seen(options, runtime, task_root) + "/output_metadata.json";
    ex.output_file = host_path(options, task_root) + "/output_metadata.json";
    if (!options.dry_run) fs::create_directories(host_path(options, task_root));
    ph.executor_input = executor_input.dump();
    if (!options.dry_run) fs::create_directories(outputs_dir);

    std::vector<std::string> words;
    for (const auto& w : field(container, "command")) words.push_back(w.get<std::string>());
    const std::size_t command_size = words.size();
    for (const auto& w : field(container, "args")) words.push_back(w.get<std::string>());
    ex.command = substitute(words, ph, node.inputs.params);

    for (const auto& e : field(container, "env")) {
        const std::string entry = text_or(e, "name", "") + "=" + text_or(e, "value", "");
        ex.env.push_back(entry);
        ex.shown_env.push_back(entry);
    }
    kubernetes_env(node, kubernetes, options, ex);
    ex.timeout_seconds = value_or(kubernetes, "activeDeadlineSeconds", 0);

    if (runtime == "host") {
        ex.argv = ex.command;
        return ex;
    }
    // The executor's output parameter files and the object stores' local mounts, as the
    // launcher's pod has them.
    ex.container = "pipecc-" + info.run_id.substr(0, 8) + "-" + fs::path(node.dir).filename().string();
    ex.argv = {runtime, "run", "--rm", "--pull", options.pull, "--network", options.network, "--name", ex.container,
               "-v", outputs_dir + ":/tmp/kfp/outputs"};
    for (const auto& [dir, seen_at] : {std::pair<std::string, std::string>{"minio", "/minio"},
                                        {"gcs", "/gcs"},
                                        {"s3", "/s3"},
                                        {"workspace", info.workspace}}) {
        if (!options.dry_run) fs::create_directories(options.root + "/" + dir);
        ex.argv.insert(ex.argv.end(), {"-v", options.root + "/" + dir + ":" + seen_at});
    }
    for (const auto& e : ex.env) ex.argv.insert(ex.argv.end(), {"-e", e.substr(0, e.find('='))});
    // command overrides the image's entrypoint and args its cmd, as in a Kubernetes pod.
    if (command_size > 0) ex.argv.insert(ex.argv.end(), {"--entrypoint", ex.command[0]});
    ex.argv.push_back(ex.image);
    ex.argv.insert(ex.argv.end(), ex.command.begin() + (command_size > 0 ? 1 : 0), ex.command.end());
    return ex;
}

Values dry_run_outputs(const Node& node, const Execution& ex) {
    Values v;
    v.artifacts = ex.outputs.artifacts;
    for (const auto& [name, def] : field(field(*node.component, "outputDefinitions"), "parameters").items())
        v.params[name] = "<" + node.path + ":" + name + ">";
    return v;
}

bool read_file(const std::string& path, std::string& text) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream s;
    s << in.rdbuf();
    text = s.str();
    return true;
}

json read_executor_output(const std::string& path) {
    std::string text;
    if (!read_file(path, text)) return json::object();
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw Error("the executor output file " + path + " is not a JSON object");
    return j;
}

std::string shell_words(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) {
        if (!out.empty()) out += ' ';
        const bool plain = !w.empty() && w.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                             "0123456789-_./=:@%+,") == std::string::npos;
        if (plain) {
            out += w;
            continue;
        }
        if (w.find_first_of("\n\t\r") != std::string::npos) {
            // bash's $'...' keeps a multi-line script on one line.
            out += "$'";
            for (char c : w)
                out += c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r" : c == '\\' ? "\\\\"
                       : c == '\'' ? "\\'" : std::string(1, c);
            out += '\'';
            continue;
        }
        out += '\'';
        for (char c : w) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
        out += '\'';
    }
    return out;
}

}  // namespace pipecc::run
