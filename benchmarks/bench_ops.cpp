// Micro-benchmarks of the CPU ops (Google Benchmark). Counters: FLOP/s for
// compute-bound ops, bytes/s for memory-bound ones. Run:
//   build/benchmarks/liveformer_bench --benchmark_filter=attention
#include <benchmark/benchmark.h>

#include <random>

#include <liveformer/core/convert.hpp>
#include <liveformer/liveformer.hpp>

namespace {

lf::Tensor random(const lf::Shape& s) {
  static std::mt19937 rng(1);
  std::normal_distribution<float> dist;
  lf::Tensor t = lf::Tensor::empty(s);
  for (std::int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

void flops(benchmark::State& st, double per_iteration) {
  st.counters["FLOP/s"] = benchmark::Counter(per_iteration, benchmark::Counter::kIsIterationInvariantRate,
                                             benchmark::Counter::kIs1000);
}

// matmul: M tokens x K inputs -> N outputs (M = 1 is a decode step).
void BM_matmul(benchmark::State& st) {
  const std::int64_t m = st.range(0), k = st.range(1), n = st.range(2);
  const lf::Tensor a = random({m, k}), b = random({n, k});
  lf::Tensor out = lf::Tensor::empty({m, n});
  for (auto _ : st) lf::matmul(a, b, out);
  flops(st, 2.0 * m * k * n);
  st.SetBytesProcessed(st.iterations() * (m * k + n * k + m * n) * 4);
}
BENCHMARK(BM_matmul)->Args({1, 1024, 1024})->Args({1, 4096, 1024})->Args({128, 1024, 1024})->Args({512, 1024, 1024});

// The projection GEMM the forward pass runs (matmul_weights, batch-
// invariant) per weight type, next to BM_matmul (Eigen) on the same shapes.
void BM_linear(benchmark::State& st, lf::DType type) {
  const std::int64_t m = st.range(0), k = st.range(1), n = st.range(2);
  const lf::Tensor a = random({m, k}), wf = random({n, k});
  lf::Tensor w = lf::Tensor::empty({n, k}, type);
  for (std::int64_t r = 0; r < n; ++r)
    lf::from_f32_row(type, wf.data<float>() + r * k, w.bytes() + lf::dtype_bytes(type, r * k), k);
  lf::Tensor out = lf::Tensor::empty({m, n});
  for (auto _ : st) lf::matmul_weights(a, w, out);
  flops(st, 2.0 * m * k * n);
  st.SetBytesProcessed(st.iterations() * w.nbytes());
}
BENCHMARK_CAPTURE(BM_linear, f32, lf::DType::f32)->Args({1, 1024, 1024})->Args({128, 1024, 1024})->Args({512, 1024, 1024});
BENCHMARK_CAPTURE(BM_linear, f16, lf::DType::f16)->Args({1, 1024, 1024})->Args({128, 1024, 1024});
BENCHMARK_CAPTURE(BM_linear, bf16, lf::DType::bf16)->Args({1, 1024, 1024})->Args({128, 1024, 1024});
BENCHMARK_CAPTURE(BM_linear, q8_0, lf::DType::q8_0)->Args({1, 1024, 1024})->Args({128, 1024, 1024});
BENCHMARK_CAPTURE(BM_linear, q4_0, lf::DType::q4_0)->Args({1, 1024, 1024})->Args({128, 1024, 1024});

void BM_softmax(benchmark::State& st) {
  lf::Tensor x = random({64, st.range(0)});
  for (auto _ : st) lf::softmax(x, x);
  st.SetBytesProcessed(st.iterations() * x.numel() * 8);
}
BENCHMARK(BM_softmax)->Arg(512)->Arg(4096);

void BM_rms_norm(benchmark::State& st) {
  lf::Tensor x = random({st.range(0), 1024}), w = random({1024});
  for (auto _ : st) lf::rms_norm(x, w, 1e-6f, x);
  st.SetBytesProcessed(st.iterations() * x.numel() * 8);
}
BENCHMARK(BM_rms_norm)->Arg(1)->Arg(128);

void BM_layer_norm(benchmark::State& st) {
  lf::Tensor x = random({st.range(0), 1024}), w = random({1024}), b = random({1024});
  for (auto _ : st) lf::layer_norm(x, w, b, 1e-5f, x);
  st.SetBytesProcessed(st.iterations() * x.numel() * 8);
}
BENCHMARK(BM_layer_norm)->Arg(1)->Arg(128);

void BM_rope(benchmark::State& st) {
  lf::Tensor x = random({st.range(0), 16, 64});
  lf::RopeOptions o;
  o.position_offset = 100;
  for (auto _ : st) lf::rope(x, x, o);
  st.SetBytesProcessed(st.iterations() * x.numel() * 8);
}
BENCHMARK(BM_rope)->Arg(1)->Arg(128);

// One query token against a KV cache of `depth` tokens stored as f32, f16,
// bf16 or q8_0 (second argument: the DType's index), GPT-2's heads (12 / 12,
// D 64). Bytes: the cache rows read.
void BM_attention_decode(benchmark::State& st) {
  const std::int64_t depth = st.range(0);
  const auto type = static_cast<lf::DType>(st.range(1));
  const lf::Tensor q = random({1, 12, 64});
  auto cache = [&] {
    const lf::Tensor f = random({depth, 12, 64});
    if (type == lf::DType::f32) return f;
    lf::Tensor t = lf::Tensor::empty(f.shape(), type);
    lf::from_f32_row(type, f.data<float>(), t.bytes(), f.numel());
    return t;
  };
  // Caches cycled through >= 128 MiB, so they come from DRAM as in a model's
  // decode step (its weights stream through the caches between layers).
  std::vector<lf::Tensor> ks, vs;
  std::int64_t total = 0;
  do {
    ks.push_back(cache());
    vs.push_back(cache());
    total += 2 * ks.back().nbytes();
  } while (total < (std::int64_t{128} << 20));
  lf::Tensor out = lf::Tensor::empty({1, 12, 64});
  std::size_t next = 0;
  for (auto _ : st) {
    lf::scaled_dot_product_attention(q, ks[next], vs[next], out);
    next = (next + 1) % ks.size();
  }
  flops(st, 4.0 * 12 * depth * 64);
  st.SetBytesProcessed(st.iterations() * 2 * ks[0].nbytes());
  st.SetLabel(std::string(lf::dtype_name(type)));
}
BENCHMARK(BM_attention_decode)->ArgsProduct({{128, 512, 2048}, {0, 1, 3}});

// A causal prompt of T tokens.
void BM_attention_prefill(benchmark::State& st) {
  const std::int64_t t = st.range(0);
  const lf::Tensor q = random({t, 16, 64}), k = random({t, 4, 64}), v = random({t, 4, 64});
  lf::Tensor out = lf::Tensor::empty({t, 16, 64});
  lf::AttentionOptions o;
  o.causal = true;
  for (auto _ : st) lf::scaled_dot_product_attention(q, k, v, out, o);
  flops(st, 4.0 * 16 * 64 * static_cast<double>(t * (t + 1) / 2));  // causal: query i meets i + 1 keys
}
BENCHMARK(BM_attention_prefill)->Arg(128)->Arg(512)->Arg(2048);

}  // namespace
