#include "check_support.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace pipecc::graph {

Where at_pipeline(const Graph& g) { return Where{.pipeline = g.name}; }
Where at_task(const Graph& g, const Task& t, std::string input) {
    return Where{.pipeline = g.name, .task = t.name, .input = std::move(input)};
}

namespace {

// Whether `text` is UTF-8 without NUL: what every writer and engine reader needs.
bool clean_text(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == 0) return false;
        if (c < 0x80) {
            ++i;
            continue;
        }
        const std::size_t len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
        if (len == 0 || i + len > text.size()) return false;
        std::uint32_t cp = c & (len == 4 ? 0x07 : len == 3 ? 0x0F : 0x1F);
        for (std::size_t k = 1; k < len; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (next & 0x3F);
        }
        const std::uint32_t min = len == 4 ? 0x10000 : len == 3 ? 0x800 : 0x80;
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += len;
    }
    return true;
}

}  // namespace

void check_text(const std::string& text, const Fail& fail) {
    if (!clean_text(text)) throw fail("text is not UTF-8, or holds a NUL byte");
    if (text.find("{{") != std::string::npos) {
        throw fail("literal text contains '{{', which engines read as a placeholder: \"" + text +
                   "\". Use typed values (pipeline parameters, task outputs, run:: values) instead");
    }
}

void check_literal(const doc::Node& v, const Fail& fail) {
    if (v.kind() == doc::Node::Kind::String) check_text(v.as_string(), fail);
    if (v.kind() == doc::Node::Kind::Seq) {
        for (const auto& item : v.items()) check_literal(item, fail);
    }
    if (v.kind() == doc::Node::Kind::Map) {
        for (const auto& entry : v.entries()) {
            check_text(entry.key, fail);
            check_literal(entry.value, fail);
        }
    }
}

void reject_braces(const Expr& e, const Fail& fail) {
    if (auto* lit = e.as<node::Literal>()) check_literal(lit->value, fail);
    if (auto* cat = e.as<node::Concat>()) {
        std::string joined;
        for (const auto& part : cat->parts) {
            auto* lit = part->as<node::Literal>();
            if (lit && lit->value.kind() == doc::Node::Kind::String) {
                joined += lit->value.as_string();
                continue;
            }
            if (!joined.empty()) check_text(joined, fail);
            joined.clear();
        }
        if (!joined.empty()) check_text(joined, fail);
    }
}

bool valid_port_name(std::string_view n) {
    if (n.empty() || n.size() > 128) return false;
    if (!(std::isalpha(static_cast<unsigned char>(n[0])) || n[0] == '_')) return false;
    return std::all_of(n.begin(), n.end(), [](unsigned char c) {
        return c < 0x80 && (std::isalnum(c) || c == '_' || c == '-');
    });
}

Error condition_error(const Graph& g, const Group& group, const std::string& message) {
    return Error("condition " + to_debug_string(*group.condition, &g) + ": " + message, at_pipeline(g));
}

Error output_error(const Graph& g, const Output& o, const std::string& message) {
    return Error("output '" + o.name + "': " + message, at_pipeline(g));
}

Error loop_error(const Graph& g, const Group& group, const std::string& message) {
    return Error("parallel_for over " + to_debug_string(*group.items, &g) + ": " + message, at_pipeline(g));
}

}  // namespace pipecc::graph
