#pragma once
/// Hands out names that are unique within one scope, the way the kfp SDK does.

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace pipecc::graph {

/// Claims `base`, then `base-2`, `base-3`, ... for later claims of the same base, skipping names
/// claimed otherwise. Amortised O(1) per claim.
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
        // One look-up per candidate (insert, not count then insert): on 100,000 names each
        // look-up is a cache miss. After its first claim `base` itself is always taken.
        std::uint32_t& next = next_suffix_[base];
        if (next == 0) {
            next = 2;
            if (taken_.insert(base).second) return base;
        }
        for (;;) {
            std::string name = base;
            name += '-';
            name += std::to_string(next++);
            if (taken_.insert(name).second) return name;
        }
    }
    /// Marks `name` taken without renaming it; returns false if it already was.
    bool take(const std::string& name) { return taken_.insert(name).second; }
    bool taken(const std::string& name) const { return taken_.count(name) > 0; }
    void reserve(std::size_t n) {
        taken_.reserve(n);
        next_suffix_.reserve(n);
    }

private:
    std::unordered_set<std::string> taken_;
    std::unordered_map<std::string, std::uint32_t> next_suffix_;
};

}  // namespace pipecc::graph
