#pragma once
/// Private to src/emit: the pieces the YAML and JSON writers share: UTF-8 validation and the
/// escaping loop around it, map-entry ordering for `sort_keys`, growth of large output buffers,
/// and the all-or-nothing append of a document.

#include "pipecc/emit/document.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "support/byte_order_word.hpp"
#include "support/huge_pages.hpp"

namespace pipecc::doc::detail {

/// Decodes the UTF-8 sequence at `s[i]` (a byte >= 0x80). Returns its length, or throws
/// std::invalid_argument: YAML's `\x` escapes denote code points, not bytes, and JSON text must
/// be UTF-8 (readers reject or mangle stray bytes), so invalid bytes cannot be kept.
inline std::size_t decode_utf8(std::string_view s, std::size_t i, char32_t& cp) {
    const auto byte = [&](std::size_t k) -> unsigned {
        return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u;
    };
    const unsigned b0 = byte(0);
    std::size_t len = 0;
    unsigned lo = 0x80;
    unsigned hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        len = 2;
        cp = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        len = 3;
        cp = b0 & 0x0F;
        if (b0 == 0xE0) lo = 0xA0;  // overlong
        if (b0 == 0xED) hi = 0x9F;  // surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        len = 4;
        cp = b0 & 0x07;
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
        cp = (cp << 6) | (b & 0x3F);
    }
    return len;
}

/// The two-character escape that JSON and YAML (1.1 and 1.2 alike) both define for `c`, or an
/// empty view if there is none.
inline std::string_view short_escape(char32_t c) {
    switch (c) {
        case '"': return "\\\"";
        case '\\': return "\\\\";
        case '\b': return "\\b";
        case '\f': return "\\f";
        case '\n': return "\\n";
        case '\r': return "\\r";
        case '\t': return "\\t";
        default: return {};
    }
}

/// A byte table for `append_escaped`: true for the ASCII bytes it copies without a look, which
/// are those `escaped` (a predicate on ASCII bytes) rejects. Bytes >= 0x80 are never verbatim:
/// they start UTF-8 sequences to validate.
template <class Pred>
constexpr std::array<bool, 256> verbatim_bytes(Pred escaped) {
    std::array<bool, 256> verbatim{};
    for (unsigned c = 0; c < 0x80; ++c) verbatim[c] = !escaped(static_cast<char32_t>(c));
    return verbatim;
}

/// Appends `s` (quotes are the caller's), copying runs of bytes verbatim and escaping each ASCII
/// byte that `verbatim` excludes and each non-ASCII code point that `escaped_non_ascii(cp)`
/// selects: with its `short_escape` if it has one, else by `write_other_escape(cp)`. Throws like
/// `decode_utf8` on invalid UTF-8.
template <class EscapedNonAscii, class WriteOtherEscape>
void append_escaped(std::string& out, std::string_view s, const std::array<bool, 256>& verbatim,
                    EscapedNonAscii&& escaped_non_ascii, WriteOtherEscape&& write_other_escape) {
    const std::size_t n = s.size();
    std::size_t run = 0;  // start of the bytes not yet copied
    for (std::size_t i = 0; i < n;) {
        while (i < n && verbatim[static_cast<unsigned char>(s[i])]) ++i;
        if (i == n) break;
        char32_t cp = static_cast<unsigned char>(s[i]);
        const std::size_t len = cp < 0x80 ? 1 : decode_utf8(s, i, cp);
        if (cp < 0x80 || escaped_non_ascii(cp)) {
            out.append(s.substr(run, i - run));
            if (const std::string_view e = short_escape(cp); !e.empty()) {
                out += e;
            } else {
                write_other_escape(cp);
            }
            run = i + len;
        }
        i += len;
    }
    out.append(s.substr(run));
}

/// Appends an integer as both YAML and JSON write it.
inline void append_int(std::string& out, std::int64_t value) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, value);
    out.append(buf, r.ptr);
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
            keys_.push_back(SortKey{pipecc::detail::byte_order_word(e.key, 0), pipecc::detail::byte_order_word(e.key, 8), &e});
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

    struct SortKey {
        std::uint64_t head;  // key bytes 0-7
        std::uint64_t tail;  // key bytes 8-15
        const Node::Entry* entry;
    };

    bool sort_keys_;
    std::vector<SortKey> keys_;
};

/// Grows a writer's output. Small documents grow as std::string grows them. Once an output
/// reaches `kLargeOutput`, it moves to a buffer of at least `kLargeCapacity` (fresh mapped memory:
/// glibc maps anything above its largest mmap threshold, 32 MiB) on huge pages (huge_pages.hpp).
/// Where the buffer is not on a huge-page boundary, the part before the first boundary can only
/// have small pages, so those are faulted in ahead of the writer, `kPrefault` bytes at a time,
/// with one madvise call each (far cheaper than a fault each). Capacity never touched costs
/// address space only. (Sizing the buffer up front by walking the whole tree measured 25%
/// slower; `WriteOptions::expected_size` is a size the caller already knows, such as the text a
/// Prerenderer wrote, which saves faulting in and copying a 64 MiB buffer on a 100k-task IR.)
class OutputGrowth {
public:
    /// Output at least this large is grown here rather than by std::string.
    static constexpr std::size_t kLargeOutput = std::size_t{64} << 10;
    /// Room kept free in a large output; checked before each map entry and sequence item.
    static constexpr std::size_t kOutputRoom = std::size_t{64} << 10;
    static constexpr std::size_t kLargeCapacity = std::size_t{64} << 20;
    static constexpr std::size_t kPrefault = std::size_t{256} << 10;

