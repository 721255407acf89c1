// lf::Sampler against independent computations: greedy = argmax, sampled
// frequencies = the filtered, renormalized softmax computed here, penalties
// by their published rules (CTRL / Hugging Face repetition penalty, OpenAI
// presence and frequency penalties), log_prob = log-softmax.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <numeric>
#include <set>
#include <vector>

#include <catch2/catch.hpp>

#include <liveformer/core/error.hpp>
#include <liveformer/runtime/sampler.hpp>

namespace {

using lf::Sampler;
using lf::SamplingParams;

SamplingParams greedy() {
  SamplingParams p;
  p.temperature = 0;
  return p;
}

// Everything off: plain softmax sampling at temperature t.
SamplingParams plain(float t) {
  SamplingParams p;
  p.temperature = t;
  p.top_k = 0;
  p.top_p = 1.0f;
  p.min_p = 0.0f;
  return p;
}

// The distribution the sampler should draw from, computed the textbook way
// in long double: softmax(logits / T); keep the top_k largest (ties: lower
// id first); then the smallest prefix of the sorted, renormalized
// probabilities whose mass reaches top_p; then only p >= min_p * p_max;
// renormalize. Also reports the closest any cumulative sum comes to top_p,
// so tests can make sure they are not testing rounding at the boundary.
struct Expected {
  std::vector<double> prob;  // per id; 0 outside the kept set
  double top_p_margin = 1;
};

Expected expected_distribution(const std::vector<float>& logits, const SamplingParams& p) {
  const std::size_t n = logits.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return logits[a] > logits[b]; });
  std::size_t keep = n;
  if (p.top_k > 0) keep = std::min<std::size_t>(keep, static_cast<std::size_t>(p.top_k));

  std::vector<long double> q(keep);
  long double sum = 0;
  for (std::size_t i = 0; i < keep; ++i) {
    q[i] = std::exp(static_cast<long double>(logits[order[i]]) / p.temperature);
    sum += q[i];
  }
  for (auto& x : q) x /= sum;

  Expected e;
  if (p.top_p < 1.0f) {
    long double mass = 0;
    std::size_t cut = keep;
    for (std::size_t i = 0; i < keep; ++i) {
      mass += q[i];
      e.top_p_margin = std::min(e.top_p_margin, static_cast<double>(std::fabs(mass - p.top_p)));
      if (mass >= p.top_p) {
        cut = i + 1;
        break;
      }
    }
    keep = cut;
  }
  if (p.min_p > 0.0f) {
    std::size_t cut = 0;
    while (cut < keep && q[cut] >= p.min_p * q[0]) ++cut;
    keep = cut;
  }
  long double total = 0;
  for (std::size_t i = 0; i < keep; ++i) total += q[i];
  e.prob.assign(n, 0.0);
  for (std::size_t i = 0; i < keep; ++i) e.prob[order[i]] = static_cast<double>(q[i] / total);
  return e;
}

// Draws `draws` tokens from one sampler (one random stream) and compares
// the frequencies with `want`: tokens with probability 0 never appear, and
// Pearson's chi-square over the kept tokens stays below a bound that a
// correct sampler exceeds with probability < 1e-6 (df + 7 sqrt(2 df) + 10;
// the chi-square tail is lighter than that for every df used here). The
// seed is fixed, so the test is deterministic anyway.
void check_frequencies(const std::vector<float>& logits, const SamplingParams& params, const Expected& want,
                       int draws = 20000) {
  Sampler sampler(params);
  std::vector<int> count(logits.size(), 0);
  for (int i = 0; i < draws; ++i) {
    const std::int32_t id = sampler.sample(logits, {});
    REQUIRE(id >= 0);
    REQUIRE(static_cast<std::size_t>(id) < logits.size());
    ++count[static_cast<std::size_t>(id)];
  }
  double chi2 = 0;
  int kept = 0;
  double max_abs = 0;
  for (std::size_t id = 0; id < logits.size(); ++id) {
    if (want.prob[id] == 0) {
      INFO("token " << id << " is outside the kept set");
      CHECK(count[id] == 0);
      continue;
    }
    ++kept;
    const double expected = want.prob[id] * draws;
    chi2 += (count[id] - expected) * (count[id] - expected) / expected;
    max_abs = std::max(max_abs, std::fabs(count[id] / static_cast<double>(draws) - want.prob[id]));
  }
  const double df = std::max(1, kept - 1);
  INFO("kept " << kept << " tokens, chi2 " << chi2 << ", max |freq - p| " << max_abs);
  CHECK(chi2 < df + 7 * std::sqrt(2 * df) + 10);
  CHECK(max_abs < 0.015);  // ~ 6 standard deviations at p = 0.5 for 20000 draws
}

