// Attention in the emulator (prefill tiles, GQA, causal, masks, f16/bf16
// K/V, key splits with the combine pass) against
// lf::scaled_dot_product_attention on random inputs. Both sides read the
// same stored K/V values and compute in f32, so the tolerance is the f32
// one for every K/V dtype: relative norm error 1e-5.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include <liveformer/ops.hpp>

#include "harness/compare.hpp"
#include "kernel_test_util.hpp"
#include "launch.hpp"

namespace {

using lf::test::random_tensor;
using lf::test::relative_error;

struct Case {
  std::int64_t tq, tk, hq, hkv, d, dv;
};

enum class Masking { none, causal, causal_start, additive };

void check_attention(const Case& c, lf::DType kv_type, Masking masking, std::int64_t splits, std::uint32_t seed) {
  const lf::Tensor q = random_tensor({c.tq, c.hq, c.d}, seed);
  const lf::Tensor k32 = random_tensor({c.tk, c.hkv, c.d}, seed + 1);
  const lf::Tensor v32 = random_tensor({c.tk, c.hkv, c.dv}, seed + 2);
  const lf::Tensor k = kv_type == lf::DType::f32 ? k32 : lf::test::convert_to(k32, kv_type);
  const lf::Tensor v = kv_type == lf::DType::f32 ? v32 : lf::test::convert_to(v32, kv_type);
  lf::Tensor mask = random_tensor({c.tq, c.tk}, seed + 3);
  for (std::int64_t i = 0; i < mask.numel(); ++i)
    if (i % 7 == 2 || i < c.tk) mask.data<float>()[i] = -std::numeric_limits<float>::infinity();  // row 0 sees nothing

  lf::AttentionOptions options;
  lf::kernels::AttentionParams p;
  p.tq = c.tq, p.tk = c.tk, p.hq = c.hq, p.hkv = c.hkv, p.d = c.d, p.dv = c.dv;
  p.q_stride = c.hq * c.d, p.k_stride = c.hkv * c.d, p.v_stride = c.hkv * c.dv;
  p.scale = 1.0f / std::sqrt(static_cast<float>(c.d));
  p.num_splits = splits;
  if (masking == Masking::causal || masking == Masking::causal_start) {
    options.causal = p.causal = true;
    p.causal_offset = masking == Masking::causal ? c.tk - c.tq : 0;
    options.causal_offset = p.causal_offset;
  }
  if (masking == Masking::additive) {
    options.mask = mask;
    p.mask = mask.data<float>();
    p.mask_h_stride = 0, p.mask_q_stride = c.tk, p.mask_k_stride = 1;
  }
  lf::Tensor want = lf::Tensor::empty({c.tq, c.hq, c.dv});
  lf::scaled_dot_product_attention(q, k, v, want, options);

  std::vector<float> workspace(lf::kernels::attention_workspace_bytes(c.tq, c.hq, c.dv, splits > 0 ? splits : 64) / 4);
  lf::Tensor got = lf::Tensor::empty({c.tq, c.hq, c.dv});
  lf::kernels::attention(q.data<float>(), k.bytes(), v.bytes(), kv_type, got.data<float>(), p, workspace.data(),
                         workspace.size() * sizeof(float));
  INFO("tq " << c.tq << " tk " << c.tk << " hq " << c.hq << " hkv " << c.hkv << " d " << c.d << " dv " << c.dv
             << " kv " << lf::dtype_name(kv_type) << " masking " << static_cast<int>(masking) << " splits " << splits);
  CHECK(relative_error(got, want) <= 1e-5);
}

}  // namespace

TEST_CASE("cuda attention (emulated): prefill tiles, head dims 64/80/128 and the generic path", "[kernels]") {
  std::uint32_t seed = 1000;
  // 37 queries x 4 heads of a group span several row tiles; 70 keys span 3 tiles.
  for (const Case c : {Case{37, 70, 4, 1, 64, 64}, Case{19, 19, 6, 2, 80, 80}, Case{9, 45, 2, 2, 128, 128},
                       Case{5, 40, 3, 1, 40, 24}, Case{6, 21, 2, 1, 160, 144}})
    for (Masking masking : {Masking::none, Masking::causal, Masking::additive})
      check_attention(c, lf::DType::f32, masking, 1, seed += 4);
  check_attention(Case{7, 33, 4, 2, 64, 64}, lf::DType::f32, Masking::causal_start, 1, seed += 4);
}

TEST_CASE("cuda attention (emulated): f16 and bf16 K/V", "[kernels]") {
  std::uint32_t seed = 1100;
  for (lf::DType type : {lf::DType::f16, lf::DType::bf16}) {
    check_attention(Case{11, 50, 4, 2, 64, 64}, type, Masking::causal, 1, seed += 4);
    check_attention(Case{1, 77, 8, 2, 128, 128}, type, Masking::none, 0, seed += 4);
  }
}

TEST_CASE("cuda attention (emulated): flash-decoding key splits and their combine pass", "[kernels]") {
  std::uint32_t seed = 1200;
  for (std::int64_t splits : {2, 3, 5})
    for (Masking masking : {Masking::none, Masking::causal, Masking::additive}) {
      check_attention(Case{1, 150, 8, 2, 64, 64}, lf::DType::f32, masking, splits, seed += 4);  // decode, GQA 4
      check_attention(Case{3, 100, 4, 4, 80, 80}, lf::DType::f16, masking, splits, seed += 4);
    }
  // Automatic choice: a decode step with a long cache splits on its own.
  check_attention(Case{1, 700, 4, 1, 64, 64}, lf::DType::f32, Masking::causal, 0, seed += 4);
}

TEST_CASE("cuda attention rejects bad shapes and missing workspace", "[kernels]") {
  using Catch::Matchers::Contains;
  std::vector<float> buf(4096, 0.5f);
  lf::kernels::AttentionParams p;
  p.tq = 1, p.tk = 64, p.hq = 3, p.hkv = 2, p.d = p.dv = 8;
  p.q_stride = 24, p.k_stride = p.v_stride = 16;
  REQUIRE_THROWS_WITH(lf::kernels::attention(buf.data(), buf.data(), buf.data(), lf::DType::f32, buf.data(), p),
                      Contains("cuda attention") && Contains("hkv must divide hq"));
  p.hkv = 1, p.k_stride = p.v_stride = 8, p.num_splits = 2;
  REQUIRE_THROWS_WITH(lf::kernels::attention(buf.data(), buf.data(), buf.data(), lf::DType::f32, buf.data(), p),
                      Contains("workspace"));
  p.num_splits = 0, p.d = 300;
  REQUIRE_THROWS_WITH(lf::kernels::attention(buf.data(), buf.data(), buf.data(), lf::DType::f32, buf.data(), p),
                      Contains("head dims"));
}
