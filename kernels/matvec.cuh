// Decode matrix-vector products out = x · wᵀ with weights read as stored
// (f16, bf16, GGUF q8_0, GGUF q4_0): dequantized in registers, never
// materialized in f32. Memory-bound: every weight byte is read once.
//
// One warp per output feature n (4 warps per block); the warp's lanes
// stride over the row's K weights, each keeps one partial sum per row of x
// (up to kMaxRows rows share one read of the weights), and a 5-step
// __shfl_xor_sync reduction combines the lanes.
#pragma once

#include "block_reduce.cuh"
#include "convert.cuh"

namespace lf::kernels::inline LF_CUDA_FLAVOUR {

/// The weight storage formats of the matvec kernels.
enum class MatvecFormat { f16, bf16, q8_0, q4_0 };

inline constexpr int kMatvecWarps = 4;    // output features per block
inline constexpr int kMatvecMaxRows = 4;  // rows of x per launch

/// Adds w[c..c+8) · x_r[c..c+8) to acc[r] for 8 f16/bf16 weights in `raw`.
template <int kRows, bool kBf16>
__device__ __forceinline__ void dot8(uint4 raw, const float* x, long long k, int c, float* acc) {
  const unsigned words[4] = {raw.x, raw.y, raw.z, raw.w};
  float wv[8];
  for (int i = 0; i < 4; ++i) {
    wv[2 * i] = kBf16 ? bf16_bits_to_float(words[i] & 0xFFFFu) : half_bits_to_float(words[i] & 0xFFFFu);
    wv[2 * i + 1] = kBf16 ? bf16_bits_to_float(words[i] >> 16) : half_bits_to_float(words[i] >> 16);
  }
  for (int r = 0; r < kRows; ++r) {
    const float4* xr = reinterpret_cast<const float4*>(x + r * k + c);
    const float4 a = xr[0], b = xr[1];
    acc[r] += wv[0] * a.x + wv[1] * a.y + wv[2] * a.z + wv[3] * a.w + wv[4] * b.x + wv[5] * b.y + wv[6] * b.z +
              wv[7] * b.w;
  }
}

/// f16 / bf16 weights [n_out, k]. With k % 8 == 0 each lane reads 16 bytes
/// (8 weights) per step, a warp 512 contiguous bytes; otherwise rows are not
/// 16-byte aligned and a scalar loop reads one weight per lane per step.
template <int kRows, bool kBf16>
__global__ void matvec_half_kernel(const unsigned short* w, const float* x, float* out, int n_out, int k) {
  const int lane = threadIdx.x % 32;
  const int n = blockIdx.x * kMatvecWarps + threadIdx.x / 32;
  if (n >= n_out) return;  // the whole warp leaves together: no collective skipped
  const unsigned short* row = w + static_cast<long long>(n) * k;
  float acc[kRows];
  for (int r = 0; r < kRows; ++r) acc[r] = 0.0f;
  if (k % 8 == 0) {
    for (int c = lane * 8; c < k; c += 32 * 8)
      dot8<kRows, kBf16>(*reinterpret_cast<const uint4*>(row + c), x, k, c, acc);
  } else {
    for (int c = lane; c < k; c += 32) {
      const float wv = kBf16 ? bf16_bits_to_float(row[c]) : half_bits_to_float(row[c]);
      for (int r = 0; r < kRows; ++r) acc[r] += wv * x[static_cast<long long>(r) * k + c];
    }
  }
  for (int r = 0; r < kRows; ++r) {
    const float total = warp_sum(acc[r]);
    if (lane == 0) out[static_cast<long long>(r) * n_out + n] = total;
  }
}

/// GGUF q8_0 / q4_0 weights: rows of k / 32 blocks of 34 / 18 bytes (an f16
/// scale d, then 32 int8 values, or 16 bytes of 4-bit pairs: element j is
/// the low nibble of byte j, element j + 16 the high one, both minus 8).
/// Lane l takes blocks l, l + 32, ...: a warp reads 32 consecutive blocks
/// (1088 / 576 contiguous bytes) per step. A block is only 2-byte aligned,
/// so the quants are read as 16-bit words; each block's integer-weighted sum
/// of x is scaled by d once.
template <int kRows, bool kQ4>
__global__ void matvec_quant_kernel(const unsigned char* w, const float* x, float* out, int n_out, int k) {
  constexpr int kBlockBytes = kQ4 ? 18 : 34;
  const int lane = threadIdx.x % 32;
  const int n = blockIdx.x * kMatvecWarps + threadIdx.x / 32;
  if (n >= n_out) return;
  const int blocks = k / 32;
  const unsigned char* row = w + static_cast<long long>(n) * blocks * kBlockBytes;
  float acc[kRows];
  for (int r = 0; r < kRows; ++r) acc[r] = 0.0f;
  for (int b = lane; b < blocks; b += 32) {
    const unsigned short* block = reinterpret_cast<const unsigned short*>(row + static_cast<long long>(b) * kBlockBytes);
    const float d = half_bits_to_float(block[0]);
    float q[32];
    if (kQ4) {
      for (int i = 0; i < 8; ++i) {
        const unsigned v = block[1 + i];  // bytes 2i and 2i + 1 of the quants
        q[2 * i] = static_cast<float>(static_cast<int>(v & 0xFu) - 8);
        q[2 * i + 1] = static_cast<float>(static_cast<int>((v >> 8) & 0xFu) - 8);
        q[2 * i + 16] = static_cast<float>(static_cast<int>((v >> 4) & 0xFu) - 8);
        q[2 * i + 17] = static_cast<float>(static_cast<int>(v >> 12) - 8);
      }
    } else {
      for (int i = 0; i < 16; ++i) {
        const unsigned v = block[1 + i];
        q[2 * i] = static_cast<float>(static_cast<signed char>(v & 0xFFu));
        q[2 * i + 1] = static_cast<float>(static_cast<signed char>(v >> 8));
      }
    }
    for (int r = 0; r < kRows; ++r) {
      const float4* xr = reinterpret_cast<const float4*>(x + static_cast<long long>(r) * k + b * 32);
      float s = 0.0f;
      for (int i = 0; i < 8; ++i) {
        const float4 v = xr[i];
        s += q[4 * i] * v.x + q[4 * i + 1] * v.y + q[4 * i + 2] * v.z + q[4 * i + 3] * v.w;
      }
      acc[r] += d * s;
    }
  }
  for (int r = 0; r < kRows; ++r) {
    const float total = warp_sum(acc[r]);
    if (lane == 0) out[static_cast<long long>(r) * n_out + n] = total;
  }
}

}  // namespace lf::kernels
