// lf::Generator on the tiny Hugging Face reference models (tests/data/models):
// greedy output against transformers' generate(), batching, EOS, limits,
// log-probabilities and scoring against separate forward passes and the
// golden log-probabilities, streaming of byte-level text.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <liveformer/core/error.hpp>
#include <liveformer/formats/utf8.hpp>
#include <liveformer/runtime/generator.hpp>

#include "harness/npy.hpp"
#include "runtime_fixtures.hpp"

namespace {

using namespace lf::test::runtime;
using lf::GenerateOptions;
using lf::Generator;
using lf::StopReason;

GenerateOptions greedy(int max_new) {
  GenerateOptions o;
  o.max_new_tokens = max_new;
  o.sampling.temperature = 0;
  o.stop_at_eos = false;  // the goldens were made with EOS disabled
  return o;
}

GenerateOptions sampled(int max_new, std::uint64_t seed) {
  GenerateOptions o;
  o.max_new_tokens = max_new;
  o.sampling.temperature = 1.0f;
  o.sampling.top_k = 0;
  o.sampling.top_p = 1.0f;
  o.sampling.min_p = 0.0f;
  o.sampling.seed = seed;
  o.stop_at_eos = false;
  return o;
}

std::vector<std::int32_t> prefix(const std::vector<std::int32_t>& v, std::size_t n) {
  return {v.begin(), v.begin() + static_cast<std::ptrdiff_t>(std::min(n, v.size()))};
}

}  // namespace

TEST_CASE("generator: greedy decoding reproduces transformers' generate()", "[generator]") {
  for (const std::string name : {"gpt2", "llama", "qwen2"}) {
    const auto model = tiny_model(name);
    Generator gen(model, 64);
    for (const Golden& g : goldens(name)) {
      INFO(name << " / " << g.name);
      // The prompt text tokenizes to the golden ids (no BOS for these).
      CHECK(gen.tokenize_prompt(g.text) == g.input_ids);
      const auto r = gen.generate(std::span<const std::int32_t>(g.input_ids), greedy(20));
      CHECK(r.tokens == g.greedy_20);
      CHECK(r.stop_reason == StopReason::max_tokens);
      CHECK(r.prompt_tokens == static_cast<std::int64_t>(g.input_ids.size()));
      // The text is the decoded tokens (ill-formed bytes as U+FFFD).
      CHECK(r.text == lf::utf8::sanitize(model->tokenizer().decode(r.tokens)));
      CHECK(valid_utf8(r.text));
    }
  }
}

TEST_CASE("generator: streamed pieces are whole UTF-8 and join to the text", "[generator][stream]") {
  // Random-weight models emit arbitrary byte tokens, so characters get
  // split across tokens and stray bytes appear: the hard case.
  for (const std::string name : {"gpt2", "llama", "qwen2"}) {
    const auto model = tiny_model(name);
    Generator gen(model, 64);  // GPT-2 has 64 learned positions
    for (const Golden& g : goldens(name)) {
      for (std::uint64_t seed : {1u, 2u, 3u}) {
        INFO(name << " / " << g.name << " / seed " << seed);
        GenerateOptions o = sampled(36, seed);  // longest prompt 25 + 36 < 64
        std::vector<std::string> pieces;
        o.on_text = [&](std::string_view p) {
          pieces.emplace_back(p);
          return true;
        };
        const auto r = gen.generate(std::span<const std::int32_t>(g.input_ids), o);
        std::string joined;
        for (const auto& p : pieces) {
          CHECK_FALSE(p.empty());
          CHECK(valid_utf8(p));
          joined += p;
        }
        CHECK(joined == r.text);
        CHECK(r.text == lf::utf8::sanitize(model->tokenizer().decode(r.tokens)));
        CHECK(r.tokens.size() == 36);
      }
    }
  }
}

