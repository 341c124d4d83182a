#pragma once
/// The lints over what they read, gathered from a checked graph (lint_graph.cpp) or from a
/// compiled file (`pipecc lint`), so that both check the same things in the same words.

#include <string>
#include <vector>

#include "pipecc/lint.hpp"

namespace pipecc::lint_detail {

/// What the lints read, each item with the place to report.
struct LintSubject {
    struct Image {
        std::string image;
        Where where;
    };
    struct Literal {
        std::string what;  ///< "env NAME", "argument 3": where the text sits
        std::string env_name;  ///< for an env value: the variable's name
        std::string text;
        Where where;
    };
    struct Named {
        std::string display_name;
        Where where;
        std::string scope{};  ///< names must differ within a scope (a file's DAG; a whole graph)
    };
    struct Cron {
        std::string cron;
        Where where;
    };
    struct Resource {
        std::string kind;  ///< "cpu" or "memory"
        std::string request, limit;
        Where where;
    };
    std::vector<Image> images{};
    std::vector<Literal> literals{};
    std::vector<Named> tasks{};
    std::vector<Cron> crons{};
    std::vector<Resource> resources{};
};

/// Runs every lint not in `disabled` on `s`. Throws pipecc::Error for an id that is no lint.
///
/// @code
/// const auto findings = run_lints(subject, {"image-latest"});
/// @endcode
std::vector<LintFinding> run_lints(const LintSubject& s, const std::vector<std::string>& disabled);

/// A Kubernetes quantity ("500m", "2", "1.5Gi", "60G") as a number, or a negative number when it
/// is not one.
///
/// @code
/// quantity("512Mi") == 512.0 * 1024 * 1024
/// @endcode
double quantity(const std::string& text);

}  // namespace pipecc::lint_detail
