// The heart of the CUDA emulator: runs a grid block by block, the threads of
// a block as cooperative ucontext fibers on the calling OS thread, so that
// __syncthreads and warp collectives have their real (blocking) semantics.
#pragma once

#include <ucontext.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <functional>
#include "call_site.hpp"
#include <string>
#include <vector>

#include <liveformer/core/error.hpp>

#include "dim3.hpp"
#include "fiber_stack.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define LF_EMU_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LF_EMU_ASAN 1
#endif
#endif
#ifdef LF_EMU_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

namespace lf::emu {

/// The warp-collective operations the emulator implements.
enum class WarpOp { sync, shfl, shfl_up, shfl_down, shfl_xor, ballot, any, all };

inline const char* warp_op_name(WarpOp op) {
  switch (op) {
    case WarpOp::sync: return "__syncwarp";
    case WarpOp::shfl: return "__shfl_sync";
    case WarpOp::shfl_up: return "__shfl_up_sync";
    case WarpOp::shfl_down: return "__shfl_down_sync";
    case WarpOp::shfl_xor: return "__shfl_xor_sync";
    case WarpOp::ballot: return "__ballot_sync";
    case WarpOp::any: return "__any_sync";
    case WarpOp::all: return "__all_sync";
  }
  return "?";
}

/// Limits of a launch, as on sm_80..sm_90 without opting in to more shared memory.
inline constexpr unsigned kMaxThreadsPerBlock = 1024;
inline constexpr std::size_t kMaxDynamicSharedBytes = 48 * 1024;

namespace detail {

inline constexpr unsigned kWarpSize = 32;
inline constexpr std::size_t kCanaryBytes = 64;       // after the dynamic shared memory
inline constexpr unsigned char kCanaryByte = 0xA5;

enum class State { ready, at_barrier, at_warp_op, done };

/// What a lane brings to a warp collective.
struct WarpRequest {
  WarpOp op = WarpOp::sync;
  unsigned mask = 0;
  std::uint64_t value = 0;  // the shuffled variable's bits, or the predicate
  int arg = 0;              // source lane, delta or lane mask
  int width = 32;
  ::lf::emu::CallSite where;
};

struct EmulatedThread {
  uint3 idx;
  unsigned lane = 0, warp = 0;  // linear index = warp * 32 + lane
  ucontext_t context{};
  State state = State::ready;
  ::lf::emu::CallSite barrier_at;
  WarpRequest request;
  std::uint64_t result = 0;
  void* fake_stack = nullptr;  // ASan's bookkeeping while switched out
};

inline std::string location(const ::lf::emu::CallSite& where) {
  std::string file = where.file_name();
  const auto slash = file.find_last_of('/');
  if (slash != std::string::npos) file.erase(0, slash + 1);
  return file + ":" + std::to_string(where.line());
}

inline std::string index_str(uint3 v) {
  return "(" + std::to_string(v.x) + "," + std::to_string(v.y) + "," + std::to_string(v.z) + ")";
}

inline bool same_site(const ::lf::emu::CallSite& a, const ::lf::emu::CallSite& b) {
  return a.line() == b.line() && a.column() == b.column() && std::strcmp(a.file_name(), b.file_name()) == 0;
}

inline std::string hex(unsigned v) {
  static const char* digits = "0123456789abcdef";
  std::string s = "0x";
  for (int shift = 28; shift >= 0; shift -= 4) s += digits[(v >> shift) & 0xF];
  return s;
}

/// Runs one launch. Emulated threads call back into it through current().
class BlockRunner {
 public:
  BlockRunner(dim3 grid, dim3 block, std::size_t shared_bytes, std::function<void()> body)
      : grid_(grid), block_(block), shared_bytes_(shared_bytes), body_(std::move(body)) {
    const char* op = "cuda emulator: launch";
    const unsigned long long threads = 1ull * block.x * block.y * block.z;
    LF_CHECK(threads >= 1 && threads <= kMaxThreadsPerBlock && block.z <= 64, op,
             "invalid block " + index_str({block.x, block.y, block.z}) + " (1..1024 threads, z <= 64)");
    LF_CHECK(grid.x >= 1 && grid.y >= 1 && grid.z >= 1 && grid.x <= 0x7fffffffu && grid.y <= 65535 &&
                 grid.z <= 65535,
             op, "invalid grid " + index_str({grid.x, grid.y, grid.z}));
    LF_CHECK(shared_bytes <= kMaxDynamicSharedBytes, op,
             std::to_string(shared_bytes) + " bytes of dynamic shared memory exceed the default limit of " +
                 std::to_string(kMaxDynamicSharedBytes));
  }

