#include "deploy/workflow_file.hpp"

#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "deploy/pipeline_file.hpp"
#include "pipecc/backends/argo.hpp"
#include "pipecc/error.hpp"

namespace pipecc::deploy {
namespace {

// Go's encoding/json writes nulls and empty structs that the compiled file leaves out, and a
// plain YAML `1` or `true` in a string field (a parameter's value) comes back quoted: scalars
// are compared as text.
nlohmann::json pruned(const nlohmann::json& j) {
    if (j.is_number() || j.is_boolean()) return j.dump();
    if (j.is_object()) {
        auto out = nlohmann::json::object();
        for (const auto& [k, v] : j.items()) {
            auto p = pruned(v);
            if (!p.is_null() && !(p.is_object() && p.empty()) && !(p.is_array() && p.empty())) out[k] = std::move(p);
        }
        return out;
    }
    if (j.is_array()) {
        auto out = nlohmann::json::array();
        for (const auto& v : j) out.push_back(pruned(v));
        return out;
    }
    return j;
}

std::string text_at(const nlohmann::json& j, const nlohmann::json::json_pointer& p) {
    return j.contains(p) && j[p].is_string() ? j[p].get<std::string>() : std::string();
}

}  // namespace

WorkflowFile read_workflow_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error("cannot read the pipeline file", Where{.file = path});
    std::ostringstream text;
    text << in.rdbuf();
    return parse_workflow_file(path, text.str());
}

WorkflowFile parse_workflow_file(const std::string& path, std::string text) {
    WorkflowFile f{.path = path, .text = std::move(text)};
    try {
        f.workflow = yaml_to_json(f.text);
    } catch (const YAML::Exception& e) {
        throw Error("not YAML: " + e.msg, Where{.file = path, .line = e.mark.line + 1, .column = e.mark.column + 1});
    }
    const auto& w = f.workflow;
    const std::string api = w.is_object() ? w.value("apiVersion", nlohmann::json()).dump() : "null";
    const std::string kind = text_at(w, "/kind"_json_pointer);
    if (kind != "Workflow" || text_at(w, "/apiVersion"_json_pointer) != "argoproj.io/v1alpha1") {
        const std::string found = kind.empty() ? "no kind" : "kind: " + kind;
        std::string hint = kind == "CronWorkflow"
                               ? "; KFP 1.8 takes no CronWorkflow, its schedules are jobs: compile with --engine kfp@1.8, "
                                 "which writes a Workflow whose annotations carry the schedule"
                               : "; compile the pipeline with --engine kfp@1.8";
        if (w.is_object() && w.contains("pipelineInfo")) hint = "; this is KFP v2 IR: deploy it with --engine kfp@2.17";
        throw Error("KFP 1.8 uploads only an Argo Workflow (apiVersion: argoproj.io/v1alpha1, kind: Workflow), found " +
                        found + " (apiVersion " + api + ")" + hint,
                    Where{.file = path});
    }
    f.name = text_at(w, "/metadata/name"_json_pointer);
    if (f.name.empty()) {
        f.name = text_at(w, "/metadata/generateName"_json_pointer);
        while (!f.name.empty() && f.name.back() == '-') f.name.pop_back();
    }
    if (f.name.empty()) throw Error("the Workflow has neither metadata.name nor metadata.generateName", Where{.file = path});
    const auto annotations = w.value("/metadata/annotations"_json_pointer, nlohmann::json::object());
    const std::string cron = annotations.value(std::string(argo::kScheduleAnnotation), "");
    if (!cron.empty()) f.schedule = CronSchedule{cron, annotations.value(std::string(argo::kTimeZoneAnnotation), "")};
    return f;
}

nlohmann::json workflow_parameters(const nlohmann::json& workflow, const std::map<std::string, std::string>& values) {
    const auto declared = workflow.value("/spec/arguments/parameters"_json_pointer, nlohmann::json::array());
    auto out = nlohmann::json::array();
    for (const auto& [name, value] : values) {
        std::string known;
        bool found = false;
        for (const auto& p : declared) {
            const std::string n = p.value("name", "");
            found = found || n == name;
            known += (known.empty() ? "" : ", ") + n;
        }
        if (!found) {
            throw Error("--param " + name + ": the pipeline has no parameter '" + name + "'" +
                        (known.empty() ? std::string(" (it has none)") : " (it has: " + known + ")"));
        }
        out.push_back({{"name", name}, {"value", value}});
    }
    return out;
}

bool same_workflow(const std::string& stored_template, const WorkflowFile& file) {
    nlohmann::json stored;
    try {
        stored = yaml_to_json(stored_template);  // JSON is YAML
    } catch (const YAML::Exception&) {
        return false;
    }
    return pruned(stored) == pruned(file.workflow);
}

}  // namespace pipecc::deploy
