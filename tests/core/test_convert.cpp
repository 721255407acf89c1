// f16/bf16 conversions and q8_0/q4_0 quantization.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include <liveformer/core/convert.hpp>
#include <liveformer/core/dtype.hpp>

using namespace lf;

namespace {

// Independent f16 decoding from the IEEE 754 binary16 definition.
double half_value(std::uint16_t h) {
  const int e = (h >> 10) & 31, m = h & 1023;
  const double v = e == 0 ? std::ldexp(m, -24) : std::ldexp(1024 + m, e - 25);
  return (h & 0x8000) ? -v : v;
}

}  // namespace

TEST_CASE("f16 -> f32 is exact for all 65536 values; f32 -> f16 round-trips", "[core][convert]") {
  for (std::uint32_t h = 0; h < 65536; ++h) {
    const auto u = static_cast<std::uint16_t>(h);
    const float f = f16_to_f32(u);
    const int e = (h >> 10) & 31;
    if (e == 31) {
      if (h & 1023)
        CHECK(std::isnan(f));
      else
        CHECK(f == ((h & 0x8000) ? -std::numeric_limits<float>::infinity() : std::numeric_limits<float>::infinity()));
      continue;
    }
    REQUIRE(static_cast<double>(f) == half_value(u));
    REQUIRE(f32_to_f16(f) == u);
  }
}

// to_f32_row takes a vector path (F16C) for runs of 8 where the CPU has
// it: every pattern, at every offset within a run and in the scalar tail.
TEST_CASE("to_f32_row of f16 rows equals the definition for all 65536 values", "[core][convert]") {
  for (std::int64_t shift : {0, 3}) {  // 65536 - 3 leaves a tail of 5
    const std::int64_t n = 65536 - shift;
    std::vector<std::uint16_t> halves(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) halves[static_cast<std::size_t>(i)] = static_cast<std::uint16_t>(i + shift);
    std::vector<float> out(static_cast<std::size_t>(n));
    to_f32_row(DType::f16, reinterpret_cast<const std::byte*>(halves.data()), out.data(), n);
    std::int64_t wrong = 0;
    for (std::int64_t i = 0; i < n; ++i) {
      const std::uint16_t h = halves[static_cast<std::size_t>(i)];
      const float f = out[static_cast<std::size_t>(i)];
      const bool nan = ((h >> 10) & 31) == 31 && (h & 1023) != 0;
      if (nan ? !std::isnan(f) : static_cast<double>(f) != (((h >> 10) & 31) == 31
                                                                ? ((h & 0x8000) ? -HUGE_VAL : HUGE_VAL)
                                                                : half_value(h)))
        ++wrong;
    }
    INFO("shift " << shift);
    CHECK(wrong == 0);
  }
}

TEST_CASE("f32 -> f16 rounds to nearest even, overflows to inf", "[core][convert]") {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> dist(-70000.0f, 70000.0f);
  for (int i = 0; i < 20000; ++i) {
    const float x = i % 2 ? dist(rng) : dist(rng) * 1e-6f;
    const std::uint16_t h = f32_to_f16(x);
    const double got = half_value(h);
    if (std::fabs(x) >= 65520.0f) {
      CHECK(((h & 0x7fff) == 0x7c00));
      continue;
    }
    // No other f16 is closer (checking the neighbours of the result).
    for (int step : {-1, 1}) {
      const auto n = static_cast<std::uint16_t>(h + step);
      if (((n >> 10) & 31) == 31 || (n & 0x7fff) == 0x7fff) continue;
      if ((h & 0x7fff) == 0 && step == -1) continue;
      const double other = half_value(n);
      CHECK(std::fabs(got - x) <= std::fabs(other - x));
    }
  }
  CHECK(f32_to_f16(65520.0f) == 0x7c00);  // ties to even at the top: inf
  CHECK(f32_to_f16(65519.0f) == 0x7bff);
  CHECK(f32_to_f16(std::numeric_limits<float>::quiet_NaN()) != 0x7c00);
  CHECK(((f32_to_f16(std::numeric_limits<float>::quiet_NaN()) & 0x7c00) == 0x7c00));
}

