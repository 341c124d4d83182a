// Reading a component file's YAML safely: UTF-8 and size checks, yaml-cpp errors as
// pipecc::Error with file:line:col, node and depth limits, and small scalar helpers.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <unordered_map>

#include <nlohmann/json.hpp>
#include <yaml-cpp/eventhandler.h>

#include "loader.hpp"
#include "pipecc/dsl/value.hpp"

namespace pipecc::components {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// The 1-based line and column (in characters) of byte `offset`.
std::pair<int, int> position_of(std::string_view text, std::size_t offset) {
    int line = 1, column = 1;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\n') {
            ++line;
            column = 1;
        } else if ((c & 0xC0) != 0x80) {
            ++column;
        }
    }
    return {line, column};
}

// The offset of the first byte that is not valid UTF-8 or is a control character YAML forbids;
// npos if there is none. `why` says which.
std::size_t first_bad_byte(std::string_view s, std::string& why, bool controls_allowed = false) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            if (!controls_allowed && ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "%02X", c);
                why = std::string("control character U+00") + buf + " is not allowed in YAML";
                return i;
            }
            ++i;
            continue;
        }
        int len = 0;
        std::uint32_t cp = 0, min = 0;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2, cp = c & 0x1F, min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3, cp = c & 0x0F, min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4, cp = c & 0x07, min = 0x10000;
        } else {
            why = "the file is not UTF-8 (byte 0x" + std::string(1, "0123456789ABCDEF"[c >> 4]) +
                  std::string(1, "0123456789ABCDEF"[c & 0xF]) + ")";
            return i;
        }
        if (i + len > s.size()) {
            why = "the file is not UTF-8 (a multi-byte sequence is cut off)";
            return i;
        }
        for (int k = 1; k < len; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) {
                why = "the file is not UTF-8 (a broken multi-byte sequence)";
                return i;
            }
            cp = (cp << 6) | (cc & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            why = "the file is not UTF-8 (an invalid code point)";
            return i;
        }
        i += len;
    }
    return std::string_view::npos;
}

// The first tab used for indentation on lines 1..last_line: its byte offset, or npos.
std::size_t indenting_tab(std::string_view text, int last_line) {
    int line = 1;
    bool at_indent = true;
    for (std::size_t i = 0; i < text.size() && line <= last_line; ++i) {
        const char c = text[i];
        if (c == '\n') {
            ++line;
            at_indent = true;
        } else if (at_indent && c == '\t') {
            return i;
        } else if (c != ' ') {
            at_indent = false;
        }
    }
    return std::string_view::npos;
}

std::string describe_yaml_error(const std::string& msg) {
    // yaml-cpp's messages are terse; say what was expected where we can.
    static const std::vector<std::pair<std::string_view, std::string_view>> hints = {
        {"end of map not found", "a map ends where it should not: check the indentation"},
        {"end of sequence not found", "a list ends where it should not: check the indentation"},
        {"end of map flow not found", "a '{' map has no closing '}'"},
        {"end of sequence flow not found", "a '[' list has no closing ']'"},
        {"illegal map value", "a ':' where no map can start: quote the text or fix the indentation"},
        {"illegal block entry", "a '- ' list item where no list can start: check the indentation"},
        {"the referenced anchor is not defined", "an alias (*name) refers to no anchor (&name)"},
        {"illegal EOF in scalar", "a quoted string has no closing quote"},
        {"illegal flow end", "a ']' or '}' that closes no '[' list or '{' map"},
        {"invalid unicode", "a \\u or \\U escape that names no Unicode character"},
    };
    for (const auto& [needle, hint] : hints) {
        if (msg.find(needle) != std::string::npos) return "invalid YAML: " + msg + " (" + std::string(hint) + ")";
    }
    return "invalid YAML: " + msg;
}

// Whether the quoted scalar whose opening quote is at `open` has its closing quote.
bool quote_closed(std::string_view text, std::size_t open) {
    const char quote = text[open];
    for (std::size_t i = open + 1; i < text.size(); ++i) {
        if (quote == '"' && text[i] == '\\') {
            ++i;
        } else if (text[i] == quote) {
            if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
                ++i;  // '' is a quote inside a single-quoted string
            } else {
                return true;
            }
        }
    }
    return false;
}