TEST_CASE("generator: max_new_tokens is respected exactly", "[generator]") {
  const auto model = tiny_model("llama");
  const Golden g = golden("llama", "zh_price");
  Generator gen(model, 64);
  for (int n : {0, 1, 7, 20}) {
    INFO("max_new_tokens " << n);
    const auto r = gen.generate(std::span<const std::int32_t>(g.input_ids), greedy(n));
    CHECK(r.tokens.size() == static_cast<std::size_t>(n));
    CHECK(r.tokens == prefix(g.greedy_20, static_cast<std::size_t>(n)));
    CHECK(r.stop_reason == StopReason::max_tokens);
    if (n == 0) CHECK(r.text.empty());
  }
}

TEST_CASE("generator: EOS ends generation unless stop_at_eos is off", "[generator]") {
  // Make a token the greedy continuation produces the EOS: transformers'
  // greedy ids say exactly where it first appears.
  for (const std::string name : {"gpt2", "llama", "qwen2"}) {
    const Golden g = golden(name, "zh_price");
    const std::int32_t eos = g.greedy_20[3];
    const std::size_t first = static_cast<std::size_t>(std::find(g.greedy_20.begin(), g.greedy_20.end(), eos) - g.greedy_20.begin());
    const auto model = with_eos(tiny_model(name), {eos});
    Generator gen(model, 64);
    INFO(name << ": EOS " << eos << " first at step " << first);

    GenerateOptions o = greedy(20);
    o.stop_at_eos = true;
    o.logprobs = true;
    std::string streamed;
    o.on_text = [&](std::string_view p) {
      streamed += p;
      return true;
    };
    const auto r = gen.generate(std::span<const std::int32_t>(g.input_ids), o);
    CHECK(r.stop_reason == StopReason::eos);
    CHECK(r.tokens == prefix(g.greedy_20, first + 1));  // EOS included in the ids
    CHECK(r.logprobs.size() == r.tokens.size());
    // ... but not in the text.
    const auto before = prefix(g.greedy_20, first);
    CHECK(r.text == lf::utf8::sanitize(model->tokenizer().decode(before)));
    CHECK(streamed == r.text);

    o.stop_at_eos = false;
    const auto all = gen.generate(std::span<const std::int32_t>(g.input_ids), o);
    CHECK(all.stop_reason == StopReason::max_tokens);
    CHECK(all.tokens == g.greedy_20);
  }
}

TEST_CASE("generator: the loaded models' own EOS ids stop generation", "[generator]") {
  // qwen2's EOS is <|im_end|> (401); gpt2/llama's <|endoftext|> (0), from
  // their config / generation_config.
  CHECK(tiny_model("qwen2")->info().eos_ids == std::vector<std::int32_t>{401});
  CHECK(tiny_model("gpt2")->info().eos_ids == std::vector<std::int32_t>{0});
  // Sampling long enough from a random model produces the EOS somewhere;
  // the run must end right there.
  const auto model = tiny_model("qwen2");
  Generator gen(model, 128);
  const Golden g = golden("qwen2", "chatml");
  int stopped = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    GenerateOptions o = sampled(100, seed);
    o.stop_at_eos = true;
    const auto r = gen.generate(std::span<const std::int32_t>(g.input_ids), o);
    const auto at = std::find(r.tokens.begin(), r.tokens.end(), 401);
    if (at == r.tokens.end()) {
      CHECK(r.stop_reason == StopReason::max_tokens);
    } else {
      ++stopped;
      CHECK(r.stop_reason == StopReason::eos);
      CHECK(at + 1 == r.tokens.end());
    }
  }
  // Premise of the test (a uniform-ish sampler over 402 tokens meets 401
  // in 100 steps in most runs): some runs did stop.
  CHECK(stopped > 0);
}

