#pragma once
// Test access to tests/tools/argo_expr_eval, the offline evaluator of Argo's template tags (Argo's
// own sprig v3 + expr, from Debian's Go packages). It is built once per test run by
// build_argo_expr_eval.sh (a ctest entry runs it first; under a lock, so concurrent test
// processes build it once). Without Go or the packages, tests WARN "SKIPPED" and return.

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "subprocess.hpp"

#ifndef PIPECC_TESTS_BINARY_DIR
#error "PIPECC_TESTS_BINARY_DIR must name the tests' build folder"
#endif

namespace pipecc::test {

struct ArgoExprEval {
    std::optional<std::string> binary;  ///< the harness, when it could be built
    std::string skipped;                ///< why it is missing (Go or packages absent)
    std::string failed;                 ///< the build's error output, when the build failed
};

/// Builds the harness on first use (cheap when it is up to date).
inline const ArgoExprEval& argo_expr_eval() {
    static ArgoExprEval h;
    static std::once_flag once;
    std::call_once(once, [] {
        const std::string script = std::string(PIPECC_SOURCE_DIR) + "/tests/tools/build_argo_expr_eval.sh";
        const auto r = run_process({script, std::string(PIPECC_TESTS_BINARY_DIR) + "/argo_expr_eval"});
        if (r.exit_code == 0) {
            std::string path = r.out;
            while (!path.empty() && (path.back() == '\n' || path.back() == '\r')) path.pop_back();
            h.binary = path;
        } else if (r.exit_code == 77) {
            h.skipped = r.err;
            if (h.skipped.rfind("SKIPPED: ", 0) == 0) h.skipped.erase(0, 9);
            while (!h.skipped.empty() && h.skipped.back() == '\n') h.skipped.pop_back();
        } else {
            h.failed = "exit " + std::to_string(r.exit_code) + ": " + r.err + r.out;
        }
    });
    return h;
}

/// True when the harness is there; otherwise WARNs that the test is skipped (or FAILs if the
/// harness did not build) and the caller returns.
inline bool have_argo_expr_eval() {
    const auto& h = argo_expr_eval();
    if (!h.failed.empty()) FAIL("tests/tools/argo_expr_eval did not build: " << h.failed);
    if (!h.binary) {
        WARN("SKIPPED: Argo's expressions were not evaluated: " << h.skipped);
        return false;
    }
    return true;
}

/// One evaluation's result: the text, or the harness's error.
struct EvalResult {
    std::optional<std::string> out;
    std::string error;
};

/// Runs a batch of requests (see main.go for their shape) in one harness process.
inline std::vector<EvalResult> argo_eval_batch(const nlohmann::json& requests) {
    const auto r = run_process({*argo_expr_eval().binary}, requests.dump());
    INFO("argo_expr_eval stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    const auto results = nlohmann::json::parse(r.out);
    REQUIRE(results.size() == requests.size());
    std::vector<EvalResult> out;
    for (const auto& item : results) {
        EvalResult e;
        if (item.contains("out")) e.out = item["out"].get<std::string>();
        if (item.contains("error")) e.error = item["error"].get<std::string>();
        out.push_back(std::move(e));
    }
    return out;
}

/// A request to substitute an Argo parameter value.
inline nlohmann::json template_request(const std::string& text, const nlohmann::json& vars = nlohmann::json::object()) {
    return {{"template", text}, {"vars", vars}};
}

}  // namespace pipecc::test
