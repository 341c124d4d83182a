#include "pipecc/emit/document.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>

#if defined(__linux__)
#include <sys/mman.h>
#endif

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

/// Visits map entries in output order. With `sort_keys`, each map is sorted through a 16-byte
/// big-endian key prefix held next to the entry pointer, so comparisons rarely chase pointers
/// into the tree (3x faster than comparing through the pointers on a 100k-entry map). The
/// scratch space is a stack shared by all nesting levels: nothing is allocated per map.
class EntryOrder {
public:
    explicit EntryOrder(bool sort_keys) : sort_keys_(sort_keys) {}

    template <class F>
    void for_each(const Node& map, F&& f) {
        const auto& entries = map.entries();
        // Emitters that insert keys in order pay only this check.
        if (!sort_keys_ || std::is_sorted(entries.begin(), entries.end(), KeyLess{})) {
            for (const Node::Entry& e : entries) f(e);
            return;
        }
        const std::size_t base = keys_.size();
        for (const Node::Entry& e : entries) {
            keys_.push_back(SortKey{prefix_word(e.key, 0), prefix_word(e.key, 8), &e});
        }
        std::sort(keys_.begin() + static_cast<std::ptrdiff_t>(base), keys_.end(),
                  [](const SortKey& a, const SortKey& b) {
                      if (a.head != b.head) return a.head < b.head;
                      if (a.tail != b.tail) return a.tail < b.tail;
                      const int c = a.entry->key.compare(b.entry->key);
                      return c < 0 || (c == 0 && a.entry < b.entry);  // duplicates: insertion order
                  });
        // Index, not iterate: nested maps push onto `keys_` and may reallocate it. Sorted order
        // defeats the hardware prefetcher, which follows the tree's allocation order, so the
        // next value is fetched while this one is written (10-15% faster on 100k tasks).
        const std::size_t end = base + entries.size();
        for (std::size_t i = base; i < end; ++i) {
            if (i + 1 < end) prefetch(keys_[i + 1].entry->value);
            f(*keys_[i].entry);
        }
        keys_.resize(base);
    }

private:
    /// Starts loading the heap data that writing `v` reads first. Branch-free (a switch measured
    /// slower: sibling kinds are unpredictable); other scalars point into the node itself.
    static void prefetch(const Node& v) {
        __builtin_prefetch(v.is_map()   ? static_cast<const void*>(v.entries().data())
                           : v.is_seq() ? static_cast<const void*>(v.items().data())
                                        : static_cast<const void*>(v.as_string().data()));
    }

    /// Byte order of keys, settled inline by the first byte where keys of one map usually
    /// differ (std::string's operator< always calls memcmp).
    struct KeyLess {
        bool operator()(const Node::Entry& a, const Node::Entry& b) const {
            if (!a.key.empty() && !b.key.empty() && a.key.front() != b.key.front()) {
                return static_cast<unsigned char>(a.key.front()) <
                       static_cast<unsigned char>(b.key.front());
            }
            return a.key < b.key;
        }
    };

    /// Key bytes [from, from + 8), zero-padded, big-endian: integer order is byte order.
    static std::uint64_t prefix_word(std::string_view key, std::size_t from) {
        std::uint64_t word = 0;
        if (from < key.size()) {
            std::memcpy(&word, key.data() + from, std::min<std::size_t>(8, key.size() - from));
        }
        if constexpr (std::endian::native == std::endian::little) word = __builtin_bswap64(word);
        return word;
    }

    struct SortKey {
        std::uint64_t head;  // key bytes 0-7
        std::uint64_t tail;  // key bytes 8-15
        const Node::Entry* entry;
    };

    bool sort_keys_;
    std::vector<SortKey> keys_;
};

/// Output at least this large is grown by the writer rather than by std::string.
constexpr std::size_t kLargeOutput = std::size_t{1} << 20;
/// Room kept free in a large output; checked before each map entry and sequence item.
constexpr std::size_t kOutputRoom = std::size_t{64} << 10;
/// The first capacity the writer gives a large output: above glibc's largest mmap threshold
/// (32 MiB), so the buffer is fresh mapped memory, which takes huge-page advice.
constexpr std::size_t kLargeCapacity = std::size_t{64} << 20;

/// Moves a large output into a buffer of at least twice the capacity, advised to use huge pages
/// before anything touches it: on the build VM each first-touch 4 KiB page fault costs ~20 us,
/// which made faulting in a 60 MB document cost more than writing it. Capacity never touched
/// costs address space only. (Sizing the buffer up front instead takes a walk over the whole
/// tree, which measured 25% slower.)
void grow_output(std::string& out) {
    std::string bigger;
    bigger.reserve(std::max(2 * out.capacity(), kLargeCapacity));
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    constexpr std::uintptr_t kHugePage = std::uintptr_t{2} << 20;
    const auto data = reinterpret_cast<std::uintptr_t>(bigger.data());
    const std::uintptr_t begin = (data + kHugePage - 1) & ~(kHugePage - 1);
    const std::uintptr_t end = (data + bigger.capacity()) & ~(kHugePage - 1);
    // Advice only: if the kernel declines, the buffer just uses small pages.
    if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#endif
    bigger += out;
    out.swap(bigger);
}

/// Keeps `kOutputRoom` bytes free in a large output, so that std::string's own growth, which
/// copies into memory without the advice, is left to small documents and to single values
/// longer than that.
void make_room(std::string& out) {
    if (out.size() >= kLargeOutput && out.capacity() - out.size() < kOutputRoom) grow_output(out);
}

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
            make_room(out_);
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
            make_room(out_);
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