TEST_CASE("generator: log-probabilities equal log-softmax of a separate forward pass", "[generator]") {
  for (const std::string name : {"gpt2", "llama", "qwen2"}) {
    const auto model = tiny_model(name);
    Generator gen(model, 64);
    const Golden g = golden(name, "en_zh_mixed");
    for (const bool sample : {false, true}) {
      INFO(name << (sample ? " sampled" : " greedy"));
      GenerateOptions o = sample ? sampled(15, 7) : greedy(15);
      o.logprobs = true;
      const auto r = gen.generate(std::span<const std::int32_t>(g.input_ids), o);
      REQUIRE(r.logprobs.size() == r.tokens.size());
      const auto all = concat(g.input_ids, r.tokens);
      const auto want = reference_logprobs(*model, all, g.input_ids.size());
      for (std::size_t i = 0; i < want.size(); ++i) CHECK(r.logprobs[i] == Approx(want[i]).margin(1e-4));
      // Without the option there are none.
      o.logprobs = false;
      CHECK(gen.generate(std::span<const std::int32_t>(g.input_ids), o).logprobs.empty());
    }
  }
}

TEST_CASE("generator: sampled generation is reproducible by seed", "[generator]") {
  const auto model = tiny_model("llama");
  const Golden g = golden("llama", "bos");
  Generator a(model, 64), b(model, 64);
  const auto r1 = a.generate(std::span<const std::int32_t>(g.input_ids), sampled(30, 11));
  const auto r2 = b.generate(std::span<const std::int32_t>(g.input_ids), sampled(30, 11));
  const auto r3 = a.generate(std::span<const std::int32_t>(g.input_ids), sampled(30, 11));  // cache reused
  const auto r4 = a.generate(std::span<const std::int32_t>(g.input_ids), sampled(30, 12));
  CHECK(r1.tokens == r2.tokens);
  CHECK(r1.text == r2.text);
  CHECK(r1.tokens == r3.tokens);
  CHECK(r1.tokens != r4.tokens);
  CHECK(r1.tokens != g.greedy_20);  // really sampled
}

TEST_CASE("generator: a full context ends generation with context_full", "[generator]") {
  const auto model = tiny_model("llama");
  const Golden g = golden("llama", "zh_price");  // 12 prompt tokens
  for (std::int64_t ctx : {12, 13, 16}) {
    INFO("context " << ctx);
    Generator gen(model, ctx);
    const auto r = gen.generate(std::span<const std::int32_t>(g.input_ids), greedy(100));
    CHECK(r.stop_reason == StopReason::context_full);
    // The ids are the start of the unconstrained greedy continuation, one
    // per free position (plus the token predicted at the last position).
    const auto room = static_cast<std::size_t>(ctx) - g.input_ids.size();
    CHECK((r.tokens.size() == room || r.tokens.size() == room + 1));
    CHECK(r.tokens == prefix(g.greedy_20, r.tokens.size()));
    CHECK(r.text == lf::utf8::sanitize(model->tokenizer().decode(r.tokens)));
  }
}

TEST_CASE("generator: a prompt longer than the context is a clear error", "[generator]") {
  const auto model = tiny_model("qwen2");
  const Golden g = golden("qwen2", "zh_price");  // 12 tokens
  Generator gen(model, 8);
  CHECK_THROWS_AS(gen.generate(std::span<const std::int32_t>(g.input_ids), greedy(5)), lf::Error);
  CHECK_THROWS_WITH(gen.generate(std::span<const std::int32_t>(g.input_ids), greedy(5)),
                    Catch::Contains("12") && Catch::Contains("context length 8"));
  CHECK_THROWS_AS(gen.generate(g.text, greedy(5)), lf::Error);
  CHECK_THROWS_AS(gen.generate_batch({g.input_ids}, greedy(5)), lf::Error);
  CHECK_THROWS_AS(gen.score(std::span<const std::int32_t>(g.input_ids).first(4),
                            std::span<const std::int32_t>(g.input_ids).subspan(4)),
                  lf::Error);
  // The generator still works afterwards.
  const std::vector<std::int32_t> short_prompt = prefix(g.input_ids, 4);
  Generator fresh(model, 8);
  CHECK(gen.generate(std::span<const std::int32_t>(short_prompt), greedy(3)).tokens ==
        fresh.generate(std::span<const std::int32_t>(short_prompt), greedy(3)).tokens);
  // Empty token prompts and empty stop strings are errors too.
  CHECK_THROWS_AS(gen.generate(std::span<const std::int32_t>(), greedy(3)), lf::Error);
  GenerateOptions bad_stop = greedy(3);
  bad_stop.stop = {""};
  CHECK_THROWS_AS(gen.generate(std::span<const std::int32_t>(short_prompt), bad_stop), lf::Error);
}

