// scaled_dot_product_attention and multi_head_attention against the reference.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include <liveformer/core/convert.hpp>
#include <liveformer/ops/attention.hpp>

#include "harness/compare.hpp"
#include "harness/op_check.hpp"

using namespace lf;
using namespace lf::test;

namespace {

struct AttnCase {
  std::int64_t tq, tk, hq, hkv, d;
  bool causal;
};

std::string describe(const AttnCase& c) {
  return "Tq" + std::to_string(c.tq) + " Tk" + std::to_string(c.tk) + " Hq" + std::to_string(c.hq) + " Hkv" +
         std::to_string(c.hkv) + " D" + std::to_string(c.d) + (c.causal ? " causal" : "");
}

}  // namespace

TEST_CASE("attention: GQA, MQA, decode steps, odd head dims", "[ops][attention]") {
  const std::vector<AttnCase> cases{
      {1, 1, 1, 1, 1, false},    {7, 7, 4, 4, 16, true},    {9, 9, 8, 2, 80, true},  {1, 13, 4, 1, 64, false},
      {1, 33, 8, 4, 80, true},   {3, 10, 6, 3, 7, true},    {33, 33, 2, 1, 129, true}, {5, 3, 2, 2, 8, false},
      {4, 129, 12, 4, 64, true}, {7, 7, 3, 3, 80, false},
      // The tiled kernel's block edges: several query blocks (32) and key
      // blocks (128), prompts that start mid-block after a cached prefix.
      {300, 300, 4, 2, 64, true}, {70, 333, 2, 1, 32, true}, {1, 700, 4, 4, 16, true}, {129, 257, 2, 2, 8, false}};
  for (Backend* be : backends())
    for (const AttnCase& c : cases) {
      const std::string label = "attention " + describe(c);
      auto rng = rng_for(label);
      const Tensor q = random_tensor({c.tq, c.hq, c.d}, rng, -2, 2);
      const Tensor k = random_tensor({c.tk, c.hkv, c.d}, rng, -2, 2);
      const Tensor v = random_tensor({c.tk, c.hkv, c.d}, rng);
      AttentionOptions o;
      o.causal = c.causal;
      Tensor out = Tensor::empty({c.tq, c.hq, c.d});
      be->attention(q, k, v, out, o);
      const Array want = ref_attention(to_array(q), to_array(k), to_array(v), 1.0 / std::sqrt(double(c.d)), c.causal,
                                       c.tk - c.tq, nullptr);
      check_close(*be, label, out, want, kF32Tolerance);
    }
}

TEST_CASE("attention: explicit scale, causal offset, masks, v width", "[ops][attention]") {
  for (Backend* be : backends()) {
    auto rng = rng_for("attention options");
    const Tensor q = random_tensor({5, 4, 16}, rng, -2, 2);
    const Tensor k = random_tensor({8, 2, 16}, rng, -2, 2);
    const Tensor v = random_tensor({8, 2, 24}, rng);  // Dv != D
    for (const Shape& ms : {Shape{5, 8}, Shape{4, 5, 8}, Shape{4, 1, 8}}) {
      Tensor mask = random_tensor(ms, rng, -1, 1);
      for (std::int64_t i = 1; i < mask.numel(); i += 4) mask.data<float>()[i] = -std::numeric_limits<float>::infinity();
      AttentionOptions o;
      o.scale = 0.3f;
      o.causal = true;
      o.causal_offset = 1;
      o.mask = mask;
      Tensor out = Tensor::empty({5, 4, 24});
      be->attention(q, k, v, out, o);
      const Array ma = to_array(mask);
      check_close(*be, "mask " + ms.str(), out,
                  ref_attention(to_array(q), to_array(k), to_array(v), 0.3, true, 1, &ma), kF32Tolerance);
    }
  }
}

TEST_CASE("attention: a query that sees no key gets zeros; empty cache", "[ops][attention]") {
  for (Backend* be : backends()) {
    auto rng = rng_for("attention blind");
    const Tensor q = random_tensor({3, 2, 8}, rng), k = random_tensor({4, 1, 8}, rng), v = random_tensor({4, 1, 8}, rng);
    AttentionOptions o;
    o.causal = true;
    o.causal_offset = -1;  // query 0 sees nothing
    Tensor out = Tensor::empty({3, 2, 8});
    be->attention(q, k, v, out, o);
    for (std::int64_t i = 0; i < 16; ++i) CHECK(out.data<float>()[i] == 0.0f);
    check_close(*be, "blind query", out,
                ref_attention(to_array(q), to_array(k), to_array(v), 1 / std::sqrt(8.0), true, -1, nullptr),
                kF32Tolerance);

    Tensor none = Tensor::empty({3, 2, 8});
    be->attention(q, Tensor::empty({0, 1, 8}), Tensor::empty({0, 1, 8}), none, {});
    for (std::int64_t i = 0; i < none.numel(); ++i) CHECK(none.data<float>()[i] == 0.0f);
  }
}

