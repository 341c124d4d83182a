#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <stdexcept>

#include "pipecc/emit/document.hpp"

namespace pipecc::doc {
namespace {

/// Byte classes for string escaping: JSON needs escapes only for `"`, `\` and C0 controls;
/// non-ASCII bytes are copied once validated.
enum ByteClass : std::uint8_t { Ordinary, Escape, NonAscii };

constexpr std::array<std::uint8_t, 256> make_byte_classes() {
    std::array<std::uint8_t, 256> classes{};
    for (int c = 0; c < 0x20; ++c) classes[c] = Escape;
    for (int c = 0x80; c < 0x100; ++c) classes[c] = NonAscii;
    classes['"'] = Escape;
    classes['\\'] = Escape;
    return classes;
}

constexpr std::array<std::uint8_t, 256> kByteClasses = make_byte_classes();

/// Length of the valid UTF-8 sequence at `s[i]` (a byte >= 0x80); throws if it is invalid,
/// since JSON text must be UTF-8 and readers reject or mangle stray bytes.
std::size_t utf8_length(std::string_view s, std::size_t i) {
    const auto byte = [&](std::size_t k) -> unsigned {
        return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u;
    };
    const unsigned b0 = byte(0);
    std::size_t len = 0;
    unsigned lo = 0x80;
    unsigned hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        len = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        len = 3;
        if (b0 == 0xE0) lo = 0xA0;  // overlong
        if (b0 == 0xED) hi = 0x9F;  // surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        len = 4;
        if (b0 == 0xF0) lo = 0x90;  // overlong
        if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
        throw std::invalid_argument("string is not valid UTF-8");
    }
    for (std::size_t k = 1; k < len; ++k) {
        const unsigned b = byte(k);
        if (b < (k == 1 ? lo : 0x80u) || b > (k == 1 ? hi : 0xBFu)) {
            throw std::invalid_argument("string is not valid UTF-8");
        }
    }
    return len;
}

/// Visits map entries in output order. With `sort_keys`, each map's keys are copied to a
/// contiguous scratch buffer and summarised by a 16-byte big-endian prefix, so comparisons
/// rarely leave the cache (sorting 100k keys through pointers into the tree cost more than
/// writing them). The scratch space is a stack shared by all nesting levels: nothing is
/// allocated per map.
class EntryOrder {
public:
    explicit EntryOrder(bool sort_keys) : sort_keys_(sort_keys) {}

    template <class F>
    void for_each(const Node& map, F&& f) {
        const auto& entries = map.entries();
        if (!sort_keys_) {
            for (const Node::Entry& e : entries) f(e);
            return;
        }
        const std::size_t base = keys_.size();
        const std::size_t bytes_base = bytes_.size();
        for (const Node::Entry& e : entries) {
            keys_.push_back(SortKey{prefix_word(e.key, 0), prefix_word(e.key, 8), bytes_.size(),
                                    e.key.size(), &e});
            bytes_ += e.key;
        }
        const char* bytes = bytes_.data();
        std::sort(keys_.begin() + static_cast<std::ptrdiff_t>(base), keys_.end(),
                  [bytes](const SortKey& a, const SortKey& b) {
                      if (a.prefix_hi != b.prefix_hi) return a.prefix_hi < b.prefix_hi;
                      if (a.prefix_lo != b.prefix_lo) return a.prefix_lo < b.prefix_lo;
                      const int c = std::string_view(bytes + a.offset, a.size)
                                        .compare(std::string_view(bytes + b.offset, b.size));
                      return c < 0 || (c == 0 && a.entry < b.entry);  // duplicates: insertion order
                  });
        // Index, not iterate: nested maps push onto `keys_` and may reallocate it.
        for (std::size_t i = base; i < base + entries.size(); ++i) f(*keys_[i].entry);
        keys_.resize(base);
        bytes_.resize(bytes_base);
    }

private:
    static std::uint64_t prefix_word(std::string_view key, std::size_t from) {
        std::uint64_t word = 0;
        for (std::size_t i = from; i < from + 8; ++i) {
            word = (word << 8) | (i < key.size() ? static_cast<unsigned char>(key[i]) : 0u);
        }
        return word;
    }

