// matmul_weights (f16 / bf16 / q8_0 / q4_0 weights) against the
// double-precision reference, for every kernel variant this CPU can run.
// The reference decodes the raw weight bytes itself (ref_decode), so a
// layout mistake in a kernel cannot cancel out against the library's own
// dequantizer.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include <liveformer/core/convert.hpp>
#include <liveformer/ops/weight_matmul.hpp>

#include "harness/compare.hpp"
#include "harness/reference.hpp"

using namespace lf;
using namespace lf::test;

namespace {

// Activations stay f32 and the kernels accumulate in f32, so the only error
// is f32 rounding of K products and sums. That error scales with
// sum |x|·|w|, not with the result, so a single dot product that nearly
// cancels (N = 1) has a large relative error without any bug. The bound is
// therefore kTolerance · κ, where κ = ‖|x|·|w|ᵀ‖ / ‖x·wᵀ‖ ≥ 1 is the
// condition number of the products (about 1..3 for most cases here).
// Measured: relative error / κ at most 8e-8 over all cases and variants;
// a wrong element order, scale or nibble offset gives 1e-1 or more.
constexpr double kTolerance = 1e-6;

constexpr DType kWeightTypes[] = {DType::f32, DType::f16, DType::bf16, DType::q8_0, DType::q4_0};

// A [n, k] weight tensor of `type`, quantized from uniform values.
Tensor random_weights(DType type, std::int64_t n, std::int64_t k, std::mt19937& rng) {
  const Tensor f = random_tensor({n, k}, rng);
  Tensor w = Tensor::empty({n, k}, type);
  for (std::int64_t r = 0; r < n; ++r)
    from_f32_row(type, f.data<float>() + r * k,
                 w.bytes() + r * dtype_bytes(type, k), k);
  return w;
}

// Fully random payload bytes (every int8 / nibble / f16 pattern but inf and
// nan), finite scales: covers values the quantizer never produces (-128).
Tensor random_raw_weights(DType type, std::int64_t n, std::int64_t k, std::mt19937& rng) {
  Tensor w = Tensor::empty({n, k}, type);
  auto* p = reinterpret_cast<std::uint8_t*>(w.bytes());
  const std::int64_t bytes = dtype_bytes(type, n * k);
  std::uniform_int_distribution<int> byte(0, 255);
  for (std::int64_t i = 0; i < bytes; ++i) p[i] = static_cast<std::uint8_t>(byte(rng));
  std::uniform_real_distribution<float> scale(-0.1f, 0.1f);
  auto put_u16 = [&](std::int64_t at, std::uint16_t v) { std::memcpy(p + at, &v, 2); };
  switch (type) {
    case DType::f16:  // clear exponent 31 (inf / nan); subnormals stay
      for (std::int64_t i = 0; i < n * k; ++i)
        if ((p[2 * i + 1] & 0x7c) == 0x7c) p[2 * i + 1] &= 0xfb;
      break;
    case DType::bf16:  // magnitudes within 2^-30 .. 2^30
      for (std::int64_t i = 0; i < n * k; ++i) {
        const int e = 97 + byte(rng) % 60;
        put_u16(2 * i, static_cast<std::uint16_t>((p[2 * i + 1] & 0x80) << 8 | e << 7 | (p[2 * i] & 0x7f)));
      }
      break;
    case DType::q8_0:
    case DType::q4_0: {
      const std::int64_t bb = dtype_info(type).block_bytes;
      for (std::int64_t b = 0; b < bytes / bb; ++b) put_u16(b * bb, f32_to_f16(scale(rng)));
      break;
    }
    case DType::f32:  // random sign and mantissa, magnitudes within 2^-30 .. 2^30
      for (std::int64_t i = 0; i < n * k; ++i) {
        std::uint32_t bits;
        std::memcpy(&bits, p + 4 * i, 4);
        const std::uint32_t e = 97 + static_cast<std::uint32_t>(byte(rng) % 60);
        bits = (bits & 0x807fffffu) | e << 23;
        std::memcpy(p + 4 * i, &bits, 4);
      }
      break;
    default:  // read-only block types: test_weight_matmul_dequantized.cpp
      break;
  }
  return w;
}

// What the kernels multiply: x itself, or for q8_0 / q4_0 weights x
// rounded to q8_0 blocks (the integer path, as llama.cpp does).
Array activations(const Tensor& x, DType weight_type) {
  if (!is_quantized(weight_type)) return to_array(x);
  const Tensor flat = x.contiguous();
  const std::int64_t k = flat.dim(-1), rows = flat.numel() / k;
  Tensor q = Tensor::empty({rows, k}, DType::q8_0);
  for (std::int64_t r = 0; r < rows; ++r)
    from_f32_row(DType::q8_0, flat.data<float>() + r * k, q.bytes() + dtype_bytes(DType::q8_0, r * k), k);
  Array a = ref_decode(q);
  a.shape = to_array(x).shape;
  return a;
}

std::string label_of(KernelIsa isa, DType t, std::int64_t m, std::int64_t k, std::int64_t n) {
  return std::string(isa_name(isa)) + " " + std::string(dtype_name(t)) + " M" + std::to_string(m) + " K" +
         std::to_string(k) + " N" + std::to_string(n);
}

}  // namespace

