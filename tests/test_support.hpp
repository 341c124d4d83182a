#pragma once
// Shared helpers for the unit tests: compiling to parsed YAML, catching pipecc::Error, and
// finding entries in parsed documents.

#include <algorithm>
#include <filesystem>
#include <functional>
#include <iostream>
#include <optional>
#include <sstream>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "pipecc/pipecc.hpp"

namespace pipecc::test {

/// What one run of a pipeline program (`run_main`) printed, and its exit code.
struct ProgramRun {
    int code;
    std::string out;
    std::string err;
};

/// Runs `run_main` as a pipeline program built with PIPECC_MAIN would, with `args` after the
/// program's name, capturing what it writes to stdout and stderr.
inline ProgramRun run_pipeline_program(std::vector<std::string> args, const std::function<Pipeline()>& factory) {
    args.insert(args.begin(), "pipeline");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    std::ostringstream out, err;
    auto* old_out = std::cout.rdbuf(out.rdbuf());
    auto* old_err = std::cerr.rdbuf(err.rdbuf());
    const int code = run_main(static_cast<int>(argv.size()), argv.data(), factory);
    std::cout.rdbuf(old_out);
    std::cerr.rdbuf(old_err);
    return {code, out.str(), err.str()};
}

/// Runs `f` and returns the pipecc::Error it throws, or nullopt if it throws nothing.
/// Any other exception (including pipecc::InternalError) propagates and fails the test.
template <class F>
std::optional<Error> error_of(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e;
    }
    return std::nullopt;
}

/// The error `check(p)` throws, or nullopt.
inline std::optional<Error> check_error(const Pipeline& p) {
    return error_of([&] { (void)check(p); });
}

/// All YAML documents of the KFP IR of `p` (PipelineSpec, then the PlatformSpec if any).
inline std::vector<YAML::Node> kfp_docs(const Pipeline& p) {
    return YAML::LoadAll(compile(p, {.engine = Engine::kfp()}));
}

/// The PipelineSpec of `p`.
inline YAML::Node kfp_spec(const Pipeline& p) {
    auto docs = kfp_docs(p);
    if (docs.empty()) throw std::runtime_error("no YAML document in the KFP output");
    return docs.front();
}

/// The Argo Workflow of `p`.
inline YAML::Node argo_wf(const Pipeline& p) { return YAML::Load(compile(p, {.engine = Engine::argo()})); }

/// The item of a YAML sequence whose `name` is `name` (an undefined node when absent).
inline YAML::Node by_name(const YAML::Node& seq, const std::string& name) {
    if (seq && seq.IsSequence()) {
        for (const auto& item : seq) {
            if (item["name"] && item["name"].as<std::string>() == name) return item;
        }
    }
    return YAML::Node(YAML::NodeType::Undefined);
}

/// The value Argo receives for input `input` of DAG task `task`, in whichever DAG template holds it.
inline std::string argo_arg_value(const Pipeline& p, Engine engine = Engine::argo(), const std::string& task = "consumer",
                                  const std::string& input = "x") {
    const YAML::Node wf = YAML::Load(compile(p, {.engine = engine}));
    const YAML::Node spec = wf["kind"].as<std::string>() == "CronWorkflow" ? wf["spec"]["workflowSpec"] : wf["spec"];
    for (const auto& tmpl : spec["templates"]) {
        if (!tmpl["dag"]) continue;
        if (auto t = by_name(tmpl["dag"]["tasks"], task)) {
            return by_name(t["arguments"]["parameters"], input)["value"].as<std::string>();
        }
    }
    throw std::runtime_error("no DAG task " + task + " in the Argo output");
}

/// The `name`s of a YAML sequence's items, in order.
inline std::vector<std::string> names_of(const YAML::Node& seq) {
    std::vector<std::string> out;
    if (seq && seq.IsSequence()) {
        for (const auto& item : seq) out.push_back(item["name"].as<std::string>());
    }
    return out;
}

/// A YAML sequence of scalars as strings.
inline std::vector<std::string> strings_of(const YAML::Node& seq) {
    std::vector<std::string> out;
    if (seq && seq.IsSequence()) {
        for (const auto& item : seq) out.push_back(item.as<std::string>());
    }
    return out;
}

/// The keys of a YAML map, in document order.
inline std::vector<std::string> keys_of(const YAML::Node& map) {
    std::vector<std::string> out;
    if (map && map.IsMap()) {
        for (const auto& kv : map) out.push_back(kv.first.as<std::string>());
    }
    return out;
}

/// Whether a scalar was written quoted (yaml-cpp tags quoted scalars "!", plain ones "?").
inline bool quoted(const YAML::Node& n) { return n && n.IsScalar() && n.Tag() == "!"; }

/// A plain scalar that YAML reads as an integer.
inline bool is_int_scalar(const YAML::Node& n) {
    static const std::regex int_re("[-+]?[0-9]+");
    return n && n.IsScalar() && n.Tag() == "?" && std::regex_match(n.Scalar(), int_re);
}

/// A plain scalar that YAML reads as a float (written with a '.' or an exponent, or inf/nan).
inline bool is_float_scalar(const YAML::Node& n) {
    static const std::regex float_re(
        R"([-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))");
    return n && n.IsScalar() && n.Tag() == "?" && std::regex_match(n.Scalar(), float_re);
}

/// A plain scalar that YAML reads as a bool.
inline bool is_bool_scalar(const YAML::Node& n) {
    static const std::regex bool_re("true|True|TRUE|false|False|FALSE");
    return n && n.IsScalar() && n.Tag() == "?" && std::regex_match(n.Scalar(), bool_re);
}

/// A scalar that YAML reads as a string: quoted, or plain and not a number, bool or null.
inline bool is_string_scalar(const YAML::Node& n) {
    if (!n || !n.IsScalar()) return false;
    if (quoted(n)) return true;
    static const std::regex other_re("null|Null|NULL|~|");
    return !is_int_scalar(n) && !is_float_scalar(n) && !is_bool_scalar(n) &&
           !std::regex_match(n.Scalar(), other_re);
}

/// The examples' names (examples/*.cpp without the extension), sorted.
inline std::vector<std::string> example_names() {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(PIPECC_SOURCE_DIR) / "examples")) {
        if (entry.path().extension() == ".cpp") names.push_back(entry.path().stem().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

/// "<text>": how the run-value tests frame a formatted value inside a concat.
inline std::string angled(const std::string& text) { return "<" + text + ">"; }

/// A minimal component with an image, so that only what a test adds can fail the checks.
inline Component component(const std::string& name) {
    return Component(name).image("alpine:3.20").command({"true"});
}

/// A minimal component with one String input, `x`.
inline Component consumer() { return component("consumer").input<String>("x"); }

}  // namespace pipecc::test
