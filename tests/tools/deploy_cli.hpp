#pragma once
// Running the `pipecc` tool in the deploy tests: its command lines and the requests it made.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "subprocess.hpp"

#ifndef PIPECC_CLI
#error "PIPECC_CLI must name the pipecc tool (tests/CMakeLists.txt defines it)"
#endif

namespace pipecc::test {

using Env = std::map<std::string, std::optional<std::string>>;

/// Runs `pipecc ARGS…`; by default with no KFP_TOKEN from the caller's environment.
inline ProcessResult pipecc_cli(std::vector<std::string> args, const Env& env = {{"KFP_TOKEN", std::nullopt}}) {
    args.insert(args.begin(), PIPECC_CLI);
    return run_process(args, {}, env);
}

/// `a` then `b`: for adding flags to a base command line.
inline std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

/// The requests that change something.
inline std::vector<nlohmann::json> writes(const nlohmann::json& requests) {
    std::vector<nlohmann::json> out;
    for (const auto& r : requests) {
        if (r["method"] != "GET") out.push_back(r);
    }
    return out;
}

}  // namespace pipecc::test

#define SKIP_WITHOUT_STANDIN()                                                  \
    if (!standin_available()) {                                                 \
        WARN("SKIPPED: python3 with PyYAML is needed for the stand-in server"); \
        return;                                                                 \
    }
