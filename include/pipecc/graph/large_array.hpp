#pragma once
/// The allocator of the graph's largest arrays.

#include <cstddef>
#include <limits>
#include <memory>
#include <new>

namespace pipecc::graph {

namespace detail {
/// Arrays of at least this many bytes get huge pages.
inline constexpr std::size_t kLargeArrayBytes = std::size_t{4} << 20;
/// `bytes` (at least kLargeArrayBytes) of memory advised to use huge pages; throws
/// std::bad_alloc.
void* allocate_large(std::size_t bytes);
/// Frees what `allocate_large(bytes)` returned.
void deallocate_large(void* p, std::size_t bytes) noexcept;
}  // namespace detail

/// std::allocator, except that arrays of 4 MiB and more get memory on 2 MiB pages where the OS
/// allows. A 100,000-task graph's task array is 46 MB; on 4 KiB pages each time it grew or was
/// copied cost 11,000 page faults, ~12 us each on the build VM.
///
/// @code
/// std::vector<Task, LargeArrayAllocator<Task>> tasks;
/// @endcode
template <class T>
struct LargeArrayAllocator {
    using value_type = T;

    LargeArrayAllocator() = default;
    template <class U>
    LargeArrayAllocator(const LargeArrayAllocator<U>&) noexcept {}

    T* allocate(std::size_t n) {
        if (n > std::numeric_limits<std::size_t>::max() / sizeof(T)) throw std::bad_array_new_length();
        if (n * sizeof(T) < detail::kLargeArrayBytes) return std::allocator<T>().allocate(n);
        static_assert(alignof(T) <= alignof(std::max_align_t));
        return static_cast<T*>(detail::allocate_large(n * sizeof(T)));
    }
    void deallocate(T* p, std::size_t n) noexcept {
        if (n * sizeof(T) < detail::kLargeArrayBytes) {
            std::allocator<T>().deallocate(p, n);
        } else {
            detail::deallocate_large(p, n * sizeof(T));
        }
    }

    friend bool operator==(const LargeArrayAllocator&, const LargeArrayAllocator&) { return true; }
};

}  // namespace pipecc::graph