    OutputGrowth(std::string& out, std::size_t expected_size) : out_(out), expected_size_(expected_size) {}

    /// Keeps `kOutputRoom` bytes free (and faulted in) in a large output, so that std::string's
    /// own growth, which copies into memory without the advice, is left to small documents and
    /// to single values longer than that.
    void make_room() {
        if (out_.size() < kLargeOutput) return;
        if (out_.capacity() - out_.size() < kOutputRoom) grow();
        // A value longer than the room makes std::string move the text itself: to a buffer
        // without our advice, whose pages are not ours to fault in.
        if (out_.data() != buffer_) prefaulted_ = huge_begin_ = 0;
        const std::uintptr_t need = address(out_.size() + kOutputRoom);
        if (need > prefaulted_ && prefaulted_ < huge_begin_) prefault(need);
    }

private:
    std::uintptr_t address(std::size_t offset) const { return reinterpret_cast<std::uintptr_t>(out_.data()) + offset; }

    void grow() {
        std::string bigger;
        bigger.reserve(pipecc::detail::huge_page_capacity(std::max({2 * out_.capacity(), kLargeCapacity, expected_size_ + kOutputRoom})));
        expected_size_ = 0;  // a guess: past it, grow by doubling
        buffer_ = bigger.data();
        // Advised before the copy touches it, so that its first huge page can be one.
        huge_begin_ = pipecc::detail::advise_huge_pages(buffer_, bigger.capacity());
        prefaulted_ = reinterpret_cast<std::uintptr_t>(buffer_) & ~(pipecc::detail::kPageBytes - 1);
        bigger += out_;
        out_.swap(bigger);
    }

    void prefault([[maybe_unused]] std::uintptr_t need) {
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
        const std::uintptr_t until = std::min(huge_begin_, std::max(need, prefaulted_ + kPrefault));
        // Advice only: on failure (older kernels) pages fault in as they are touched.
        madvise(reinterpret_cast<void*>(prefaulted_), until - prefaulted_, MADV_POPULATE_WRITE);
        prefaulted_ = until;
#endif
    }

    std::string& out_;
    std::size_t expected_size_;
    const char* buffer_ = nullptr;   // the buffer `grow` made, which the two below describe
    std::uintptr_t prefaulted_ = 0;  // small pages below this are faulted in
    std::uintptr_t huge_begin_ = 0;  // where huge pages can begin in the buffer
};

/// Appends the document `Writer(out, options).write_document(node)` writes; if that throws,
/// leaves `out` as it was rather than holding half a document, and rethrows.
template <class Writer>
void append_document(std::string& out, const Node& node, const WriteOptions& options) {
    const std::size_t start = out.size();
    try {
        Writer(out, options).write_document(node);
    } catch (...) {
        out.resize(start);
        throw;
    }
}

/// The indentation both writers give the keys of a map that is the value of an entry `depth`
/// maps deep.
constexpr std::size_t map_indent(std::size_t depth) { return 2 * depth + 2; }

/// Throws std::logic_error unless rendered node `v` was written in `format` for the value of an
/// entry `depth` maps deep.
inline void check_rendered(const Node& v, Format format, std::size_t depth) {
    if (v.rendered_format() != format || v.rendered_depth() != depth) {
        throw std::logic_error("doc::Node: a rendered node written for another format or place");
    }
}

/// A writer that keeps its state (the text of shared nodes) across the parts it renders.
std::unique_ptr<Prerenderer::Writer> yaml_prerenderer(const WriteOptions& options);
std::unique_ptr<Prerenderer::Writer> json_prerenderer(const WriteOptions& options);

}  // namespace pipecc::doc::detail

namespace pipecc::doc {

/// What `Prerenderer` renders with: one writer of the format, kept for all its parts.
struct Prerenderer::Writer {
    virtual ~Writer() = default;
    /// The text of non-empty map `map` as the value of an entry `depth` maps deep, valid until
    /// the next call.
    virtual std::string_view render(const Node& map, std::size_t depth) = 0;
};

namespace detail {

/// A `Prerenderer::Writer` over writer `W` of one format, which writes into the string it is
/// given and keeps its cache of shared nodes' text from part to part.
template <class W>
class PrerendererFor final : public Prerenderer::Writer {
public:
    explicit PrerendererFor(const WriteOptions& options) : writer_(text_, options) {}

    std::string_view render(const Node& map, std::size_t depth) override {
        text_.clear();
        writer_.write_entry_value(map, map_indent(depth));
        return text_;
    }

private:
    std::string text_;
    W writer_;
};

}  // namespace detail

}  // namespace pipecc::doc
