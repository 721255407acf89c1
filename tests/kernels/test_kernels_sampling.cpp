// Device sampling in the emulator against lf::Sampler: argmax exactly, and
// top-k / top-p / min-p with temperature by giving the device the same
// uniform number the CPU sampler draws from its seeded generator, so both
// must choose the same token id (exact comparison, many seeds).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include <liveformer/runtime/sampler.hpp>

#include "launch.hpp"

namespace {

std::vector<float> random_logits(std::int64_t vocab, std::uint32_t seed, float scale, bool ties) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, scale);
  std::vector<float> logits(static_cast<std::size_t>(vocab));
  for (float& v : logits) v = ties ? std::round(dist(rng)) : dist(rng);  // rounding makes many ties
  return logits;
}

std::int32_t device_sample(const std::vector<float>& logits, const lf::kernels::SampleParams& p) {
  const std::int64_t vocab = static_cast<std::int64_t>(logits.size());
  std::vector<std::byte> workspace(lf::kernels::sample_workspace_bytes(vocab, p.top_k));
  std::int32_t id = -2;
  lf::kernels::sample(logits.data(), vocab, p, workspace.data(), workspace.size(), &id);
  return id;
}

// The uniform number lf::Sampler(seed) uses for its first sampled token.
double first_uniform(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  return static_cast<double>(rng() >> 11) * 0x1p-53;
}

}  // namespace

TEST_CASE("cuda argmax (emulated) is the first maximum", "[kernels]") {
  std::uint32_t seed = 1300;
  for (std::int64_t vocab : {1, 33, 1000, 4096, 4097, 9000})
    for (bool ties : {false, true}) {
      std::vector<float> logits = random_logits(vocab, seed++, 3.0f, ties);
      if (vocab > 4097) logits[8500] = logits[100] = 99.0f;  // tie across first-pass blocks: the smaller id wins
      const auto want = static_cast<std::int32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
      std::vector<std::byte> workspace(lf::kernels::sample_workspace_bytes(vocab, 1));
      std::int32_t got = -2;
      lf::kernels::argmax(logits.data(), vocab, workspace.data(), workspace.size(), &got);
      INFO("vocab " << vocab << " ties " << ties);
      CHECK(got == want);
      lf::SamplingParams greedy;
      greedy.temperature = 0.0f;
      CHECK(got == lf::Sampler(greedy).sample(logits, {}));
    }
  std::vector<float> nan_first = {std::numeric_limits<float>::quiet_NaN(), 1.0f, 3.0f, -2.0f};
  std::vector<std::byte> workspace(lf::kernels::sample_workspace_bytes(4, 1));
  std::int32_t got = -2;
  lf::kernels::argmax(nan_first.data(), 4, workspace.data(), workspace.size(), &got);
  CHECK(got == 2);  // NaN is skipped
}

namespace {

struct Setting {
  float temperature;
  std::int32_t top_k;
  float top_p, min_p;
};

// For each setting and seed, the device's pick with the CPU sampler's first
// uniform draw equals the CPU sampler's pick.
void check_same_picks(std::int64_t vocab, const std::vector<Setting>& settings, std::uint64_t seeds,
                      std::uint32_t logit_seed) {
  for (const Setting& s : settings) {
    const std::vector<float> logits = random_logits(vocab, logit_seed++, 2.0f, vocab % 2 == 0);
    for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
      lf::SamplingParams cpu;
      cpu.temperature = s.temperature, cpu.top_k = s.top_k, cpu.top_p = s.top_p, cpu.min_p = s.min_p;
      cpu.seed = seed;
      const std::int32_t want = lf::Sampler(cpu).sample(logits, {});
      lf::kernels::SampleParams p;
      p.temperature = s.temperature, p.top_k = s.top_k, p.top_p = s.top_p, p.min_p = s.min_p;
      p.uniform = first_uniform(seed);
      INFO("vocab " << vocab << " T " << s.temperature << " top_k " << s.top_k << " top_p " << s.top_p << " min_p "
                    << s.min_p << " seed " << seed);
      CHECK(device_sample(logits, p) == want);
    }
  }
}

const std::vector<Setting> kSettings = {{0.8f, 40, 0.95f, 0.05f},  // llama.cpp's defaults
                                        {1.0f, 1, 1.0f, 0.0f},
                                        {1.3f, 128, 1.0f, 0.0f},
                                        {0.7f, 20, 0.5f, 0.0f},
                                        {2.0f, 64, 0.9f, 0.1f}};

}  // namespace

// Even vocabularies get rounded logits, so ties must be broken as the CPU
// sampler breaks them (smaller id first).
TEST_CASE("cuda sample (emulated) picks what lf::Sampler picks for the same random draw", "[kernels]") {
  check_same_picks(5, kSettings, 12, 1400);
  check_same_picks(300, kSettings, 12, 1410);
  // Two first-pass blocks; fewer settings (the emulated top-k costs a block
  // barrier per candidate).
  check_same_picks(4501, {{0.8f, 40, 0.95f, 0.05f}, {1.5f, 12, 0.9f, 0.0f}}, 6, 1420);
}

// Larger vocabularies and top-k 128 across several first-pass blocks: run
// with `test_kernels "[.large]"` (about a minute on one core).
TEST_CASE("cuda sample (emulated) on larger vocabularies", "[kernels][.large]") {
  check_same_picks(5000, kSettings, 12, 1430);
  check_same_picks(12289, kSettings, 4, 1440);
}

TEST_CASE("cuda sample rejects what it cannot do on the device", "[kernels]") {
  using Catch::Matchers::Contains;
  std::vector<float> logits(10, 0.0f);
  std::vector<std::byte> workspace(4096);
  std::int32_t id = 0;
  lf::kernels::SampleParams p;
  p.top_k = 0;
  REQUIRE_THROWS_WITH(lf::kernels::sample(logits.data(), 10, p, workspace.data(), workspace.size(), &id),
                      Contains("cuda sample") && Contains("top_k"));
  p.top_k = 5, p.uniform = 1.0;
  REQUIRE_THROWS_WITH(lf::kernels::sample(logits.data(), 10, p, workspace.data(), workspace.size(), &id),
                      Contains("uniform"));
  p.uniform = 0.5;
  REQUIRE_THROWS_WITH(lf::kernels::sample(logits.data(), 10, p, workspace.data(), 8, &id), Contains("workspace"));
}
