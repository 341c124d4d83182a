#include "pipecc/emit/document.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

#include "writer_support.hpp"

namespace pipecc::doc {
namespace {

using detail::decode_utf8;
using detail::EntryOrder;

/// Longest key, as written (quotes and escapes included), that goes before `: value`. PyYAML and
/// libyaml (Go's yaml.v3) reject implicit keys over 1024 characters, so longer ones use the
/// explicit `? key` form.
constexpr std::size_t kMaxImplicitKeyBytes = 1000;

/// How a string is rendered.
enum class Style : std::uint8_t { Plain, SingleQuoted, DoubleQuoted, Literal };

/// Byte classes for the one scan over each string; everything but `Ordinary` needs a look.
enum ByteClass : std::uint8_t { Ordinary, Space, Colon, Newline, Control, NonAscii };

constexpr std::array<std::uint8_t, 256> make_byte_classes() {
    std::array<std::uint8_t, 256> classes{};
    for (int c = 0; c < 256; ++c) {
        if (c < 0x20 || c == 0x7F) {
            classes[c] = Control;
        } else if (c >= 0x80) {
            classes[c] = NonAscii;
        }
    }
    classes[' '] = Space;
    classes[':'] = Colon;
    classes['\n'] = Newline;
    return classes;
}

constexpr std::array<std::uint8_t, 256> kByteClasses = make_byte_classes();

/// Code points at or above U+0080 that must be escaped: C1 controls, NEL and the Unicode line
/// and paragraph separators (line breaks in YAML 1.1), the BOM, and the non-characters.
bool needs_escape(char32_t cp) {
    return cp <= 0x9F || cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF || cp == 0xFFFE ||
           cp == 0xFFFF;
}

/// What the single scan over a string found.
struct Scan {
    bool escape = false;        // a character only double quotes can carry
    bool newline = false;
    bool breaks_plain = false;  // `: `, ` #` or a trailing `:`
    bool space_at_eol = false;  // a line (or the string) ends with a space
};

Scan scan(std::string_view s) {
    Scan r;
    const std::size_t n = s.size();
    for (std::size_t i = 0; i < n;) {
        while (i < n && kByteClasses[static_cast<unsigned char>(s[i])] == Ordinary) ++i;
        if (i == n) break;
        switch (kByteClasses[static_cast<unsigned char>(s[i])]) {
            case Ordinary: break;
            case Space:
                if (i + 1 == n || s[i + 1] == '\n') r.space_at_eol = true;
                if (i + 1 < n && s[i + 1] == '#') r.breaks_plain = true;
                break;
            case Colon:
                if (i + 1 == n || s[i + 1] == ' ') r.breaks_plain = true;
                break;
            case Newline: r.newline = true; break;
            case Control: r.escape = true; break;
            case NonAscii: {
                char32_t cp = 0;
                const std::size_t len = decode_utf8(s, i, cp);
                if (needs_escape(cp)) r.escape = true;
                i += len;
                continue;
            }
        }
        ++i;
    }
    return r;
}

/// YAML 1.1 booleans (including the spec's `y`/`n`, which PyYAML omits but yaml-cpp and Go's
/// yaml.v3 accept when decoding a bool), nulls, and PyYAML's merge (`<<`) and value (`=`) keys.
bool is_reserved_word(std::string_view s) {
    static constexpr std::string_view kWords[] = {
        "y",    "Y",    "yes",  "Yes",   "YES",   "n",     "N",     "no",  "No",  "NO",
        "true", "True", "TRUE", "false", "False", "FALSE", "on",    "On",  "ON",  "off",
        "Off",  "OFF",  "null", "Null",  "NULL",  "~",     "<<",    "=",
    };
    return std::find(std::begin(kWords), std::end(kWords), s) != std::end(kWords);
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// Walks a string skipping `_`, as yaml.v3 strips every underscore before parsing numbers and
/// YAML 1.1 allows them between digits.
class DigitCursor {
public:
    explicit DigitCursor(std::string_view s) : s_(s) {}

    char peek() {
        while (i_ < s_.size() && s_[i_] == '_') ++i_;
        return i_ < s_.size() ? s_[i_] : '\0';
    }
    bool eat(char c) {
        if (peek() != c) return false;
        ++i_;
        return true;
    }
    template <class Pred>
    std::size_t eat_while(Pred pred) {
        std::size_t count = 0;
        while (peek() != '\0' && pred(s_[i_])) {
            ++i_;
            ++count;
        }
        return count;
    }
    bool at_end() { return peek() == '\0'; }

private:
    std::string_view s_;
    std::size_t i_ = 0;
};

/// True if any of PyYAML (YAML 1.1), the YAML 1.2 core schema or yaml.v3 would read `s` as an
/// int or float. Deliberately a superset: a needless quote is harmless, a missing one is not.
bool looks_numeric(std::string_view s) {
    std::string_view t = s;
    if (t.front() == '+' || t.front() == '-') t.remove_prefix(1);
    if (t.empty()) return false;
    if (t == ".inf" || t == ".Inf" || t == ".INF" || t == ".nan" || t == ".NaN" || t == ".NAN") {
        return true;
    }
    DigitCursor cur(t);
    const bool leading_zero = cur.eat('0');
    if (leading_zero) {
        const char p = cur.peek();
        const auto digits_of = [&](auto pred) {
            cur.eat(p);
            cur.eat_while(pred);
            return cur.at_end();
        };
        if (p == 'x' || p == 'X') {
            return digits_of([](char c) {
                return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            });
        }
        if (p == 'o' || p == 'O') return digits_of([](char c) { return c >= '0' && c <= '7'; });
        if (p == 'b' || p == 'B') return digits_of([](char c) { return c == '0' || c == '1'; });
    }
    const std::size_t whole = cur.eat_while(is_digit) + (leading_zero ? 1 : 0);
    if (cur.peek() == ':') {
        // YAML 1.1 sexagesimal: 1:30, 1:30:00.5
        if (whole == 0) return false;
        while (cur.eat(':')) {
            const std::size_t n = cur.eat_while(is_digit);
            if (n == 0 || n > 2) return false;
        }
        if (cur.eat('.')) cur.eat_while(is_digit);
        return cur.at_end();
    }
    std::size_t fraction = 0;
    if (cur.eat('.')) fraction = cur.eat_while(is_digit);
    if (whole == 0 && fraction == 0) return false;
    if (cur.eat('e') || cur.eat('E')) {
        if (!cur.eat('+')) cur.eat('-');
        if (cur.eat_while(is_digit) == 0) return false;
    }
    return cur.at_end();
}

/// YAML 1.1 timestamps and the looser forms Go's yaml.v3 accepts (`2024-1-2`).
bool looks_like_date(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i != 4 || i == s.size() || s[i] != '-') return false;
    for (int part = 0; part < 2; ++part) {
        if (s[i] != '-') return false;
        ++i;
        const std::size_t start = i;
        while (i < s.size() && is_digit(s[i])) ++i;
        if (i == start || i - start > 2) return false;
        if (part == 0 && i == s.size()) return false;
    }
    return i == s.size() || s[i] == 'T' || s[i] == 't' || s[i] == ' ' || s[i] == '\t';
}

/// Whether `s` (non-empty, single line, printable) can be written without quotes.
bool plain_allowed(std::string_view s, const Scan& info) {
    if (info.breaks_plain || info.space_at_eol) return false;
    switch (s.front()) {
        case '-':
        case '?':
        case ':':
            // `-c` and `--flag` are plain scalars; `- x` and a lone `-` are not.
            if (s.size() == 1 || s[1] == ' ') return false;
            break;
        case ',': case '[': case ']': case '{': case '}': case '#': case '&': case '*':
        case '!': case '|': case '>': case '\'': case '"': case '%': case '@': case '`':
        case ' ':
            return false;
        default: break;
    }
    // Document markers at column 0; PyYAML quotes these prefixes everywhere.
    if (s.starts_with("---") || s.starts_with("...")) return false;
    switch (s.front()) {
        case '-': case '+': case '.':
            return !looks_numeric(s);
        case '0': case '1': case '2': case '3': case '4':
        case '5': case '6': case '7': case '8': case '9':
            return !looks_numeric(s) && !looks_like_date(s);
        case 'y': case 'Y': case 'n': case 'N': case 't': case 'T': case 'f': case 'F':
        case 'o': case 'O': case '~': case '<': case '=':
            return s.size() > 5 || !is_reserved_word(s);
        default: return true;
    }
}

/// Picks the style for `s`; `literal_ok` is false for keys and top-level scalars.
Style choose_style(std::string_view s, bool literal_ok) {
    if (s.empty()) return Style::SingleQuoted;
    const Scan info = scan(s);
    if (info.escape) return Style::DoubleQuoted;
    if (info.newline) {
        // A block scalar cannot carry trailing spaces reliably (and they are invisible), nor a
        // value made only of line breaks.
        const bool block_ok = literal_ok && !info.space_at_eol &&
                              s.find_first_not_of('\n') != std::string_view::npos;
        return block_ok ? Style::Literal : Style::DoubleQuoted;
    }
    return plain_allowed(s, info) ? Style::Plain : Style::SingleQuoted;
}

/// ASCII that double quotes carry as it is: not controls, `"` or `\`.
constexpr auto kVerbatimInDoubleQuotes = detail::verbatim_bytes(
    [](char32_t c) { return c < 0x20 || c == '"' || c == '\\' || c == 0x7F; });

constexpr char kHexDigits[] = "0123456789ABCDEF";

class YamlWriter {
public:
    /// Writes the non-empty map `map` with its keys at column `indent`, as the value of an entry.
    void write_entry_value(const Node& map, std::size_t indent) { write_map(map, indent, false); }

