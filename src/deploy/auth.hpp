#pragma once
/// Where `pipecc deploy` finds its credentials.

#include <string>

namespace pipecc::deploy {

/// The KFP bearer token: the first line of `token_file` when one is given, else $KFP_TOKEN, else
/// empty (no Authorization header). Throws pipecc::Error if the file cannot be read or is empty.
///
/// @code
/// redactor.add(kfp_token(options.token_file));
/// @endcode
std::string kfp_token(const std::string& token_file);

/// A Google OAuth access token: $GOOGLE_OAUTH_ACCESS_TOKEN, else the output of
/// `gcloud auth print-access-token` when gcloud is on PATH. Throws pipecc::Error when neither
/// gives one.
///
/// @code
/// VertexConnection c{.project = p, .region = r, .token = google_access_token()};
/// @endcode
std::string google_access_token();

}  // namespace pipecc::deploy
