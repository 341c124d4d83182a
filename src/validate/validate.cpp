#include "validate/validate.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include <yaml-cpp/eventhandler.h>

#include "validate/argo_checks.hpp"
#include "validate/data_checks.hpp"
#include "validate/embedded_schemas.hpp"
#include "validate/engine_rules.hpp"
#include "validate/ir_checks.hpp"
#include "validate/json_schema.hpp"
#include "validate/yaml_access.hpp"

namespace pipecc::validate {
namespace {

constexpr std::array<std::string_view, 4> kArgoKinds = {"Workflow", "CronWorkflow", "WorkflowTemplate",
                                                        "ClusterWorkflowTemplate"};
constexpr std::array<std::string_view, 6> kIrFields = {"pipelineInfo", "root",      "components",
                                                       "deploymentSpec", "schemaVersion", "sdkVersion"};

// Compiled once per process, on first use.
const JsonSchema& pipeline_spec_schema() {
    static const JsonSchema s(pipeline_spec_schema_json(), {"#"});
    return s;
}
const JsonSchema& platform_spec_schema() {
    static const JsonSchema s(platform_spec_schema_json(), {"#"});
    return s;
}
const JsonSchema& argo_schema(ArgoSchema version) {
    static const std::vector<std::string> kinds = {"#/kinds/Workflow", "#/kinds/CronWorkflow",
                                                   "#/kinds/WorkflowTemplate", "#/kinds/ClusterWorkflowTemplate"};
    if (version == ArgoSchema::V3_5) {
        static const JsonSchema v3_5(argo_workflow_v3_5_schema_json(), kinds);
        return v3_5;
    }
    if (version == ArgoSchema::V3_7) {
        static const JsonSchema v3_7(argo_workflow_v3_7_schema_json(), kinds);
        return v3_7;
    }
    static const JsonSchema v4_1(argo_workflow_schema_json(), kinds);
    return v4_1;
}

bool is_argo_kind(const std::string& kind) {
    return std::find(kArgoKinds.begin(), kArgoKinds.end(), kind) != kArgoKinds.end();
}

bool looks_like_ir(const YAML::Node& doc) {
    return std::any_of(kIrFields.begin(), kIrFields.end(), [&](std::string_view f) { return field(doc, f).IsDefined(); });
}

// Protobuf and Go read UTF-8 only; a file in another encoding is not one the engines load.
bool is_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        const int extra = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : -1;
        if (extra < 0 || i + extra >= s.size() + (extra == 0 ? 1 : 0)) return false;
        for (int k = 1; k <= extra; ++k) {
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        }
        i += extra + 1;
    }
    return true;
}

bool json_syntax(std::string_view text, std::string_view file_name) {
    if (file_name.size() >= 5 && file_name.substr(file_name.size() - 5) == ".json") return true;
    const auto first = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
    return first != std::string_view::npos && (text[first] == '{' || text[first] == '[');
}

struct Run {
    FileReport report;
    Options options;
    Findings found{};
    Findings notes{};
    WalkBudget budget{};

    void unreadable(const YAML::Mark& mark, const std::string& message) {
        report.verdict = Verdict::Unreadable;
        found.add(mark, message);
    }

    void ir(const std::vector<YAML::Node>& docs, const ScalarRules& rules) {
        report.kind = "PipelineSpec";
        if (docs.size() > 2) {
            found.add(docs[2].Mark(), "expected 1 or 2 documents (PipelineSpec, then PlatformSpec), got " +
                                          std::to_string(docs.size()));
            return;
        }
        check_json_data(docs[0], rules, true, budget, found);
        pipeline_spec_schema().validate(docs[0], "#", rules, budget, found);
        check_ir_references(docs[0], budget, found);
        if (docs.size() == 2) {
            Findings platform;
            check_json_data(docs[1], rules, true, budget, platform);
            platform_spec_schema().validate(docs[1], "#", rules, budget, platform);
            found.append(platform, "PlatformSpec: ");
        }
        if (options.engine) check_ir_for_engine(docs, profile(*options.engine), budget, found);
    }

    void argo(const YAML::Node& doc, const std::string& kind, const ScalarRules& rules) {
        if (report.kind.empty()) report.kind = kind;
        check_json_data(doc, rules, false, budget, found);
        argo_schema(options.argo).validate(doc, "#/kinds/" + kind, rules, budget, found);
        check_argo_structure(doc, budget, found);
        check_argo_variables(workflow_spec(doc), budget, found);
        if (options.engine) check_argo_for_engine(doc, kind, profile(*options.engine), found);
    }