TEST_CASE("generator: generate_batch equals generating each prompt alone", "[generator][batch]") {
  for (const std::string name : {"gpt2", "llama", "qwen2"}) {
    const auto model = tiny_model(name);
    const auto gs = goldens(name);  // prompts of 12, 12, 1 and 25 tokens
    std::vector<std::vector<std::int32_t>> prompts;
    for (const auto& g : gs) prompts.push_back(g.input_ids);
    prompts.push_back(prefix(gs[3].input_ids, 5));

    for (const bool sample : {false, true}) {
      INFO(name << (sample ? " sampled" : " greedy"));
      GenerateOptions o = sample ? sampled(20, 5) : greedy(20);
      o.logprobs = true;
      Generator batch_gen(model, 64);
      const auto batch = batch_gen.generate_batch(prompts, o);
      REQUIRE(batch.size() == prompts.size());
      for (std::size_t i = 0; i < prompts.size(); ++i) {
        INFO("prompt " << i << " (" << prompts[i].size() << " tokens)");
        Generator alone(model, 64);
        const auto r = alone.generate(std::span<const std::int32_t>(prompts[i]), o);
        CHECK(batch[i].tokens == r.tokens);
        CHECK(batch[i].text == r.text);
        CHECK(batch[i].stop_reason == r.stop_reason);
        CHECK(batch[i].prompt_tokens == static_cast<std::int64_t>(prompts[i].size()));
        REQUIRE(batch[i].logprobs.size() == r.logprobs.size());
        for (std::size_t k = 0; k < r.logprobs.size(); ++k) CHECK(batch[i].logprobs[k] == Approx(r.logprobs[k]).margin(1e-4));
        if (!sample && i < gs.size()) CHECK(batch[i].tokens == gs[i].greedy_20);  // transformers' ids
      }
    }
  }
}

TEST_CASE("generator: generate_batch sequences end independently", "[generator][batch]") {
  // EOS at different steps for different prompts, one stop string, and a
  // streaming callback shared by all sequences.
  const std::string name = "gpt2";
  const auto gs = goldens(name);
  const std::int32_t eos = gs[0].greedy_20[3];
  const auto model = with_eos(tiny_model(name), {eos});
  std::vector<std::vector<std::int32_t>> prompts;
  for (const auto& g : gs) prompts.push_back(g.input_ids);
  GenerateOptions o = greedy(20);
  o.stop_at_eos = true;
  // A stop string from the middle of the "bos" prompt's greedy text (which
  // does not contain the EOS token): two tokens that decode to whole
  // UTF-8 characters.
  REQUIRE(std::find(gs[2].greedy_20.begin(), gs[2].greedy_20.end(), eos) == gs[2].greedy_20.end());
  std::string stop;
  for (std::size_t k = 6; k + 1 < gs[2].greedy_20.size() && stop.empty(); ++k) {
    const std::vector<std::int32_t> two{gs[2].greedy_20[k], gs[2].greedy_20[k + 1]};
    const std::string s = model->tokenizer().decode(two);
    if (!s.empty() && valid_utf8(s)) stop = s;
  }
  REQUIRE_FALSE(stop.empty());
  o.stop = {stop};
  std::string all_streamed;
  o.on_text = [&](std::string_view p) {
    all_streamed += p;
    return true;
  };
  Generator gen(model, 64);
  const auto batch = gen.generate_batch(prompts, o);
  std::string want_streamed;
  std::size_t total = 0;
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    INFO("prompt " << i);
    Generator alone(model, 64);
    GenerateOptions oa = o;
    oa.on_text = nullptr;
    const auto r = alone.generate(std::span<const std::int32_t>(prompts[i]), oa);
    CHECK(batch[i].tokens == r.tokens);
    CHECK(batch[i].text == r.text);
    CHECK(batch[i].stop_reason == r.stop_reason);
    total += batch[i].text.size();
  }
  // Pieces of different sequences interleave, so only the amount is
  // comparable.
  CHECK(all_streamed.size() == total);
  // The setup really has different ends.
  std::vector<StopReason> reasons;
  for (const auto& r : batch) reasons.push_back(r.stop_reason);
  CHECK(std::find(reasons.begin(), reasons.end(), StopReason::eos) != reasons.end());
  CHECK(std::find(reasons.begin(), reasons.end(), StopReason::stop_string) != reasons.end());
}

