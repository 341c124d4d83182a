#pragma once
/// Hands out names that are unique within one scope, the way the kfp SDK does.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace pipecc::graph {

/// Claims `base`, then `base-2`, `base-3`, ... for later claims of the same base, skipping names
/// claimed otherwise. Amortised O(1) per claim.
///
/// Numbered names are not stored: `x-N` (N written as std::to_string writes it, at least 2) was
/// handed out by numbering exactly when base `x` has been numbered past N, since no other base
/// numbers to it. So 100,000 claims of one base keep one counter, not 100,000 strings in a hash
/// set (a cache miss each, the largest cost that grew with the task count).
///
/// @code
/// UniqueNames names;
/// names.claim("train");  // "train"
/// names.claim("train");  // "train-2"
/// @endcode
class UniqueNames {
public:
    /// Returns `base` or the first free `base-N`, and marks it taken.
    std::string claim(const std::string& base) {
        std::uint32_t& next = next_suffix_[base];
        if (next == 0) {
            next = 2;
            if (!numbered(base) && named_.insert(base).second) return base;
        }
        for (;;) {
            std::string name = base;
            name += '-';
            name += std::to_string(next++);
            // Numbered names of `base` below `next` are ours; others could be named ones.
            if (named_.count(name) == 0) return name;
        }
    }
    /// Marks `name` taken without renaming it; returns false if it already was.
    bool take(const std::string& name) { return !numbered(name) && named_.insert(name).second; }
    bool taken(const std::string& name) const { return named_.count(name) > 0 || numbered(name); }
    /// Room for `n` names taken, or claimed as they are, without growing.
    void reserve(std::size_t n) { named_.reserve(n); }

private:
    /// Whether `name` is `x-N` that numbering `x` has handed out.
    bool numbered(std::string_view name) const {
        const std::size_t dash = name.rfind('-');
        if (dash == std::string_view::npos || dash + 1 == name.size() || name[dash + 1] == '0') return false;
        std::uint64_t n = 0;
        for (const char c : name.substr(dash + 1)) {
            if (c < '0' || c > '9' || n > UINT32_MAX) return false;
            n = n * 10 + static_cast<unsigned>(c - '0');
        }
        if (n < 2) return false;
        const auto it = next_suffix_.find(std::string(name.substr(0, dash)));
        return it != next_suffix_.end() && n < it->second;
    }

    std::unordered_set<std::string> named_;  ///< names handed out or taken as they are
    std::unordered_map<std::string, std::uint32_t> next_suffix_;
};

}  // namespace pipecc::graph