TEST_CASE("bf16 conversions round to nearest even", "[core][convert]") {
  for (float x : {1.0f, -2.5f, 3.14159f, 1e-30f, 65504.0f}) {
    const float back = bf16_to_f32(f32_to_bf16(x));
    CHECK(std::fabs(back - x) <= std::fabs(x) * 0x1p-8f);
  }
  std::uint32_t tie = 0x3f808000u;  // exactly halfway between two bf16 values, lower one even
  float f;
  std::memcpy(&f, &tie, 4);
  CHECK(f32_to_bf16(f) == 0x3f80);
  CHECK(std::isnan(bf16_to_f32(f32_to_bf16(std::numeric_limits<float>::quiet_NaN()))));
}

TEST_CASE("q8_0 quantization rounds like std::lround, ties away from zero", "[core][convert]") {
  // With 127 the block's largest magnitude the scale is exactly 1, so each
  // quant is lround(value): ties, the floats next to them, and 127 itself.
  const float next_below_half = std::nextafter(0.5f, 0.0f), next_above_half = std::nextafter(0.5f, 1.0f);
  std::vector<float> x = {127.0f,  0.5f,   -0.5f, 1.5f,  -1.5f,  2.5f,           -2.5f,           126.5f,
                          -126.5f, 0.0f,   -0.0f, 3.49f, -3.51f, next_below_half, -next_below_half, next_above_half,
                          -next_above_half, 7.5f, -7.5f, 64.5f, -64.5f, 100.25f, -100.75f, 1e-30f,
                          -1e-30f, 42.0f, -42.0f, 99.5f, -99.5f, 0.25f, -0.75f, -127.0f};
  REQUIRE(x.size() == 32);
  std::vector<std::byte> q(34);
  from_f32_row(DType::q8_0, x.data(), q.data(), 32);
  for (int j = 0; j < 32; ++j) {
    INFO("value " << x[static_cast<std::size_t>(j)]);
    CHECK(static_cast<std::int8_t>(q[static_cast<std::size_t>(2 + j)]) == std::lround(x[static_cast<std::size_t>(j)]));
  }
}

TEST_CASE("q8_0 and q4_0 quantization error stays within half a step", "[core][convert]") {
  std::mt19937 rng(11);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  std::vector<float> x(256), y(256);
  for (float& v : x) v = dist(rng);
  for (DType t : {DType::q8_0, DType::q4_0}) {
    std::vector<std::byte> q(static_cast<std::size_t>(dtype_bytes(t, 256)));
    from_f32_row(t, x.data(), q.data(), 256);
    to_f32_row(t, q.data(), y.data(), 256);
    for (int b = 0; b < 8; ++b) {
      float amax = 0;
      for (int j = 0; j < 32; ++j) amax = std::max(amax, std::fabs(x[b * 32 + j]));
      const float step = t == DType::q8_0 ? amax / 127 : amax / 8;
      for (int j = 0; j < 32; ++j) {
        // q4_0 spans [-8, 7] steps with -8 on the largest value's side, so
        // values beyond 7.5 steps on the other side clip, up to one step off.
        const bool clipped = t == DType::q4_0 && std::fabs(x[b * 32 + j]) > 7.5f * step;
        const float bound = (clipped ? 1.0f : 0.5f) * step * 1.01f + 1e-6f;
        CHECK(std::fabs(y[b * 32 + j] - x[b * 32 + j]) <= bound);
      }
    }
  }
  std::vector<std::byte> q(34);
  CHECK_THROWS_WITH(from_f32_row(DType::q8_0, x.data(), q.data(), 31), Catch::Contains("multiple of the q8_0 block size 32"));
}
