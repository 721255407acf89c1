// matmul_packed (weights rearranged for AVX-512) against matmul_weights'
// portable scalar kernel (q8_0 / q4_0) or the double reference (f32 / f16 /
// bf16), and its batch invariance.
#include <catch2/catch.hpp>

#include "harness/skip.hpp"
#include <cpuid.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <liveformer/core/convert.hpp>
#include <liveformer/ops/packed_matmul.hpp>
#include <liveformer/ops/weight_matmul.hpp>

#include "ops/packed_matmul_kernels.hpp"
#include "ops/quantize_kernels.hpp"
#include "harness/compare.hpp"
#include "harness/reference.hpp"

using namespace lf;
using namespace lf::test;

namespace {

// Both kernels round x to q8_0 the same way and compute each block's dot
// product exactly in int32; they differ only in how the f32 block terms
// are rounded and summed (FMA vs multiply-add), a few ulp per block.
constexpr double kTolerance = 1e-5;

// q8_0 / q4_0 weights from raw bytes: every int8 value (-128 included) or
// nibble pair, and f16 scales over two decades.
Tensor raw_weights(DType type, std::int64_t n, std::int64_t k, std::mt19937& rng) {
  Tensor w = Tensor::empty({n, k}, type);
  const std::int64_t block = dtype_info(type).block_bytes;
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_real_distribution<float> scale(1e-3f, 1e-1f);
  for (std::int64_t blk = 0; blk < n * k / 32; ++blk) {
    std::byte* p = w.bytes() + blk * block;
    const std::uint16_t d = f32_to_f16(scale(rng));
    std::memcpy(p, &d, 2);
    for (std::int64_t i = 2; i < block; ++i) p[i] = static_cast<std::byte>(byte(rng));
  }
  return w;
}
Tensor raw_q8_weights(std::int64_t n, std::int64_t k, std::mt19937& rng) { return raw_weights(DType::q8_0, n, k, rng); }

// AVX-512 BF16, which packed bf16 weights need (CPUID leaf 7 subleaf 1,
// EAX bit 5), read here independently of the library.
bool cpu_has_bf16_pairs() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  return __get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx) && (eax & (1u << 5)) != 0;
}

bool packed_kernel_available() {
  std::mt19937 rng(1);
  if (PackedWeights::can_pack(raw_q8_weights(16, 32, rng))) return true;
  WARN("skipped: the packed q8_0 kernel needs AVX-512 VNNI (default variant here: " << isa_name(default_isa()) << ")");
  lf::test::mark_skipped();
  return false;
}

// f32 / f16 / bf16 weights from uniform values.
Tensor float_weights(DType type, std::int64_t n, std::int64_t k, std::mt19937& rng) {
  const Tensor f = random_tensor({n, k}, rng);
  if (type == DType::f32) return f;
  Tensor w = Tensor::empty({n, k}, type);
  for (std::int64_t r = 0; r < n; ++r) from_f32_row(type, f.data<float>() + r * k, w.bytes() + r * dtype_bytes(type, k), k);
  return w;
}

// The float kernel sums K products in order in one f32 lane, so its error
// grows with K (about sqrt(K) ulp on random data, K ulp at worst), relative
// to sum |x|·|w|: the bound is kFloatTolerance · κ (κ: ref_matmul_condition).
// Measured: relative error / κ at most 6e-8 over the cases below (K up to
// 1024); a wrong row, element or group order gives 1e-1 or more.
constexpr double kFloatTolerance = 2e-6;

}  // namespace

