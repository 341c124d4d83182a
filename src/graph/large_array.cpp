#include "pipecc/graph/large_array.hpp"

#include "support/huge_pages.hpp"

namespace pipecc::graph::detail {

void* allocate_large(std::size_t bytes) { return pipecc::detail::map_huge_pages(bytes); }

void deallocate_large(void* p, std::size_t bytes) noexcept { pipecc::detail::unmap_huge_pages(p, bytes); }

}  // namespace pipecc::graph::detail
