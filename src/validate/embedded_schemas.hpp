#pragma once
/// The JSON Schemas under schemas/, compiled into the validator (cmake/embed_text.cmake), so
/// `pipecc validate` needs no file beside the binary.

#include <string_view>

namespace pipecc::validate {

/// schemas/pipeline_spec.schema.json: the first document of a KFP v2 IR file.
///
/// @code
/// const auto schema = nlohmann::json::parse(pipeline_spec_schema_json());
/// @endcode
std::string_view pipeline_spec_schema_json();

/// schemas/platform_spec.schema.json: the optional second document (kfp-kubernetes PlatformSpec).
///
/// @code
/// const auto schema = nlohmann::json::parse(platform_spec_schema_json());
/// @endcode
std::string_view platform_spec_schema_json();

/// schemas/argo_workflow.schema.json: Argo v4.1.2's Workflow kinds, made by schemas/tools/make_argo_schema.py.
///
/// @code
/// const auto schema = nlohmann::json::parse(argo_workflow_schema_json());
/// @endcode
std::string_view argo_workflow_schema_json();

/// schemas/argo_workflow_v3.7.schema.json: the same from Argo v3.7.18's schema, for argo@3.6 and 3.7.
///
/// @code
/// const auto schema = nlohmann::json::parse(argo_workflow_v3_7_schema_json());
/// @endcode
std::string_view argo_workflow_v3_7_schema_json();

/// schemas/argo_workflow_v3.5.schema.json: the same from Argo v3.5.15's schema, the oldest at hand (for
/// kfp@1.8, whose Argo is 3.1.6).
///
/// @code
/// const auto schema = nlohmann::json::parse(argo_workflow_v3_5_schema_json());
/// @endcode
std::string_view argo_workflow_v3_5_schema_json();

}  // namespace pipecc::validate
