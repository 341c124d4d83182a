#pragma once
/// A compiled KFP v2 IR file (YAML or JSON) as `pipecc deploy` needs it.

#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "deploy/cron.hpp"

namespace pipecc::deploy {

/// The file's text, its PipelineSpec and PlatformSpec as JSON, its name and schedule.
///
/// @code
/// const PipelineFile f = read_pipeline_file("out/daily.kfp.yaml");
/// if (f.schedule) std::cout << kfp_cron(*f.schedule).cron;
/// @endcode
struct PipelineFile {
    std::string path;
    std::string text;
    std::string name{};                      ///< pipelineInfo.name
    std::optional<CronSchedule> schedule{};  ///< from the YAML header, if any
    nlohmann::json pipeline_spec{};
    nlohmann::json platform_spec{};          ///< null when the file has none
};

/// Reads and parses an IR file. Throws pipecc::Error naming the file if it cannot be read or is
/// not KFP v2 IR.
///
/// @code
/// const auto ir = read_pipeline_file("out/daily.kfp.yaml");
/// std::cout << ir.name << ' ' << ir.pipeline_spec["root"].dump();
/// @endcode
PipelineFile read_pipeline_file(const std::string& path);

/// The same IR from text (`path` only names it in errors).
///
/// @code
/// parse_pipeline_file("inline.yaml", "pipelineInfo: {name: d}\nroot: {}\n").name == "d"
/// @endcode
PipelineFile parse_pipeline_file(const std::string& path, std::string text);

/// The JSON value that KFP's API server (sigs.k8s.io/yaml, YAML 1.1 scalars) and Vertex read
/// from a YAML document: quoted scalars are strings; plain ones become null, booleans and numbers
/// where they spell one.
///
/// @code
/// yaml_to_json("a: 1\nb: '1'\nc: true\n") == nlohmann::json{{"a", 1}, {"b", "1"}, {"c", true}}
/// @endcode
nlohmann::json yaml_to_json(const std::string& yaml_document);

/// `--param k=v` values typed by the pipeline's `root.inputDefinitions.parameters`: STRING stays
/// text; NUMBER_INTEGER, NUMBER_DOUBLE and BOOLEAN are parsed; LIST and STRUCT are JSON. Throws
/// pipecc::Error for an unknown name or a value of the wrong type.
///
/// @code
/// runtime_parameters(spec, {{"date", "20240101"}, {"epochs", "3"}})  // {"date": "20240101", "epochs": 3}
/// @endcode
nlohmann::json runtime_parameters(const nlohmann::json& pipeline_spec, const std::map<std::string, std::string>& values);

/// Whether a pipeline version's `pipeline_spec`, as KFP's API returns it (the PipelineSpec, or
/// `{pipeline_spec, platform_spec}` when the upload had a PlatformSpec), is this file's content.
///
/// @code
/// same_content(version["pipeline_spec"], read_pipeline_file("out/daily.kfp.yaml"))
/// @endcode
bool same_content(const nlohmann::json& server_pipeline_spec, const PipelineFile& file);

}  // namespace pipecc::deploy
