// Self-tests of the CUDA emulator (kernels/emulator/): indices, barriers,
// warp collectives, shared memory, atomics, and the misuse it must report.
#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <random>
#include <numeric>
#include <vector>

#include "cuda_compat.cuh"

namespace {

using lf::kernels::kFullWarpMask;

// ---- kernels under test (the emulated build only) ----

// Writes each thread's global linear id and the launch shape it saw.
__global__ void record_indices(unsigned* ids, unsigned* dims) {
  const unsigned block = blockIdx.x + gridDim.x * (blockIdx.y + gridDim.y * blockIdx.z);
  const unsigned threads = blockDim.x * blockDim.y * blockDim.z;
  const unsigned local = threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
  ids[block * threads + local] = block * threads + local;
  if (block == 0 && local == 0) {
    dims[0] = gridDim.x, dims[1] = gridDim.y, dims[2] = gridDim.z;
    dims[3] = blockDim.x, dims[4] = blockDim.y, dims[5] = blockDim.z;
  }
}

// Tree sum of 1..blockDim.x in dynamic shared memory. Each level reads what
// other threads wrote at the level before, so it is right only if
// __syncthreads really waits for the whole block (with_barrier = false shows
// the answer is wrong otherwise).
__global__ void tree_sum(float* out, bool with_barrier) {
  LF_DYNAMIC_SHARED(float, s);
  const unsigned t = threadIdx.x;
  s[t] = static_cast<float>(t + 1);
  if (with_barrier) __syncthreads();
  for (unsigned stride = blockDim.x / 2; stride > 0; stride /= 2) {
    if (t < stride) s[t] += s[t + stride];
    if (with_barrier) __syncthreads();
  }
  if (t == 0) out[blockIdx.x] = s[0];
}

// Static __shared__ is one object per block: thread 0 writes, all read.
__global__ void broadcast_static_shared(int* out) {
  __shared__ int value;
  if (threadIdx.x == 0) value = 1000 + static_cast<int>(blockIdx.x);
  __syncthreads();
  out[blockIdx.x * blockDim.x + threadIdx.x] = value;
}

// The warp collectives, each lane recording its results.
__global__ void warp_collectives(float* xor_sum, float* down_sum, int* down_edge, int* idx, int* up,
                                 unsigned* ballot, int* any_all) {
  const unsigned tid = threadIdx.x, lane = tid % 32, warp = tid / 32;
  const float v = static_cast<float>(warp * 100 + lane);
  float x = v;
  for (int o = 16; o > 0; o /= 2) x += __shfl_xor_sync(kFullWarpMask, x, o);
  xor_sum[tid] = x;
  float d = v;
  for (unsigned o = 16; o > 0; o /= 2) d += __shfl_down_sync(kFullWarpMask, d, o);
  down_sum[tid] = d;
  down_edge[tid] = __shfl_down_sync(kFullWarpMask, static_cast<int>(lane), 3u);
  idx[tid] = __shfl_sync(kFullWarpMask, static_cast<int>(lane * 7 + warp), 5);
  up[tid] = __shfl_up_sync(kFullWarpMask, static_cast<int>(lane), 2u);
  ballot[tid] = __ballot_sync(kFullWarpMask, lane % 2 == 1);
  any_all[tid] = __any_sync(kFullWarpMask, lane == 7) * 10 + __all_sync(kFullWarpMask, lane < 31);
}

// Width 8: xor stays inside groups of 8 lanes.
__global__ void segmented_xor(int* out) {
  int x = static_cast<int>(threadIdx.x);
  for (int o = 4; o > 0; o /= 2) x += __shfl_xor_sync(kFullWarpMask, x, o, 8);
  out[threadIdx.x] = x;
}

__global__ void count_threads(unsigned* counter) { atomicAdd(counter, 1u); }

// Each thread gets its own copy of the parameters.
__global__ void private_params(int base, int* out) {
  base += static_cast<int>(threadIdx.x);
  out[threadIdx.x] = base;
}

// Per-block maximum and sum through atomics on global memory.
__global__ void atomic_max_and_sum(const int* values, int* max_out, float* sum_out) {
  const unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
  atomicMax(max_out, values[i]);
  atomicAdd(sum_out, static_cast<float>(values[i]));
}

// A shuffle by half a warp with a matching 16-lane mask is legal.
__global__ void half_warp_shuffle(int* out) {
  if (threadIdx.x < 16) {
    int x = static_cast<int>(threadIdx.x);
    for (int o = 8; o > 0; o /= 2) x += __shfl_xor_sync(0x0000ffffu, x, o);
    out[threadIdx.x] = x;
  }
}

// Round trips through __half / __nv_bfloat16 and the bit-pattern views.
__global__ void convert_halves(const float* in, unsigned short* f16_bits, unsigned short* bf16_bits, float* f16_back,
                               float* bf16_back) {
  const unsigned i = threadIdx.x;
  const __half h = __float2half_rn(in[i]);
  const __nv_bfloat16 b = __float2bfloat16_rn(in[i]);
  f16_bits[i] = __half_as_ushort(h);
  bf16_bits[i] = __bfloat16_as_ushort(b);
  f16_back[i] = __half2float(__ushort_as_half(f16_bits[i]));
  bf16_back[i] = __bfloat162float(__ushort_as_bfloat16(bf16_bits[i]));
}

// ---- misuse the emulator must report ----
__global__ void divergent_barrier() {
  if (threadIdx.x < 16) __syncthreads();
}
__global__ void two_barrier_sites() {
  if (threadIdx.x % 2) {
    __syncthreads();
  } else {
    __syncthreads();
  }
}
__global__ void shuffle_missing_lanes(float* out) {
  if (threadIdx.x < 16) out[threadIdx.x] = __shfl_xor_sync(kFullWarpMask, 1.0f, 1);
}
__global__ void shuffle_mask_mismatch(float* out) {
  const unsigned mask = threadIdx.x == 3 ? 0x0000ffffu : kFullWarpMask;
  out[threadIdx.x] = __shfl_xor_sync(mask, 1.0f, 1);
}
__global__ void shuffle_partial_warp(float* out) { out[threadIdx.x] = __shfl_xor_sync(kFullWarpMask, 1.0f, 1); }
__global__ void shared_overflow(int n) {
  LF_DYNAMIC_SHARED(float, s);
  if (threadIdx.x == 0) s[n] = 1.0f;  // one past the n floats requested
}
__global__ void ballot_mask_mismatch(unsigned* out) {
  const unsigned mask = threadIdx.x < 8 ? 0x000000ffu : kFullWarpMask;
  out[threadIdx.x] = __ballot_sync(mask, 1);
}
__global__ void any_in_divergent_branch(int* out) {
  if (threadIdx.x % 2 == 0) out[threadIdx.x] = __any_sync(kFullWarpMask, 1);
}
__global__ void barrier_in_one_warp(float* out) {
  if (threadIdx.x < 32) {
    __syncthreads();
    out[threadIdx.x] = 1.0f;
  }
}
__global__ void throwing_kernel() {
  if (threadIdx.x == 5) throw std::runtime_error("thread 5 failed");
}

}  // namespace

