#include "deploy/auth.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

#include <unistd.h>

#include "pipecc/error.hpp"

namespace pipecc::deploy {
namespace {

std::string first_line(const std::string& text) {
    std::string line = text.substr(0, text.find('\n'));
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
    return line;
}

bool on_path(const std::string& program) {
    const char* path = std::getenv("PATH");
    std::istringstream dirs(path ? path : "");
    for (std::string dir; std::getline(dirs, dir, ':');) {
        if (!dir.empty() && ::access((dir + "/" + program).c_str(), X_OK) == 0) return true;
    }
    return false;
}

}  // namespace

std::string kfp_token(const std::string& token_file) {
    if (!token_file.empty()) {
        std::ifstream in(token_file, std::ios::binary);
        if (!in) throw Error("cannot read the token file", Where{.file = token_file});
        std::ostringstream text;
        text << in.rdbuf();
        auto token = first_line(text.str());
        if (token.empty()) throw Error("the token file is empty", Where{.file = token_file});
        return token;
    }
    const char* env = std::getenv("KFP_TOKEN");
    return env ? first_line(env) : std::string();
}

std::string google_access_token() {
    if (const char* env = std::getenv("GOOGLE_OAUTH_ACCESS_TOKEN"); env && *env) return first_line(env);
    if (!on_path("gcloud")) {
        throw Error("no access token: set GOOGLE_OAUTH_ACCESS_TOKEN, or put gcloud (logged in) on PATH");
    }
    std::unique_ptr<FILE, decltype(&pclose)> p(popen("gcloud auth print-access-token 2>/dev/null", "r"), pclose);
    if (!p) throw Error("cannot run gcloud auth print-access-token");
    std::string out;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p.get())) > 0;) out.append(buf, n);
    const int rc = pclose(p.release());
    const auto token = first_line(out);
    if (rc != 0 || token.empty()) throw Error("gcloud auth print-access-token gave no token; run gcloud auth login");
    return token;
}

}  // namespace pipecc::deploy
