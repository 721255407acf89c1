// The stack of one emulated CUDA thread.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <new>

namespace lf::emu::detail {

/// An mmapped stack with an inaccessible guard page below it, so that a
/// kernel overflowing its emulated thread's stack faults instead of silently
/// corrupting a neighbour's. Pages are committed lazily (MAP_NORESERVE), so a
/// 1024-thread block costs only the pages its threads touch.
class FiberStack {
 public:
  static constexpr std::size_t kSize = 256 * 1024;  // generous: ASan frames are large

  FiberStack() {
    guard_ = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    void* p = mmap(nullptr, kSize + guard_, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    base_ = static_cast<std::byte*>(p);
    mprotect(base_, guard_, PROT_NONE);
  }
  ~FiberStack() {
    if (base_) munmap(base_, kSize + guard_);
  }
  FiberStack(FiberStack&& other) noexcept : base_(other.base_), guard_(other.guard_) { other.base_ = nullptr; }
  FiberStack(const FiberStack&) = delete;
  FiberStack& operator=(const FiberStack&) = delete;
  FiberStack& operator=(FiberStack&&) = delete;

  /// Lowest usable address (stacks grow down from bottom() + size()).
  void* bottom() const { return base_ + guard_; }
  std::size_t size() const { return kSize; }

 private:
  std::byte* base_ = nullptr;
  std::size_t guard_ = 0;
};

}  // namespace lf::emu::detail