    YamlWriter(std::string& out, const WriteOptions& options)
        : out_(out), order_(options.sort_keys), growth_(out, options.expected_size) {}

    void write_document(const Node& node) {
        if (!node.empty() && node.is_map()) {
            write_map(node, 0, false);
        } else if (!node.empty() && node.is_seq()) {
            write_seq(node, 0, false);
        } else {
            // No literal block here: at the top level PyYAML and the spec disagree on which
            // column an indentation indicator counts from, so multi-line strings get quotes.
            write_scalar(node, 0, false);
        }
    }

private:
    /// Writes a non-empty map whose keys sit at column `indent`; `on_current_line` means the
    /// first key follows a `- ` already written.
    void write_map(const Node& map, std::size_t indent, bool on_current_line) {
        order_.for_each(map, [&](const Node::Entry& e) {
            growth_.make_room();
            if (!on_current_line) out_.append(indent, ' ');
            on_current_line = false;
            write_entry(e, indent);
        });
    }

    void write_entry(const Node::Entry& e, std::size_t indent) {
        const std::size_t key_start = out_.size();
        write_string(e.key, 0, false);
        if (out_.size() - key_start > kMaxImplicitKeyBytes) {
            out_.insert(key_start, "? ");
            out_ += '\n';
            out_.append(indent, ' ');
            write_item(':', e.value, indent);
            return;
        }
        const Node& v = e.value;
        if (v.is_rendered()) {
            detail::check_rendered(v, Format::Yaml, indent / 2);
            out_ += ":\n";
            out_ += v.rendered_text();
        } else if (v.is_map() && !v.empty()) {
            out_ += ":\n";
            write_once(v, indent + 2, Form::Block, [&] { write_map(v, indent + 2, false); });
        } else if (v.is_seq() && !v.empty()) {
            out_ += ":\n";
            // PyYAML style: no extra indent for `- ` under a key
            write_once(v, indent, Form::Block, [&] { write_seq(v, indent, false); });
        } else {
            out_ += ": ";
            write_scalar(v, indent + 2, true);
        }
    }