// Twelve logits with distinct, irregular values (and one tie) so the
// filters cut at different places.
const std::vector<float> kLogits{1.3f, -0.4f, 2.9f, 0.2f, 2.1f, -2.5f, 1.3f, 0.9f, 3.4f, -1.1f, 0.5f, 2.4f};

}  // namespace

TEST_CASE("sampler: greedy picks the argmax, lowest id on ties", "[sampler]") {
  Sampler s(greedy());
  CHECK(s.sample(kLogits, {}) == 8);
  const std::vector<float> tie{1.0f, 3.0f, -2.0f, 3.0f, 2.9999998f};
  CHECK(s.sample(tie, {}) == 1);
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> with_inf{-inf, -inf, -5.0f, -inf};
  CHECK(s.sample(with_inf, {}) == 2);
  const std::vector<float> single{0.25f};
  CHECK(s.sample(single, {}) == 0);
  // Greedy ignores the random filters and the seed.
  SamplingParams p = greedy();
  p.top_k = 3;
  p.top_p = 0.1f;
  p.seed = 7;
  Sampler s2(p);
  for (int i = 0; i < 5; ++i) CHECK(s2.sample(kLogits, {}) == 8);
}

TEST_CASE("sampler: temperature sampling follows softmax(logits / T)", "[sampler]") {
  for (float t : {1.0f, 0.7f, 1.8f}) {
    INFO("temperature " << t);
    const SamplingParams p = plain(t);
    check_frequencies(kLogits, p, expected_distribution(kLogits, p));
  }
}

TEST_CASE("sampler: top-k, top-p and min-p keep the right tokens with the right weights", "[sampler]") {
  struct Case {
    const char* name;
    int top_k;
    float top_p, min_p, temperature;
  };
  const Case cases[] = {
      {"top_k 4", 4, 1.0f, 0.0f, 1.0f},
      {"top_k 1", 1, 1.0f, 0.0f, 1.0f},
      {"top_p 0.8", 0, 0.8f, 0.0f, 1.0f},
      {"top_p 0.5", 0, 0.5f, 0.0f, 1.0f},
      {"top_p 0.01 (argmax only)", 0, 0.01f, 0.0f, 1.0f},
      {"min_p 0.1", 0, 1.0f, 0.1f, 1.0f},
      {"min_p 0.3", 0, 1.0f, 0.3f, 1.0f},
      {"top_k 6 + top_p 0.9", 6, 0.9f, 0.0f, 1.0f},
      {"top_k 40 + top_p 0.95 + min_p 0.05, T 0.8 (the defaults)", 40, 0.95f, 0.05f, 0.8f},
      {"top_k 5 + top_p 0.85 + min_p 0.2, T 1.5", 5, 0.85f, 0.2f, 1.5f},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    SamplingParams p = plain(c.temperature);
    p.top_k = c.top_k;
    p.top_p = c.top_p;
    p.min_p = c.min_p;
    const Expected want = expected_distribution(kLogits, p);
    // The test must not hinge on rounding at the top-p boundary.
    REQUIRE(want.top_p_margin > 1e-3);
    const auto kept = std::count_if(want.prob.begin(), want.prob.end(), [](double x) { return x > 0; });
    CHECK(kept >= 1);
    check_frequencies(kLogits, p, want);
  }
}

