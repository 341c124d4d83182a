#include "run/kfp_values.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <regex>

#include "pipecc/error.hpp"
#include "run/json_access.hpp"
#include "run/json_access.hpp"

namespace pipecc::run {

using nlohmann::json;

json artifact_to_json(const Artifact& a) {
    return {{"name", a.name}, {"type", a.type}, {"uri", a.uri}, {"metadata", a.metadata}};
}

Artifact artifact_from_json(const json& j) {
    return Artifact{text_or(j, "name", ""), text_or(j, "type", ""), text_or(j, "uri", ""),
                    field(j, "metadata").is_object() ? j["metadata"] : json::object()};
}

json runtime_constant(const json& constant, const RunInfo& info, const std::string& task_name, int task_id) {
    if (!constant.is_string()) return constant;
    const std::string& s = constant.get_ref<const std::string&>();
    if (s.find("{{$.workspace_path}}") != std::string::npos) {
        std::string out = s;
        const std::string key = "{{$.workspace_path}}";
        for (std::size_t at = 0; (at = out.find(key, at)) != std::string::npos; at += info.workspace.size())
            out.replace(at, key.size(), info.workspace);
        return out;
    }
    if (s == "{{$.pipeline_task_uuid}}") return std::to_string(task_id);
    if (s == "{{$.pipeline_job_name}}") return info.run_name;
    if (s == "{{$.pipeline_job_resource_name}}") return info.resource_name;
    if (s == "{{$.pipeline_job_uuid}}") return info.run_id;
    if (s == "{{$.pipeline_task_name}}") return task_name;
    if (s == "{{$.pipeline_job_create_time_utc}}") return info.created_at;
    if (s == "{{$.pipeline_job_schedule_time_utc}}") return info.scheduled_at;
    return constant;
}

bool is_dry_run_value(const json& value) {
    if (!value.is_string()) return false;
    const std::string& s = value.get_ref<const std::string&>();
    return s.size() > 2 && s.front() == '<' && s.back() == '>' && s.find(':') != std::string::npos;
}

std::string parameter_text(const json& value) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
    if (value.is_number_integer()) return std::to_string(value.get<std::int64_t>());
    if (value.is_number()) {
        // strconv.FormatFloat(v, 'f', -1, 64): the fewest digits that read back as v, written
        // without an exponent.
        const double v = value.get<double>();
        char buf[64];
        int precision = 1;
        for (; precision < 17; ++precision) {
            std::snprintf(buf, sizeof buf, "%.*e", precision - 1, v);
            if (std::strtod(buf, nullptr) == v) break;
        }
        std::snprintf(buf, sizeof buf, "%.*e", precision - 1, v);
        const std::string sci = buf;  // [-]d.ddde[+-]x
        const auto e = sci.find('e');
        const bool negative = sci[0] == '-';
        std::string digits;
        for (char c : sci.substr(0, e))
            if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
        const int exponent = std::stoi(sci.substr(e + 1));
        std::string out;
        if (exponent < 0) {
            out = "0." + std::string(std::size_t(-exponent - 1), '0') + digits;
        } else if (std::size_t(exponent) + 1 >= digits.size()) {
            out = digits + std::string(std::size_t(exponent) + 1 - digits.size(), '0');
        } else {
            out = digits.substr(0, std::size_t(exponent) + 1) + "." + digits.substr(std::size_t(exponent) + 1);
        }
        while (out.find('.') != std::string::npos && (out.back() == '0' || out.back() == '.')) {
            const bool dot = out.back() == '.';
            out.pop_back();
            if (dot) break;
        }
        return (negative ? "-" : "") + out;
    }
    if (value.is_null()) return "";
    return value.dump();
}

json output_parameter(const std::string& text, const std::string& type) {
    const auto bad = [&](const std::string& what) {
        return Error("the output file holds \"" + text.substr(0, 80) + "\", which is not " + what);
    };
    if (type == "STRING" || type.empty()) return text;
    if (type == "NUMBER_INTEGER") {
        std::size_t used = 0;
        try {
            const long long v = std::stoll(text, &used);
            if (used == text.size()) return v;
        } catch (const std::exception&) {
        }
        throw bad("an integer");
    }
    if (type == "NUMBER_DOUBLE") {
        std::size_t used = 0;
        try {
            const double v = std::stod(text, &used);
            if (used == text.size()) return v;
        } catch (const std::exception&) {
        }
        throw bad("a number");
    }
    if (type == "BOOLEAN") {
        if (text == "true" || text == "True") return true;
        if (text == "false" || text == "False") return false;
        throw bad("a boolean");
    }
    json parsed = json::parse(text, nullptr, false);
    if (parsed.is_discarded() || (type == "LIST" && !parsed.is_array()) || (type == "STRUCT" && !parsed.is_object()))
        throw bad(type == "LIST" ? "a JSON list" : "a JSON object");
    return parsed;
}