// A first pass over the events, for what yaml-cpp 0.7 gets wrong:
// - it never consumes a ',' left at a document's top level ("[a], b"): YAML::LoadAll then returns
//   empty documents forever. Counting documents with a limit turns that into an error.
// - it reads a quoted string left open until the end of a file that ends in a newline as if it
//   were closed there.
// - it reports an unclosed '[' or '{' at the end of the file; the open flow collections kept
//   here let the error point at the bracket instead.
// - it recurses up to 2000 levels deep and then reports "bad file" somewhere past the place.
class FirstPass : public YAML::EventHandler {
public:
    FirstPass(const Source& src, std::string_view text) : src_(src), text_(text) {}

    std::vector<YAML::Mark> starts;
    std::optional<YAML::Mark> unclosed_quote;
    std::vector<YAML::Mark> open_flows;

    void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string&) override {
        if (unclosed_quote || mark.pos < 0 || static_cast<std::size_t>(mark.pos) >= text_.size()) return;
        const auto pos = static_cast<std::size_t>(mark.pos);
        if ((text_[pos] == '"' || text_[pos] == '\'') && !quote_closed(text_, pos)) unclosed_quote = mark;
    }
    void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                         YAML::EmitterStyle::value style) override {
        open(mark, style);
    }
    void OnSequenceEnd() override { close(); }
    void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value style) override {
        open(mark, style);
    }
    void OnMapEnd() override { close(); }

private:
    void open(const YAML::Mark& mark, YAML::EmitterStyle::value style) {
        // Here, before yaml-cpp recurses thousands of levels deep: the same limit as Source::walk.
        if (styles_.size() >= static_cast<std::size_t>(kMaxDepth)) {
            src_.fail(mark, "the YAML is nested more than " + std::to_string(kMaxDepth) + " levels deep");
        }
        styles_.push_back(style == YAML::EmitterStyle::Flow);
        if (styles_.back()) open_flows.push_back(mark);
    }
    void close() {
        if (styles_.empty()) return;
        if (styles_.back()) open_flows.pop_back();
        styles_.pop_back();
    }

    const Source& src_;
    std::string_view text_;
    std::vector<bool> styles_;  // whether each open collection is a flow one
};

constexpr std::size_t kMaxDocuments = 3;  // component files hold one or two

}  // namespace

Source::Source(std::string_view text, std::string file) : text_(text), file_(std::move(file)) {
    if (text_.size() > kMaxFileBytes) {
        throw Error("the file is larger than " + std::to_string(kMaxFileBytes >> 20) +
                        " MiB, which no component needs; refusing to read it",
                    Where{.file = file_, .line = 1, .column = 1});
    }
    std::string why;
    // A UTF-8 byte order mark is allowed at the start.
    const std::size_t skip = text_.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
    if (std::size_t bad = first_bad_byte(std::string_view(text_).substr(skip), why); bad != std::string_view::npos) {
        const auto [line, column] = position_of(text_, bad + skip);
        throw Error(why, Where{.file = file_, .line = line, .column = column});
    }
    auto yaml_error = [&](const YAML::Exception& e) {
        const int line = e.mark.is_null() ? 0 : e.mark.line + 1;
        if (line > 0) {
            if (std::size_t tab = indenting_tab(text_, line); tab != std::string_view::npos) {
                const auto [tl, tc] = position_of(text_, tab);
                return Error("a tab indents this line; YAML indentation must use spaces (" + e.msg + ")",
                             Where{.file = file_, .line = tl, .column = tc});
            }
        }
        return Error(describe_yaml_error(e.msg),
                     Where{.file = file_, .line = line, .column = e.mark.is_null() ? 0 : e.mark.column + 1});
    };
    const std::string kUnclosedQuote = "invalid YAML: a quoted string has no closing quote";
    // yaml-cpp's marks count bytes after the byte order mark.
    FirstPass counter(*this, std::string_view(text_).substr(skip));
    try {
        std::istringstream in(text_);
        YAML::Parser parser(in);
        while (parser.HandleNextDocument(counter)) {
            if (counter.starts.size() <= kMaxDocuments) continue;
            const YAML::Mark& m = counter.starts.back();
            const bool comma = m.pos >= 0 && static_cast<std::size_t>(m.pos) + skip < text_.size() &&
                               text_[m.pos + skip] == ',';
            throw Error(comma ? "invalid YAML: a ',' outside a [...] list or {...} map"
                              : "the file holds more than " + std::to_string(kMaxDocuments - 1) +
                                    " YAML documents; a component file holds one (KFP v1) or two (KFP v2)",
                        at(m));
        }
    } catch (const YAML::Exception& e) {
        if (counter.unclosed_quote) throw Error(kUnclosedQuote, at(*counter.unclosed_quote));
        const bool unclosed_flow = e.msg == YAML::ErrorMsg::END_OF_MAP_FLOW || e.msg == YAML::ErrorMsg::END_OF_SEQ_FLOW;
        if (unclosed_flow && !counter.open_flows.empty()) {
            throw Error(describe_yaml_error(e.msg), at(counter.open_flows.back()));
        }
        throw yaml_error(e);
    }
    if (counter.unclosed_quote) throw Error(kUnclosedQuote, at(*counter.unclosed_quote));
    try {
        docs_ = YAML::LoadAll(text_);
    } catch (const YAML::Exception& e) {
        throw yaml_error(e);
    }
    std::size_t count = 0;
    for (const auto& d : docs_) walk(d, 0, count);
}

