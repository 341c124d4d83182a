#include "deploy/pipeline_file.hpp"

#include <fstream>
#include <regex>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "pipecc/error.hpp"

namespace pipecc::deploy {
namespace {

nlohmann::json plain_scalar(const std::string& s) {
    static const std::regex integer(R"([-+]?[0-9]+)");
    static const std::regex real(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
    if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
    for (const char* t : {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"}) {
        if (s == t) return true;
    }
    for (const char* f : {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"}) {
        if (s == f) return false;
    }
    // libstdc++'s regex recurses once per character: no number is this long, and a hostile
    // file's 300,000 digits would overflow the stack.
    if (s.size() > 200) return s;
    try {
        if (std::regex_match(s, integer)) return std::stoll(s);
        if (std::regex_match(s, real)) return std::stod(s);
    } catch (const std::out_of_range&) {
        return s;
    }
    return s;
}

nlohmann::json to_json(const YAML::Node& n) {
    switch (n.Type()) {
        case YAML::NodeType::Map: {
            auto out = nlohmann::json::object();
            for (const auto& kv : n) out[kv.first.as<std::string>()] = to_json(kv.second);
            return out;
        }
        case YAML::NodeType::Sequence: {
            auto out = nlohmann::json::array();
            for (const auto& item : n) out.push_back(to_json(item));
            return out;
        }
        case YAML::NodeType::Scalar:
            // yaml-cpp tags quoted scalars "!" and plain ones "?".
            return n.Tag() == "!" ? nlohmann::json(n.Scalar()) : plain_scalar(n.Scalar());
        default: return nullptr;
    }
}

nlohmann::json typed_value(const std::string& name, const std::string& type, const std::string& v) {
    const auto bad = [&] { return Error("--param " + name + "=" + v + ": not a valid " + type + " value"); };
    try {
        if (type == "STRING") return v;
        if (type == "NUMBER_INTEGER") {
            std::size_t used = 0;
            const long long i = std::stoll(v, &used);
            if (used != v.size()) throw bad();
            return i;
        }
        if (type == "NUMBER_DOUBLE") {
            std::size_t used = 0;
            const double d = std::stod(v, &used);
            if (used != v.size()) throw bad();
            return d;
        }
        if (type == "BOOLEAN") {
            if (v == "true" || v == "false") return v == "true";
            throw bad();
        }
    } catch (const std::logic_error&) {
        throw bad();
    }
    auto j = nlohmann::json::parse(v, nullptr, /*allow_exceptions=*/false);
    if ((type == "LIST" && !j.is_array()) || (type == "STRUCT" && !j.is_object())) throw bad();
    return j;
}

}  // namespace

nlohmann::json yaml_to_json(const std::string& yaml_document) { return to_json(YAML::Load(yaml_document)); }

PipelineFile read_pipeline_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error("cannot read the pipeline file", Where{.file = path});
    std::ostringstream text;
    text << in.rdbuf();
    return parse_pipeline_file(path, text.str());
}

PipelineFile parse_pipeline_file(const std::string& path, std::string text) {
    PipelineFile f{.path = path, .text = std::move(text)};
    f.schedule = schedule_from_ir_header(f.text);
    const auto first = f.text.find_first_not_of(" \t\r\n");
    try {
        if (first != std::string::npos && f.text[first] == '{') {
            f.pipeline_spec = nlohmann::json::parse(f.text);
        } else {
            for (const auto& doc : YAML::LoadAll(f.text)) {
                auto j = to_json(doc);
                (j.is_object() && j.contains("platforms") ? f.platform_spec : f.pipeline_spec) = std::move(j);
            }
        }
    } catch (const YAML::Exception& e) {
        throw Error("not YAML: " + e.msg, Where{.file = path, .line = e.mark.line + 1, .column = e.mark.column + 1});
    } catch (const nlohmann::json::exception& e) {
        throw Error(std::string("not JSON: ") + e.what(), Where{.file = path});
    }
    const auto& spec = f.pipeline_spec;
    if (!spec.is_object() || !spec.contains("root") || !spec.contains("pipelineInfo") ||
        !spec["pipelineInfo"].contains("name") || !spec["pipelineInfo"]["name"].is_string()) {
        throw Error("not a KFP v2 pipeline (IR with pipelineInfo.name and root); compile it with --target kfp",
                    Where{.file = path});
    }
    f.name = spec["pipelineInfo"]["name"].get<std::string>();
    return f;
}

nlohmann::json runtime_parameters(const nlohmann::json& pipeline_spec, const std::map<std::string, std::string>& values) {
    const auto declared = pipeline_spec.value("/root/inputDefinitions/parameters"_json_pointer, nlohmann::json::object());
    auto out = nlohmann::json::object();
    for (const auto& [name, value] : values) {
        if (!declared.contains(name)) {
            std::string known;
            for (const auto& [k, _] : declared.items()) known += (known.empty() ? "" : ", ") + k;
            throw Error("--param " + name + ": the pipeline has no parameter '" + name + "'" +
                        (known.empty() ? std::string(" (it has none)") : " (it has: " + known + ")"));
        }
        out[name] = typed_value(name, declared[name].value("parameterType", "STRING"), value);
    }
    return out;
}

bool same_content(const nlohmann::json& server_pipeline_spec, const PipelineFile& file) {
    if (file.platform_spec.is_null()) return server_pipeline_spec == file.pipeline_spec;
    return server_pipeline_spec.value("pipeline_spec", nlohmann::json()) == file.pipeline_spec &&
           server_pipeline_spec.value("platform_spec", nlohmann::json()) == file.platform_spec;
}

}  // namespace pipecc::deploy