std::string local_path_for_uri(const std::string& uri) {
    for (const auto& [scheme, dir] : {std::pair{"gs://", "/gcs/"}, {"minio://", "/minio/"}, {"s3://", "/s3/"}})
        if (uri.rfind(scheme, 0) == 0) return dir + uri.substr(std::string(scheme).size());
    throw Error("artifact URI '" + uri + "' has no local path: KFP's launcher maps only gs://, minio:// and s3://");
}

namespace {

const std::regex& input_parameter_re() {
    static const std::regex re(R"(\{\{\$\.inputs\.parameters\['(.+?)'\]\}\})");
    return re;
}

// driver/util.go resolveInputParameterPlaceholders: one left-to-right pass, text put in is not
// read again.
std::string driver_pass(const std::string& arg, const json& params) {
    std::string out;
    auto last = arg.cbegin();
    for (std::sregex_iterator it(arg.begin(), arg.end(), input_parameter_re()), end; it != end; ++it) {
        const std::string name = (*it)[1];
        out.append(last, arg.cbegin() + it->position());
        const auto v = params.find(name);
        if (v == params.end()) throw Error("input parameter '" + name + "' has no value (placeholder " + it->str() + ")");
        out += parameter_text(*v);
        last = arg.cbegin() + it->position() + it->length();
    }
    out.append(last, arg.cend());
    return out;
}

void expand_if_present(const std::string& arg, const json& params, std::vector<std::string>& out) {
    const json clause = json::parse(arg, nullptr, false);
    if (clause.is_discarded() || !clause.contains("IfPresent"))
        throw Error("argument " + arg + " is not an IfPresent clause");
    const json& c = clause["IfPresent"];
    const std::string input = text_or(c, "InputName", "");
    const auto v = params.find(input);
    const bool present = v != params.end() && !v->is_null();
    const json branch = field(c, present ? "Then" : "Else");
    if (branch.is_string()) out.push_back(driver_pass(branch.get<std::string>(), params));
    if (branch.is_array())
        for (const auto& s : branch) out.push_back(driver_pass(s.is_string() ? s.get<std::string>() : s.dump(), params));
}

}  // namespace

std::vector<std::string> substitute(const std::vector<std::string>& args, const Placeholders& placeholders,
                                    const json& input_params) {
    std::vector<std::string> first;
    for (const auto& arg : args) {
        if (arg.find("$.outputs") != std::string::npos) first.push_back(arg);
        else if (arg.find_first_not_of(" \t\n") != std::string::npos &&
                 arg.compare(arg.find_first_not_of(" \t\n"), 13, "{\"IfPresent\":") == 0)
            expand_if_present(arg, input_params, first);
        else first.push_back(driver_pass(arg, input_params));
    }
    std::vector<std::string> out;
    for (std::string arg : first) {
        for (std::size_t at = 0; (at = arg.find("{{$}}", at)) != std::string::npos;) {
            arg.replace(at, 5, placeholders.executor_input);
            at += placeholders.executor_input.size();
        }
        // The launcher replaces each placeholder everywhere, one after another in Go map order;
        // repeating until nothing changes gives the result of every order.
        for (int round = 0; round < 4; ++round) {
            bool changed = false;
            for (const auto& [key, text] : placeholders.text)
                for (std::size_t at = 0; (at = arg.find(key, at)) != std::string::npos; at += text.size()) {
                    arg.replace(at, key.size(), text);
                    changed = true;
                }
            if (!changed) break;
        }
        const auto left = arg.find("{{$.");
        if (left != std::string::npos) {
            const auto end = arg.find("}}", left);
            throw Error("placeholder " + arg.substr(left, end == std::string::npos ? 40 : end + 2 - left) +
                        " has no value here: KFP would pass it to the container as literal text");
        }
        out.push_back(std::move(arg));
    }
    return out;
}

}  // namespace pipecc::run