    void write_seq(const Node& seq, std::size_t indent, bool on_current_line) {
        for (const Node& item : seq.items()) {
            growth_.make_room();
            if (!on_current_line) out_.append(indent, ' ');
            on_current_line = false;
            write_item('-', item, indent);
        }
    }

    /// Writes `indicator` (`-` for a sequence item, `:` for an explicit map value) and the
    /// value, with collections in compact form on the same line.
    void write_item(char indicator, const Node& v, std::size_t indent) {
        out_ += indicator;
        out_ += ' ';
        if (v.is_map() && !v.empty()) {
            write_once(v, indent + 2, Form::Inline, [&] { write_map(v, indent + 2, true); });
        } else if (v.is_seq() && !v.empty()) {
            write_once(v, indent + 2, Form::Inline, [&] { write_seq(v, indent + 2, true); });
        } else {
            write_scalar(v, indent + 2, true);
        }
    }

    /// Writes a scalar or empty collection and ends the line. A literal block's lines go at
    /// `content_indent`, which is always its parent's column plus 2.
    void write_scalar(const Node& v, std::size_t content_indent, bool literal_ok) {
        if (v.is_rendered()) throw std::logic_error("doc::Node: a rendered node outside a map entry's value");
        switch (v.kind()) {
            case Node::Kind::Null: out_ += "null"; break;
            case Node::Kind::Bool: out_ += v.as_bool() ? "true" : "false"; break;
            case Node::Kind::Int: detail::append_int(out_, v.as_int()); break;
            case Node::Kind::Float: out_ += format_float(v.as_float()); break;
            case Node::Kind::String:
                if (write_string(v.as_string(), content_indent, literal_ok)) return;
                break;
            case Node::Kind::Seq: out_ += "[]"; break;
            case Node::Kind::Map: out_ += "{}"; break;
        }
        out_ += '\n';
    }

