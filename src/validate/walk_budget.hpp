#pragma once
/// Limits on walking a YAML document, so that any input (deep nesting, alias bombs that yaml-cpp
/// expands into shared nodes) costs bounded time and stack.

#include <cstddef>

namespace pipecc::validate {

/// Counts node visits and bounds nesting; once spent, walkers stop and the file is reported.
///
/// @code
/// WalkBudget budget;
/// void walk(const YAML::Node& n, int depth) { if (!budget.visit(depth)) return; ... }
/// @endcode
class WalkBudget {
public:
    /// Deeper than any real pipeline, shallow enough for the walkers' stack frames.
    static constexpr int kMaxDepth = 200;

    explicit WalkBudget(std::size_t visits = 2'000'000) : visits_left_(visits) {}

    /// False (for good) once the visits are spent or `depth` exceeds kMaxDepth.
    bool visit(int depth) {
        if (depth > kMaxDepth) too_deep_ = true;
        if (too_deep_ || visits_left_ == 0) return false;
        --visits_left_;
        return true;
    }
    bool spent() const { return too_deep_ || visits_left_ == 0; }
    /// Why walking stopped, for the file's problem list.
    const char* reason() const {
        return too_deep_ ? "the document is nested too deeply to validate"
                         : "the document is too large to validate (aliases expanding?)";
    }

private:
    std::size_t visits_left_;
    bool too_deep_ = false;
};

}  // namespace pipecc::validate