TEST_CASE("attention reads q, k, v as strided views of a fused buffer", "[ops][attention]") {
  for (Backend* be : backends()) {
    auto rng = rng_for("attention fused views");
    const std::int64_t t = 6, hq = 4, hkv = 2, d = 80;
    const Tensor fused = random_tensor({t, hq + 2 * hkv, d}, rng, -2, 2);
    const Tensor q = fused.slice(1, 0, hq), k = fused.slice(1, hq, hkv), v = fused.slice(1, hq + hkv, hkv);
    REQUIRE_FALSE(q.is_contiguous());
    AttentionOptions o;
    o.causal = true;
    Tensor out = Tensor::empty({t, hq, d});
    be->attention(q, k, v, out, o);
    check_close(*be, "fused views", out,
                ref_attention(to_array(q), to_array(k), to_array(v), 1 / std::sqrt(double(d)), true, 0, nullptr),
                kF32Tolerance);
  }
}

namespace {

// Reference self-attention block built from the reference pieces.
Array ref_mha(const Array& x, const Array& wq, const Array* bq, const Array& wk, const Array* bk, const Array& wv,
              const Array* bv, const Array& wo, const Array* bo, std::int64_t hq, std::int64_t hkv, std::int64_t d,
              bool causal) {
  const std::int64_t t = x.shape[0];
  Array q = ref_linear(x, wq, bq), k = ref_linear(x, wk, bk), v = ref_linear(x, wv, bv);
  q.shape = {t, hq, d};
  k.shape = {t, hkv, d};
  v.shape = {t, hkv, d};
  Array a = ref_attention(q, k, v, 1 / std::sqrt(double(d)), causal, 0, nullptr);
  a.shape = {t, hq * d};
  return ref_linear(a, wo, bo);
}

Array rows(const Array& w, std::int64_t begin, std::int64_t count) {
  const std::int64_t cols = w.shape[1];
  Array r{{count, cols}, {}};
  r.data.assign(w.data.begin() + begin * cols, w.data.begin() + (begin + count) * cols);
  return r;
}

}  // namespace

TEST_CASE("multi_head_attention: fused GPT-2 layout and separate Llama layout", "[ops][attention]") {
  for (Backend* be : backends())
    for (const auto& [hq, hkv, d] : std::vector<std::array<std::int64_t, 3>>{{4, 4, 12}, {8, 2, 10}, {6, 1, 7}, {2, 2, 80}}) {
      const std::int64_t t = 7, e = 48;
      const std::string label = "mha Hq" + std::to_string(hq) + " Hkv" + std::to_string(hkv) + " D" + std::to_string(d);
      auto rng = rng_for(label);
      const Tensor x = random_tensor({t, e}, rng);
      const Tensor qkv = random_tensor({(hq + 2 * hkv) * d, e}, rng, -0.3f, 0.3f);
      const Tensor qkv_b = random_tensor({(hq + 2 * hkv) * d}, rng);
      const Tensor o = random_tensor({e, hq * d}, rng, -0.3f, 0.3f), o_b = random_tensor({e}, rng);
      MultiHeadAttentionConfig cfg;
      cfg.n_heads = hq;
      cfg.n_kv_heads = hkv;
      cfg.head_dim = d;
      cfg.attention.causal = true;

      const Array wa = to_array(qkv), ba = to_array(qkv_b), oa = to_array(o), oba = to_array(o_b);
      Array bq{{hq * d}, {ba.data.begin(), ba.data.begin() + hq * d}};
      Array bk{{hkv * d}, {ba.data.begin() + hq * d, ba.data.begin() + (hq + hkv) * d}};
      Array bv{{hkv * d}, {ba.data.begin() + (hq + hkv) * d, ba.data.end()}};
      const Array want = ref_mha(to_array(x), rows(wa, 0, hq * d), &bq, rows(wa, hq * d, hkv * d), &bk,
                                 rows(wa, (hq + hkv) * d, hkv * d), &bv, oa, &oba, hq, hkv, d, true);

      AttentionWeights fused;
      fused.qkv = qkv;
      fused.qkv_bias = qkv_b;
      fused.o = o;
      fused.o_bias = o_b;
      Tensor out = Tensor::empty({t, e});
      be->multi_head_attention(x, fused, cfg, out);
      check_close(*be, label + " fused", out, want, kF32Tolerance);

      AttentionWeights split;
      split.q = qkv.slice(0, 0, hq * d).contiguous();
      split.k = qkv.slice(0, hq * d, hkv * d).contiguous();
      split.v = qkv.slice(0, (hq + hkv) * d, hkv * d).contiguous();
      split.q_bias = qkv_b.slice(0, 0, hq * d).contiguous();
      split.k_bias = qkv_b.slice(0, hq * d, hkv * d).contiguous();
      split.v_bias = qkv_b.slice(0, (hq + hkv) * d, hkv * d).contiguous();
      split.o = o;
      split.o_bias = o_b;
      Tensor out2 = Tensor::empty({t, e});
      be->multi_head_attention(x, split, cfg, out2);
      check_close(*be, label + " separate", out2, want, kF32Tolerance);
    }
}