  /// Runs every block; throws lf::Error for an emulation failure and
  /// rethrows anything a kernel thread threw.
  void run() {
    LF_CHECK(current_runner() == nullptr, "cuda emulator: launch",
             "a kernel launched another kernel (dynamic parallelism is not emulated)");
    struct Scope {
      explicit Scope(BlockRunner* r) { current_runner() = r; }
      ~Scope() { current_runner() = nullptr; }
    } scope(this);

    threads_.resize(static_cast<std::size_t>(block_.x) * block_.y * block_.z);
    std::size_t i = 0;
    for (unsigned z = 0; z < block_.z; ++z)
      for (unsigned y = 0; y < block_.y; ++y)
        for (unsigned x = 0; x < block_.x; ++x, ++i) {
          threads_[i].idx = {x, y, z};
          threads_[i].lane = static_cast<unsigned>(i % kWarpSize);
          threads_[i].warp = static_cast<unsigned>(i / kWarpSize);
        }
    auto& stacks = stack_pool();
    while (stacks.size() < threads_.size()) stacks.emplace_back();
    shared_.assign(shared_bytes_ + kCanaryBytes, std::byte{0});

    for (unsigned z = 0; z < grid_.z; ++z)
      for (unsigned y = 0; y < grid_.y; ++y)
        for (unsigned x = 0; x < grid_.x; ++x) {
          block_idx_ = {x, y, z};
          run_block();
        }
  }

  // ---- called from inside emulated threads ----
  static BlockRunner& current() {
    BlockRunner* r = current_runner();
    if (!r || !r->current_) throw_error("cuda emulator", "device code called outside a kernel launch");
    return *r;
  }
  EmulatedThread& thread() { return *current_; }
  const uint3& block_idx() const { return block_idx_; }
  const dim3& block_dim() const { return block_; }
  const dim3& grid_dim() const { return grid_; }
  void* dynamic_shared() { return shared_bytes_ ? shared_.data() : nullptr; }

  void sync_threads(const ::lf::emu::CallSite& where) {
    current_->state = State::at_barrier;
    current_->barrier_at = where;
    switch_out(false);
  }

  std::uint64_t warp_op(const WarpRequest& request) {
    current_->request = request;
    current_->state = State::at_warp_op;
    switch_out(false);
    return current_->result;
  }

 private:
  static BlockRunner*& current_runner() {
    static thread_local BlockRunner* runner = nullptr;
    return runner;
  }
  static std::vector<FiberStack>& stack_pool() {
    static thread_local std::vector<FiberStack> pool;
    return pool;
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw_error("cuda emulator", "block " + index_str(block_idx_) + ": " + what);
  }