void Source::walk(const YAML::Node& n, int depth, std::size_t& count) const {
    if (++count > kMaxNodes) {
        fail(n, "the file expands to more than " + std::to_string(kMaxNodes) +
                    " YAML nodes (aliases count each time they are used); refusing to read it");
    }
    switch (n.Type()) {
        case YAML::NodeType::Scalar:
            if (n.Scalar().size() > kMaxScalarBytes) {
                fail(n, "a string longer than " + std::to_string(kMaxScalarBytes >> 20) + " MiB; refusing to read it");
            }
            {
                // yaml-cpp 0.7 decodes the escapes "\N" and "\_" to single bytes that are not UTF-8.
                std::string why;
                if (first_bad_byte(n.Scalar(), why, true) != std::string_view::npos) {
                    fail(n, "a quoted string's escape decodes to bytes that are not UTF-8 (yaml-cpp reads \\N and "
                            "\\_ so): write the character itself");
                }
            }
            return;
        case YAML::NodeType::Sequence:
        case YAML::NodeType::Map:
            if (depth >= kMaxDepth) {
                fail(n, "the YAML is nested more than " + std::to_string(kMaxDepth) + " levels deep");
            }
            break;
        default: return;
    }
    if (n.IsSequence()) {
        for (const auto& item : n) walk(item, depth + 1, count);
        return;
    }
    std::unordered_map<std::string, YAML::Mark> keys;
    for (const auto& kv : n) {
        walk(kv.first, depth + 1, count);
        walk(kv.second, depth + 1, count);
        if (kv.first.IsScalar()) {
            auto [it, inserted] = keys.emplace(kv.first.Scalar(), kv.first.Mark());
            if (!inserted) {
                fail(kv.first, "duplicate key '" + kv.first.Scalar() + "' (first at line " +
                                   std::to_string(it->second.line + 1) + ")");
            }
        }
    }
}

Where Source::at(const YAML::Mark& m) const {
    if (m.is_null()) return Where{.file = file_};
    return Where{.file = file_, .line = m.line + 1, .column = m.column + 1};
}

Where Source::at(const YAML::Node& n) const { return at(n.IsDefined() ? n.Mark() : YAML::Mark::null_mark()); }

void Source::fail(const YAML::Node& n, const std::string& message) const { throw Error(message, at(n)); }
void Source::fail(const YAML::Mark& m, const std::string& message) const { throw Error(message, at(m)); }

YAML::Node Source::get(const YAML::Node& n, std::string_view key) {
    if (n.IsMap()) {
        for (const auto& kv : n) {
            if (kv.first.IsScalar() && kv.first.Scalar() == key) return kv.second;
        }
    }
    return YAML::Node(YAML::NodeType::Undefined);
}

