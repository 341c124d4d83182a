#pragma once
// Starts tests/tools/deploy_standin.py (a stand-in KFP and Vertex API server) on a free port of
// 127.0.0.1 for one test, and stops it when the test ends.

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "deploy/http_client.hpp"
#include "subprocess.hpp"

extern char** environ;

namespace pipecc::test {

/// Files of a TLS certificate and its key.
struct TlsFiles {
    std::string cert;
    std::string key;
};

/// The stand-in server; `url()` is its base URL, `control()` configures it, `requests()` is
/// what it received. With `tls`, it serves HTTPS.
class DeployStandin {
public:
    explicit DeployStandin(std::optional<TlsFiles> tls = std::nullopt) : dir_("pipecc-standin"), tls_(tls.has_value()) {
        const std::string script = std::string(PIPECC_SOURCE_DIR) + "/tests/tools/deploy_standin.py";
        const std::string port_file = dir_ / "port", log_file = dir_ / "server.log";
        std::vector<std::string> args{"python3", script, "--port-file", port_file};
        if (tls) args.insert(args.end(), {"--tls-cert", tls->cert, "--tls-key", tls->key});
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 1, log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_adddup2(&actions, 1, 2);
        const int rc = ::posix_spawnp(&pid_, "python3", &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (rc != 0) throw std::runtime_error("cannot start python3");
        for (int i = 0; i < 300 && !port_; ++i) {
            if (auto text = read_whole_file(port_file)) port_ = std::stoi(*text);
            int status = 0;
            if (!port_ && ::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = 0;
                throw std::runtime_error("the stand-in server exited: " + read_whole_file(log_file).value_or(""));
            }
            if (!port_) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        if (!port_) throw std::runtime_error("the stand-in server did not start");
    }
    ~DeployStandin() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            int status = 0;
            ::waitpid(pid_, &status, 0);
        }
    }
    DeployStandin(const DeployStandin&) = delete;
    DeployStandin& operator=(const DeployStandin&) = delete;

    std::string url() const { return (tls_ ? "https" : "http") + std::string("://127.0.0.1:") + std::to_string(port_); }

    /// POSTs `body` to /_standin/<what> (config or faults).
    void control(const std::string& what, const nlohmann::json& body) {
        request("POST", "/_standin/" + what, body.dump());
    }

    /// Every request received so far (method, path, query, headers, body, files, status,
    /// enabled_recurring).
    nlohmann::json requests() { return nlohmann::json::parse(request("GET", "/_standin/log", ""))["requests"]; }

    /// Sends one API request as a client would, and returns the reply whatever its status.
    deploy::HttpResponse send(const std::string& method, const std::string& path, const nlohmann::json& body) {
        deploy::HttpClient http({.retries = 0, .insecure = tls_}, redactor_, log_);
        return http.send({.method = method, .url = url() + path,
                          .headers = {{"Content-Type", "application/json"}}, .body = body.dump()});
    }

private:
    std::string request(const std::string& method, const std::string& path, const std::string& body) {
        deploy::HttpClient http({.retries = 0, .insecure = tls_}, redactor_, log_);
        const auto r = http.send({.method = method, .url = url() + path, .body = body});
        if (!r.ok()) throw std::runtime_error("stand-in control " + path + ": HTTP " + std::to_string(r.status));
        return r.body;
    }

    TempDir dir_;
    bool tls_ = false;
    pid_t pid_ = 0;
    int port_ = 0;
    deploy::Redactor redactor_;
    std::ostringstream log_;
};

/// Whether python3 with PyYAML is there to run the stand-in.
inline bool standin_available() {
    try {
        return run_process({"python3", "-c", "import yaml"}).exit_code == 0;
    } catch (const std::exception&) {
        return false;
    }
}

}  // namespace pipecc::test
