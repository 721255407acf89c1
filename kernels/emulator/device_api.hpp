// CUDA's device-side names for the emulated build: the qualifiers, the
// built-in index variables, barriers, warp collectives, atomics and the
// math intrinsics our kernels use. Everything forwards to the BlockRunner.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include "call_site.hpp"
#include <type_traits>

#include "block_runner.hpp"

namespace lf::emu {

/// The running block's dynamic shared memory (what LF_DYNAMIC_SHARED names).
inline void* dynamic_shared_memory() { return detail::BlockRunner::current().dynamic_shared(); }

namespace detail {

template <class T>
std::uint64_t to_bits(T v) {
  static_assert(std::is_trivially_copyable_v<T> && sizeof(T) <= 8, "warp shuffles move at most 8 bytes");
  std::uint64_t bits = 0;
  std::memcpy(&bits, &v, sizeof(T));
  return bits;
}

template <class T>
T from_bits(std::uint64_t bits) {
  T v;
  std::memcpy(&v, &bits, sizeof(T));
  return v;
}

template <class T>
T shuffle(WarpOp op, unsigned mask, T var, int arg, int width, const ::lf::emu::CallSite& where) {
  return from_bits<T>(BlockRunner::current().warp_op({op, mask, to_bits(var), arg, width, where}));
}

}  // namespace detail
}  // namespace lf::emu

// ---- qualifiers ----
// Kernels and device functions live in headers and may be seen by several
// translation units of the emulated build, hence `inline`. Static shared
// memory is one object per (OS thread, kernel): the threads of a block are
// fibers of one OS thread and blocks run one after another, so that object
// is exactly "the block's" shared memory.
#define __global__ inline
#define __device__
#define __host__
#define __forceinline__ inline __attribute__((always_inline))
#define __align__(n) __attribute__((aligned(n)))
#define __shared__ static thread_local

// ---- built-in variables ----
#define threadIdx (::lf::emu::detail::BlockRunner::current().thread().idx)
#define blockIdx (::lf::emu::detail::BlockRunner::current().block_idx())
#define blockDim (::lf::emu::detail::BlockRunner::current().block_dim())
#define gridDim (::lf::emu::detail::BlockRunner::current().grid_dim())
inline constexpr int warpSize = 32;

// ---- barriers and warp collectives ----
// The source location identifies the call site, so threads waiting at two
// different barriers (undefined behaviour on a GPU) are reported.
inline void __syncthreads(::lf::emu::CallSite where = LF_EMU_HERE) {
  ::lf::emu::detail::BlockRunner::current().sync_threads(where);
}
inline void __syncwarp(unsigned mask = 0xffffffffu, ::lf::emu::CallSite where = LF_EMU_HERE) {
  (void)::lf::emu::detail::BlockRunner::current().warp_op({::lf::emu::WarpOp::sync, mask, 0, 0, 32, where});
}
template <class T>
T __shfl_sync(unsigned mask, T var, int src_lane, int width = warpSize,
              ::lf::emu::CallSite where = LF_EMU_HERE) {
  return ::lf::emu::detail::shuffle(::lf::emu::WarpOp::shfl, mask, var, src_lane, width, where);
}
template <class T>
T __shfl_up_sync(unsigned mask, T var, unsigned delta, int width = warpSize,
                 ::lf::emu::CallSite where = LF_EMU_HERE) {
  return ::lf::emu::detail::shuffle(::lf::emu::WarpOp::shfl_up, mask, var, static_cast<int>(delta), width, where);
}
template <class T>
T __shfl_down_sync(unsigned mask, T var, unsigned delta, int width = warpSize,
                   ::lf::emu::CallSite where = LF_EMU_HERE) {
  return ::lf::emu::detail::shuffle(::lf::emu::WarpOp::shfl_down, mask, var, static_cast<int>(delta), width, where);
}
template <class T>
T __shfl_xor_sync(unsigned mask, T var, int lane_mask, int width = warpSize,
                  ::lf::emu::CallSite where = LF_EMU_HERE) {
  return ::lf::emu::detail::shuffle(::lf::emu::WarpOp::shfl_xor, mask, var, lane_mask, width, where);
}
inline unsigned __ballot_sync(unsigned mask, int predicate,
                              ::lf::emu::CallSite where = LF_EMU_HERE) {
  return static_cast<unsigned>(::lf::emu::detail::BlockRunner::current().warp_op(
      {::lf::emu::WarpOp::ballot, mask, predicate != 0, 0, 32, where}));
}
inline int __any_sync(unsigned mask, int predicate, ::lf::emu::CallSite where = LF_EMU_HERE) {
  return static_cast<int>(::lf::emu::detail::BlockRunner::current().warp_op(
      {::lf::emu::WarpOp::any, mask, predicate != 0, 0, 32, where}));
}
inline int __all_sync(unsigned mask, int predicate, ::lf::emu::CallSite where = LF_EMU_HERE) {
  return static_cast<int>(::lf::emu::detail::BlockRunner::current().warp_op(
      {::lf::emu::WarpOp::all, mask, predicate != 0, 0, 32, where}));
}

// ---- atomics ----
// A fiber is never switched out inside these, and blocks run one at a time,
// so a plain read-modify-write is atomic here. Only the overloads CUDA has:
// atomicAdd for int, unsigned, unsigned long long, float and double;
// atomicMax for the integer types (a float atomicMax does not compile on
// the GPU, so it must not compile here either).
template <class T>
T atomicAdd(T* address, T value) {
  static_assert(std::is_same_v<T, int> || std::is_same_v<T, unsigned> || std::is_same_v<T, unsigned long long> ||
                    std::is_same_v<T, float> || std::is_same_v<T, double>,
                "atomicAdd: CUDA has no overload for this type");
  const T old = *address;
  *address = old + value;
  return old;
}
template <class T>
T atomicMax(T* address, T value) {
  static_assert(std::is_same_v<T, int> || std::is_same_v<T, unsigned> || std::is_same_v<T, unsigned long long> ||
                    std::is_same_v<T, long long>,
                "atomicMax: CUDA has it for integer types only");
  const T old = *address;
  if (value > old) *address = value;
  return old;
}

// ---- math intrinsics (exact versions of the fast GPU ones) ----
// CUDA's math library has the classification functions in the global
// namespace; libstdc++'s <cmath> only in std.
using std::isfinite;
using std::isinf;
using std::isnan;
inline float rsqrtf(float x) { return 1.0f / std::sqrt(x); }
inline float __expf(float x) { return std::exp(x); }
inline float __logf(float x) { return std::log(x); }
inline float __fdividef(float a, float b) { return a / b; }
template <class T>
T __ldg(const T* p) {
  return *p;
}
inline float __int_as_float(int v) { return std::bit_cast<float>(v); }
inline int __float_as_int(float v) { return std::bit_cast<int>(v); }
inline float __uint_as_float(unsigned v) { return std::bit_cast<float>(v); }
inline unsigned __float_as_uint(float v) { return std::bit_cast<unsigned>(v); }
