// Decode-shaped matrix-vector products with f16 / bf16 / q8_0 / q4_0
// weights (matmul_weights), per kernel variant, next to the two limits
// they are judged against, all measured in the same run:
//   mem_read   - one thread streaming through 512 MiB (the roofline for a
//                memory-bound matvec), and memcpy for reference;
//   eigen_f32  - the existing f32 lf::matmul on the same shape.
// Each matvec benchmark reports bytes_per_second over its weight bytes and
// two ratios: vs_mem_read (fraction of the measured read bandwidth) and
// vs_eigen_f32 (weight-bytes/s relative to the f32 baseline; the speed-up
// in time per token is that ratio times f32 bytes / stored bytes).
// Weights are cycled through copies totalling >= 256 MiB so they come from
// DRAM, not the 32 MiB L3, as in a real model. Rates use wall time (the
// ratios are wall-time ratios too). Run (about 40 s):
//   build/benchmarks/liveformer_bench --benchmark_filter='mem_|eigen_f32|qmatvec'
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <liveformer/core/convert.hpp>
#include <liveformer/ops/matmul.hpp>
#include <liveformer/ops/packed_matmul.hpp>
#include <liveformer/ops/weight_matmul.hpp>

namespace {

constexpr std::int64_t kWorkingSet = 256ll << 20;

// Bandwidths measured by the reference benchmarks of this run (bytes/s),
// keyed by shape for the Eigen baseline; 0 until measured.
double g_read_bw = 0;
std::map<std::pair<std::int64_t, std::int64_t>, double> g_eigen_bw;

// Cheap deterministic fill (quality is irrelevant for timing).
void fill(float* p, std::int64_t n, std::uint32_t seed) {
  for (std::int64_t i = 0; i < n; ++i) {
    seed = seed * 1664525u + 1013904223u;
    p[i] = static_cast<float>(static_cast<std::int32_t>(seed >> 8) - (1 << 23)) * (1.0f / (1 << 23));
  }
}

// Enough copies of one random [n, k] weight matrix to exceed the caches.
struct WeightSet {
  std::vector<lf::Tensor> copies;
  std::int64_t bytes_each = 0;
};

const WeightSet& weights(lf::DType type, std::int64_t n, std::int64_t k) {
  static std::map<std::tuple<int, std::int64_t, std::int64_t>, WeightSet> cache;
  WeightSet& s = cache[{static_cast<int>(type), n, k}];
  if (!s.copies.empty()) return s;
  lf::Tensor first = lf::Tensor::empty({n, k}, type);
  {
    std::vector<float> row(static_cast<std::size_t>(k));
    for (std::int64_t r = 0; r < n; ++r) {
      fill(row.data(), k, static_cast<std::uint32_t>(r + 1));
      lf::from_f32_row(type, row.data(), first.bytes() + r * lf::dtype_bytes(type, k), k);
    }
  }
  s.bytes_each = first.nbytes();
  s.copies.push_back(first);
  while (static_cast<std::int64_t>(s.copies.size()) * s.bytes_each < kWorkingSet) {
    lf::Tensor c = lf::Tensor::empty({n, k}, type);
    std::memcpy(c.bytes(), first.bytes(), static_cast<std::size_t>(s.bytes_each));
    s.copies.push_back(c);
  }
  return s;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// ---- limits -----------------------------------------------------------

void BM_mem_read(benchmark::State& st) {
  const std::int64_t n = (512ll << 20) / 4;
  static const std::unique_ptr<float[]> buf = [n] {
    std::unique_ptr<float[]> b(new float[static_cast<std::size_t>(n)]);
    fill(b.get(), n, 7);
    return b;
  }();
  const auto* words = reinterpret_cast<const std::uint64_t*>(buf.get());
  const std::int64_t nw = n / 2;
  const auto t0 = std::chrono::steady_clock::now();
  for (auto _ : st) {
    // Integer adds vectorize without reassociation concerns, so the loop is
    // limited by the read, not by the adds.
    std::uint64_t s = 0;
    for (std::int64_t i = 0; i < nw; ++i) s += words[i];
    benchmark::DoNotOptimize(s);
  }
  g_read_bw = static_cast<double>(st.iterations()) * n * 4 / seconds_since(t0);
  st.SetBytesProcessed(st.iterations() * n * 4);
}

void BM_mem_copy(benchmark::State& st) {
  const std::size_t n = 256u << 20;
  std::unique_ptr<char[]> a(new char[n]), b(new char[n]);
  std::memset(a.get(), 1, n);
  std::memset(b.get(), 2, n);
  for (auto _ : st) {
    std::memcpy(b.get(), a.get(), n);
    benchmark::ClobberMemory();
  }
  st.SetBytesProcessed(st.iterations() * static_cast<std::int64_t>(n) * 2);  // read + write
}

void ratio_counters(benchmark::State& st, std::int64_t bytes_per_iter, std::int64_t n, std::int64_t k,
                    bool vs_eigen) {
  const double total = static_cast<double>(st.iterations()) * bytes_per_iter;
  st.SetBytesProcessed(static_cast<std::int64_t>(total));
  if (g_read_bw > 0) st.counters["vs_mem_read"] = benchmark::Counter(total / g_read_bw, benchmark::Counter::kIsRate);
  const auto it = g_eigen_bw.find({n, k});
  if (vs_eigen && it != g_eigen_bw.end())
    st.counters["vs_eigen_f32"] = benchmark::Counter(total / it->second, benchmark::Counter::kIsRate);
}

// ---- the f32 baseline -------------------------------------------------

void BM_eigen_f32(benchmark::State& st, std::int64_t m, std::int64_t n, std::int64_t k) {
  const WeightSet& w = weights(lf::DType::f32, n, k);
  lf::Tensor x = lf::Tensor::empty({m, k}), out = lf::Tensor::empty({m, n});
  fill(x.data<float>(), m * k, 3);
  std::size_t c = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (auto _ : st) {
    lf::matmul(x, w.copies[c], out);
    c = (c + 1) % w.copies.size();
  }
  if (m == 1) g_eigen_bw[{n, k}] = static_cast<double>(st.iterations()) * w.bytes_each / seconds_since(t0);
  ratio_counters(st, w.bytes_each, n, k, false);
}

// ---- fused kernels ----------------------------------------------------

void BM_qmatvec(benchmark::State& st, lf::DType type, lf::KernelIsa isa, std::int64_t m, std::int64_t n,
                std::int64_t k) {
  const WeightSet& w = weights(type, n, k);
  lf::Tensor x = lf::Tensor::empty({m, k}), out = lf::Tensor::empty({m, n});
  fill(x.data<float>(), m * k, 3);
  std::size_t c = 0;
  for (auto _ : st) {
    lf::matmul_weights(x, w.copies[c], out, isa);
    c = (c + 1) % w.copies.size();
  }
  ratio_counters(st, w.bytes_each, n, k, m == 1);
}

// Weights packed at load for AVX-512 (matmul_packed), same shapes.
void BM_packed(benchmark::State& st, lf::DType type, std::int64_t m, std::int64_t n, std::int64_t k) {
  const WeightSet& w = weights(type, n, k);
  static std::map<std::tuple<int, std::int64_t, std::int64_t>, std::vector<lf::PackedWeights>> packed;
  auto& copies = packed[{static_cast<int>(type), n, k}];
  if (copies.empty())
    for (const lf::Tensor& t : w.copies) copies.push_back(lf::PackedWeights::pack(t));
  lf::Tensor x = lf::Tensor::empty({m, k}), out = lf::Tensor::empty({m, n});
  fill(x.data<float>(), m * k, 3);
  std::size_t c = 0;
  for (auto _ : st) {
    lf::matmul_packed(x, copies[c], out);
    c = (c + 1) % copies.size();
  }
  ratio_counters(st, w.bytes_each, n, k, m == 1);
}

// Registered in this order so the limits are measured before the kernels.
const bool registered = [] {
  benchmark::RegisterBenchmark("mem_read/512MiB", BM_mem_read)->Unit(benchmark::kMillisecond)->MinTime(0.5)->UseRealTime();
  benchmark::RegisterBenchmark("mem_copy/256MiB", BM_mem_copy)->Unit(benchmark::kMillisecond)->MinTime(0.5)->UseRealTime();
  struct S {
    std::int64_t m, n, k;
  };
  // Decode: a 4096-wide projection, a scaled-down FFN (N 11008 -> 8192),
  // GPT-2-124M's FFN pair (short 768-wide rows: many row starts per byte),
  // and small batches (M = 4, 8: speculative decoding / several streams).
  // GPT-2's head (50,257 rows: not a multiple of 16) and a prefill batch of
  // its FFN (M = 512, where packed 16-bit weights are widened per cache run).
  const S shapes[] = {{1, 4096, 4096}, {1, 8192, 4096}, {1, 3072, 768}, {1, 768, 3072}, {4, 4096, 4096},
                      {8, 4096, 4096}, {1, 50257, 768}, {512, 3072, 768}};
  for (const S& s : shapes) {
    const std::string shape =
        "/M:" + std::to_string(s.m) + "/N:" + std::to_string(s.n) + "/K:" + std::to_string(s.k);
    benchmark::RegisterBenchmark(("eigen_f32" + shape).c_str(), BM_eigen_f32, s.m, s.n, s.k)
        ->Unit(benchmark::kMicrosecond)
        ->MinTime(0.3)
        ->UseRealTime();
    for (lf::DType type : {lf::DType::f16, lf::DType::bf16, lf::DType::q8_0, lf::DType::q4_0})
      for (lf::KernelIsa isa : lf::available_isas())
        benchmark::RegisterBenchmark(("qmatvec/" + std::string(lf::dtype_name(type)) + "/" +
                                      std::string(lf::isa_name(isa)) + shape)
                                         .c_str(),
                                     BM_qmatvec, type, isa, s.m, s.n, s.k)
            ->Unit(benchmark::kMicrosecond)
            ->MinTime(isa == lf::KernelIsa::scalar ? 0.1 : 0.3)
            ->UseRealTime();
    for (lf::DType type : {lf::DType::f32, lf::DType::f16, lf::DType::bf16, lf::DType::q8_0, lf::DType::q4_0})
      if (lf::PackedWeights::can_pack(lf::Tensor::empty({s.n, s.k}, type)))
        benchmark::RegisterBenchmark(("qmatvec/" + std::string(lf::dtype_name(type)) + "/packed" + shape).c_str(),
                                     BM_packed, type, s.m, s.n, s.k)
            ->Unit(benchmark::kMicrosecond)
            ->MinTime(0.3)
            ->UseRealTime();
  }
  return true;
}();

}  // namespace
