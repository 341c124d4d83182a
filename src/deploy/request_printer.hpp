#pragma once
/// What `--dry-run` prints for each request it does not send.

#include <string>

#include "deploy/http_client.hpp"
#include "deploy/redactor.hpp"

namespace pipecc::deploy {

/// The request as readable text: the method and URL, the headers (the Authorization value
/// always shown as `***`), then the JSON body indented, or the multipart file's field, name and
/// size. Any registered secret is redacted from the whole text.
///
/// @code
/// std::cout << describe_request({.method = "POST", .url = u, .body = j.dump()}, redactor);
/// // POST http://h/apis/v2beta1/experiments
/// //   Authorization: ***
/// //   { "display_name": "daily" }
/// @endcode
std::string describe_request(const HttpRequest& request, const Redactor& redactor);

/// The verb of a deploy step's line, so that a `--dry-run` never claims to have created anything.
///
/// @code
/// out << "pipeline daily: " << created_or_would(true) << " (<pipeline_id>)\n";  // would create
/// @endcode
constexpr const char* created_or_would(bool dry_run) { return dry_run ? "would create" : "created"; }

}  // namespace pipecc::deploy