// bf16 weights meet x rounded to bf16 (pairs for vdpbf16ps): the
// reference takes the same rounded x, so the tolerance stays f32's.
TEST_CASE("matmul_packed with f32 / f16 / bf16 weights matches the double reference", "[ops][packed]") {
  if (!packed_kernel_available()) return;
  double worst = 0;
  for (DType type : {DType::f32, DType::f16, DType::bf16})
    for (std::int64_t n : {1, 16, 17, 45, 64})           // groups: partial, one, padded, odd count, pairs
      for (std::int64_t k : {1, 6, 7, 46, 64, 1024})    // bf16: 32 values per rounding step, and its tails
        for (std::int64_t m : {1, 2, 11, 12, 13, 30}) {  // around the kernel's 12 rows of x
          auto rng = rng_for("packed float " + std::string(dtype_name(type)) + std::to_string(n) + "x" +
                             std::to_string(k) + " m" + std::to_string(m));
          const Tensor x = random_tensor({m, k}, rng);
          const Tensor w = float_weights(type, n, k, rng);
          const bool bf16 = type == DType::bf16;
          if (bf16 && (k % 2 != 0 || !cpu_has_bf16_pairs())) {  // stays in its stored layout
            CHECK_FALSE(PackedWeights::can_pack(w));
            continue;
          }
          REQUIRE(PackedWeights::can_pack(w));
          const PackedWeights p = PackedWeights::pack(w);
          REQUIRE(p.rows() == n);
          REQUIRE(p.cols() == k);
          Array xa = to_array(x);
          if (bf16)
            for (double& v : xa.data) v = bf16_to_f32(f32_to_bf16(static_cast<float>(v)));
          const Array wa = ref_decode(w);
          const Array want = ref_matmul(xa, wa, true);
          Tensor got = Tensor::empty({m, n});
          matmul_packed(x, p, got);
          const double err = relative_error(got, want.data), kappa = ref_matmul_condition(xa, wa, want);
          worst = std::max(worst, err / kappa);
          INFO(dtype_name(type) << " n " << n << " k " << k << " m " << m << ": error " << err << ", condition "
                                << kappa);
          CHECK(err <= kFloatTolerance * kappa);
        }
  WARN("packed float: worst relative error / condition " << worst);
}

TEST_CASE("matmul_packed equals matmul_weights' scalar kernel within f32 rounding", "[ops][packed]") {
  if (!packed_kernel_available()) return;
  for (DType type : {DType::q8_0, DType::q4_0})
    for (std::int64_t n : {1, 16, 17, 45, 256})  // one padded group, one, padded, three with a padded one
      for (std::int64_t k : {32, 96, 768})
        for (std::int64_t m : {1, 3, 8, 9, 20}) {
          auto rng = rng_for("packed " + std::string(dtype_name(type)) + std::to_string(n) + "x" + std::to_string(k) +
                             " m" + std::to_string(m));
          const Tensor x = random_tensor({m, k}, rng);
          const Tensor w = raw_weights(type, n, k, rng);
          const PackedWeights p = PackedWeights::pack(w);
          REQUIRE(p.rows() == n);
          REQUIRE(p.cols() == k);
          Tensor want = Tensor::empty({m, n}), got = Tensor::empty({m, n});
          matmul_weights(x, w, want, KernelIsa::scalar);
          matmul_packed(x, p, got);
          REQUIRE(p.type() == type);
          INFO(dtype_name(type) << " n " << n << " k " << k << " m " << m);
          CHECK(relative_error(got, want) <= kTolerance);
        }
}