TEST_CASE("available_isas always offers scalar and the default is one of them", "[ops][weight_matmul]") {
  const std::vector<KernelIsa> isas = available_isas();
  REQUIRE(!isas.empty());
  CHECK(isas.front() == KernelIsa::scalar);
  CHECK(std::find(isas.begin(), isas.end(), default_isa()) != isas.end());
  std::string names;
  for (KernelIsa isa : isas) names += std::string(isa_name(isa)) + " ";
  WARN("matmul_weights variants on this CPU: " << names << "(default " << isa_name(default_isa()) << ")");
}

TEST_CASE("matmul_weights matches the double reference for every variant and weight type",
          "[ops][weight_matmul]") {
  const std::vector<KernelIsa> isas = available_isas();
  for (DType type : kWeightTypes) {
    std::vector<std::int64_t> ks{32, 64, 96, 1024, 4096};
    if (!is_quantized(type)) ks.insert(ks.end(), {80, 129, 1, 17});  // tails of every SIMD width
    double worst = 0;
    for (std::int64_t m : {1, 3, 8, 21})
      for (std::int64_t k : ks)
        for (std::int64_t n : {1, 7, 33, 256}) {
          auto rng = rng_for(label_of(KernelIsa::scalar, type, m, k, n));
          const Tensor x = random_tensor({m, k}, rng);
          const Tensor w = random_weights(type, n, k, rng);
          const Array xa = activations(x, type), wa = ref_decode(w);
          const Array want = ref_matmul(xa, wa, true);
          const double kappa = ref_matmul_condition(xa, wa, want);
          for (KernelIsa isa : isas) {
            Tensor out = Tensor::empty({m, n});
            matmul_weights(x, w, out, isa);
            const double err = relative_error(out, want.data);
            worst = std::max(worst, err / kappa);
            INFO(label_of(isa, type, m, k, n) << ": relative error " << err << ", condition " << kappa);
            CHECK(err <= kTolerance * kappa);
          }
        }
    WARN(dtype_name(type) << ": worst relative error / condition over all shapes and variants " << worst);
  }
}

TEST_CASE("matmul_weights handles raw weight bytes (all int8 / nibble / f16 patterns)", "[ops][weight_matmul]") {
  for (DType type : kWeightTypes)
    for (std::int64_t k : {64, 4096}) {
      const std::int64_t m = 5, n = 19;
      auto rng = rng_for("raw " + std::string(dtype_name(type)) + std::to_string(k));
      const Tensor x = random_tensor({m, k}, rng);
      const Tensor w = random_raw_weights(type, n, k, rng);
      const Array xa = activations(x, type), wa = ref_decode(w);
      const Array want = ref_matmul(xa, wa, true);
      const double kappa = ref_matmul_condition(xa, wa, want);
      for (KernelIsa isa : available_isas()) {
        Tensor out = Tensor::empty({m, n});
        matmul_weights(x, w, out, isa);
        const double err = relative_error(out, want.data);
        INFO(label_of(isa, type, m, k, n) << " raw bytes: relative error " << err << ", condition " << kappa);
        CHECK(err <= kTolerance * kappa);
      }
    }
}

