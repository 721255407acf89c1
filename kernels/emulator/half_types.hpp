// __half and __nv_bfloat16 for the emulated build: 16-bit storage types with
// the conversion intrinsics of cuda_fp16.h / cuda_bf16.h that our kernels
// use. Conversions round to nearest even, as the GPU's cvt.rn does (the
// exact software conversions of liveformer/core/dtype.hpp). No arithmetic
// operators: kernels widen to f32, compute, and narrow, which is also what
// they do on the GPU.
#pragma once

#include <cstdint>

#include <liveformer/core/dtype.hpp>

struct __half {
  std::uint16_t bits_;
};
struct __nv_bfloat16 {
  std::uint16_t bits_;
};
static_assert(sizeof(__half) == 2 && sizeof(__nv_bfloat16) == 2);

inline float __half2float(__half h) { return ::lf::f16_to_f32(h.bits_); }
inline __half __float2half(float f) { return {::lf::f32_to_f16(f)}; }
inline __half __float2half_rn(float f) { return {::lf::f32_to_f16(f)}; }
inline __half __ushort_as_half(unsigned short bits) { return {bits}; }
inline unsigned short __half_as_ushort(__half h) { return h.bits_; }

inline float __bfloat162float(__nv_bfloat16 b) { return ::lf::bf16_to_f32(b.bits_); }
inline __nv_bfloat16 __float2bfloat16(float f) { return {::lf::f32_to_bf16(f)}; }
inline __nv_bfloat16 __float2bfloat16_rn(float f) { return {::lf::f32_to_bf16(f)}; }
inline __nv_bfloat16 __ushort_as_bfloat16(unsigned short bits) { return {bits}; }
inline unsigned short __bfloat16_as_ushort(__nv_bfloat16 b) { return b.bits_; }
