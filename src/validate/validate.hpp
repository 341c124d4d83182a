#pragma once
/// `pipecc validate`: checks KFP v2 IR and Argo workflow files the way the engines' loaders
/// would, with the schemas compiled in (no Python, no files at run time).

#include <optional>
#include <string>
#include <string_view>

#include "pipecc/graph/engine.hpp"
#include "validate/problem.hpp"

namespace pipecc::validate {

/// What `validate_text` checks against: the Argo version whose published schema rules Argo
/// documents (Argo 4 dropped fields that 3.5 has, e.g. CronWorkflow's `schedule`).
///
/// @code
/// validate_text(text, "wf.argo.yaml", {.argo = ArgoSchema::V3_5});
/// @endcode
struct Options {
    enum class ArgoSchema { V4_1, V3_7, V3_5 } argo = ArgoSchema::V4_1;  ///< v4.1.2, v3.7.18 or v3.5.15
    /// If set, also what this engine refuses or would run wrongly (`engine_rules.hpp`).
    std::optional<Engine> engine{};
};
using ArgoSchema = Options::ArgoSchema;

/// Validates the text of one file. A KFP v2 IR file (YAML PipelineSpec [+ PlatformSpec], or
/// JSON) is checked against schemas/pipeline_spec and platform_spec plus the references the KFP
/// backend resolves; each Workflow, CronWorkflow, WorkflowTemplate or ClusterWorkflowTemplate
/// document against Argo's schema of `options.argo` (strict fields, Go scalars) plus template/task references,
/// DAG cycles and `{{…}}` references. `file_name` names the file in problems, and a `.json`
/// name types scalars by JSON's grammar. Never throws on any input: not UTF-8, not YAML, or
/// neither kind is Verdict::Unreadable; deep nesting and alias bombs are reported, not followed.
///
/// @code
/// const FileReport r = validate_text("apiVersion: argoproj.io/v1alpha1\nkind: Workflow\n", "wf.yaml");
/// // r.verdict == Verdict::Invalid: "wf.yaml:1:1: error: metadata.name or metadata.generateName is required"
/// @endcode
FileReport validate_text(std::string_view text, std::string_view file_name, const Options& options = {});

/// Reads and validates the file at `path`; a file that cannot be read is Verdict::Unreadable.
///
/// @code
/// for (const auto& p : validate_file("out/hello.kfp.yaml").problems) std::cout << p.describe() << '\n';
/// @endcode
FileReport validate_file(const std::string& path, const Options& options = {});

}  // namespace pipecc::validate