TEST_CASE("sampler: the filters really cut (the expected sets are not all tokens)", "[sampler]") {
  // Guards the test above against an expected_distribution that keeps
  // everything: the kept-set sizes follow from kLogits by hand.
  //   sorted: 3.4(8) 2.9(2) 2.4(11) 2.1(4) 1.3(0) 1.3(6) 0.9(7) 0.5(10) ...
  auto kept = [](int k, float top_p, float min_p) {
    SamplingParams p = plain(1.0f);
    p.top_k = k;
    p.top_p = top_p;
    p.min_p = min_p;
    std::set<int> ids;
    const Expected e = expected_distribution(kLogits, p);
    for (std::size_t i = 0; i < e.prob.size(); ++i)
      if (e.prob[i] > 0) ids.insert(static_cast<int>(i));
    return ids;
  };
  CHECK(kept(4, 1, 0) == std::set<int>{8, 2, 11, 4});
  CHECK(kept(1, 1, 0) == std::set<int>{8});
  // The tie at 1.3 goes to the lower id.
  CHECK(kept(5, 1, 0) == std::set<int>{8, 2, 11, 4, 0});
  // min_p 0.3: exp(x - 3.4) >= 0.3  <=>  x >= 3.4 + ln 0.3 = 2.196.
  CHECK(kept(0, 1, 0.3f) == std::set<int>{8, 2, 11});
}

TEST_CASE("sampler: top-k ties at the cut go to the lower id", "[sampler]") {
  SamplingParams p = plain(1.0f);
  p.top_k = 2;
  const std::vector<float> logits{0.0f, 1.0f, 2.0f, 1.0f, 1.0f};
  Sampler s(p);
  std::set<std::int32_t> seen;
  for (int i = 0; i < 2000; ++i) seen.insert(s.sample(logits, {}));
  CHECK(seen == std::set<std::int32_t>{1, 2});
}

TEST_CASE("sampler: same seed gives the same sequence, another seed another", "[sampler]") {
  SamplingParams p = plain(1.0f);
  auto draw = [&](std::uint64_t seed) {
    p.seed = seed;
    Sampler s(p);
    std::vector<std::int32_t> out;
    for (int i = 0; i < 200; ++i) out.push_back(s.sample(kLogits, {}));
    return out;
  };
  const auto a = draw(1234), b = draw(1234), c = draw(1235), d = draw(42);
  CHECK(a == b);
  CHECK(a != c);
  CHECK(a != d);
  CHECK(c != d);
  // Not degenerate: several different tokens appear.
  CHECK(std::set<std::int32_t>(a.begin(), a.end()).size() >= 5);
}

TEST_CASE("sampler: repetition penalty divides positive and multiplies negative logits", "[sampler][penalty]") {
  const std::vector<std::int32_t> seen0{0};
  auto pick = [&](const std::vector<float>& logits, float penalty) {
    SamplingParams p = greedy();
    p.repetition_penalty = penalty;
    return Sampler(p).sample(logits, seen0);
  };
  // Positive: 2.0 / r against 1.5 flips at r = 4/3.
  const std::vector<float> pos{2.0f, 1.5f, -3.0f};
  CHECK(pick(pos, 1.0f) == 0);
  CHECK(pick(pos, 1.3f) == 0);
  CHECK(pick(pos, 1.36f) == 1);
  // Negative: -1.0 * r against -1.2 flips at r = 1.2. Dividing instead
  // (-1/r) would never flip.
  const std::vector<float> neg{-1.0f, -1.2f, -3.0f};
  CHECK(pick(neg, 1.1f) == 0);
  CHECK(pick(neg, 1.25f) == 1);
  // A penalty below 1 rewards repetition: -1.3 * 0.5 = -0.65 beats -1.0.
  const std::vector<float> reward{-1.3f, -1.0f};
  CHECK(pick(reward, 0.5f) == 0);
  // Tokens not in the history are untouched: 1.5 stays below 2.0 / 1.3.
  const std::vector<std::int32_t> seen1{1};
  SamplingParams p = greedy();
  p.repetition_penalty = 1.36f;
  CHECK(Sampler(p).sample(pos, seen1) == 0);
}

