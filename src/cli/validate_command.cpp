#include <iostream>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "pipecc/graph/engine.hpp"
#include "validate/validate.hpp"

namespace pipecc::cli {
namespace {

struct ValidateOptions {
    std::vector<std::string> files;
    std::string format = "text";
    std::string engine;
    std::string argo_version;
};

// The schema of the newest Argo release at hand that the engine's Argo can load.
validate::ArgoSchema schema_for(const Engine& engine) {
    if (engine.family == EngineFamily::KfpV1) return validate::ArgoSchema::V3_5;
    if (engine.family == EngineFamily::Argo && engine.major == 3) return validate::ArgoSchema::V3_7;
    return validate::ArgoSchema::V4_1;
}

const char* verdict_name(validate::Verdict v) {
    switch (v) {
        case validate::Verdict::Valid: return "valid";
        case validate::Verdict::Invalid: return "invalid";
        case validate::Verdict::Unreadable: return "unreadable";
    }
    return "unreadable";
}

void print_text(const std::vector<validate::FileReport>& reports) {
    for (const auto& r : reports) {
        for (const auto& p : r.problems) std::cout << p.describe() << '\n';
        for (const auto& n : r.notes) std::cout << n.describe("note") << '\n';
        std::cout << r.file << ": " << verdict_name(r.verdict) << (r.kind.empty() ? "" : " (" + r.kind + ")");
        if (r.verdict == validate::Verdict::Invalid) {
            std::cout << ", " << r.problems.size() << (r.problems.size() == 1 ? " problem" : " problems");
        }
        std::cout << '\n';
    }
}

// For CI annotations: every problem with its place, and each file's verdict.
void print_json(const std::vector<validate::FileReport>& reports) {
    auto problems = nlohmann::json::array();
    auto files = nlohmann::json::array();
    for (const auto& r : reports) {
        for (const auto& p : r.problems) {
            problems.push_back({{"file", p.file}, {"line", p.line}, {"column", p.column}, {"message", p.message},
                                {"severity", "error"}});
        }
        for (const auto& n : r.notes) {
            problems.push_back({{"file", n.file}, {"line", n.line}, {"column", n.column}, {"message", n.message},
                                {"severity", "note"}});
        }
        files.push_back({{"file", r.file}, {"kind", r.kind}, {"verdict", verdict_name(r.verdict)},
                         {"problems", r.problems.size()}});
    }
    std::cout << nlohmann::json{{"files", files}, {"problems", problems}}.dump(2) << '\n';
}

}  // namespace

void add_validate_command(CLI::App& app, ExitCode& exit) {
    auto o = std::make_shared<ValidateOptions>();
    CLI::App* cmd = app.add_subcommand(
        "validate", "Check KFP v2 IR (YAML or JSON) and Argo workflow files as the engines' loaders would");
    cmd->add_option("files", o->files, "files to check: KFP v2 IR, or Workflow/CronWorkflow/WorkflowTemplate YAML")
        ->required();
    cmd->add_option("--format", o->format, "text (default): FILE:LINE:COL: error: MESSAGE lines; json: one report")
        ->check(CLI::IsMember({"text", "json"}));
    cmd->add_option("--engine", o->engine,
                    "the engine that will run the files: checks what it refuses or would run wrongly, and chooses "
                    "Argo's schema: argo@4.0/4.1 (v4.1.2, the default), argo@3.6/3.7 (v3.7.18), kfp@1.8 (v3.5.15, "
                    "the oldest at hand)")
        ->type_name("NAME[@VERSION]")
        ->check([](const std::string& v) {
            return parse_engine(v) ? std::string() : "no engine " + v + "; pipecc knows " + engine_names();
        });
    cmd->add_option("--argo-version", o->argo_version, "the Argo whose schema checks Argo files: 4.1, 3.7 or 3.5")
        ->type_name("X.Y")
        ->check(CLI::IsMember({"4.1", "3.7", "3.5"}))
        ->excludes("--engine");
    cmd->callback([o, &exit] {
        const validate::ArgoSchema schema = o->argo_version == "3.5"   ? validate::ArgoSchema::V3_5
                                            : o->argo_version == "3.7" ? validate::ArgoSchema::V3_7
                                            : !o->engine.empty()       ? schema_for(*parse_engine(o->engine))
                                                                       : validate::ArgoSchema::V4_1;
        const validate::Options options{
            .argo = schema, .engine = o->engine.empty() ? std::nullopt : parse_engine(o->engine)};
        std::vector<validate::FileReport> reports;
        for (const auto& f : o->files) {
            reports.push_back(validate::validate_file(f, options));
            exit.value = std::max(exit.value, static_cast<int>(reports.back().verdict));
        }
        if (o->format == "json") print_json(reports);
        else print_text(reports);
    });
}

}  // namespace pipecc::cli