std::string Source::str(const YAML::Node& n, std::string_view what) const {
    if (!n.IsScalar()) {
        fail(n, std::string(what) + " must be a string, not " +
                    (n.IsMap() ? "a map" : n.IsSequence() ? "a list" : "empty"));
    }
    return n.Scalar();
}

bool Source::boolean(const YAML::Node& n, std::string_view what) const {
    if (n.IsScalar()) {
        const std::string v = lower(n.Scalar());
        if (v == "true" || v == "yes" || v == "on") return true;
        if (v == "false" || v == "no" || v == "off") return false;
    }
    fail(n, std::string(what) + " must be true or false");
}

void Source::expect_map(const YAML::Node& n, std::string_view what, const std::vector<std::string_view>& allowed) const {
    if (!n.IsMap()) fail(n, std::string(what) + " must be a map");
    for (const auto& kv : n) {
        const std::string key = str(kv.first, "a key");
        if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
        std::string list;
        for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        fail(kv.first, "unknown key '" + key + "' in " + std::string(what) + "; expected one of: " + list);
    }
}

bool is_plain(const YAML::Node& n) { return n.IsScalar() && n.Tag() == "?"; }

bool is_plain_null(const YAML::Node& n) {
    if (n.IsNull()) return true;
    if (!is_plain(n)) return false;
    const std::string& s = n.Scalar();
    return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

doc::Node Source::to_doc(const YAML::Node& n) const {
    if (n.IsSequence()) {
        doc::Node out = doc::Node::seq();
        for (const auto& item : n) out.push(to_doc(item));
        return out;
    }
    if (n.IsMap()) {
        doc::Node out = doc::Node::map();
        for (const auto& kv : n) out.set(str(kv.first, "a map key"), to_doc(kv.second));
        return out;
    }
    if (is_plain_null(n)) return doc::Node();
    const std::string& s = n.Scalar();
    const std::string& tag = n.Tag();
    const bool plain = tag == "?";
    if (plain || tag == "tag:yaml.org,2002:bool") {
        // YAML 1.1's booleans, as PyYAML (and so the kfp SDK) reads them.
        static const char* const truths[] = {"yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"};
        static const char* const falses[] = {"no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"};
        for (const char* t : truths) {
            if (s == t) return doc::Node(true);
        }
        for (const char* f : falses) {
            if (s == f) return doc::Node(false);
        }
    }
    if (plain || tag == "tag:yaml.org,2002:int" || tag == "tag:yaml.org,2002:float") {
        if (auto i = parse_int(s)) return doc::Node(*i);
        if (auto f = parse_float(s)) return doc::Node(*f);
        const std::string l = lower(s);
        if (l == ".inf" || l == "-.inf" || l == "+.inf" || l == ".nan") fail(n, "a number must be finite, not " + s);
    }
    return doc::Node(s);
}

std::string sanitize_input_name(std::string_view name) {
    std::string out;
    bool gap = false;
    for (char ch : name) {
        const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        if (keep) {
            if (gap) out += '_';
            gap = false;
            out += c;
        } else {
            gap = true;
        }
    }
    if (gap) out += '_';
    const auto first = out.find_first_not_of('_');
    if (first == std::string::npos) return {};
    const auto last = out.find_last_not_of('_');
    return out.substr(first, last - first + 1);
}

std::string kfp_k8s_name(std::string_view name) {
    std::string out;
    bool gap = false;
    for (char ch : name) {
        const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (keep) {
            if (gap && !out.empty()) out += '-';
            gap = false;
            out += c;
        } else {
            gap = true;
        }
    }
    return out;
}

void check_port_name(const Source& src, const YAML::Node& at, const std::string& name, const std::string& what) {
    const bool ok = !name.empty() && name.size() <= 128 &&
                    (std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_') &&
                    std::all_of(name.begin(), name.end(), [](unsigned char c) {
                        return c < 0x80 && (std::isalnum(c) || c == '_' || c == '-');
                    });
    if (!ok) {
        src.fail(at, what + ", which is not a valid port name: use letters, digits, '_' and '-', starting with a "
                            "letter, at most 128 characters");
    }
}

void check_env_name(const Source& src, const YAML::Node& at, const std::string& name) {
    const bool ok = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0])) &&
                    std::all_of(name.begin(), name.end(), [](unsigned char c) {
                        return c < 0x80 && (std::isalnum(c) || c == '_');
                    });
    if (!ok) src.fail(at, "env var name '" + name + "' is not valid: use letters, digits and '_', not starting with a digit");
}