TEST_CASE("emulator: every thread of a 3-D grid runs once with its own indices", "[emulator]") {
  const dim3 grid(3, 2, 2), block(5, 3, 2);
  const unsigned total = 3 * 2 * 2 * 5 * 3 * 2;
  std::vector<unsigned> ids(total, 0xFFFFFFFFu), dims(6, 0);
  lf::emu::launch(record_indices, grid, block, 0, ids.data(), dims.data());
  for (unsigned i = 0; i < total; ++i) REQUIRE(ids[i] == i);
  CHECK(dims == std::vector<unsigned>{3, 2, 2, 5, 3, 2});
}

TEST_CASE("emulator: __syncthreads is a real barrier", "[emulator]") {
  for (unsigned threads : {32u, 64u, 256u, 1024u}) {
    std::vector<float> out(3, 0.0f);
    lf::emu::launch(tree_sum, dim3(3), dim3(threads), threads * sizeof(float), out.data(), true);
    const float want = static_cast<float>(threads) * (threads + 1) / 2;
    for (float v : out) CHECK(v == want);
    // The same kernel without its barriers reads shared memory before other
    // threads wrote it, so the test above can tell a barrier from none.
    lf::emu::launch(tree_sum, dim3(3), dim3(threads), threads * sizeof(float), out.data(), false);
    CHECK_FALSE(out[0] == want);
  }
}

TEST_CASE("emulator: static __shared__ is shared by the block and per block", "[emulator]") {
  std::vector<int> out(4 * 96, 0);
  lf::emu::launch(broadcast_static_shared, dim3(4), dim3(96), 0, out.data());
  for (int b = 0; b < 4; ++b)
    for (int t = 0; t < 96; ++t) REQUIRE(out[b * 96 + t] == 1000 + b);
}