    void documents(std::vector<YAML::Node> docs, const ScalarRules& rules) {
        std::erase_if(docs, [](const YAML::Node& d) { return !d.IsDefined() || d.IsNull(); });
        if (docs.size() == 1 && rules.json_syntax) {
            // JSON IR comes as a PipelineSpec, an array of the two documents, or a PipelineJob.
            if (docs[0].IsSequence()) {
                std::vector<YAML::Node> items;
                for (const auto& d : docs[0]) items.push_back(d);
                docs = items;
            } else if (field(docs[0], "pipelineSpec").IsMap() && !field(docs[0], "pipelineInfo").IsDefined()) {
                docs = {field(docs[0], "pipelineSpec")};
            }
        }
        if (docs.empty()) return unreadable(YAML::Mark::null_mark(), "no YAML document");
        // Neither loader reads a list or a scalar as a document: that file is invalid, not unreadable.
        for (const auto& d : docs) {
            if (!d.IsMap()) found.add(d.Mark(), std::string("a document must be a mapping, not a ") +
                                                    (d.IsSequence() ? "list" : "scalar"));
        }
        if (found.size() > 0) return;
        const auto argo_doc = [](const YAML::Node& d) { return is_argo_kind(text(field(d, "kind"))); };
        if (std::any_of(docs.begin(), docs.end(), argo_doc)) {
            // Argo's own examples put ConfigMaps and Secrets beside their workflows.
            for (const auto& d : docs) {
                const std::string& kind = text(field(d, "kind"));
                if (argo_doc(d)) argo(d, kind, rules);
                else notes.add(d.Mark(), "skipped a document of kind '" + (kind.empty() ? "?" : kind) +
                                             "': only Argo workflow kinds are checked");
            }
            return;
        }
        if (looks_like_ir(docs[0])) return ir(docs, rules);
        const std::string& kind = text(field(docs[0], "kind"));
        unreadable(docs[0].Mark(), kind.empty() ? "neither KFP v2 IR nor an Argo workflow"
                                                : "kind '" + kind + "' is neither KFP v2 IR nor an Argo workflow kind");
    }
};

// yaml-cpp 0.7 reads a ',' outside a flow collection as an endless run of empty documents, so
// LoadAll would never return: count the documents first, with a parser that builds nothing.
class DocumentCounter : public YAML::EventHandler {
public:
    void OnDocumentStart(const YAML::Mark&) override {}
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}
};

constexpr std::size_t kMaxDocuments = 1000;

// The start of the document past kMaxDocuments, or nothing when there are at most that many.
std::optional<YAML::Mark> too_many_documents(const std::string& text) {
    std::istringstream in(text);
    YAML::Parser parser(in);
    DocumentCounter counter;
    for (std::size_t n = 0; parser.HandleNextDocument(counter);) {
        if (++n > kMaxDocuments) return YAML::Mark::null_mark();
    }
    return std::nullopt;
}

}  // namespace

FileReport validate_text(std::string_view text, std::string_view file_name, const Options& options) {
    Run run{FileReport{.file = std::string(file_name)}, options};
    if (!is_utf8(text)) {
        run.unreadable(YAML::Mark::null_mark(), "not UTF-8 text");
    } else {
        const ScalarRules rules{.json_syntax = json_syntax(text, file_name)};
        std::vector<YAML::Node> docs;
        try {
            const std::string copy(text);
            if (too_many_documents(copy)) {
                run.unreadable(YAML::Mark::null_mark(), "more than " + std::to_string(kMaxDocuments) +
                                                            " YAML documents (a ',' outside a [...] list or {...} map?)");
            } else {
                docs = YAML::LoadAll(copy);
            }
        } catch (const YAML::Exception& e) {
            run.unreadable(e.mark, std::string(rules.json_syntax ? "invalid JSON/YAML: " : "invalid YAML: ") + e.msg);
        }
        try {
            if (run.report.verdict != Verdict::Unreadable) run.documents(std::move(docs), rules);
        } catch (const YAML::Exception& e) {
            // The walkers read nodes defensively; this is a last guard for the fuzzers' sake.
            run.unreadable(e.mark, "cannot read the document: " + e.msg);
        }
        if (run.budget.spent()) run.found.add(YAML::Mark::null_mark(), run.budget.reason());
    }
    run.report.problems = run.found.to_problems(run.report.file);
    run.report.notes = run.notes.to_problems(run.report.file);
    if (run.report.verdict == Verdict::Valid && !run.report.problems.empty()) run.report.verdict = Verdict::Invalid;
    return run.report;
}

FileReport validate_file(const std::string& path, const Options& options) {
    std::error_code ec;
    std::ifstream in(path, std::ios::binary);
    if (std::filesystem::is_directory(path, ec) || !in) {
        const bool exists = std::filesystem::exists(path, ec);
        return FileReport{.file = path,
                          .verdict = Verdict::Unreadable,
                          .problems = {{path, 0, 0, exists ? "cannot read the file" : "cannot read the file: no such file"}}};
    }
    std::ostringstream text;
    text << in.rdbuf();
    return validate_text(text.str(), path, options);
}

}  // namespace pipecc::validate
