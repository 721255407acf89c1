// exp(x) for float arrays in a form compilers vectorize: no calls, no
// branches, bit tricks through std::bit_cast. std::exp is a library call per
// element, which made the softmax inside attention cost as much as the
// matrix products at a few thousand cached tokens.
//
// Accuracy: within a few ulp of exp over [-87.3, 88] (tested against double
// exp); below -87.3 (and for -inf) the result is 0, above 88 it is exp(88)
// (callers pass x - max <= 0).
#pragma once

#include <bit>
#include <cstdint>

namespace lf::detail {

inline float fast_exp(float x) {
  constexpr float kLog2e = 1.44269504088896341f;
  constexpr float kLn2Hi = 0.693145751953125f;  // ln 2 split so n * kLn2Hi is exact
  constexpr float kLn2Lo = 1.428606765330187045e-06f;
  constexpr float kRound = 12582912.0f;          // 1.5 * 2^23: adding it rounds to an integer
  const bool underflow = x < -87.3f;
  x = x > 88.0f ? 88.0f : (underflow ? 0.0f : x);
  const float n = (x * kLog2e + kRound) - kRound;  // nearest integer to x / ln 2
  const float r = (x - n * kLn2Hi) - n * kLn2Lo;   // |r| <= ln2 / 2
  // exp(r) by its Taylor series to r^7 / 7! (error < 2e-8 relative on |r| <= 0.347).
  float p = 1.0f / 5040;
  p = p * r + 1.0f / 720;
  p = p * r + 1.0f / 120;
  p = p * r + 1.0f / 24;
  p = p * r + 1.0f / 6;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const float scale = std::bit_cast<float>(static_cast<std::int32_t>(n + 127.0f) << 23);  // 2^n
  return underflow ? 0.0f : p * scale;
}

/// x[i] = exp(x[i] - shift) for i < n; returns the sum of the results
/// (in 16 interleaved partial sums, so the loop vectorizes too).
inline float exp_shifted_sum(float* x, std::int64_t n, float shift) {
  for (std::int64_t i = 0; i < n; ++i) x[i] = fast_exp(x[i] - shift);
  float part[16] = {};
  std::int64_t i = 0;
  for (; i + 16 <= n; i += 16)
    for (int j = 0; j < 16; ++j) part[j] += x[i + j];
  float sum = 0;
  for (int j = 0; j < 16; ++j) sum += part[j];
  for (; i < n; ++i) sum += x[i];
  return sum;
}

}  // namespace lf::detail
