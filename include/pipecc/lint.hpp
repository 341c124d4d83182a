#pragma once
/// Lints: things that compile and run, but that a reviewer would stop. Pipeline programs print
/// them as warnings (`--strict` makes them errors); `pipecc lint FILE` checks compiled files.

#include <string>
#include <string_view>
#include <vector>

#include "pipecc/error.hpp"
#include "pipecc/graph/graph.hpp"

namespace pipecc {

/// One lint: its id (for `--disable ID`) and what it looks for.
///
/// @code
/// for (const auto& r : lint_rules()) std::cout << r.id << ": " << r.summary << '\n';
/// @endcode
struct LintRule {
    std::string_view id;
    std::string_view summary;
};

/// Every lint, in the order they run.
///
/// @code
/// const bool first = lint_rules().front().id == "image-untagged";
/// @endcode
const std::vector<LintRule>& lint_rules();

/// What one lint found, and where.
///
/// @code
/// for (const auto& f : lint(check(p))) std::cerr << "warning: [" << f.id << "] " << f.where.describe() << ": " << f.message;
/// @endcode
struct LintFinding {
    std::string id;
    std::string message;
    Where where{};
};

/// Runs the lints on a checked graph, leaving out the ids in `disabled`. Throws pipecc::Error
/// for an id that is no lint.
///
/// @code
/// const auto findings = lint(check(p), {"secret-literal"});
/// @endcode
std::vector<LintFinding> lint(const graph::Graph& g, const std::vector<std::string>& disabled = {});

}  // namespace pipecc
