#pragma once
/// What `pipecc validate` finds in a file: problems with their places, and a verdict per file.

#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace pipecc::validate {

/// One problem at a 1-based line and column of a file (0 when the file as a whole is meant).
///
/// @code
/// Problem{.file = "p.yaml", .line = 3, .column = 7, .message = "unknown field 'nmae'"};
/// @endcode
struct Problem {
    std::string file{};
    int line = 0;
    int column = 0;
    std::string message{};

    /// "file:line:col: error: message", or "file: error: message" without a place; `level`
    /// replaces "error" for a note.
    std::string describe(std::string_view level = "error") const;
};

/// A file's verdict, ordered by severity (the exit code of a run is the worst one's value).
enum class Verdict { Valid = 0, Invalid = 1, Unreadable = 2 };

/// The result of validating one file: what it is, its verdict and its problems in file order.
///
/// @code
/// const FileReport r = validate_text(text, "p.yaml");
/// if (r.verdict != Verdict::Valid) for (const auto& p : r.problems) std::cerr << p.describe() << '\n';
/// @endcode
struct FileReport {
    std::string file{};
    std::string kind{};  ///< "PipelineSpec", "Workflow", …; empty when not known
    Verdict verdict = Verdict::Valid;
    std::vector<Problem> problems{};
    std::vector<Problem> notes{};  ///< what was not checked, and why; never changes the verdict
};

/// Problems found in one document, before they are given a file name.
///
/// @code
/// Findings f;
/// f.add(node.Mark(), "unknown field 'x'");
/// @endcode
class Findings {
public:
    /// A file has seldom more than a few real problems; an input built to make millions (an
    /// alias bomb of bad values) must not fill memory with them.
    static constexpr std::size_t kMaxFindings = 1000;

    /// Records `message` at `mark` (yaml-cpp's 0-based position; Mark::null_mark() for no place).
    /// Beyond kMaxFindings, only counts.
    void add(const YAML::Mark& mark, std::string message);
    /// Appends `other`'s findings to these, their messages after `prefix`.
    void append(const Findings& other, const std::string& prefix = "");
    std::size_t size() const { return items_.size() + dropped_; }
    /// The findings as problems of `file`, sorted by place.
    std::vector<Problem> to_problems(const std::string& file) const;

private:
    struct Item {
        int line;
        int column;
        std::string message;
    };
    std::vector<Item> items_{};
    std::size_t dropped_ = 0;
};

}  // namespace pipecc::validate
