#include "pipecc/graph/large_array.hpp"

#include <cstdint>
#include <cstdlib>

#include "support/huge_pages.hpp"

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace pipecc::graph::detail {

#if defined(__linux__)
// Mapped directly rather than through malloc: a whole number of huge pages, which Linux (6.7
// and later) places on a huge-page boundary and which nothing touches before the advice, so
// every page of the array can come from a huge-page fault.
namespace {
std::size_t mapped_size(std::size_t bytes) {
    return (bytes + pipecc::detail::kHugePageBytes - 1) & ~(pipecc::detail::kHugePageBytes - 1);
}
}  // namespace

void* allocate_large(std::size_t bytes) {
    const std::size_t size = mapped_size(bytes);
    void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
#if defined(MADV_HUGEPAGE)
    madvise(p, size, MADV_HUGEPAGE);  // advice only
#endif
    return p;
}

void deallocate_large(void* p, std::size_t bytes) noexcept { munmap(p, mapped_size(bytes)); }
#else
void* allocate_large(std::size_t bytes) {
    void* p = std::malloc(bytes);
    if (p == nullptr) throw std::bad_alloc();
    return p;
}

void deallocate_large(void* p, std::size_t) noexcept { std::free(p); }
#endif

}  // namespace pipecc::graph::detail
