#pragma once
/// Private to src/: large buffers backed by 2 MiB pages. On the build VM each first-touch
/// fault of a 4 KiB page costs ~12 us (3 ms a MiB), more than writing the text into it; a huge
/// page costs one fault (~0.1 ms for 2 MiB).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace pipecc::detail {

inline constexpr std::uintptr_t kPageBytes = 4096;
inline constexpr std::uintptr_t kHugePageBytes = std::uintptr_t{2} << 20;

/// A size near `wanted` (at least `wanted` less 32 bytes) to allocate with malloc, or to reserve
/// in a std::string, so that glibc maps exactly a whole number of huge pages, which Linux (6.7
/// and later) places on a huge-page boundary: the chunk header and std::string's terminator
/// take the 32 bytes.
inline std::size_t huge_page_capacity(std::size_t wanted) {
    constexpr std::size_t kChunkOverhead = 32;
    return ((wanted + kHugePageBytes - 1) & ~(kHugePageBytes - 1)) - kChunkOverhead;
}

/// Advises the fresh, still untouched (but for malloc's header) buffer `[data, data+capacity)`
/// to use huge pages. Returns the address from which its pages can be huge ones: below it, a
/// buffer not on a huge-page boundary has small pages only. Advice only: if the kernel declines,
/// the buffer uses small pages.
inline std::uintptr_t advise_huge_pages(const char* data, std::size_t capacity) {
    const std::uintptr_t first_page = reinterpret_cast<std::uintptr_t>(data) & ~(kPageBytes - 1);
    std::uintptr_t huge_begin = (first_page + kHugePageBytes - 1) & ~(kHugePageBytes - 1);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    const std::uintptr_t end = (reinterpret_cast<std::uintptr_t>(data) + capacity) & ~(kHugePageBytes - 1);
    if (end <= huge_begin) return end;
    madvise(reinterpret_cast<void*>(first_page), end - first_page, MADV_HUGEPAGE);
#ifdef MADV_COLLAPSE
    constexpr int kMadvCollapse = MADV_COLLAPSE;
#else
    constexpr int kMadvCollapse = 25;  // Linux's value; glibc 2.36's headers predate it
#endif
    // glibc wrote the chunk header into the first page already, so the first huge page can no
    // longer come from a fault; collapsing it makes it one (Linux 6.1 and later).
    if (huge_begin == first_page &&
        madvise(reinterpret_cast<void*>(first_page), kHugePageBytes, kMadvCollapse) != 0) {
        huge_begin += kHugePageBytes;
    }
#endif
    return huge_begin;
}

/// The size `map_huge_pages(bytes)` maps: a whole number of huge pages.
inline std::size_t huge_mapping_size(std::size_t bytes) {
    return (bytes + kHugePageBytes - 1) & ~(kHugePageBytes - 1);
}

/// At least `bytes` of fresh memory of its own, advised to use huge pages before anything
/// touches it, so that every page of it can come from a huge-page fault (malloc would write its
/// header into the first page first). Throws std::bad_alloc. Free with `unmap_huge_pages`.
inline void* map_huge_pages(std::size_t bytes) {
#if defined(__linux__)
    const std::size_t size = huge_mapping_size(bytes);
    void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
#if defined(MADV_HUGEPAGE)
    madvise(p, size, MADV_HUGEPAGE);  // advice only
#endif
    return p;
#else
    void* p = std::malloc(bytes);
    if (p == nullptr) throw std::bad_alloc();
    return p;
#endif
}

/// Frees what `map_huge_pages(bytes)` returned.
inline void unmap_huge_pages(void* p, [[maybe_unused]] std::size_t bytes) noexcept {
#if defined(__linux__)
    munmap(p, huge_mapping_size(bytes));
#else
    std::free(p);
#endif
}

}  // namespace pipecc::detail