TEST_CASE("generator: score equals transformers' golden log-probabilities", "[generator][score]") {
  const auto model = tiny_model("qwen2");
  const Golden g = golden("qwen2", "zh_price");
  const auto want = lf::test::load_npy_f64(tiny_model_dir("qwen2") / "golden" / "zh_price.logprobs.npy");
  REQUIRE(want.size() == g.input_ids.size() - 1);
  Generator gen(model, 64);
  const std::span<const std::int32_t> ids(g.input_ids);
  const auto got = gen.score(ids.first(1), ids.subspan(1));
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) CHECK(got[i] == Approx(want[i]).margin(1e-4));
  // Splitting prefix and continuation elsewhere gives the same numbers.
  const auto tail = gen.score(ids.first(5), ids.subspan(5));
  REQUIRE(tail.size() == want.size() - 4);
  for (std::size_t i = 0; i < tail.size(); ++i) CHECK(tail[i] == Approx(want[i + 4]).margin(1e-4));
  CHECK(gen.score(ids, {}).empty());
  CHECK_THROWS_AS(gen.score({}, ids), lf::Error);
}

TEST_CASE("generator: score equals log-softmax of a full forward pass", "[generator][score]") {
  for (const std::string name : {"gpt2", "llama"}) {
    const auto model = tiny_model(name);
    const Golden g = golden(name, "chatml");
    const auto all = concat(g.input_ids, g.greedy_20);
    const auto want = reference_logprobs(*model, all, 3);
    Generator gen(model, 64);
    const std::span<const std::int32_t> ids(all);
    const auto got = gen.score(ids.first(3), ids.subspan(3));
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < want.size(); ++i) CHECK(got[i] == Approx(want[i]).margin(1e-4));
  }
}

TEST_CASE("generator: generate_batch with no prompts or no new tokens", "[generator][batch]") {
  const auto model = tiny_model("llama");
  const auto gs = goldens("llama");
  Generator gen(model, 64);
  CHECK(gen.generate_batch({}, greedy(5)).empty());
  const auto none = gen.generate_batch({gs[0].input_ids, gs[2].input_ids}, greedy(0));
  REQUIRE(none.size() == 2);
  for (const auto& r : none) {
    CHECK(r.tokens.empty());
    CHECK(r.text.empty());
    CHECK(r.stop_reason == StopReason::max_tokens);
  }
  CHECK_THROWS_AS(gen.generate_batch({gs[0].input_ids, {}}, greedy(5)), lf::Error);
}

TEST_CASE("generator: GPT-2's learned positions bound the context", "[generator]") {
  // GPT-2 has no position embedding beyond n_ctx_train (64 here). A
  // Generator asked for more context should refuse at construction or end
  // generation with context_full at position 64, not throw halfway through
  // generate() and lose the tokens produced so far.
  const auto model = tiny_model("gpt2");
  REQUIRE(model->config().n_ctx_train == 64);
  const Golden g = golden("gpt2", "chatml");  // 25 tokens
  std::unique_ptr<Generator> gen;
  try {
    gen = std::make_unique<Generator>(model, 128);
  } catch (const lf::Error&) {
    SUCCEED("refused at construction");
    return;
  }
  const auto r = gen->generate(std::span<const std::int32_t>(g.input_ids), greedy(100));
  CHECK(r.stop_reason == StopReason::context_full);
  CHECK(r.tokens.size() >= 64 - g.input_ids.size());
}
