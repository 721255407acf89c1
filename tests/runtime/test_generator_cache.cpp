// Prefix caching in lf::Generator: a later call that shares a prompt prefix
// reuses the cached K/V and must give exactly what a fresh Generator gives,
// also after calls that failed.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <liveformer/core/error.hpp>
#include <liveformer/runtime/generator.hpp>

#include "runtime_fixtures.hpp"

namespace {

using namespace lf::test::runtime;
using lf::GenerateOptions;
using lf::GenerateResult;
using lf::Generator;

GenerateOptions options(bool sample, int max_new = 12) {
  GenerateOptions o;
  o.max_new_tokens = max_new;
  o.stop_at_eos = false;
  o.logprobs = true;
  if (sample) {
    o.sampling.temperature = 1.0f;
    o.sampling.seed = 99;
  } else {
    o.sampling.temperature = 0;
  }
  return o;
}

GenerateResult fresh_generate(const std::shared_ptr<const lf::Model>& model, const std::vector<std::int32_t>& prompt,
                              const GenerateOptions& o) {
  Generator g(model, 64);
  return g.generate(std::span<const std::int32_t>(prompt), o);
}

void check_same(const GenerateResult& got, const GenerateResult& want) {
  CHECK(got.tokens == want.tokens);
  CHECK(got.text == want.text);
  CHECK(got.stop_reason == want.stop_reason);
  REQUIRE(got.logprobs.size() == want.logprobs.size());
  for (std::size_t i = 0; i < want.logprobs.size(); ++i) CHECK(got.logprobs[i] == Approx(want.logprobs[i]).margin(1e-4));
}

std::vector<std::int32_t> first(const std::vector<std::int32_t>& v, std::size_t n) {
  return {v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n)};
}

}  // namespace

TEST_CASE("prefix cache: an extended prompt reuses the cache and matches a fresh generator", "[generator][cache]") {
  for (const std::string name : {"gpt2", "llama", "qwen2"}) {
    const auto model = tiny_model(name);
    const Golden g = golden(name, "chatml");  // 25 tokens
    for (const bool sample : {false, true}) {
      INFO(name << (sample ? " sampled" : " greedy"));
      const GenerateOptions o = options(sample);
      Generator gen(model, 64);
      const auto p1 = first(g.input_ids, 10);
      const auto r1 = gen.generate(std::span<const std::int32_t>(p1), o);
      CHECK(r1.reused_prompt_tokens == 0);
      check_same(r1, fresh_generate(model, p1, o));

      // A chat-like follow-up: the old prompt, the model's answer, more.
      const auto p2 = concat(concat(p1, r1.tokens), first(g.input_ids, 6));
      const auto r2 = gen.generate(std::span<const std::int32_t>(p2), o);
      CHECK(r2.reused_prompt_tokens >= static_cast<std::int64_t>(p1.size() + r1.tokens.size() - 1));
      CHECK(r2.reused_prompt_tokens < static_cast<std::int64_t>(p2.size()));
      CHECK(r2.prompt_tokens == static_cast<std::int64_t>(p2.size()));
      check_same(r2, fresh_generate(model, p2, o));

      // The same prompt again: everything but the last token is reused.
      const auto r3 = gen.generate(std::span<const std::int32_t>(p2), o);
      CHECK(r3.reused_prompt_tokens == static_cast<std::int64_t>(p2.size()) - 1);
      check_same(r3, r2);

      // A prompt that diverges after 7 tokens reuses exactly 7.
      auto p4 = first(p2, 7);
      p4.push_back(p2[7] == 5 ? 6 : 5);
      p4.push_back(17);
      const auto r4 = gen.generate(std::span<const std::int32_t>(p4), o);
      CHECK(r4.reused_prompt_tokens == 7);
      check_same(r4, fresh_generate(model, p4, o));

      // A shorter prompt (a prefix of the cached tokens).
      const auto p5 = first(p4, 4);
      const auto r5 = gen.generate(std::span<const std::int32_t>(p5), o);
      CHECK(r5.reused_prompt_tokens == 3);
      check_same(r5, fresh_generate(model, p5, o));
      // cached_tokens() holds what the cache holds: the prompt and all but
      // the last generated token.
      CHECK(gen.cached_tokens() == concat(p5, first(r5.tokens, r5.tokens.size() - 1)));
    }
  }
}

