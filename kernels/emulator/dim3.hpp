// CUDA's uint3 and dim3 for the emulated build (global namespace, as in CUDA).
#pragma once

/// A thread or block index (threadIdx, blockIdx).
struct uint3 {
  unsigned x = 0, y = 0, z = 0;
};

/// Grid and block extents; unspecified dimensions are 1, as in CUDA.
struct dim3 {
  unsigned x, y, z;
  constexpr dim3(unsigned vx = 1, unsigned vy = 1, unsigned vz = 1) : x(vx), y(vy), z(vz) {}
  constexpr dim3(uint3 v) : x(v.x), y(v.y), z(v.z) {}
};
