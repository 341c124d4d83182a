#pragma once
/// Private to src/emit: where a Prerenderer keeps the text it wrote.

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>
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
    /// Copies `text` in; the view stays valid while the store lives.
    std::string_view add(std::string_view text) {
        if (text.size() > room_) new_block(text.size());
        char* at = free_;
        std::memcpy(at, text.data(), text.size());
        free_ += text.size();
        room_ -= text.size();
        return {at, text.size()};
    }

    TextStore() = default;
    TextStore(const TextStore&) = delete;
    TextStore& operator=(const TextStore&) = delete;
    ~TextStore() {
        for (auto& block : small_blocks_) {
            if (spare_small_blocks().size() < kSmallBlocks) spare_small_blocks().push_back(std::move(block));
        }
    }

private:
    using Block = std::unique_ptr<char[]>;

    // The first blocks are small ones, and a thread keeps those of the last store for the next:
    // freed at the top of the heap, glibc would hand them back to the kernel, and each compile of
    // a small document would fault them in again. Past `kSmallBlocks` of them the text goes into
    // huge-page blocks.
    static constexpr std::size_t kSmallBlock = std::size_t{64} << 10;
    static constexpr std::size_t kSmallBlocks = 32;
    static constexpr std::size_t kLargeBlock = std::size_t{32} << 20;

    static std::vector<Block>& spare_small_blocks() {
        thread_local std::vector<Block> spare;
        return spare;
    }

    void new_block(std::size_t need) {
        Block block;
        std::size_t size = kSmallBlock;
        if (small_blocks_.size() < kSmallBlocks && need <= kSmallBlock) {
            auto& spare = spare_small_blocks();
            if (spare.empty()) {
                block = std::make_unique_for_overwrite<char[]>(size);
            } else {
                block = std::move(spare.back());
                spare.pop_back();
            }
            free_ = block.get();
            small_blocks_.push_back(std::move(block));
        } else {
            size = pipecc::detail::huge_page_capacity(std::max(need, kLargeBlock) + 32);  // at least `need`
            block = std::make_unique_for_overwrite<char[]>(size);
            free_ = block.get();
            pipecc::detail::advise_huge_pages(free_, size);
            large_blocks_.push_back(std::move(block));
        }
        room_ = size;
    }

    std::vector<Block> small_blocks_;
    std::vector<Block> large_blocks_;
    char* free_ = nullptr;
    std::size_t room_ = 0;
};

}  // namespace pipecc::doc::detail
