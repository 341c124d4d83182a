#include "validate/problem.hpp"

#include <algorithm>

namespace pipecc::validate {

std::string Problem::describe(std::string_view level) const {
    std::string out = file;
    if (line > 0) out.append(":").append(std::to_string(line)).append(":").append(std::to_string(column));
    return out.append(": ").append(level).append(": ").append(message);
}

void Findings::add(const YAML::Mark& mark, std::string message) {
    if (items_.size() >= kMaxFindings) {
        ++dropped_;
        return;
    }
    const bool known = !mark.is_null() && mark.line >= 0;
    items_.push_back({known ? mark.line + 1 : 0, known ? mark.column + 1 : 0, std::move(message)});
}

void Findings::append(const Findings& other, const std::string& prefix) {
    for (const auto& i : other.items_) {
        if (items_.size() >= kMaxFindings) {
            ++dropped_;
        } else {
            items_.push_back({i.line, i.column, prefix + i.message});
        }
    }
    dropped_ += other.dropped_;
}

std::vector<Problem> Findings::to_problems(const std::string& file) const {
    std::vector<Problem> out;
    out.reserve(items_.size());
    for (const auto& i : items_) out.push_back({file, i.line, i.column, i.message});
    std::stable_sort(out.begin(), out.end(), [](const Problem& a, const Problem& b) {
        return a.line != b.line ? a.line < b.line : a.column < b.column;
    });
    // One mistake can break a oneof and a type at once; keep each line of output once.
    out.erase(std::unique(out.begin(), out.end(),
                          [](const Problem& a, const Problem& b) {
                              return a.line == b.line && a.column == b.column && a.message == b.message;
                          }),
              out.end());
    if (dropped_ > 0) out.push_back({file, 0, 0, std::to_string(dropped_) + " more problems not shown"});
    return out;
}

}  // namespace pipecc::validate