void check_image(const Source& src, const YAML::Node& at, const std::string& image) {
    if (image.empty()) src.fail(at, "the container's image is empty");
    if (image.find("{{") != std::string::npos) {
        src.fail(at, "the image '" + image + "' contains '{{', which engines read as a placeholder; write the image "
                     "reference itself");
    }
}

void check_literal(const Source& src, const YAML::Mark& at, const std::string& text) {
    const std::size_t start = text.find_first_not_of(" \t\r\n");
    const std::string_view trimmed = start == std::string::npos ? std::string_view() : std::string_view(text).substr(start);
    if (trimmed.starts_with("{\"IfPresent\":")) {
        src.fail(at, "literal text starts like {\"IfPresent\": ...}, which the KFP backend would expand as a "
                     "placeholder; use an if placeholder instead");
    }
    if (trimmed.starts_with("{\"Concat\":")) {
        src.fail(at, "literal text starts like {\"Concat\": ...}, which the KFP backend would expand as a "
                     "placeholder; use a concat placeholder instead");
    }
    if (text.find("{{") == std::string::npos) return;
    std::string shown = text.size() > 80 ? text.substr(0, 77) + "..." : text;
    src.fail(at, "literal text contains '{{', which engines read as a placeholder: \"" + shown +
                     "\". Declare an input and use a placeholder ({inputValue: ...}) instead");
}

std::optional<long long> parse_int(std::string_view text) {
    std::string_view s = text;
    if (!s.empty() && s[0] == '+') s.remove_prefix(1);
    if (s.empty() || s.size() > 20) return std::nullopt;
    const std::size_t digits_from = s[0] == '-' ? 1 : 0;
    if (digits_from == s.size()) return std::nullopt;
    for (std::size_t i = digits_from; i < s.size(); ++i) {
        if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
    }
    long long v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return v;
}

std::optional<double> parse_float(std::string_view text) {
    // Decimal notation only: [-+]digits[.digits][e[-+]digits] (no hex, inf or nan).
    std::size_t i = 0, n = text.size();
    if (i < n && (text[i] == '+' || text[i] == '-')) ++i;
    std::size_t mantissa = 0;
    while (i < n && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, ++mantissa;
    if (i < n && text[i] == '.') {
        ++i;
        while (i < n && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, ++mantissa;
    }
    if (mantissa == 0) return std::nullopt;
    if (i < n && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        if (i < n && (text[i] == '+' || text[i] == '-')) ++i;
        std::size_t exp = 0;
        while (i < n && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, ++exp;
        if (exp == 0) return std::nullopt;
    }
    if (i != n) return std::nullopt;
    const std::string s(text);
    const double v = std::strtod(s.c_str(), nullptr);
    if (!std::isfinite(v)) return std::nullopt;
    return v;
}

std::optional<bool> parse_truth(std::string_view text) {
    const std::string v = lower(text);
    if (v == "y" || v == "yes" || v == "t" || v == "true" || v == "on" || v == "1") return true;
    if (v == "n" || v == "no" || v == "f" || v == "false" || v == "off" || v == "0") return false;
    return std::nullopt;
}

std::optional<doc::Node> parse_json(std::string_view text) {
    // nlohmann's parser is iterative, but its values are destroyed recursively: bound the depth.
    int depth = 0;
    bool in_string = false, escaped = false;
    for (char c : text) {
        if (in_string) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > kMaxDepth) return std::nullopt;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    const auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return std::nullopt;
    try {
        return Json(j).node();
    } catch (const Error&) {
        return std::nullopt;  // numbers out of range
    }
}

}  // namespace pipecc::components