    struct SortKey {
        std::uint64_t prefix_hi;  // key bytes 0-7, then 8-15, zero-padded: order like the bytes
        std::uint64_t prefix_lo;
        std::size_t offset;  // of the whole key in `bytes_`
        std::size_t size;
        const Node::Entry* entry;
    };

    bool sort_keys_;
    std::vector<SortKey> keys_;
    std::string bytes_;
};

constexpr char kHexDigits[] = "0123456789abcdef";

class JsonWriter {
public:
    JsonWriter(std::string& out, const WriteOptions& options)
        : out_(out), order_(options.sort_keys) {}

    void write(const Node& node, std::size_t indent) {
        switch (node.kind()) {
            case Node::Kind::Null: out_ += "null"; break;
            case Node::Kind::Bool: out_ += node.as_bool() ? "true" : "false"; break;
            case Node::Kind::Int: {
                char buf[24];
                const auto r = std::to_chars(buf, buf + sizeof buf, node.as_int());
                out_.append(buf, r.ptr);
                break;
            }
            case Node::Kind::Float:
                if (!std::isfinite(node.as_float())) {
                    throw std::invalid_argument("JSON cannot represent NaN or infinity");
                }
                out_ += format_float(node.as_float());
                break;
            case Node::Kind::String: write_string(node.as_string()); break;
            case Node::Kind::Seq: write_seq(node, indent); break;
            case Node::Kind::Map: write_map(node, indent); break;
        }
    }

private:
    void write_map(const Node& map, std::size_t indent) {
        if (map.empty()) {
            out_ += "{}";
            return;
        }
        out_ += '{';
        bool first = true;
        order_.for_each(map, [&](const Node::Entry& e) {
            out_ += first ? "\n" : ",\n";
            first = false;
            out_.append(indent + 2, ' ');
            write_string(e.key);
            out_ += ": ";
            write(e.value, indent + 2);
        });
        out_ += '\n';
        out_.append(indent, ' ');
        out_ += '}';
    }

    void write_seq(const Node& seq, std::size_t indent) {
        if (seq.empty()) {
            out_ += "[]";
            return;
        }
        out_ += '[';
        bool first = true;
        for (const Node& item : seq.items()) {
            out_ += first ? "\n" : ",\n";
            first = false;
            out_.append(indent + 2, ' ');
            write(item, indent + 2);
        }
        out_ += '\n';
        out_.append(indent, ' ');
        out_ += ']';
    }

    void write_string(std::string_view s) {
        out_ += '"';
        std::size_t run = 0;  // start of the bytes not yet copied
        for (std::size_t i = 0; i < s.size();) {
            const auto c = static_cast<unsigned char>(s[i]);
            switch (kByteClasses[c]) {
                case Ordinary: ++i; continue;
                case NonAscii: i += utf8_length(s, i); continue;
                default: break;
            }
            out_.append(s.substr(run, i - run));
            write_escape(c);
            run = ++i;
        }
        out_.append(s.substr(run));
        out_ += '"';
    }

    void write_escape(unsigned char c) {
        switch (c) {
            case '"': out_ += "\\\""; return;
            case '\\': out_ += "\\\\"; return;
            case '\b': out_ += "\\b"; return;
            case '\f': out_ += "\\f"; return;
            case '\n': out_ += "\\n"; return;
            case '\r': out_ += "\\r"; return;
            case '\t': out_ += "\\t"; return;
            default: break;
        }
        const char esc[] = {'\\', 'u', '0', '0', kHexDigits[c >> 4], kHexDigits[c & 0xF]};
        out_.append(esc, sizeof esc);
    }

    std::string& out_;
    EntryOrder order_;
};

}  // namespace

void append_json(std::string& out, const Node& node, const WriteOptions& options) {
    const std::size_t start = out.size();
    try {
        JsonWriter(out, options).write(node, 0);
        out += '\n';
    } catch (...) {
        out.resize(start);  // leave `out` as it was rather than holding half a document
        throw;
    }
}

std::string to_json(const Node& node, const WriteOptions& options) {
    std::string out;
    append_json(out, node, options);
    return out;
}

}  // namespace pipecc::doc