  void run_block() {
    // Uninitialised shared memory is not zero on a GPU: fill it with NaNs so
    // a kernel reading before writing shows up; the canary after it catches
    // writes past what the launch requested.
    std::memset(shared_.data(), 0xFF, shared_bytes_);
    std::memset(shared_.data() + shared_bytes_, kCanaryByte, kCanaryBytes);
#ifdef LF_EMU_ASAN
    ASAN_POISON_MEMORY_REGION(shared_.data() + shared_bytes_, kCanaryBytes);
#endif
    auto& stacks = stack_pool();
    stack_of_.resize(threads_.size());
    for (std::size_t i = 0; i < threads_.size(); ++i) {
      stack_of_[i] = &stacks[i];
      EmulatedThread& t = threads_[i];
      getcontext(&t.context);
      t.context.uc_stack.ss_sp = stacks[i].bottom();
      t.context.uc_stack.ss_size = stacks[i].size();
      t.context.uc_link = nullptr;
      makecontext(&t.context, &BlockRunner::entry, 0);
      t.state = State::ready;
      t.fake_stack = nullptr;
    }

    for (;;) {
      for (EmulatedThread& t : threads_) {
        if (t.state != State::ready) continue;
        switch_in(t);
        if (error_) {
          std::exception_ptr e = error_;
          error_ = nullptr;
          std::rethrow_exception(e);
        }
      }
      if (release_warp_ops()) continue;
      if (release_barrier()) continue;
      break;  // every thread is done
    }

#ifdef LF_EMU_ASAN
    ASAN_UNPOISON_MEMORY_REGION(shared_.data() + shared_bytes_, kCanaryBytes);
#endif
    for (std::size_t i = 0; i < kCanaryBytes; ++i)
      if (shared_[shared_bytes_ + i] != std::byte{kCanaryByte})
        fail("a thread wrote past the " + std::to_string(shared_bytes_) +
             " bytes of dynamic shared memory requested by the launch (at byte " +
             std::to_string(shared_bytes_ + i) + ")");
  }

  // Releases every warp collective whose lanes have all arrived; anything
  // else at this point can never complete, so it is reported.
  bool release_warp_ops() {
    bool released = false;
    for (EmulatedThread& t : threads_)
      if (t.state == State::at_warp_op) {
        release_warp_group(t);
        released = true;
      }
    return released;
  }

  void release_warp_group(EmulatedThread& leader) {
    const WarpRequest& r = leader.request;
    const std::string call = std::string(warp_op_name(r.op)) + "(mask " + hex(r.mask) + ") at " +
                             location(r.where) + " by thread " + index_str(leader.idx);
    if (!((r.mask >> leader.lane) & 1u)) fail(call + ": the mask does not include the calling lane");
    if (r.width < 1 || r.width > 32 || (r.width & (r.width - 1)) != 0)
      fail(call + ": width " + std::to_string(r.width) + " is not a power of two in [1, 32]");
    const std::size_t base = static_cast<std::size_t>(leader.warp) * kWarpSize;
    for (unsigned b = 0; b < kWarpSize; ++b) {
      if (!((r.mask >> b) & 1u)) continue;
      if (base + b >= threads_.size())
        fail(call + ": the mask names lane " + std::to_string(b) + ", which does not exist in a block of " +
             std::to_string(threads_.size()) + " threads");
      const EmulatedThread& o = threads_[base + b];
      if (o.state == State::done) fail(call + ": lane " + std::to_string(b) + " exited without joining it");
      if (o.state == State::at_barrier)
        fail(call + ": lane " + std::to_string(b) + " waits at __syncthreads at " + location(o.barrier_at) +
             " instead");
      const WarpRequest& q = o.request;
      if (q.op != r.op || q.mask != r.mask || q.width != r.width || !same_site(q.where, r.where))
        fail(call + ": lanes disagree: lane " + std::to_string(b) + " calls " + warp_op_name(q.op) + "(mask " +
             hex(q.mask) + ", width " + std::to_string(q.width) + ") at " + location(q.where));
    }
    // Every lane named by the mask is here: compute all results, then release.
    unsigned votes = 0;
    for (unsigned b = 0; b < kWarpSize; ++b)
      if (((r.mask >> b) & 1u) && threads_[base + b].request.value != 0) votes |= 1u << b;
    for (unsigned b = 0; b < kWarpSize; ++b) {
      if (!((r.mask >> b) & 1u)) continue;
      EmulatedThread& o = threads_[base + b];
      o.result = collective_result(o, votes, base);
      o.state = State::ready;
    }
  }

