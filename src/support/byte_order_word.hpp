#pragma once
/// Private to src/: sort keys that compare strings eight bytes at a time.

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace pipecc::detail {

/// Bytes [from, from + 8) of `s`, zero-padded, as a big-endian number: comparing two such
/// numbers orders the bytes as memcmp does, except that a string ties with itself padded by
/// NULs, which a full comparison then settles. Sorting through these, held next to each item,
/// spares chasing each string on every comparison.
///
/// @code
/// byte_order_word("b", 0) > byte_order_word("ab", 0);  // true
/// @endcode
inline std::uint64_t byte_order_word(std::string_view s, std::size_t from) {
    std::uint64_t word = 0;
    if (from < s.size()) std::memcpy(&word, s.data() + from, std::min<std::size_t>(8, s.size() - from));
    if constexpr (std::endian::native == std::endian::little) word = __builtin_bswap64(word);
    return word;
}

}  // namespace pipecc::detail