TEST_CASE("matmul_packed is batch-invariant: a row alone equals the row in any batch and thread split",
          "[ops][packed]") {
  if (!packed_kernel_available()) return;
  for (DType type : {DType::q8_0, DType::q4_0, DType::f32, DType::f16, DType::bf16}) {
    auto rng = rng_for("packed invariance " + std::string(dtype_name(type)));
    const bool blocks = is_quantized(type);
    // 6 groups, the last one padded; m * k >= 2^17, so a whole-batch call
    // also prepares x's rows on the pool.
    const std::int64_t n = blocks ? 90 : 81, k = 256, m = 523;
    const Tensor x = random_tensor({m, k}, rng);
    const PackedWeights p = PackedWeights::pack(blocks ? raw_weights(type, n, k, rng) : float_weights(type, n, k, rng));
    std::vector<Tensor> alone;
    for (std::int64_t i = 0; i < m; ++i) {
      Tensor out = Tensor::empty({1, n});
      matmul_packed(x.slice(0, i, 1), p, out);
      alone.push_back(out);
    }
    for (int threads : {1, 2, 3}) {
      ThreadPool pool(threads);
      for (std::int64_t window : {std::int64_t{2}, std::int64_t{8}, std::int64_t{9}, std::int64_t{13}, std::int64_t{27}, m}) {
        for (std::int64_t start = 0; start + window <= m; start += window) {
          Tensor out = Tensor::empty({window, n});
          matmul_packed(x.slice(0, start, window), p, out, &pool, threads);
          for (std::int64_t i = 0; i < window; ++i) {
            INFO(dtype_name(type) << ": threads " << threads << ", window " << window << ", row " << start + i);
            CHECK(std::memcmp(out.data<float>() + i * n, alone[static_cast<std::size_t>(start + i)].data<float>(),
                              sizeof(float) * static_cast<std::size_t>(n)) == 0);
          }
        }
      }
    }
  }
}

// linear() hands the bias to matmul_packed, whose tasks add it to the
// blocks they wrote: the same single f32 add per output as adding it after.
TEST_CASE("matmul_packed adds a bias to every row, in every block and thread split", "[ops][packed]") {
  if (!packed_kernel_available()) return;
  ThreadPool pool(2);
  for (DType type : {DType::q8_0, DType::q4_0, DType::f32, DType::f16, DType::bf16}) {
    auto rng = rng_for("packed bias " + std::string(dtype_name(type)));
    const bool blocks = is_quantized(type);
    const std::int64_t n = 45, k = 256;  // 3 groups, the last one padded
    const PackedWeights p = PackedWeights::pack(blocks ? raw_weights(type, n, k, rng) : float_weights(type, n, k, rng));
    const Tensor bias = random_tensor({n}, rng);
    for (std::int64_t m : {1, 13, 600}) {  // 600 x 256: x prepared on the pool too
      const Tensor x = random_tensor({m, k}, rng);
      Tensor want = Tensor::empty({m, n}), got = Tensor::empty({m, n});
      matmul_packed(x, p, want);
      for (std::int64_t i = 0; i < m; ++i)
        for (std::int64_t j = 0; j < n; ++j) want.data<float>()[i * n + j] += bias.data<float>()[j];
      for (int threads : {1, 2}) {
        matmul_packed(x, p, bias, got, &pool, threads);
        INFO(dtype_name(type) << " m " << m << " threads " << threads);
        CHECK(relative_error(got, want) == 0.0);
      }
    }
    Tensor out = Tensor::empty({2, n});
    CHECK_THROWS_WITH(matmul_packed(random_tensor({2, k}, rng), p, random_tensor({n + 1}, rng), out),
                      Catch::Contains("bias"));
  }
}