TEST_CASE("emulator: warp shuffles, ballot, any and all", "[emulator]") {
  const int n = 96;  // three warps with different values
  std::vector<float> xor_sum(n), down_sum(n);
  std::vector<int> down_edge(n), idx(n), up(n), any_all(n);
  std::vector<unsigned> ballot(n);
  lf::emu::launch(warp_collectives, dim3(1), dim3(n), 0, xor_sum.data(), down_sum.data(), down_edge.data(),
                  idx.data(), up.data(), ballot.data(), any_all.data());
  for (int t = 0; t < n; ++t) {
    const int lane = t % 32, warp = t / 32;
    const float warp_total = static_cast<float>(warp * 100 * 32 + 31 * 32 / 2);
    INFO("thread " << t);
    CHECK(xor_sum[t] == warp_total);
    if (lane == 0) CHECK(down_sum[t] == warp_total);
    // Lanes whose source is past the warp's end keep their own value.
    CHECK(down_edge[t] == (lane + 3 < 32 ? lane + 3 : lane));
    CHECK(idx[t] == 5 * 7 + warp);
    CHECK(up[t] == (lane >= 2 ? lane - 2 : lane));
    CHECK(ballot[t] == 0xAAAAAAAAu);
    CHECK(any_all[t] == 10);  // some lane is 7; not all lanes are < 31
  }
}

TEST_CASE("emulator: shuffle width splits the warp into segments", "[emulator]") {
  std::vector<int> out(32);
  lf::emu::launch(segmented_xor, dim3(1), dim3(32), 0, out.data());
  for (int t = 0; t < 32; ++t) {
    const int first = t / 8 * 8;
    CHECK(out[t] == 8 * first + 28);  // first + (first+1) + ... + (first+7)
  }
}

TEST_CASE("emulator: atomics and per-thread parameters", "[emulator]") {
  unsigned counter = 0;
  lf::emu::launch(count_threads, dim3(7, 3), dim3(33, 2), 0, &counter);
  CHECK(counter == 7u * 3 * 33 * 2);
  std::vector<int> out(40);
  lf::emu::launch(private_params, dim3(1), dim3(40), 0, 100, out.data());
  for (int t = 0; t < 40; ++t) CHECK(out[t] == 100 + t);
}

TEST_CASE("emulator: reports misuse as errors", "[emulator]") {
  using Catch::Matchers::Contains;
  std::vector<float> out(64);
  REQUIRE_THROWS_WITH(lf::emu::launch(divergent_barrier, dim3(1), dim3(32), 0),
                      Contains("divergent __syncthreads") && Contains("exited without reaching it"));
  REQUIRE_THROWS_WITH(lf::emu::launch(two_barrier_sites, dim3(1), dim3(32), 0),
                      Contains("divergent __syncthreads"));
  REQUIRE_THROWS_WITH(lf::emu::launch(shuffle_missing_lanes, dim3(1), dim3(32), 0, out.data()),
                      Contains("__shfl_xor_sync") && Contains("exited without joining"));
  REQUIRE_THROWS_WITH(lf::emu::launch(shuffle_mask_mismatch, dim3(1), dim3(32), 0, out.data()),
                      Contains("lanes disagree") || Contains("does not include the calling lane"));
  REQUIRE_THROWS_WITH(lf::emu::launch(shuffle_partial_warp, dim3(1), dim3(48), 0, out.data()),
                      Contains("which does not exist"));
#if !defined(LF_EMU_ASAN)  // under ASan the poisoned canary aborts the program instead
  REQUIRE_THROWS_WITH(lf::emu::launch(shared_overflow, dim3(1), dim3(32), 8 * sizeof(float), 8),
                      Contains("wrote past the 32 bytes of dynamic shared memory"));
#endif
  std::vector<unsigned> bits(32);
  REQUIRE_THROWS_WITH(lf::emu::launch(ballot_mask_mismatch, dim3(1), dim3(32), 0, bits.data()),
                      Contains("__ballot_sync") && (Contains("lanes disagree") || Contains("does not include")));
  std::vector<int> flags(32);
  REQUIRE_THROWS_WITH(lf::emu::launch(any_in_divergent_branch, dim3(1), dim3(32), 0, flags.data()),
                      Contains("__any_sync") && Contains("exited without joining"));
  REQUIRE_THROWS_WITH(lf::emu::launch(barrier_in_one_warp, dim3(1), dim3(64), 0, out.data()),
                      Contains("divergent __syncthreads") && Contains("exited without reaching it"));
  REQUIRE_THROWS_WITH(lf::emu::launch(throwing_kernel, dim3(1), dim3(32), 0), "thread 5 failed");
  REQUIRE_THROWS_WITH(lf::emu::launch(count_threads, dim3(1), dim3(2048), 0, static_cast<unsigned*>(nullptr)),
                      Contains("invalid block"));
  REQUIRE_THROWS_WITH(lf::emu::launch(tree_sum, dim3(1), dim3(32), 64 * 1024, out.data(), true),
                      Contains("exceed the default limit"));
  // The emulator is usable again after a failed launch.
  std::vector<float> sums(1);
  lf::emu::launch(tree_sum, dim3(1), dim3(64), 64 * sizeof(float), sums.data(), true);
  CHECK(sums[0] == 64.0f * 65 / 2);
}

