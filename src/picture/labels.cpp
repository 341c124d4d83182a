// Labels of pictures: conditions and loops as their authors wrote them, and long text cut short.
#include "picture/labels.hpp"

#include <cctype>
#include <regex>

namespace pipecc::picture {
namespace {

constexpr std::string_view kEllipsis = "…";

bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

std::string fit_line(std::string_view line) {
    std::size_t chars = 0;
    std::size_t cut = line.size();
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (is_continuation_byte(line[i])) continue;
        if (chars == kLabelChars - 1) cut = i;
        if (++chars > kLabelChars) return std::string(line.substr(0, cut)) + std::string(kEllipsis);
    }
    return std::string(line);
}

// A quoted literal starting at text[i], its escapes undone; moves i past the closing quote.
std::string read_literal(std::string_view text, std::size_t& i) {
    const char quote = text[i++];
    std::string out;
    for (; i < text.size() && text[i] != quote; ++i) {
        if (text[i] == '\\' && i + 1 < text.size()) ++i;
        out += text[i];
    }
    ++i;
    return out;
}

std::string single_quoted(std::string text) {
    text.insert(text.begin(), '\'');
    text += '\'';
    return text;
}

// The key of `x['key']` or `x["key"]`.
std::string bracket_key(const std::string& ref) {
    const auto open = ref.find_first_of("'\"");
    if (open == std::string::npos) return ref;
    return ref.substr(open + 1, ref.find(ref[open], open + 1) - open - 1);
}

// CEL and Argo's expr-lang: literals single-quoted, and each reference (a match of `ref`, the
// reference itself in its first or second group, the first when a cast such as int(…) wraps it,
// which a reader need not see) as `name` shows it.
std::string tidy_expression(std::string_view text, const std::regex& ref,
                            const std::function<std::string(const std::string&)>& name) {
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        if (text[i] == '\'' || text[i] == '"') {
            out += single_quoted(read_literal(text, i));
            continue;
        }
        std::match_results<std::string_view::const_iterator> m;
        const bool word_start = i == 0 || !(std::isalnum(static_cast<unsigned char>(text[i - 1])) || text[i - 1] == '_');
        if (word_start && std::regex_search(text.begin() + static_cast<std::ptrdiff_t>(i), text.end(), m, ref,
                                            std::regex_constants::match_continuous)) {
            out += name(m[1].matched ? m[1].str() : m[2].str());
            i += static_cast<std::size_t>(m.length(0));
            continue;
        }
        out += text[i++];
    }
    return out;
}

const std::string& shown(const Ref& r) { return r.name; }

// Argo's `['x']` steps as `.x`, so every reference reaches the reader in one dotted form.
std::string dotted(const std::string& ref) {
    static const std::regex bracket(R"(\[\s*['"]([^'"]*)['"]\s*\])");
    return std::regex_replace(ref, bracket, ".$1");
}

// The tags of `text` as the names they stand for, the rest as it is.
std::string names_in(std::string_view text, const Resolve& tag) {
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        const auto close = text.substr(i, 2) == "{{" ? text.find("}}", i) : std::string_view::npos;
        if (close == std::string_view::npos) {
            out += text[i++];
            continue;
        }
        const auto inner = text.substr(i + 2, close - i - 2);
        out += inner.starts_with('=') ? std::string(inner.substr(1)) : shown(tag(std::string(inner)));
        i = close + 2;
    }
    return out;
}

}  // namespace

std::string fit(std::string_view text) {
    std::string out;
    for (std::size_t start = 0;;) {
        const auto end = text.find('\n', start);
        out += fit_line(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (end == std::string_view::npos) return out;
        out += '\n';
        start = end + 1;
    }
}

// How much of a condition's source a label reads: it shows kLabelChars of it at most, and
// std::regex, which the tidying uses, recurses once per character, so a hostile file's
// 300,000-character condition would overflow the stack.
constexpr std::size_t kSourceChars = 1000;

std::string readable_cel(std::string_view cel, const Resolve& channel) {
    cel = cel.substr(0, kSourceChars);
    static const std::string value = R"(inputs\.parameter_values\[\s*(?:'[^']*'|"[^"]*")\s*\])";
    static const std::regex ref("(?:int|double|string|bool)\\(\\s*(" + value + ")\\s*\\)|(" + value + ")");
    return tidy_expression(cel, ref, [&](const std::string& r) { return shown(channel(bracket_key(r))); });
}

std::string readable_argo(std::string_view when, const Resolve& tag) {
    when = when.substr(0, kSourceChars);
    static const std::string value =
        R"((?:tasks|steps|inputs|outputs|workflow|item)(?:\.[A-Za-z_][A-Za-z0-9_]*|\[\s*(?:'[^']*'|"[^"]*")\s*\])*)";
    static const std::regex ref("(?:asInt|asFloat|int|float|string)\\(\\s*(" + value + ")\\s*\\)|(" + value + ")");
    std::string out;
    for (std::size_t i = 0; i < when.size();) {
        const char c = when[i];
        if (when.substr(i, 2) == "{{") {
            const auto close = when.find("}}", i);
            if (close == std::string_view::npos) break;
            const auto inner = when.substr(i + 2, close - i - 2);
            out += inner.starts_with('=')
                       ? tidy_expression(inner.substr(1), ref, [&](const std::string& r) { return shown(tag(dotted(r))); })
                       : shown(tag(std::string(inner)));
            i = close + 2;
        } else if (c == '"' || c == '\'') {
            const std::string literal = read_literal(when, i);
            // A quoted tag is a value compared as a string: its quotes say nothing to a reader.
            const bool one_tag = literal.starts_with("{{") && literal.find("}}") + 2 == literal.size();
            out += one_tag ? names_in(literal, tag) : single_quoted(names_in(literal, tag));
        } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
            // Argo substitutes the tags first, so a bare word is a string (`Succeeded`).
            std::size_t end = i;
            while (end < when.size() && (std::isalnum(static_cast<unsigned char>(when[end])) || when[end] == '_')) ++end;
            const auto word = when.substr(i, end - i);
            out += word == "true" || word == "false" ? std::string(word) : single_quoted(std::string(word));
            i = end;
        } else {
            out += c;
            ++i;
        }
    }
    return out;
}

std::string condition_label(std::string_view readable) { return fit(std::string("if ").append(readable)); }

std::string loop_over_items(std::size_t count) {
    return fit("for each item in [" + std::to_string(count) + (count == 1 ? " item]" : " items]"));
}

std::string loop_over(const Ref& source) {
    return fit("for each in " + (source.task.empty() ? source.name : source.task + ".outputs." + source.name));
}

std::string loop_over_text(std::string_view readable) { return fit(std::string("for each in ").append(readable)); }

std::string with_parallelism(std::string label, std::int64_t limit) {
    return limit > 0 ? label + "\n(" + std::to_string(limit) + " at a time)" : label;
}

}  // namespace pipecc::picture
