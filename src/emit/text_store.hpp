#pragma once
/// Private to src/emit: where a Prerenderer keeps the text it wrote.

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "support/huge_pages.hpp"

namespace pipecc::doc::detail {

/// Append-only text in a few large blocks, the later ones on huge pages. A 100,000-task IR
/// prerenders 88 MB in 300,000 parts: one heap block each made malloc sort through the freed
/// document trees for every part, and faulted the text in 4 KiB at a time.
///
/// @code
/// TextStore store;
/// std::string_view kept = store.add(text);  // valid as long as `store`
/// @endcode
class TextStore {
public:
    TextStore() = default;
    TextStore(const TextStore&) = delete;
    TextStore& operator=(const TextStore&) = delete;
    ~TextStore() {
        for (const auto& [data, size] : large_blocks_) pipecc::detail::unmap_huge_pages(data, size);
    }

    /// Copies `text` in; the view stays valid while the store lives.
    std::string_view add(std::string_view text) {
        if (text.size() > room_) new_block(text.size());
        char* at = free_;
        std::memcpy(at, text.data(), text.size());
        free_ += text.size();
        room_ -= text.size();
        return {at, text.size()};
    }

private:
    // A small document's text stays in a few heap blocks; past `kSmallBlocks` of them, the text
    // goes into blocks mapped on huge pages.
    static constexpr std::size_t kSmallBlock = std::size_t{64} << 10;
    static constexpr std::size_t kSmallBlocks = 32;
    static constexpr std::size_t kLargeBlock = std::size_t{32} << 20;

    void new_block(std::size_t need) {
        if (small_blocks_.size() < kSmallBlocks && need <= kSmallBlock) {
            small_blocks_.push_back(std::make_unique_for_overwrite<char[]>(kSmallBlock));
            free_ = small_blocks_.back().get();
            room_ = kSmallBlock;
        } else {
            const std::size_t size = pipecc::detail::huge_mapping_size(std::max(need, kLargeBlock));
            large_blocks_.reserve(large_blocks_.size() + 1);  // so that the push cannot throw
            free_ = static_cast<char*>(pipecc::detail::map_huge_pages(size));
            large_blocks_.emplace_back(free_, size);
            room_ = size;
        }
    }

    std::vector<std::unique_ptr<char[]>> small_blocks_;
    std::vector<std::pair<char*, std::size_t>> large_blocks_;
    char* free_ = nullptr;
    std::size_t room_ = 0;
};

}  // namespace pipecc::doc::detail
