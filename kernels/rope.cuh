// Rotary position embeddings, both layouts: one block per token.
#pragma once

#include "cuda_compat.cuh"

namespace lf::kernels::inline LF_CUDA_FLAVOUR {

struct RopeShape {
  int heads, head_dim, rotary_dim;
  long long position_offset;  // position of token 0 when positions is null
  double theta;
  bool rotate_half;  // pairs (i, i + rot/2) (GPT-NeoX) instead of (2i, 2i + 1)
};

/// Rotates every head of one token. Each thread owns pairs i of the token
/// and applies them to all heads, so cos/sin are computed once per (token,
/// pair). The angle pos · theta^(-2i/rot) is formed and its cos/sin taken
/// in double: in f32 the angle's rounding at positions in the thousands is
/// ~1e-4, far above the 1e-5 tolerance (and above what the CPU op does).
/// Cost: T·rot/2 double sincos, negligible beside the T·H·D reads. x may
/// alias out (each element is read and written by one thread).
__global__ void rope_kernel(const float* x, float* out, const int* positions, RopeShape s) {
  const long long token = blockIdx.x;
  const long long pos = positions ? positions[token] : s.position_offset + token;
  const int half = s.rotary_dim / 2;
  const long long token_base = token * s.heads * s.head_dim;
  for (int i = threadIdx.x; i < half; i += blockDim.x) {
    const double angle = static_cast<double>(pos) * pow(s.theta, -2.0 * i / s.rotary_dim);
    const float c = static_cast<float>(cos(angle)), sn = static_cast<float>(sin(angle));
    const int a = s.rotate_half ? i : 2 * i;
    const int b = s.rotate_half ? i + half : 2 * i + 1;
    for (int h = 0; h < s.heads; ++h) {
      const long long base = token_base + static_cast<long long>(h) * s.head_dim;
      const float x0 = x[base + a], x1 = x[base + b];
      out[base + a] = x0 * c - x1 * sn;
      out[base + b] = x0 * sn + x1 * c;
    }
  }
  if (x != out) {  // dimensions past rotary_dim pass through
    const int rest = s.head_dim - s.rotary_dim;
    for (int k = threadIdx.x; k < s.heads * rest; k += blockDim.x) {
      const long long e = token_base + static_cast<long long>(k / rest) * s.head_dim + s.rotary_dim + k % rest;
      out[e] = x[e];
    }
  }
}

}  // namespace lf::kernels