TEST_CASE("prefix cache: score and generate share the cache correctly", "[generator][cache][score]") {
  const auto model = tiny_model("qwen2");
  const Golden g = golden("qwen2", "chatml");
  const auto all = concat(g.input_ids, g.greedy_20);
  const std::span<const std::int32_t> ids(all);
  const auto want = reference_logprobs(*model, all, 1);  // want[i]: token i+1

  Generator gen(model, 64);
  const auto r = gen.generate(ids.first(25), options(false, 20));
  CHECK(r.tokens == g.greedy_20);
  // Scoring the generated continuation reuses the prompt.
  const auto s1 = gen.score(ids.first(25), ids.subspan(25));
  REQUIRE(s1.size() == 20);
  for (std::size_t i = 0; i < 20; ++i) CHECK(s1[i] == Approx(want[24 + i]).margin(1e-4));
  // Its log-probabilities are the ones generate() reported.
  for (std::size_t i = 0; i < 20; ++i) CHECK(s1[i] == Approx(r.logprobs[i]).margin(1e-4));
  // A longer prefix, then a shorter one, then generate again.
  const auto s2 = gen.score(ids.first(30), ids.subspan(30));
  for (std::size_t i = 0; i < s2.size(); ++i) CHECK(s2[i] == Approx(want[29 + i]).margin(1e-4));
  const auto s3 = gen.score(ids.first(2), ids.subspan(2, 10));
  for (std::size_t i = 0; i < s3.size(); ++i) CHECK(s3[i] == Approx(want[1 + i]).margin(1e-4));
  const auto r2 = gen.generate(ids.first(25), options(false, 20));
  CHECK(r2.tokens == g.greedy_20);
  CHECK(r2.reused_prompt_tokens > 0);
}

TEST_CASE("prefix cache: a failed call leaves the generator consistent", "[generator][cache]") {
  // A continuation with a token outside the vocabulary makes score() fail
  // inside the forward pass. Later calls must still agree with a fresh
  // generator (score() once truncated the cache but not its token list).
  const auto model = tiny_model("qwen2");
  const Golden g = golden("qwen2", "zh_price");  // 12 tokens
  const auto all = concat(g.input_ids, g.greedy_20);
  const std::span<const std::int32_t> ids(all);
  const auto want = reference_logprobs(*model, all, 1);

  Generator gen(model, 64);
  (void)gen.score(ids.first(12), ids.subspan(12, 5));
  const std::vector<std::int32_t> bad{5, 100000};
  CHECK_THROWS_AS(gen.score(ids.first(12), bad), lf::Error);
  CHECK(gen.cached_tokens().size() <= 12);  // no claim to tokens it no longer holds

  const auto s = gen.score(ids.first(14), ids.subspan(14, 3));
  REQUIRE(s.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) CHECK(s[i] == Approx(want[13 + i]).margin(1e-4));

  // The same through generate() after a failed score().
  Generator gen2(model, 64);
  (void)gen2.score(ids.first(12), ids.subspan(12, 5));
  CHECK_THROWS_AS(gen2.score(ids.first(12), bad), lf::Error);
  const auto r = gen2.generate(ids.first(15), options(false, 5));
  CHECK(r.tokens == first(std::vector<std::int32_t>(ids.begin() + 15, ids.end()), 5));
}

TEST_CASE("prefix cache: a failed generate() leaves the generator consistent", "[generator][cache]") {
  const auto model = tiny_model("llama");
  const Golden g = golden("llama", "zh_price");
  Generator gen(model, 64);
  (void)gen.generate(std::span<const std::int32_t>(g.input_ids), options(false, 5));
  auto bad = first(g.input_ids, 8);
  bad.push_back(100000);  // outside the vocabulary
  bad.push_back(3);
  CHECK_THROWS_AS(gen.generate(std::span<const std::int32_t>(bad), options(false, 5)), lf::Error);
  const auto r = gen.generate(std::span<const std::int32_t>(g.input_ids), options(false, 20));
  CHECK(r.tokens == g.greedy_20);
}

TEST_CASE("prefix cache: generate_batch leaves the generator's cache alone", "[generator][cache][batch]") {
  const auto model = tiny_model("gpt2");
  const auto gs = goldens("gpt2");
  Generator gen(model, 64);
  const auto r1 = gen.generate(std::span<const std::int32_t>(gs[0].input_ids), options(false, 5));
  const auto cached = gen.cached_tokens();
  (void)gen.generate_batch({gs[1].input_ids, gs[3].input_ids}, options(false, 5));
  CHECK(gen.cached_tokens() == cached);
  const auto r2 = gen.generate(std::span<const std::int32_t>(gs[0].input_ids), options(false, 20));
  CHECK(r2.reused_prompt_tokens == static_cast<std::int64_t>(gs[0].input_ids.size()) - 1);
  CHECK(r2.tokens == gs[0].greedy_20);
  CHECK(first(r2.tokens, 5) == r1.tokens);
}
