#include "liveformer/runtime/sampler.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>

#include "liveformer/core/error.hpp"

namespace lf {

void SamplingParams::validate() const {
  // Comparisons are written so that NaN fails them.
  const auto finite = [](float v, const char* name) {
    LF_CHECK(std::isfinite(v), "sampling", std::string(name) + " must be finite, got " + std::to_string(v));
  };
  finite(temperature, "temperature");
  finite(top_p, "top_p");
  finite(min_p, "min_p");
  finite(repetition_penalty, "repetition_penalty");
  finite(presence_penalty, "presence_penalty");
  finite(frequency_penalty, "frequency_penalty");
  LF_CHECK(top_p > 0, "sampling", "top_p must be positive (>= 1 turns it off), got " + std::to_string(top_p));
  LF_CHECK(min_p >= 0 && min_p <= 1, "sampling", "min_p must be in [0, 1], got " + std::to_string(min_p));
  LF_CHECK(repetition_penalty > 0, "sampling",
           "repetition_penalty must be positive, got " + std::to_string(repetition_penalty));
  LF_CHECK(penalty_last_n >= -1, "sampling", "penalty_last_n must be >= -1, got " + std::to_string(penalty_last_n));
}

Sampler::Sampler(const SamplingParams& params) : params_(params), rng_(params.seed) { params.validate(); }

double Sampler::log_prob(std::span<const float> logits, std::int32_t id) {
  LF_CHECK(id >= 0 && static_cast<std::size_t>(id) < logits.size(), "Sampler::log_prob", "token id out of range");
  const float mx = *std::max_element(logits.begin(), logits.end());
  double sum = 0;
  for (float v : logits) sum += std::exp(static_cast<double>(v) - mx);
  return static_cast<double>(logits[static_cast<std::size_t>(id)]) - mx - std::log(sum);
}

std::int32_t Sampler::sample(std::span<const float> logits, std::span<const std::int32_t> history) {
  const std::size_t n = logits.size();
  LF_CHECK(n > 0, "Sampler", "empty logits");
  work_.assign(logits.begin(), logits.end());
  for (float v : work_) LF_CHECK(!std::isnan(v), "Sampler", "logits contain NaN");

  // Penalties over the look-back window.
  const SamplingParams& p = params_;
  const bool penalize = p.penalty_last_n != 0 &&
                        (p.repetition_penalty != 1.0f || p.presence_penalty != 0.0f || p.frequency_penalty != 0.0f);
  if (penalize && !history.empty()) {
    const std::size_t window = p.penalty_last_n < 0 ? history.size()
                                                    : std::min(history.size(), static_cast<std::size_t>(p.penalty_last_n));
    std::unordered_map<std::int32_t, int> counts;
    for (std::size_t i = history.size() - window; i < history.size(); ++i) ++counts[history[i]];
    for (const auto& [id, count] : counts) {
      if (id < 0 || static_cast<std::size_t>(id) >= n) continue;
      float& v = work_[static_cast<std::size_t>(id)];
      v = v > 0 ? v / p.repetition_penalty : v * p.repetition_penalty;
      v -= p.presence_penalty + p.frequency_penalty * static_cast<float>(count);
    }
  }

  if (p.temperature <= 0.0f)  // greedy: first maximum, as argmax
    return static_cast<std::int32_t>(std::max_element(work_.begin(), work_.end()) - work_.begin());

  // Candidates by descending logit (ties by id, so results are reproducible).
  order_.resize(n);
  std::iota(order_.begin(), order_.end(), 0);
  auto by_logit = [&](std::int32_t a, std::int32_t b) {
    const float va = work_[static_cast<std::size_t>(a)], vb = work_[static_cast<std::size_t>(b)];
    return va > vb || (va == vb && a < b);
  };
  std::size_t keep = n;
  if (p.top_k > 0 && static_cast<std::size_t>(p.top_k) < n) {
    keep = static_cast<std::size_t>(p.top_k);
    std::partial_sort(order_.begin(), order_.begin() + static_cast<std::ptrdiff_t>(keep), order_.end(), by_logit);
  } else {
    std::sort(order_.begin(), order_.end(), by_logit);
  }

  // Softmax with temperature over the kept candidates (in double: the
  // probabilities feed cumulative sums). A +inf logit is certain.
  const double top = work_[static_cast<std::size_t>(order_[0])];
  if (std::isinf(top) && top > 0) return order_[0];
  std::vector<double>& prob = prob_;  // reused: no allocation per token
  prob.assign(keep, 0.0);
  double sum = 0;
  for (std::size_t i = 0; i < keep; ++i) {
    const float v = work_[static_cast<std::size_t>(order_[i])];
    prob[i] = std::isinf(v) && v < 0 ? 0.0 : std::exp((v - top) / p.temperature);
    sum += prob[i];
  }
  for (std::size_t i = 0; i < keep; ++i) prob[i] /= sum;

  if (p.top_p < 1.0f) {  // smallest prefix with mass >= top_p
    double mass = 0;
    std::size_t cut = keep;
    for (std::size_t i = 0; i < keep; ++i) {
      mass += prob[i];
      if (mass >= p.top_p) {
        cut = i + 1;
        break;
      }
    }
    keep = cut;
  }
  if (p.min_p > 0.0f) {
    const double floor = p.min_p * prob[0];
    std::size_t cut = 1;
    while (cut < keep && prob[cut] >= floor) ++cut;
    keep = cut;
  }

  double total = 0;
  for (std::size_t i = 0; i < keep; ++i) total += prob[i];
  // 53 random bits -> uniform in [0, total): the same on every platform,
  // unlike std::uniform_real_distribution.
  const double u = next_uniform() * total;
  double acc = 0;
  for (std::size_t i = 0; i < keep; ++i) {
    acc += prob[i];
    if (u < acc) return order_[i];
  }
  return order_[keep - 1];
}

}  // namespace lf
