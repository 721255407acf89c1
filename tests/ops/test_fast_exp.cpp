// detail::fast_exp (the vectorizable exp inside attention) against double
// precision exp.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "ops/fast_exp.hpp"

TEST_CASE("fast_exp is within a few ulp of exp, 0 below -87.3 and for -inf", "[ops][exp]") {
  double worst = 0;
  for (float x = -87.0f; x <= 88.0f; x += 0.001173f) {
    const double want = std::exp(static_cast<double>(x));
    const double got = lf::detail::fast_exp(x);
    worst = std::max(worst, std::abs(got - want) / want);
  }
  // 2^-24 = 6e-8 is half an ulp at the top of a binade. Measured: 7.2e-8.
  INFO("worst relative error " << worst);
  CHECK(worst < 2.5e-7);
  CHECK(lf::detail::fast_exp(0.0f) == 1.0f);
  CHECK(lf::detail::fast_exp(-std::numeric_limits<float>::infinity()) == 0.0f);
  CHECK(lf::detail::fast_exp(-100.0f) == 0.0f);
  CHECK(std::isfinite(lf::detail::fast_exp(1000.0f)));
}

TEST_CASE("exp_shifted_sum writes exp(x - shift) and returns their sum", "[ops][exp]") {
  for (int n : {1, 15, 16, 17, 100}) {
    std::vector<float> x(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) x[static_cast<std::size_t>(i)] = 0.1f * static_cast<float>(i % 23) - 1.0f;
    std::vector<float> in = x;
    const float sum = lf::detail::exp_shifted_sum(x.data(), n, 0.5f);
    double want_sum = 0;
    for (int i = 0; i < n; ++i) {
      const double want = std::exp(static_cast<double>(in[static_cast<std::size_t>(i)]) - 0.5);
      want_sum += want;
      CHECK(std::abs(x[static_cast<std::size_t>(i)] - want) <= 4e-7 * want);
    }
    CHECK(std::abs(sum - want_sum) <= 1e-6 * want_sum);
  }
}
