// Which build of the CUDA sources this is. kernels/ and src/cuda/ are
// compiled twice (docs/cuda.md): for the CPU emulator and by nvcc. Their
// symbols live in an inline namespace named after the build, so that one
// program may link both (a test binary links the emulated backend and a
// libliveformer that carries the real one) without two definitions of
// lf::cuda::DeviceModel. Code still says lf::kernels:: and lf::cuda::.
#pragma once

#if defined(LF_EMULATE_CUDA)
#define LF_CUDA_FLAVOUR emulated
#else
#define LF_CUDA_FLAVOUR gpu
#endif