TEST_CASE("matmul_weights flattens leading dimensions and accepts strided rows", "[ops][weight_matmul]") {
  auto rng = rng_for("qmm views");
  for (DType type : kWeightTypes) {
    const Tensor w = random_weights(type, 9, 64, rng);
    const Array wd = ref_decode(w);
    const Tensor x3 = random_tensor({2, 3, 64}, rng);
    const Tensor wide = random_tensor({6, 100}, rng);
    const Tensor strided = wide.slice(1, 7, 64);  // rows 100 floats apart
    REQUIRE_FALSE(strided.is_contiguous());
    const Tensor x1 = random_tensor({64}, rng);
    for (KernelIsa isa : available_isas()) {
      Tensor out3 = Tensor::empty({2, 3, 9});
      matmul_weights(x3, w, out3, isa);
      CHECK(relative_error(out3, ref_matmul(activations(x3, type), wd, true).data) <= kTolerance);
      Tensor out2 = Tensor::empty({6, 9});
      matmul_weights(strided, w, out2, isa);
      CHECK(relative_error(out2, ref_matmul(activations(strided, type), wd, true).data) <= kTolerance);
      Tensor out1 = Tensor::empty({9});
      matmul_weights(x1, w, out1, isa);
      CHECK(relative_error(out1, ref_matmul(activations(x1, type), wd, true).data) <= kTolerance);
    }
  }
}

TEST_CASE("matmul_weights's default overload agrees with the scalar variant", "[ops][weight_matmul]") {
  auto rng = rng_for("qmm default");
  for (DType type : kWeightTypes) {
    const Tensor x = random_tensor({2, 256}, rng);
    const Tensor w = random_weights(type, 40, 256, rng);
    Tensor a = Tensor::empty({2, 40}), b = Tensor::empty({2, 40});
    matmul_weights(x, w, a);
    matmul_weights(x, w, b, KernelIsa::scalar);
    CHECK(relative_error(a, b) <= kTolerance);
  }
}

TEST_CASE("matmul_weights rejects bad input with messages naming the op and shapes", "[ops][weight_matmul]") {
  auto rng = rng_for("qmm bad");
  const Tensor x = random_tensor({2, 64}, rng);
  const Tensor w8 = random_weights(DType::q8_0, 5, 64, rng);
  Tensor out = Tensor::empty({2, 5});
  using Catch::Matchers::Contains;

  // x must be f32.
  const Tensor xh = random_weights(DType::f16, 2, 64, rng);
  CHECK_THROWS_WITH(matmul_weights(xh, w8, out), Contains("matmul_weights") && Contains("x must be f32"));
  // Inner dimensions.
  const Tensor x40 = random_tensor({2, 40}, rng);
  CHECK_THROWS_WITH(matmul_weights(x40, w8, out),
                    Contains("matmul_weights") && Contains("[2,40]") && Contains("q8_0[5,64]"));
  // K that is not a block multiple cannot even be stored as q8_0 / q4_0.
  CHECK_THROWS_AS(Tensor::empty({5, 40}, DType::q4_0), lf::Error);
  // Output shape and dtype.
  Tensor bad_out = Tensor::empty({2, 6});
  CHECK_THROWS_WITH(matmul_weights(x, w8, bad_out), Contains("matmul_weights") && Contains("[2,5]") &&
                                                          Contains("[2,6]"));
  Tensor half_out = Tensor::empty({2, 5}, DType::f16);
  CHECK_THROWS_WITH(matmul_weights(x, w8, half_out), Contains("matmul_weights") && Contains("out"));
  // Weight rank.
  const Tensor w3 = random_weights(DType::q8_0, 5, 64, rng).reshape({1, 5, 64});
  CHECK_THROWS_WITH(matmul_weights(x, w3, out), Contains("matmul_weights") && Contains("rank 2"));
  // Undefined weights.
  CHECK_THROWS_AS(matmul_weights(x, Tensor(), out), lf::Error);
}

