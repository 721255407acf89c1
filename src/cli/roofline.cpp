#include "roofline.hpp"

#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <vector>

#include "liveformer/core/error.hpp"
#include "liveformer/core/thread_pool.hpp"

namespace lf::cli {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Each thread owns a contiguous share of the arrays (first-touched by that
// thread, so pages sit where they are used).
struct Share {
  std::int64_t begin, end;
};

Share share_of(std::int64_t n, std::int64_t parts, std::int64_t i) {
  const std::int64_t per = (n + parts - 1) / parts;
  return {std::min(n, i * per), std::min(n, (i + 1) * per)};
}

// 16 independent accumulators hide the FMA latency (4 cycles x 2 ports
// needs >= 8); the loop body is FMAs only. Returns a value that depends on
// every accumulator so the compiler keeps them.
__attribute__((target("avx512f"))) float fma_chains_avx512(std::int64_t iterations) {
  __m512 acc[16];
  for (int i = 0; i < 16; ++i) acc[i] = _mm512_set1_ps(1.0f + 1e-3f * static_cast<float>(i));
  const __m512 m = _mm512_set1_ps(0.999999f), a = _mm512_set1_ps(1e-7f);
  for (std::int64_t it = 0; it < iterations; ++it)
    for (auto& v : acc) v = _mm512_fmadd_ps(v, m, a);
  __m512 s = acc[0];
  for (int i = 1; i < 16; ++i) s = _mm512_add_ps(s, acc[i]);
  alignas(64) float lanes[16];
  _mm512_store_ps(lanes, s);
  float t = 0;
  for (float x : lanes) t += x;
  return t;
}

__attribute__((target("avx2,fma"))) float fma_chains_avx2(std::int64_t iterations) {
  __m256 acc[12];
  for (int i = 0; i < 12; ++i) acc[i] = _mm256_set1_ps(1.0f + 1e-3f * static_cast<float>(i));
  const __m256 m = _mm256_set1_ps(0.999999f), a = _mm256_set1_ps(1e-7f);
  for (std::int64_t it = 0; it < iterations; ++it)
    for (auto& v : acc) v = _mm256_fmadd_ps(v, m, a);
  __m256 s = acc[0];
  for (int i = 1; i < 12; ++i) s = _mm256_add_ps(s, acc[i]);
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, s);
  float t = 0;
  for (float x : lanes) t += x;
  return t;
}

}  // namespace

double measure_triad_gbps(int threads, std::size_t bytes, int reps) {
  threads = std::max(threads, 1);
  const auto n = static_cast<std::int64_t>(bytes / (3 * sizeof(float)));
  // Uninitialised on purpose: the threads first-touch their own shares.
  std::unique_ptr<float[]> a(new float[static_cast<std::size_t>(n)]), b(new float[static_cast<std::size_t>(n)]),
      c(new float[static_cast<std::size_t>(n)]);
  ThreadPool pool(threads);
  pool.run(threads, [&](std::int64_t t) {
    const Share s = share_of(n, threads, t);
    for (std::int64_t i = s.begin; i < s.end; ++i) a[i] = 0.0f, b[i] = 1.0f, c[i] = 2.0f;
  });
  const float scale = 3.0f;
  double best = 0;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = Clock::now();
    pool.run(threads, [&](std::int64_t t) {
      const Share s = share_of(n, threads, t);
      float* __restrict pa = a.get();
      const float* __restrict pb = b.get();
      const float* __restrict pc = c.get();
      for (std::int64_t i = s.begin; i < s.end; ++i) pa[i] = pb[i] + scale * pc[i];
    });
    best = std::max(best, 3.0 * sizeof(float) * static_cast<double>(n) / seconds_since(t0) / 1e9);
  }
  LF_CHECK(a[n / 2] == 7.0f, "roofline", "triad produced a wrong value");  // the loop really ran
  return best;
}

double measure_peak_fma_gflops(int threads, int reps) {
  threads = std::max(threads, 1);
  const bool avx512 = __builtin_cpu_supports("avx512f");
  LF_CHECK(avx512 || (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")), "roofline",
           "measuring peak FMA needs AVX2+FMA or AVX-512");
  const std::int64_t iterations = 20'000'000;  // ~0.2 s per thread
  const double flops_per_thread = 2.0 * static_cast<double>(iterations) * (avx512 ? 16 * 16 : 12 * 8);
  ThreadPool pool(threads);
  std::vector<float> sink(static_cast<std::size_t>(threads));
  double best = 0;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = Clock::now();
    pool.run(threads, [&](std::int64_t t) {
      sink[static_cast<std::size_t>(t)] = avx512 ? fma_chains_avx512(iterations) : fma_chains_avx2(iterations);
    });
    best = std::max(best, flops_per_thread * threads / seconds_since(t0) / 1e9);
  }
  LF_CHECK(sink[0] > 0.0f, "roofline", "FMA chains produced a wrong value");
  return best;
}

ModelCost model_cost(const Model& model, double kv_element_bytes) {
  const ModelConfig& cfg = model.config();
  const ModelWeights& w = model.weights();
  ModelCost c;
  auto matrix = [&](const Tensor& t) {
    if (!t.defined() || t.rank() != 2) return;
    c.weight_bytes += static_cast<double>(t.nbytes());
    c.layer_flops += 2.0 * static_cast<double>(t.numel());
  };
  for (const LayerWeights& l : w.layers) {
    for (const Tensor* t : {&l.wqkv, &l.wq, &l.wk, &l.wv, &l.wo, &l.w_gate, &l.w_up, &l.w_down}) matrix(*t);
  }
  c.weight_bytes += static_cast<double>(w.output.nbytes());
  c.output_flops = 2.0 * static_cast<double>(w.output.numel());
  const double layers = static_cast<double>(cfg.n_layers);
  c.kv_bytes_per_position = 2.0 * layers * static_cast<double>(cfg.n_kv_heads * cfg.head_dim) * kv_element_bytes;
  c.attention_flops_per_pair = 4.0 * layers * static_cast<double>(cfg.n_heads * cfg.head_dim);
  return c;
}

double decode_bytes_per_token(const ModelCost& c, std::int64_t depth, std::int64_t n) {
  const double mean_positions = static_cast<double>(depth) + static_cast<double>(n + 1) / 2.0;
  return c.weight_bytes + c.kv_bytes_per_position * mean_positions;
}

double prefill_flops(const ModelCost& c, std::int64_t p) {
  const double pairs = static_cast<double>(p) * static_cast<double>(p + 1) / 2.0;  // causal
  return c.layer_flops * static_cast<double>(p) + c.output_flops + c.attention_flops_per_pair * pairs;
}

}  // namespace lf::cli