TEST_CASE("attention: threads split (head, query block) tasks without changing a bit", "[ops][attention]") {
  ThreadPool pool(3);
  auto rng = rng_for("attention threads");
  const Tensor q = random_tensor({100, 6, 32}, rng, -2, 2);
  const Tensor k = random_tensor({260, 3, 32}, rng, -2, 2);
  const Tensor v = random_tensor({260, 3, 32}, rng);
  AttentionOptions o;
  o.causal = true;
  Tensor one = Tensor::empty({100, 6, 32}), split = Tensor::empty({100, 6, 32});
  scaled_dot_product_attention(q, k, v, one, o);
  for (int threads : {2, 3}) {
    scaled_dot_product_attention(q, k, v, split, o, &pool, threads);
    CHECK(relative_error(split, one) == 0.0);
  }
}

TEST_CASE("attention: f16, bf16 and q8_0 keys and values (a 16- or 8-bit KV cache)", "[ops][attention]") {
  for (DType type : {DType::f16, DType::bf16, DType::q8_0})
  for (std::int64_t d : {64, 36, 96}) {  // 36: the 8-wide widening's tail; q8_0 needs d % 32 == 0
    if (type == DType::q8_0 && d % 32 != 0) continue;
    auto rng = rng_for("attention 16-bit " + std::string(dtype_name(type)) + std::to_string(d));
    const Tensor q = random_tensor({9, 4, d}, rng, -2, 2);
    const Tensor k32 = random_tensor({200, 2, d}, rng, -2, 2);
    const Tensor v32 = random_tensor({200, 2, d}, rng);
    auto narrow = [type](const Tensor& t) {
      Tensor n = Tensor::empty(t.shape(), type);
      from_f32_row(type, t.data<float>(), n.bytes(), t.numel());
      return n;
    };
    const Tensor k = narrow(k32), v = narrow(v32);
    AttentionOptions o;
    o.causal = true;
    Tensor out = Tensor::empty({9, 4, d});
    scaled_dot_product_attention(q, k, v, out, o);
    // Reference on the values the 16-bit tensors hold.
    const Array want = ref_attention(to_array(q), to_array(k.to_f32()), to_array(v.to_f32()),
                                     1.0 / std::sqrt(static_cast<double>(d)), true, 200 - 9, nullptr);
    INFO(dtype_name(type) << " head_dim " << d);
    CHECK(relative_error(out, want.data) <= kF32Tolerance);
  }
}

// One query per head (a decode step) has its own path where the CPU has
// AVX2: scores four keys at a time, values summed 64 dimensions per sweep,
// 16-bit and int8 rows widened in registers. Every key count around the steps of 4,
// head widths around the steps of 8 and 64, the three cache types, GQA,
// a causal offset that hides some keys or all of them, and a thread split.
TEST_CASE("attention: one query per head against f32 / f16 / bf16 / q8_0 caches", "[ops][attention]") {
  ThreadPool pool(2);
  for (DType type : {DType::f32, DType::f16, DType::bf16, DType::q8_0})
    for (std::int64_t d : {8, 32, 36, 64, 80, 96, 130})  // q8_0: the multiples of 32 (1, 2 and 3 blocks)
      for (std::int64_t tk : {1, 3, 4, 5, 300})
        for (std::int64_t offset : {tk - 1, tk / 2, std::int64_t{-1}}) {
          if (type == DType::q8_0 && d % 32 != 0) continue;
          const std::string label = "decode attention " + std::string(dtype_name(type)) + " D" + std::to_string(d) +
                                    " Tk" + std::to_string(tk) + " offset" + std::to_string(offset);
          auto rng = rng_for(label);
          const Tensor q = random_tensor({1, 4, d}, rng, -2, 2);
          auto cache = [&](float lo) {
            const Tensor f = random_tensor({tk, 2, d}, rng, lo, 1);
            if (type == DType::f32) return f;
            Tensor t = Tensor::empty(f.shape(), type);
            from_f32_row(type, f.data<float>(), t.bytes(), f.numel());
            return t;
          };
          const Tensor k = cache(-2), v = cache(-1);
          AttentionOptions o;
          o.causal = true;
          o.causal_offset = offset;
          Tensor out = Tensor::empty({1, 4, d}), split = Tensor::empty({1, 4, d});
          scaled_dot_product_attention(q, k, v, out, o);
          scaled_dot_product_attention(q, k, v, split, o, &pool, 2);
          const Array want = ref_attention(to_array(q), to_array(k.to_f32()), to_array(v.to_f32()),
                                           1.0 / std::sqrt(static_cast<double>(d)), true, offset, nullptr);
          INFO(label);
          if (offset < 0) {
            for (std::int64_t i = 0; i < out.numel(); ++i) CHECK(out.data<float>()[i] == 0.0f);
          } else {
            CHECK(relative_error(out, want.data) <= kF32Tolerance);
          }
          CHECK(relative_error(split, out) == 0.0);
        }
}