// Batch invariance: a row's result must not depend on how many other rows
// share the call, where it sits among them, or how many threads split the
// weight rows. This is what makes batched generation give the same tokens
// as generating each sequence alone, so equality here is exact (bitwise),
// not within a tolerance.
TEST_CASE("matmul_weights gives every row the same bits whatever the batch and threads", "[ops][weight_matmul]") {
  ThreadPool pool(3);
  for (DType type : kWeightTypes)
    for (std::int64_t k : {64, 4096}) {
      const std::int64_t n = 37, rows = 41;
      auto rng = rng_for("invariance " + std::string(dtype_name(type)) + std::to_string(k));
      const Tensor x = random_tensor({rows, k}, rng);
      const Tensor w = random_weights(type, n, k, rng);
      for (KernelIsa isa : available_isas()) {
        // Each row alone is the reference.
        Tensor alone = Tensor::empty({rows, n});
        for (std::int64_t r = 0; r < rows; ++r) {
          Tensor out = alone.slice(0, r, 1);
          matmul_weights(x.slice(0, r, 1), w, out, isa);
        }
        for (std::int64_t m : {2, 3, 4, 5, 8, 9, 17, 41}) {
          Tensor out = Tensor::empty({m, n});
          const std::int64_t first = rows - m;  // a window that moves each row to another tile position
          matmul_weights(x.slice(0, first, m), w, out, isa);
          INFO(label_of(isa, type, m, k, n));
          CHECK(std::memcmp(out.data<float>(), alone.data<float>() + first * n, sizeof(float) * m * n) == 0);
        }
      }
      // Threads split the weight rows; the default variant with 1..3 threads.
      Tensor one = Tensor::empty({rows, n});
      matmul_weights(x, w, one);
      for (int threads : {2, 3}) {
        Tensor split = Tensor::empty({rows, n});
        matmul_weights(x, w, split, &pool, threads);
        INFO(dtype_name(type) << " K" << k << " threads " << threads);
        CHECK(std::memcmp(split.data<float>(), one.data<float>(), sizeof(float) * rows * n) == 0);
        // One row (decode's own traversal of the weight rows) split the same way.
        Tensor row = Tensor::empty({1, n});
        matmul_weights(x.slice(0, 0, 1), w, row, &pool, threads);
        CHECK(std::memcmp(row.data<float>(), one.data<float>(), sizeof(float) * n) == 0);
      }
    }
}

// The price of the integer path: x rounded to 8 bits per 32-block. Against
// the product with exact x the error is that rounding's (absmax/254 per
// element at most), not a layout error. Measured: <= 3.9e-3 relative
// (uniform random x; conditions 5..25).
TEST_CASE("matmul_weights: the q8_0 rounding of x costs well under 1% for block weights", "[ops][weight_matmul]") {
  for (DType type : {DType::q8_0, DType::q4_0})
    for (std::int64_t k : {64, 1024}) {
      auto rng = rng_for("x rounding " + std::string(dtype_name(type)) + std::to_string(k));
      const Tensor x = random_tensor({4, k}, rng);
      const Tensor w = random_weights(type, 48, k, rng);
      const Array xa = to_array(x), wa = ref_decode(w);
      const Array exact_x = ref_matmul(xa, wa, true);
      Tensor out = Tensor::empty({4, 48});
      matmul_weights(x, w, out);
      const double err = relative_error(out, exact_x.data), kappa = ref_matmul_condition(xa, wa, exact_x);
      INFO(dtype_name(type) << " K" << k << ": relative error " << err << ", condition " << kappa);
      CHECK(err <= 1e-2);
      CHECK(err > 1e-6 * kappa);  // x really was rounded
    }
}
