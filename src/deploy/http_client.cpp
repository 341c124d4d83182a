#include "deploy/http_client.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <ostream>
#include <thread>

#include <curl/curl.h>

#include "deploy/request_printer.hpp"
#include "pipecc/error.hpp"

namespace pipecc::deploy {
namespace {

constexpr double kMaxBackoffSeconds = 30;

// curl_global_init is not thread-safe; doing it once before the first handle keeps it that way.
void init_curl_once() {
    static const bool done = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
    if (!done) throw Error("cannot initialise libcurl");
}

std::size_t append_body(char* data, std::size_t size, std::size_t n, void* out) {
    static_cast<std::string*>(out)->append(data, size * n);
    return size * n;
}

// Keeps Retry-After (seconds form), which a 429 or 503 may carry.
std::size_t read_header(char* data, std::size_t size, std::size_t n, void* out) {
    std::string line(data, size * n);
    std::string lower = line;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower.rfind("retry-after:", 0) == 0) {
        try {
            *static_cast<std::optional<double>*>(out) = std::stod(line.substr(12));
        } catch (const std::exception&) {
            // An HTTP-date instead of seconds: the usual backoff applies.
        }
    }
    return size * n;
}

bool retryable(long status) { return status == 429 || (status >= 500 && status <= 599); }

}  // namespace

nlohmann::json HttpResponse::json() const {
    if (body.empty()) return nlohmann::json::object();
    auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) throw Error("the server's reply is not JSON: " + body.substr(0, 200));
    return j;
}

HttpClient::HttpClient(HttpOptions options, const Redactor& redactor, std::ostream& log)
    : options_(options), redactor_(redactor), log_(log) {}

HttpResponse HttpClient::send(const HttpRequest& request) {
    if (options_.dry_run) {
        log_ << describe_request(request, redactor_) << '\n';
        return HttpResponse{.dry_run = true};
    }
    init_curl_once();
    double delay = options_.retry_delay_seconds;
    for (int attempt = 0;; ++attempt) {
        std::optional<double> retry_after;
        HttpResponse r = send_once(request, retry_after);
        if (!retryable(r.status) || attempt >= options_.retries) return r;
        const double wait = std::min(retry_after.value_or(delay), kMaxBackoffSeconds);
        log_ << redactor_.apply("HTTP " + std::to_string(r.status) + " from " + request.method + " " + request.url +
                                "; retrying in " + std::to_string(static_cast<int>(std::lround(wait * 1000))) +
                                " ms (retry " + std::to_string(attempt + 1) + " of " +
                                std::to_string(options_.retries) + ")")
             << std::endl;
        std::this_thread::sleep_for(std::chrono::duration<double>(wait));
        delay = std::min(delay * 2, kMaxBackoffSeconds);
    }
}

HttpResponse HttpClient::send_once(const HttpRequest& request, std::optional<double>& retry_after) {
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) throw Error("cannot create a libcurl handle");
    CURL* h = curl.get();
    char error_buffer[CURL_ERROR_SIZE] = {};
    HttpResponse r;

    curl_slist* raw_headers = nullptr;
    for (const auto& [name, value] : request.headers) raw_headers = curl_slist_append(raw_headers, (name + ": " + value).c_str());
    if (!request.file && !request.body.empty()) raw_headers = curl_slist_append(raw_headers, "Content-Type: application/json");
    raw_headers = curl_slist_append(raw_headers, "Accept: application/json");
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(raw_headers, curl_slist_free_all);
    std::unique_ptr<curl_mime, decltype(&curl_mime_free)> mime(nullptr, curl_mime_free);

    curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout_seconds * 1000));
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &r.body);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, read_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &retry_after);
    if (options_.insecure) {
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (request.file) {
        mime.reset(curl_mime_init(h));
        curl_mimepart* part = curl_mime_addpart(mime.get());
        curl_mime_name(part, request.file->field.c_str());
        curl_mime_filename(part, request.file->filename.c_str());
        curl_mime_data(part, request.file->content.data(), request.file->content.size());
        curl_easy_setopt(h, CURLOPT_MIMEPOST, mime.get());
    } else if (!request.body.empty() || request.method == "POST") {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.c_str());
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
    }
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());

    const CURLcode rc = curl_easy_perform(h);
    if (rc != CURLE_OK) {
        const std::string detail = error_buffer[0] ? error_buffer : curl_easy_strerror(rc);
        const std::string kind = rc == CURLE_OPERATION_TIMEDOUT ? "timed out" : "failed";
        throw Error(redactor_.apply(request.method + " " + request.url + " " + kind + ": " + detail));
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
    return r;
}

std::string server_message(const std::string& body) {
    const auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (j.is_object()) {
        if (j.contains("error") && j["error"].is_object() && j["error"].contains("message")) {
            return j["error"]["message"].get<std::string>();
        }
        if (j.contains("message") && j["message"].is_string()) return j["message"].get<std::string>();
        // KFP 1.8's upload handler writes api.Error (pipeline_upload_server.go writeErrorToResponse).
        if (j.contains("error_message") && j["error_message"].is_string()) return j["error_message"].get<std::string>();
        if (j.contains("error") && j["error"].is_string()) return j["error"].get<std::string>();
    }
    std::string text = body.substr(0, 300);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text.empty() ? "(no message)" : text;
}

void require_ok(const HttpResponse& r, const std::string& what) {
    if (r.dry_run || r.ok()) return;
    throw Error(what + ": HTTP " + std::to_string(r.status) + ": " + server_message(r.body));
}

std::string percent_encode(std::string_view s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (const unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string with_query(std::string url, const std::vector<std::pair<std::string, std::string>>& query) {
    char sep = url.find('?') == std::string::npos ? '?' : '&';
    for (const auto& [k, v] : query) {
        if (v.empty()) continue;
        url += sep + percent_encode(k) + "=" + percent_encode(v);
        sep = '&';
    }
    return url;
}

}  // namespace pipecc::deploy