// The packed kernels round x to q8_0 with their own AVX-512 code; it must
// give from_f32_row's bytes exactly (the stored-layout kernels and the
// tools use from_f32_row), plus each block's int8 sum and f32 scale.
TEST_CASE("the packed kernels round x to q8_0 bit for bit as from_f32_row does", "[ops][packed]") {
  if (!packed_kernel_available()) return;
  std::mt19937 rng(11);
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<std::vector<float>> blocks;
  for (float scale : {1e-30f, 1e-3f, 1.0f, 1e4f, 3e38f}) {  // tiny (f16 scale underflows) to huge
    std::uniform_real_distribution<float> u(-scale, scale);
    for (int r = 0; r < 20; ++r) {
      std::vector<float> b(32);
      for (float& v : b) v = u(rng);
      blocks.push_back(b);
    }
  }
  // amax 127 gives d = 1: exact ties (x.5) and values next to them.
  std::vector<float> ties(32);
  for (int j = 0; j < 32; ++j) ties[j] = static_cast<float>(j - 16) + 0.5f;
  ties[0] = 127.0f;
  ties[1] = -127.0f;
  ties[2] = std::nextafter(0.5f, 0.0f);
  ties[3] = std::nextafter(-0.5f, 0.0f);
  ties[4] = std::nextafter(2.5f, 3.0f);
  blocks.push_back(ties);
  blocks.push_back(std::vector<float>(32, 0.0f));
  std::vector<float> odd = blocks[41];
  odd[3] = nan;  // NaN does not count towards amax and rounds to -127
  blocks.push_back(odd);
  odd[7] = -inf;  // amax inf: the scale becomes 0 and inf * 0 is NaN
  blocks.push_back(odd);
  std::vector<float> x;
  for (const auto& b : blocks) x.insert(x.end(), b.begin(), b.end());
  const std::int64_t k = static_cast<std::int64_t>(x.size()), n_blocks = k / 32;

  std::vector<std::byte> want(static_cast<std::size_t>(n_blocks * 34)), got(want.size());
  std::vector<std::int32_t> sums(static_cast<std::size_t>(n_blocks));
  std::vector<float> scales(static_cast<std::size_t>(n_blocks));
  from_f32_row(DType::q8_0, x.data(), want.data(), k);
  detail::round_x_q8_avx512(x.data(), k, got.data(), sums.data(), scales.data());
  for (std::int64_t b = 0; b < n_blocks; ++b) {
    INFO("block " << b);
    const std::byte* w = want.data() + b * 34;
    CHECK(std::memcmp(w, got.data() + b * 34, 34) == 0);
    std::int32_t sum = 0;
    for (int j = 0; j < 32; ++j) sum += static_cast<std::int8_t>(w[2 + j]);
    CHECK(sums[static_cast<std::size_t>(b)] == sum);
    std::uint16_t d;
    std::memcpy(&d, w, 2);
    CHECK(std::bit_cast<std::uint32_t>(scales[static_cast<std::size_t>(b)]) == std::bit_cast<std::uint32_t>(f16_to_f32(d)));
  }
  // The ties block, against std::lround on its own terms (d = 1).
  for (int j = 0; j < 32; ++j)
    CHECK(static_cast<std::int8_t>(want[static_cast<std::size_t>(100 * 34 + 2 + j)]) == std::lround(ties[static_cast<std::size_t>(j)]));
}

TEST_CASE("PackedWeights refuses what it cannot pack", "[ops][packed]") {
  auto rng = rng_for("packed refuse");
  CHECK_FALSE(PackedWeights::can_pack(Tensor::empty({2, 16, 32}, DType::f16)));  // not a matrix
  CHECK_FALSE(PackedWeights::can_pack(Tensor::empty({0, 32}, DType::f32)));      // no rows
  CHECK_FALSE(PackedWeights::can_pack(Tensor::empty({16, 0}, DType::f32)));      // no columns (nothing to pack)
  CHECK_FALSE(PackedWeights::can_pack(Tensor::empty({32, 16}).transpose(0, 1)));  // not contiguous
  CHECK_FALSE(PackedWeights::can_pack(Tensor()));
  CHECK_THROWS_WITH(PackedWeights::pack(Tensor::empty({2, 16, 32}, DType::q8_0)),
                    Catch::Contains("needs an f32, f16, bf16, q8_0 or q4_0 [N, K] matrix"));
  CHECK_THROWS_WITH(PackedWeights::pack(Tensor::empty({16, 7}, DType::bf16)), Catch::Contains("bf16: K even"));
  if (!packed_kernel_available()) return;
  const PackedWeights p = PackedWeights::pack(raw_q8_weights(16, 64, rng));
  Tensor x = Tensor::empty({2, 32}), out = Tensor::empty({2, 16});
  CHECK_THROWS_WITH(matmul_packed(x, p, out), Catch::Contains("inner dimensions differ"));
  Tensor x2 = Tensor::empty({2, 64}), bad = Tensor::empty({2, 15});
  CHECK_THROWS_WITH(matmul_packed(x2, p, bad), Catch::Contains("out must be [2,16]"));
}
