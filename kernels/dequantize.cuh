// GGUF q8_0 / q4_0 blocks -> f16, for prefill GEMMs with quantized weights:
// the backend dequantizes a tile of weight rows into a scratch buffer and
// hands it to cublasGemmEx, so the cost of unpacking is shared by every row
// of the prompt chunk (docs/cuda.md, "Backend notes").
//
// A weight tile is a contiguous run of GGUF blocks (rows are whole blocks),
// so the kernel ignores rows: CUDA block b takes GGUF blocks
// [256 b, 256 b + 256). Its threads first copy the group's bytes (8704 /
// 4608, a multiple of 16) into shared memory with 16-byte loads when the
// source is 16-byte aligned (a GGUF block alone is only 2-byte aligned),
// else 2-byte loads; then thread t unpacks GGUF block t from shared memory
// and writes its 32 f16 values (64 bytes) as four 16-byte stores.
// Each value is d · q computed in f32 (exact: 11 + 8 bits) and rounded to
// f16 once (nearest even), so it equals the CPU's dequantized f32 value
// rounded to f16.
#pragma once

#include "convert.cuh"

namespace lf::kernels::inline LF_CUDA_FLAVOUR {

inline constexpr int kDequantThreads = 256;  // GGUF blocks per CUDA block, one per thread

/// f16 bits of d · q, rounded once.
__device__ __forceinline__ unsigned dequant_half_bits(float d, int q) {
  return __half_as_ushort(__float2half_rn(d * static_cast<float>(q)));
}

template <bool kQ4>
__global__ void dequantize_kernel(const unsigned char* w, uint4* out, long long blocks, bool aligned16) {
  constexpr int kBlockBytes = kQ4 ? 18 : 34;
  constexpr int kGroupBytes = kDequantThreads * kBlockBytes;
  __shared__ __align__(16) unsigned char staged[kGroupBytes];

  const long long first = static_cast<long long>(blockIdx.x) * kDequantThreads;
  const long long left = blocks - first;
  const int count = left < kDequantThreads ? static_cast<int>(left) : kDequantThreads;
  const int bytes = count * kBlockBytes;  // even
  const unsigned char* src = w + first * kBlockBytes;

  int copied = 0;
  if (aligned16) {  // first * kBlockBytes is a multiple of 16: src stays aligned
    const int vectors = bytes / 16;
    for (int i = static_cast<int>(threadIdx.x); i < vectors; i += static_cast<int>(blockDim.x))
      reinterpret_cast<uint4*>(staged)[i] = reinterpret_cast<const uint4*>(src)[i];
    copied = vectors * 16;
  }
  for (int i = copied / 2 + static_cast<int>(threadIdx.x); i < bytes / 2; i += static_cast<int>(blockDim.x))
    reinterpret_cast<unsigned short*>(staged)[i] = reinterpret_cast<const unsigned short*>(src)[i];
  __syncthreads();

  const int t = static_cast<int>(threadIdx.x);
  if (t >= count) return;  // after the only barrier
  const unsigned short* block = reinterpret_cast<const unsigned short*>(staged + t * kBlockBytes);
  const float d = half_bits_to_float(block[0]);
  unsigned h[32];  // f16 bits of the block's 32 values, in order
  if (kQ4) {
    // Element j is the low nibble of quant byte j, element j + 16 the high one.
    for (int i = 0; i < 8; ++i) {
      const unsigned v = block[1 + i];  // quant bytes 2i (low 8 bits) and 2i + 1
      h[2 * i] = dequant_half_bits(d, static_cast<int>(v & 0xFu) - 8);
      h[2 * i + 1] = dequant_half_bits(d, static_cast<int>((v >> 8) & 0xFu) - 8);
      h[2 * i + 16] = dequant_half_bits(d, static_cast<int>((v >> 4) & 0xFu) - 8);
      h[2 * i + 17] = dequant_half_bits(d, static_cast<int>(v >> 12) - 8);
    }
  } else {
    for (int i = 0; i < 16; ++i) {
      const unsigned v = block[1 + i];
      h[2 * i] = dequant_half_bits(d, static_cast<signed char>(v & 0xFFu));
      h[2 * i + 1] = dequant_half_bits(d, static_cast<signed char>(v >> 8));
    }
  }
  uint4* dst = out + (first + t) * 4;
  for (int i = 0; i < 4; ++i) {
    const unsigned* p = h + 8 * i;
    uint4 v;
    v.x = p[0] | (p[1] << 16);
    v.y = p[2] | (p[3] << 16);
    v.z = p[4] | (p[5] << 16);
    v.w = p[6] | (p[7] << 16);
    dst[i] = v;
  }
}

}  // namespace lf::kernels
