#pragma once
/// The HTTP client of `pipecc deploy`: libcurl underneath, with bounded retries of 429 and 5xx,
/// redacted errors, and a dry-run mode that prints each request instead of sending it.

#include <iosfwd>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "deploy/redactor.hpp"

namespace pipecc::deploy {

/// A file sent as one part of a multipart/form-data body.
///
/// @code
/// request.file = FilePart{.field = "uploadfile", .filename = "daily.yaml", .content = text};
/// @endcode
struct FilePart {
    std::string field;
    std::string filename;
    std::string content;
};

/// One request. `body` is JSON text (sent as application/json) unless `file` is set.
///
/// @code
/// HttpRequest r{.method = "GET", .url = with_query(base + "/apis/v2beta1/runs", {{"page_size", "10"}})};
/// @endcode
struct HttpRequest {
    std::string method = "GET";
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers{};
    std::string body{};
    std::optional<FilePart> file{};
};

/// A reply. In dry-run mode nothing is sent and `dry_run` is true (status 0, no body).
///
/// @code
/// const auto r = http.send(request);
/// if (r.status == 404) return std::nullopt;
/// require_ok(r, "looking up pipeline 'daily'");
/// return r.json()["pipeline_id"];
/// @endcode
struct HttpResponse {
    long status = 0;
    std::string body{};
    bool dry_run = false;

    bool ok() const { return status >= 200 && status < 300; }
    /// The body as JSON; an empty object for an empty body. Throws pipecc::Error if it is not JSON.
    nlohmann::json json() const;
};

/// How requests are sent.
///
/// @code
/// HttpClient http({.timeout_seconds = 10, .retries = 2, .dry_run = true}, redactor, std::cerr);
/// @endcode
struct HttpOptions {
    double timeout_seconds = 60;      ///< per attempt, connection included
    int retries = 4;                  ///< extra attempts after a 429 or 5xx reply
    double retry_delay_seconds = 1;   ///< the first backoff; doubled each time, at most 30 s
    bool insecure = false;            ///< skip TLS verification (--insecure)
    bool dry_run = false;             ///< print requests to the log instead of sending them
};

/// Sends requests with libcurl. Connection failures and timeouts throw pipecc::Error; HTTP
/// errors are returned (after the retries) for the caller to describe with `require_ok`.
///
/// @code
/// HttpClient http({.retries = 2}, redactor, std::cerr);
/// auto r = http.send({.method = "GET", .url = host + "/apis/v2beta1/healthz"});
/// require_ok(r, "checking the server");
/// @endcode
class HttpClient {
public:
    HttpClient(HttpOptions options, const Redactor& redactor, std::ostream& log);
    HttpResponse send(const HttpRequest& request);
    bool dry_run() const { return options_.dry_run; }

private:
    HttpResponse send_once(const HttpRequest& request, std::optional<double>& retry_after);

    HttpOptions options_;
    const Redactor& redactor_;
    std::ostream& log_;
};

/// Throws pipecc::Error "<what>: HTTP <status>: <the server's message>" unless `r` is a 2xx
/// reply or a dry run. The server's message comes from a google.rpc.Status body (KFP), KFP 1.8's
/// upload `error_message`, or a Google API error body (Vertex), else the start of the body.
///
/// @code
/// require_ok(http.send(request), "creating experiment 'daily'");
/// @endcode
void require_ok(const HttpResponse& r, const std::string& what);

/// The server's message in an error body (see require_ok).
///
/// @code
/// server_message(R"({"code":5,"message":"not found","details":[]})") == "not found"
/// @endcode
std::string server_message(const std::string& body);

/// `s` percent-encoded for a URL path segment or query value (RFC 3986 unreserved kept).
///
/// @code
/// percent_encode("a b/c") == "a%20b%2Fc"
/// @endcode
std::string percent_encode(std::string_view s);

/// `url` with `?k=v&…` appended, values percent-encoded; pairs with an empty value are left out.
///
/// @code
/// with_query("http://h/x", {{"a", "1 2"}, {"b", ""}}) == "http://h/x?a=1%202"
/// @endcode
std::string with_query(std::string url, const std::vector<std::pair<std::string, std::string>>& query);

}  // namespace pipecc::deploy