    /// Writes `s` in the style it needs. Returns true if it wrote a literal block, which ends
    /// its own last line.
    bool write_string(std::string_view s, std::size_t content_indent, bool literal_ok) {
        switch (choose_style(s, literal_ok)) {
            case Style::Plain: out_ += s; return false;
            case Style::SingleQuoted: write_single_quoted(s); return false;
            case Style::DoubleQuoted: write_double_quoted(s); return false;
            case Style::Literal: write_literal(s, content_indent); return true;
        }
        return false;
    }

    void write_single_quoted(std::string_view s) {
        out_ += '\'';
        for (std::size_t q; (q = s.find('\'')) != std::string_view::npos;) {
            out_.append(s.substr(0, q + 1));
            out_ += '\'';
            s.remove_prefix(q + 1);
        }
        out_ += s;
        out_ += '\'';
    }

    void write_double_quoted(std::string_view s) {
        out_ += '"';
        detail::append_escaped(out_, s, kVerbatimInDoubleQuotes, needs_escape,
                               [this](char32_t cp) { write_escape(cp); });
        out_ += '"';
    }

    /// Characters without a short escape (see `detail::short_escape`). Only escapes that both
    /// YAML 1.1 (PyYAML) and 1.2 define; `\/` is 1.2 only.
    void write_escape(char32_t cp) {
        switch (cp) {
            case '\0': out_ += "\\0"; return;
            case '\a': out_ += "\\a"; return;
            case '\v': out_ += "\\v"; return;
            case 0x1B: out_ += "\\e"; return;
            default: break;
        }
        if (cp <= 0xFF) {
            const char esc[] = {'\\', 'x', kHexDigits[cp >> 4], kHexDigits[cp & 0xF]};
            out_.append(esc, sizeof esc);
        } else {
            const char esc[] = {'\\',
                                'u',
                                kHexDigits[(cp >> 12) & 0xF],
                                kHexDigits[(cp >> 8) & 0xF],
                                kHexDigits[(cp >> 4) & 0xF],
                                kHexDigits[cp & 0xF]};
            out_.append(esc, sizeof esc);
        }
    }

    void write_literal(std::string_view s, std::size_t content_indent) {
        out_ += '|';
        // Without an indentation indicator a reader would take a leading space (or, after
        // leading empty lines, the first line's spaces) as indentation.
        if (s.front() == ' ' || s.front() == '\n') out_ += '2';
        if (s.back() != '\n') {
            out_ += '-';
        } else if (s.size() >= 2 && s[s.size() - 2] == '\n') {
            out_ += '+';
        }
        out_ += '\n';
        for (std::size_t pos = 0; pos < s.size();) {
            std::size_t end = s.find('\n', pos);
            if (end == std::string_view::npos) end = s.size();
            if (end > pos) {  // empty lines get no indentation: no trailing whitespace
                out_.append(content_indent, ' ');
                out_.append(s.substr(pos, end - pos));
            }
            out_ += '\n';
            pos = end + 1;
        }
    }

    // Where a collection starts: on a line of its own, or after "- " or "? " on the current one.
    enum class Form : std::uint8_t { Block, Inline };

    // Renders the collection `v` with `render`; but a shared node already rendered at this
    // indentation and form is the same text, so that text is copied instead. Emitters share the
    // parts every task of a component repeats, which makes those parts cost one copy each.
    template <class Render>
    void write_once(const Node& v, std::size_t indent, Form form, Render&& render) {
        if (!v.is_shared()) {
            render();
            return;
        }
        const Place place{&v.resolved(), indent, form};
        if (auto it = rendered_.find(place); it != rendered_.end()) {
            out_ += it->second;
            return;
        }
        // A copy rather than a place in `out_`: a Prerenderer's writer starts each part afresh.
        const std::size_t start = out_.size();
        render();
        rendered_.emplace(place, out_.substr(start));
    }

    struct Place {
        const Node* node;
        std::size_t indent;
        Form form;
        bool operator==(const Place&) const = default;
    };
    struct PlaceHash {
        std::size_t operator()(const Place& p) const {
            return std::hash<const void*>{}(p.node) ^ (p.indent << 1 | static_cast<std::size_t>(p.form));
        }
    };

    std::string& out_;
    EntryOrder order_;
    detail::OutputGrowth growth_;
    std::unordered_map<Place, std::string, PlaceHash> rendered_;
};

}  // namespace

std::unique_ptr<Prerenderer::Writer> detail::yaml_prerenderer(const WriteOptions& options) {
    return std::make_unique<detail::PrerendererFor<YamlWriter>>(options);
}

void append_yaml(std::string& out, const Node& node, const WriteOptions& options) {
    detail::append_document<YamlWriter>(out, node, options);
}

std::string to_yaml(const Node& node, const WriteOptions& options) {
    std::string out;
    append_yaml(out, node, options);
    return out;
}

}  // namespace pipecc::doc
