#include "deploy/request_printer.hpp"

#include <algorithm>
#include <cctype>

namespace pipecc::deploy {
namespace {

bool is_credential(std::string name) {
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    return name == "authorization" || name == "proxy-authorization" || name == "cookie";
}

std::string indent(const std::string& text) {
    std::string out = "  ";
    for (const char c : text) {
        out += c;
        if (c == '\n') out += "  ";
    }
    return out;
}

}  // namespace

std::string describe_request(const HttpRequest& request, const Redactor& redactor) {
    std::string out = request.method + " " + request.url + "\n";
    for (const auto& [name, value] : request.headers) out += "  " + name + ": " + (is_credential(name) ? "***" : value) + "\n";
    if (request.file) {
        out += "  multipart/form-data: " + request.file->field + "=@" + request.file->filename + " (" +
               std::to_string(request.file->content.size()) + " bytes)\n";
    } else if (!request.body.empty()) {
        const auto j = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
        out += indent(j.is_discarded() ? request.body : j.dump(2)) + "\n";
    }
    return redactor.apply(out);
}

}  // namespace pipecc::deploy
