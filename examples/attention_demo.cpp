// Runs grouped-query causal attention on random data with liveformer's CPU
// ops and reports what it computed. (Replaced by the real demo model later.)
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include <liveformer/liveformer.hpp>

namespace {

lf::Tensor random_tensor(const lf::Shape& shape, std::mt19937& rng) {
  std::normal_distribution<float> dist(0.0f, 1.0f);
  lf::Tensor t = lf::Tensor::empty(shape);
  for (std::int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

}  // namespace

int main() {
  const std::int64_t tokens = 64, n_heads = 8, n_kv_heads = 2, head_dim = 80, width = n_heads * head_dim;
  std::mt19937 rng(2026);
  const lf::Tensor x = random_tensor({tokens, width}, rng);
  lf::AttentionWeights w;
  const float init = 1.0f / std::sqrt(static_cast<float>(width));
  auto weight = [&](std::int64_t rows) {
    lf::Tensor t = random_tensor({rows, width}, rng);
    for (std::int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] *= init;
    return t;
  };
  w.q = weight(n_heads * head_dim);
  w.k = weight(n_kv_heads * head_dim);
  w.v = weight(n_kv_heads * head_dim);
  w.o = weight(width);
  lf::MultiHeadAttentionConfig config;
  config.n_heads = n_heads;
  config.n_kv_heads = n_kv_heads;
  config.attention.causal = true;

  lf::Tensor out = lf::Tensor::empty({tokens, width});
  const auto start = std::chrono::steady_clock::now();
  lf::multi_head_attention(x, w, config, out);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();

  double sum = 0, sq = 0;
  for (std::int64_t i = 0; i < out.numel(); ++i) {
    sum += out.data<float>()[i];
    sq += double(out.data<float>()[i]) * out.data<float>()[i];
  }
  const double mean = sum / static_cast<double>(out.numel());
  std::printf("liveformer %s attention demo\n", LIVEFORMER_VERSION_STRING);
  std::printf("  causal grouped-query self-attention: %lld tokens, width %lld, %lld query heads sharing %lld KV heads,"
              " head_dim %lld\n",
              (long long)tokens, (long long)width, (long long)n_heads, (long long)n_kv_heads, (long long)head_dim);
  std::printf("  output %s: mean %.5f, std %.5f, first values %.5f %.5f %.5f\n", out.shape().str().c_str(), mean,
              std::sqrt(sq / static_cast<double>(out.numel()) - mean * mean), out.data<float>()[0],
              out.data<float>()[1], out.data<float>()[2]);
  std::printf("  time: %.3f ms on the CPU\n", ms);
  return 0;
}
