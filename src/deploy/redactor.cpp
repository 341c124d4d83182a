#include "deploy/redactor.hpp"

#include <algorithm>

namespace pipecc::deploy {

void Redactor::add(std::string secret) {
    if (secret.empty()) return;
    secrets_.push_back(std::move(secret));
    // Longest first, so a secret that contains another is replaced whole.
    std::sort(secrets_.begin(), secrets_.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
}

std::string Redactor::apply(std::string_view text) const {
    std::string out(text);
    for (const auto& s : secrets_) {
        for (auto at = out.find(s); at != std::string::npos; at = out.find(s, at + 3)) out.replace(at, s.size(), "***");
    }
    return out;
}

}  // namespace pipecc::deploy