TEST_CASE("sampler: presence penalty is once per seen token, frequency per occurrence", "[sampler][penalty]") {
  const std::vector<float> logits{2.0f, 1.5f, -3.0f};
  auto pick = [&](float presence, float frequency, const std::vector<std::int32_t>& history) {
    SamplingParams p = greedy();
    p.presence_penalty = presence;
    p.frequency_penalty = frequency;
    return Sampler(p).sample(logits, history);
  };
  // 2.0 - presence against 1.5: flips at 0.5, however often 0 was seen.
  CHECK(pick(0.4f, 0, {0}) == 0);
  CHECK(pick(0.6f, 0, {0}) == 1);
  CHECK(pick(0.4f, 0, {0, 0, 0, 0}) == 0);
  // 2.0 - count * frequency: 2 x 0.2 keeps 0, 3 x 0.2 does not.
  CHECK(pick(0, 0.2f, {0, 0}) == 0);
  CHECK(pick(0, 0.2f, {0, 0, 0}) == 1);
  CHECK(pick(0, 0.2f, {0, 2, 0, 2, 0}) == 1);
  // Both: 2.0 - 0.3 - 2 x 0.15 = 1.4 < 1.5; with one occurrence 1.55.
  CHECK(pick(0.3f, 0.15f, {0, 0}) == 1);
  CHECK(pick(0.3f, 0.15f, {0}) == 0);
  // A penalised other token can make 0 win: 1.5 -> 0.9 after 3 x 0.2.
  const std::vector<float> close{1.0f, 1.5f};
  SamplingParams p = greedy();
  p.frequency_penalty = 0.2f;
  CHECK(Sampler(p).sample(close, std::vector<std::int32_t>{1, 1, 1}) == 0);
  CHECK(Sampler(p).sample(close, std::vector<std::int32_t>{1, 1}) == 1);
}

TEST_CASE("sampler: penalties only look at the last penalty_last_n tokens", "[sampler][penalty]") {
  const std::vector<float> logits{2.0f, 1.5f, -3.0f};
  auto pick = [&](std::int32_t last_n, const std::vector<std::int32_t>& history, float rep, float freq) {
    SamplingParams p = greedy();
    p.penalty_last_n = last_n;
    p.repetition_penalty = rep;
    p.frequency_penalty = freq;
    return Sampler(p).sample(logits, history);
  };
  // Repetition penalty 1.5 flips the choice when token 0 is in the window.
  CHECK(pick(2, {0, 5, 6}, 1.5f, 0) == 0);  // 0 is 3rd from the end: outside
  CHECK(pick(3, {0, 5, 6}, 1.5f, 0) == 1);
  CHECK(pick(2, {5, 0, 6}, 1.5f, 0) == 1);
  CHECK(pick(-1, {0, 5, 6, 7, 8, 9, 10}, 1.5f, 0) == 1);  // whole history
  CHECK(pick(0, {0, 0, 0}, 1.5f, 0) == 0);                // penalties off
  // Frequency counts only occurrences inside the window: 3 x 0.2 flips,
  // 1 x 0.2 does not.
  CHECK(pick(4, {0, 0, 0, 5}, 1, 0.2f) == 1);
  CHECK(pick(2, {0, 0, 0, 5}, 1, 0.2f) == 0);
  CHECK(pick(3, {0, 0, 0, 5}, 1, 0.2f) == 0);  // two occurrences: 1.6 > 1.5
  // History ids outside the vocabulary are ignored, not an error.
  CHECK(pick(-1, {7, 100000}, 1.5f, 0.2f) == 0);
}

TEST_CASE("sampler: sampled draws use the penalised logits", "[sampler][penalty]") {
  SamplingParams p = plain(1.0f);
  p.repetition_penalty = 1.7f;
  p.presence_penalty = 0.3f;
  p.frequency_penalty = 0.25f;
  p.penalty_last_n = 4;
  const std::vector<std::int32_t> history{8, 3, 2, 8, 1, 8};  // window: 2, 8, 1, 8
  std::vector<float> penalised = kLogits;
  std::map<int, int> counts{{2, 1}, {8, 2}, {1, 1}};
  for (auto [id, n] : counts) {
    float& v = penalised[static_cast<std::size_t>(id)];
    v = v > 0 ? v / 1.7f : v * 1.7f;
    v -= 0.3f + 0.25f * static_cast<float>(n);
  }
  const Expected want = expected_distribution(penalised, plain(1.0f));
  Sampler sampler(p);
  std::vector<int> count(kLogits.size(), 0);
  const int draws = 20000;
  for (int i = 0; i < draws; ++i) ++count[static_cast<std::size_t>(sampler.sample(kLogits, history))];
  double chi2 = 0;
  for (std::size_t id = 0; id < kLogits.size(); ++id) {
    const double e = want.prob[id] * draws;
    chi2 += (count[id] - e) * (count[id] - e) / e;
  }
  const double df = static_cast<double>(kLogits.size() - 1);
  INFO("chi2 " << chi2);
  CHECK(chi2 < df + 7 * std::sqrt(2 * df) + 10);
}

