#include <cctype>
#include <charconv>
#include <cmath>

#include "pipecc/graph/passes.hpp"

namespace pipecc::graph {

std::string sanitize_k8s_name(std::string_view name) {
    std::string out;
    out.reserve(name.size());
    bool pending_dash = false;
    for (unsigned char c : name) {
        if (std::isalnum(c) && c < 0x80) {
            if (pending_dash && !out.empty()) out += '-';
            pending_dash = false;
            out += static_cast<char>(std::tolower(c));
        } else {
            pending_dash = true;
        }
    }
    if (out.size() > 63) {
        out.resize(63);
        while (!out.empty() && out.back() == '-') out.pop_back();
    }
    return out;
}

std::optional<double> parse_quantity(std::string_view q) {
    // Kubernetes quantity: a signed decimal number followed by a binary (Ki..Ei), decimal (m, k, M..E)
    // or exponent (e3, E-2) suffix. Negative values are never meaningful for resources.
    if (q.empty() || q.size() > 64) return std::nullopt;
    std::size_t i = 0;
    if (q[i] == '+') ++i;
    const std::size_t digits_start = i;
    bool seen_digit = false;
    bool seen_dot = false;
    for (; i < q.size(); ++i) {
        if (std::isdigit(static_cast<unsigned char>(q[i]))) {
            seen_digit = true;
        } else if (q[i] == '.' && !seen_dot) {
            seen_dot = true;
        } else {
            break;
        }
    }
    if (!seen_digit) return std::nullopt;
    double number = 0;
    const std::string_view digits = q.substr(digits_start, i - digits_start);
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
    if (ec != std::errc() || ptr != digits.data() + digits.size()) return std::nullopt;
    const std::string_view suffix = q.substr(i);
    struct Unit {
        std::string_view suffix;
        double factor;
    };
    static constexpr Unit units[] = {
        {"", 1},         {"m", 1e-3},     {"k", 1e3},        {"M", 1e6},
        {"G", 1e9},      {"T", 1e12},     {"P", 1e15},       {"E", 1e18},
        {"Ki", 1024.0},  {"Mi", 1048576.0}, {"Gi", 1073741824.0}, {"Ti", 1099511627776.0},
        {"Pi", 1125899906842624.0}, {"Ei", 1152921504606846976.0},
    };
    for (const auto& u : units) {
        if (suffix == u.suffix) return number * u.factor;
    }
    if (suffix.size() >= 2 && (suffix[0] == 'e' || suffix[0] == 'E')) {
        int exponent = 0;
        auto [p, e] = std::from_chars(suffix.data() + 1, suffix.data() + suffix.size(), exponent);
        if (e == std::errc() && p == suffix.data() + suffix.size() && std::abs(exponent) <= 18) {
            return number * std::pow(10.0, exponent);
        }
    }
    return std::nullopt;
}

}  // namespace pipecc::graph
