#pragma once
// Running the `pipecc` tool from tests: a scratch folder per test case, and the tool's exit code,
// stdout and stderr.

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace pipecc::test {

/// What one run of the `pipecc` tool gave.
struct CliResult {
    int code = -1;
    std::string out;
    std::string err;
};

/// The whole content of file `p` ("" when it cannot be read).
inline std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// A scratch folder of its own for each test case, removed afterwards.
struct Scratch {
    std::filesystem::path dir;
    explicit Scratch(const std::string& name) : dir(std::filesystem::temp_directory_path() / ("pipecc-cli-" + name)) {
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
    }
    ~Scratch() { std::filesystem::remove_all(dir); }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;

    std::string write(const std::string& name, const std::string& text) const {
        std::ofstream(dir / name, std::ios::binary) << text;
        return (dir / name).string();
    }
    std::string path(const std::string& name) const { return (dir / name).string(); }

    /// Runs `pipecc ARGS` (the tool of this build) and collects what it printed.
    CliResult run(const std::string& args) const {
        const auto out = dir / ".stdout", err = dir / ".stderr";
        const std::string cmd = std::string(PIPECC_CLI) + " " + args + " >" + out.string() + " 2>" + err.string();
        const int status = std::system(cmd.c_str());
        CliResult r{WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
        std::filesystem::remove(out);
        std::filesystem::remove(err);
        return r;
    }
};

}  // namespace pipecc::test
