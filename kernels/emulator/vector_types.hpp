// CUDA's built-in vector types that our kernels use for 8- and 16-byte
// loads (uint2, uint4, float2, float4, int4), with CUDA's alignment, so a
// misaligned vector load is as wrong here (UBSan/ASan) as on the GPU.
#pragma once

struct alignas(8) uint2 {
  unsigned x, y;
};
struct alignas(16) uint4 {
  unsigned x, y, z, w;
};
struct alignas(8) float2 {
  float x, y;
};
struct alignas(16) float4 {
  float x, y, z, w;
};
struct alignas(16) int4 {
  int x, y, z, w;
};

inline float2 make_float2(float x, float y) { return {x, y}; }
inline float4 make_float4(float x, float y, float z, float w) { return {x, y, z, w}; }
