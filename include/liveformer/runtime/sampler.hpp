// Sampler: picks the next token from logits.
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <vector>

namespace lf {

/// Defaults follow llama.cpp's (temperature 0.8, top-k 40, top-p 0.95,
/// min-p 0.05). Names follow Hugging Face's generate() where they overlap.
struct SamplingParams {
  float temperature = 0.8f;  ///< <= 0: greedy (argmax)
  std::int32_t top_k = 40;   ///< keep the k most likely tokens; <= 0: off
  float top_p = 0.95f;       ///< keep the smallest set with this much probability; >= 1: off
  float min_p = 0.05f;       ///< drop tokens below min_p x the top probability; <= 0: off
  /// Penalties over the last `penalty_last_n` tokens (prompt included):
  /// repetition divides positive logits / multiplies negative ones (CTRL,
  /// as Hugging Face), presence subtracts once per seen token, frequency
  /// subtracts per occurrence (OpenAI).
  float repetition_penalty = 1.0f;
  float presence_penalty = 0.0f;
  float frequency_penalty = 0.0f;
  std::int32_t penalty_last_n = 64;  ///< 0: no penalties; -1: the whole history
  std::uint64_t seed = 42;           ///< same seed, same prompt, same output

  /// Throws lf::Error naming the field unless every number is finite and in
  /// range (a NaN penalty would reach a sort as an invalid comparison).
  /// Every frontend's parameters pass here: Sampler's constructor and each
  /// Generator entry point call it before any work.
  void validate() const;
};

/// Stateful only through its random generator; one per sequence.
class Sampler {
 public:
  explicit Sampler(const SamplingParams& params);

  /// The next token for `logits` (one row, vocab entries) given the
  /// sequence so far (`history`, for the penalties). Throws lf::Error if
  /// the logits are empty or contain NaN.
  std::int32_t sample(std::span<const float> logits, std::span<const std::int32_t> history);

  const SamplingParams& params() const { return params_; }

  /// The next uniform draw in [0, 1) from this sampler's generator:
  /// (rng() >> 11) · 2^-53. sample() takes one per call when temperature
  /// > 0 (none for greedy); a device that samples on its own takes the same
  /// draws, so that a seed gives the same tokens there.
  double next_uniform() { return static_cast<double>(rng_() >> 11) * 0x1p-53; }

  /// log softmax(logits)[id] of the raw logits (before penalties and
  /// temperature): the model's own log-probability of `id`.
  static double log_prob(std::span<const float> logits, std::int32_t id);

 private:
  SamplingParams params_;
  std::mt19937_64 rng_;
  std::vector<float> work_;
  std::vector<std::int32_t> order_;
  std::vector<double> prob_;
};

}  // namespace lf
