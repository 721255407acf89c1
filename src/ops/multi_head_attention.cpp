#include "liveformer/ops/multi_head_attention.hpp"

#include "checks.hpp"
#include "liveformer/ops/matmul.hpp"

namespace lf {

void multi_head_attention(const Tensor& x, const AttentionWeights& w, const MultiHeadAttentionConfig& config,
                          Tensor& out) {
  const char* op = "multi_head_attention";
  detail::require_f32_contiguous(op, "x", x);
  detail::require_rank(op, "x", x, 2);
  const std::int64_t tokens = x.dim(0), width = x.dim(1);
  const std::int64_t hq = config.n_heads;
  const std::int64_t hkv = config.n_kv_heads == 0 ? hq : config.n_kv_heads;
  LF_CHECK(hq > 0, op, "n_heads must be positive, got " + std::to_string(hq));
  LF_CHECK(hkv > 0 && hq % hkv == 0, op,
        "n_kv_heads " + std::to_string(hkv) + " must divide n_heads " + std::to_string(hq));
  LF_CHECK(config.head_dim > 0 || width % hq == 0, op,
        "embedding width " + std::to_string(width) + " is not divisible by n_heads " + std::to_string(hq));
  const std::int64_t d = config.head_dim > 0 ? config.head_dim : width / hq;
  const std::int64_t q_width = hq * d, kv_width = hkv * d;

  const bool fused = w.qkv.defined();
  LF_CHECK(fused != (w.q.defined() || w.k.defined() || w.v.defined()), op,
        "give either the fused qkv weight or separate q, k, v weights");
  LF_CHECK(w.o.defined(), op, "the output projection o is missing");

  auto expect_weight = [&](const Tensor& t, const char* name, std::int64_t rows) {
    LF_CHECK(t.defined() && t.rank() == 2 && t.dim(0) == rows && t.dim(1) == width, op,
          std::string(name) + " must be [" + std::to_string(rows) + "," + std::to_string(width) + "] for x " +
              x.shape().str() + " with " + std::to_string(hq) + " heads / " + std::to_string(hkv) +
              " kv heads of " + std::to_string(d) + ", got " + (t.defined() ? t.shape().str() : "nothing"));
  };

  // q, k, v as [T, H, D]. The fused projection is viewed as
  // [T, Hq + 2·Hkv, D] and sliced along the heads, so no copy is made.
  Tensor q, k, v;
  if (fused) {
    expect_weight(w.qkv, "qkv", q_width + 2 * kv_width);
    Tensor qkv = Tensor::empty({tokens, q_width + 2 * kv_width});
    linear(x, w.qkv, w.qkv_bias, qkv);
    const Tensor heads = qkv.reshape({tokens, hq + 2 * hkv, d});
    q = heads.slice(1, 0, hq);
    k = heads.slice(1, hq, hkv);
    v = heads.slice(1, hq + hkv, hkv);
  } else {
    expect_weight(w.q, "q", q_width);
    expect_weight(w.k, "k", kv_width);
    expect_weight(w.v, "v", kv_width);
    q = Tensor::empty({tokens, q_width});
    k = Tensor::empty({tokens, kv_width});
    v = Tensor::empty({tokens, kv_width});
    linear(x, w.q, w.q_bias, q);
    linear(x, w.k, w.k_bias, k);
    linear(x, w.v, w.v_bias, v);
    q = q.reshape({tokens, hq, d});
    k = k.reshape({tokens, hkv, d});
    v = v.reshape({tokens, hkv, d});
  }

  Tensor attn = Tensor::empty({tokens, hq, d});
  scaled_dot_product_attention(q, k, v, attn, config.attention);
  LF_CHECK(w.o.rank() == 2 && w.o.dim(1) == q_width, op,
        "o must be [out, " + std::to_string(q_width) + "], got " + w.o.shape().str());
  LF_CHECK(out.shape() == Shape({tokens, w.o.dim(0)}), op,
        "out must be [" + std::to_string(tokens) + "," + std::to_string(w.o.dim(0)) + "], got " + out.shape().str());
  linear(attn.reshape({tokens, q_width}), w.o, w.o_bias, out);
}

}  // namespace lf