TEST_CASE("emulator: atomicMax and float atomicAdd", "[emulator]") {
  std::vector<int> values(5 * 64);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<int>((i * 7919) % 1000) - 500;
  int max_out = std::numeric_limits<int>::min();
  float sum_out = 0.0f;
  lf::emu::launch(atomic_max_and_sum, dim3(5), dim3(64), 0, values.data(), &max_out, &sum_out);
  CHECK(max_out == *std::max_element(values.begin(), values.end()));
  CHECK(sum_out == static_cast<float>(std::accumulate(values.begin(), values.end(), 0)));
}

TEST_CASE("emulator: a shuffle among the lanes of a partial mask", "[emulator]") {
  std::vector<int> out(32, -1);
  lf::emu::launch(half_warp_shuffle, dim3(1), dim3(32), 0, out.data());
  for (int t = 0; t < 16; ++t) CHECK(out[t] == 120);  // 0 + 1 + ... + 15
  for (int t = 16; t < 32; ++t) CHECK(out[t] == -1);
}

// f16 / bf16 conversions round to the nearest representable value (ties to
// even): checked against the neighbouring bit patterns, not against the
// conversion code itself.
TEST_CASE("emulator: __half and __nv_bfloat16 conversions round to nearest", "[emulator]") {
  std::vector<float> in = {0.0f, -0.0f, 1.0f, -2.5f, 65504.0f, 1e-7f, 6.1e-5f, 3.14159265f, 1.0f + 1.0f / 2048,
                           1.0f + 3.0f / 2048, 1.0f + 1.0f / 256, 1e30f, -1e-30f};
  std::mt19937 rng(7);
  std::normal_distribution<float> dist(0.0f, 100.0f);
  while (in.size() < 96) in.push_back(dist(rng));
  const std::size_t n = in.size();
  std::vector<unsigned short> f16(n), bf16(n);
  std::vector<float> f16_back(n), bf16_back(n);
  lf::emu::launch(convert_halves, dim3(1), dim3(static_cast<unsigned>(n)), 0, in.data(), f16.data(), bf16.data(),
                  f16_back.data(), bf16_back.data());
  CHECK(f16[2] == 0x3C00);  // 1.0
  CHECK(f16[4] == 0x7BFF);  // 65504, the largest finite half
  CHECK(f16[8] == 0x3C00);  // 1 + 2^-11 is a tie: to even (1.0)
  CHECK(f16[9] == 0x3C02);  // 1 + 3·2^-11 is a tie: to even (1 + 2^-9)
  CHECK(bf16[2] == 0x3F80);
  CHECK(bf16[10] == 0x3F80);  // 1 + 2^-8 is a tie for bf16: to even
  auto f16_value = [](unsigned bits) { return static_cast<double>(lf::f16_to_f32(static_cast<std::uint16_t>(bits))); };
  auto bf16_value = [](unsigned bits) { return static_cast<double>(std::bit_cast<float>(bits << 16)); };
  for (std::size_t i = 0; i < n; ++i) {
    INFO("input " << in[i]);
    const double x = in[i];
    CHECK(f16_back[i] == static_cast<float>(f16_value(f16[i])));
    CHECK(bf16_back[i] == bf16_value(bf16[i]));
    if (std::abs(x) >= 65520.0) continue;  // rounds to infinity in f16
    // No neighbouring pattern is closer to x than the chosen one.
    for (int step : {-1, 1}) {
      const unsigned nf = static_cast<unsigned>(f16[i] + step) & 0xFFFFu;
      if ((nf & 0x7C00u) != 0x7C00u) CHECK(std::abs(f16_value(f16[i]) - x) <= std::abs(f16_value(nf) - x));
      const unsigned nb = static_cast<unsigned>(bf16[i] + step) & 0xFFFFu;
      if ((nb & 0x7F80u) != 0x7F80u) CHECK(std::abs(bf16_value(bf16[i]) - x) <= std::abs(bf16_value(nb) - x));
    }
  }
}