  std::uint64_t collective_result(const EmulatedThread& t, unsigned votes, std::size_t base) const {
    const WarpRequest& r = t.request;
    const unsigned lane = t.lane, w = static_cast<unsigned>(r.width);
    const unsigned segment = lane & ~(w - 1), arg = static_cast<unsigned>(r.arg);
    unsigned src = lane;
    switch (r.op) {
      case WarpOp::sync: return 0;
      case WarpOp::ballot: return votes;
      case WarpOp::any: return votes != 0;
      case WarpOp::all: return votes == r.mask;
      case WarpOp::shfl: src = segment | (arg & (w - 1)); break;
      case WarpOp::shfl_up: src = (lane - segment) >= arg ? lane - arg : lane; break;
      case WarpOp::shfl_down: src = (lane - segment) + arg < w ? lane + arg : lane; break;
      case WarpOp::shfl_xor: {
        const unsigned x = lane ^ arg;
        src = x < kWarpSize && (x & ~(w - 1)) == segment ? x : lane;
        break;
      }
    }
    if (!((r.mask >> src) & 1u))
      fail(std::string(warp_op_name(r.op)) + " at " + location(r.where) + ": lane " + std::to_string(lane) +
           " reads lane " + std::to_string(src) + ", which is not in the mask " + hex(r.mask));
    return threads_[base + src].request.value;
  }

  // Releases __syncthreads once every thread of the block waits at it.
  bool release_barrier() {
    const EmulatedThread* waiting = nullptr;
    const EmulatedThread* exited = nullptr;
    for (const EmulatedThread& t : threads_) {
      if (t.state == State::at_barrier && !waiting) waiting = &t;
      if (t.state == State::done && !exited) exited = &t;
    }
    if (!waiting) return false;
    if (exited)
      fail("divergent __syncthreads: thread " + index_str(waiting->idx) + " waits at " +
           location(waiting->barrier_at) + " but thread " + index_str(exited->idx) +
           " exited without reaching it");
    for (const EmulatedThread& t : threads_)
      if (!same_site(t.barrier_at, waiting->barrier_at))
        fail("divergent __syncthreads: thread " + index_str(waiting->idx) + " waits at " +
             location(waiting->barrier_at) + ", thread " + index_str(t.idx) + " at " + location(t.barrier_at));
    for (EmulatedThread& t : threads_) t.state = State::ready;
    return true;
  }

  // ---- fiber switching (with AddressSanitizer's fiber annotations) ----
  static void entry() {
    BlockRunner& r = *current_runner();
#ifdef LF_EMU_ASAN
    __sanitizer_finish_switch_fiber(nullptr, &r.scheduler_stack_, &r.scheduler_stack_size_);
#endif
    try {
      r.body_();
    } catch (...) {
      r.error_ = std::current_exception();
    }
    r.current_->state = State::done;
    r.switch_out(true);
  }

  void switch_in(EmulatedThread& t) {
    current_ = &t;
#ifdef LF_EMU_ASAN
    void* fake = nullptr;
    const FiberStack& stack = *stack_of_[static_cast<std::size_t>(&t - threads_.data())];
    __sanitizer_start_switch_fiber(&fake, stack.bottom(), stack.size());
#endif
    swapcontext(&scheduler_, &t.context);
#ifdef LF_EMU_ASAN
    __sanitizer_finish_switch_fiber(fake, nullptr, nullptr);
#endif
    current_ = nullptr;
  }

  void switch_out(bool exiting) {
    EmulatedThread& t = *current_;
#ifdef LF_EMU_ASAN
    __sanitizer_start_switch_fiber(exiting ? nullptr : &t.fake_stack, scheduler_stack_, scheduler_stack_size_);
#else
    (void)exiting;
#endif
    swapcontext(&t.context, &scheduler_);
#ifdef LF_EMU_ASAN
    __sanitizer_finish_switch_fiber(t.fake_stack, &scheduler_stack_, &scheduler_stack_size_);
#endif
  }

  dim3 grid_, block_;
  std::size_t shared_bytes_;
  std::function<void()> body_;
  uint3 block_idx_;
  std::vector<EmulatedThread> threads_;
  std::vector<const FiberStack*> stack_of_;
  std::vector<std::byte> shared_;
  ucontext_t scheduler_{};
  EmulatedThread* current_ = nullptr;
  std::exception_ptr error_;
  const void* scheduler_stack_ = nullptr;
  std::size_t scheduler_stack_size_ = 0;
};

}  // namespace detail
}  // namespace lf::emu