TEST_CASE("sampler: NaN or empty logits and bad parameters are errors", "[sampler]") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> with_nan{0.5f, nan, 1.0f};
  Sampler g(greedy());
  CHECK_THROWS_AS(g.sample(with_nan, {}), lf::Error);
  Sampler s(plain(1.0f));
  CHECK_THROWS_AS(s.sample(with_nan, {}), lf::Error);
  CHECK_THROWS_WITH(s.sample(with_nan, {}), Catch::Contains("NaN"));
  CHECK_THROWS_AS(s.sample(std::vector<float>{}, {}), lf::Error);

  SamplingParams p = plain(1.0f);
  p.top_p = 0;
  CHECK_THROWS_AS(Sampler(p), lf::Error);
  p = plain(1.0f);
  p.min_p = 1.5f;
  CHECK_THROWS_AS(Sampler(p), lf::Error);
  p = plain(1.0f);
  p.repetition_penalty = 0;
  CHECK_THROWS_AS(Sampler(p), lf::Error);
  p = plain(std::numeric_limits<float>::infinity());
  CHECK_THROWS_AS(Sampler(p), lf::Error);
}

TEST_CASE("sampler: log_prob is the log-softmax of the raw logits", "[sampler]") {
  auto log_softmax = [](const std::vector<float>& x, std::size_t id) {
    // Direct formula in long double (no max shift needed for these values).
    long double z = 0;
    for (float v : x) z += std::exp(static_cast<long double>(v));
    return static_cast<double>(static_cast<long double>(x[id]) - std::log(z));
  };
  for (std::size_t id = 0; id < kLogits.size(); ++id)
    CHECK(Sampler::log_prob(kLogits, static_cast<std::int32_t>(id)) == Approx(log_softmax(kLogits, id)).epsilon(1e-12).margin(1e-12));
  // The probabilities sum to one.
  double total = 0;
  for (std::size_t id = 0; id < kLogits.size(); ++id) total += std::exp(Sampler::log_prob(kLogits, static_cast<std::int32_t>(id)));
  CHECK(total == Approx(1.0).epsilon(1e-12));
  // Large logits do not overflow: log_softmax is shift invariant.
  std::vector<float> big = kLogits;
  for (float& v : big) v += 1000.0f;
  for (std::size_t id = 0; id < kLogits.size(); ++id)
    CHECK(Sampler::log_prob(big, static_cast<std::int32_t>(id)) == Approx(log_softmax(kLogits, id)).margin(1e-3));
  // -inf logits have probability zero; the rest still normalise.
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> masked{0.0f, -inf, 0.0f};
  CHECK(Sampler::log_prob(masked, 0) == Approx(std::log(0.5)));
  CHECK(std::isinf(Sampler::log_prob(masked, 1)));
  CHECK_THROWS_AS(Sampler::log_prob(kLogits, 12), lf::Error);
  CHECK_THROWS_AS(Sampler::log_prob(kLogits, -1), lf::Error);
}

TEST_CASE("sampler: a +inf logit is certain (or an error), never another token", "[sampler]") {
  // softmax with one +inf entry is the one-hot vector at that entry. A
  // sampler may also refuse non-finite input, but must not return another
  // token (exp(inf - inf) = NaN once made it return the least likely one).
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> logits{0.0f, 1.0f, inf, 2.0f};
  for (const SamplingParams& p : {greedy(), plain(1.0f), SamplingParams{}}) {
    INFO("temperature " << p.temperature << ", top_p " << p.top_p << ", min_p " << p.min_p);
    Sampler s(p);
    for (int i = 0; i < 50; ++i) {
      try {
        CHECK(s.sample(logits, {}) == 2);
      } catch (const lf::Error&) {
        SUCCEED("rejected");
      }
    }
  }
}
