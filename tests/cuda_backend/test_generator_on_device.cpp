// lf::Generator (and the C API) routed to the CUDA backend, on the kernel
// emulator: the emulated backend is installed behind device cuda
// (lf::cuda::install_backend()) and every result is compared with the CPU
// Generator's on the same model: stories260K from ../shared (skipped
// without it) and the committed tiny Llama (tests/data/models/llama).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <liveformer/core/error.hpp>
#include <liveformer/liveformer.h>
#include <liveformer/model/model.hpp>
#include <liveformer/runtime/accelerator.hpp>
#include <liveformer/runtime/device.hpp>
#include <liveformer/runtime/generator.hpp>

#include "accelerator_backend.hpp"
#include "harness/compare.hpp"

namespace {

constexpr std::int64_t kContext = 96;
constexpr int kTokens = 24;

// Installs the emulated backend behind device cuda for one test, then puts
// back what was there (in a LIVEFORMER_CUDA build: the real one).
class EmulatedCuda {
 public:
  EmulatedCuda() {
    lf::install_builtin_backends();  // so that the real one, if any, is not installed behind our back later
    previous_ = lf::cuda::install_backend();
  }
  ~EmulatedCuda() { lf::install_cuda_backend(previous_); }
  EmulatedCuda(const EmulatedCuda&) = delete;
  EmulatedCuda& operator=(const EmulatedCuda&) = delete;

 private:
  std::optional<lf::AcceleratorBackend> previous_;
};

std::shared_ptr<const lf::Model> load_stories() {
  return std::make_shared<const lf::Model>(
      lf::Model::load(std::filesystem::path(lf::test::shared_dir()) / "models/stories260K/stories260K.gguf"));
}

std::string tiny_llama_dir() { return (std::filesystem::path(lf::test::test_data_dir()) / "models/llama").string(); }

std::shared_ptr<const lf::Model> load_tiny_llama() {
  return std::make_shared<const lf::Model>(lf::Model::load(tiny_llama_dir()));
}

// The models these tests run on: the committed tiny Llama always,
// stories260K when ../shared is there.
std::vector<std::shared_ptr<const lf::Model>> models() {
  std::vector<std::shared_ptr<const lf::Model>> out{load_tiny_llama()};
  if (lf::test::have_shared())
    out.push_back(load_stories());
  else
    WARN("stories260K skipped: ../shared not found");
  return out;
}

lf::GenerateOptions greedy(int n) {
  lf::GenerateOptions o;
  o.max_new_tokens = n;
  o.sampling.temperature = 0;
  o.stop_at_eos = false;
  return o;
}

lf::GenerateOptions sampled(int n, std::uint64_t seed) {
  lf::GenerateOptions o;
  o.max_new_tokens = n;
  o.sampling.temperature = 0.9f;
  o.sampling.top_k = 40;
  o.sampling.top_p = 0.95f;
  o.sampling.min_p = 0.05f;
  o.sampling.seed = seed;
  o.stop_at_eos = false;
  return o;
}

struct Pair {
  lf::Generator cpu, device;
};

Pair cpu_and_device(const std::shared_ptr<const lf::Model>& model, std::int64_t context = kContext) {
  return {lf::Generator(model, context), lf::Generator(lf::load_accelerator(model), context)};
}

void check_same(const lf::GenerateResult& got, const lf::GenerateResult& want) {
  CHECK(got.tokens == want.tokens);
  CHECK(got.text == want.text);
  CHECK(lf::stop_reason_name(got.stop_reason) == std::string(lf::stop_reason_name(want.stop_reason)));
  CHECK(got.prompt_tokens == want.prompt_tokens);
  CHECK(got.reused_prompt_tokens == want.reused_prompt_tokens);
}

const char* kPrompt = "Once upon a time, there was a";

}  // namespace

TEST_CASE("generator on device: device cuda resolves to the installed emulator, auto too", "[cuda_backend][routing]") {
  EmulatedCuda cuda;
  CHECK(lf::resolve_device(lf::Device::cuda) == lf::Device::cuda);
  CHECK(lf::resolve_device(lf::Device::auto_select) == lf::Device::cuda);
  CHECK(lf::resolve_device(lf::Device::cpu) == lf::Device::cpu);
  const auto device_model = lf::load_accelerator(load_tiny_llama());
  CHECK(device_model->device_name().find("emulator") != std::string::npos);
  lf::Generator gen(device_model, 32);
  CHECK(gen.accelerator() == device_model.get());
  CHECK(gen.context_length() == 32);
}

TEST_CASE("generator on device: greedy equals the CPU generator", "[cuda_backend][routing]") {
  EmulatedCuda cuda;
  for (const auto& model : models()) {
    INFO(model->config().summary());
    Pair g = cpu_and_device(model);
    const lf::GenerateResult want = g.cpu.generate(kPrompt, greedy(kTokens));
    REQUIRE(want.tokens.size() == static_cast<std::size_t>(kTokens));
    check_same(g.device.generate(kPrompt, greedy(kTokens)), want);
    CHECK(g.device.cached_tokens() == g.cpu.cached_tokens());
  }
}

TEST_CASE("generator on device: seeded sampling on the device equals the CPU sampler", "[cuda_backend][routing]") {
  EmulatedCuda cuda;
  for (const auto& model : models()) {
    INFO(model->config().summary());
    Pair g = cpu_and_device(model);
    for (std::uint64_t seed : {7u, 1234u}) {
      const lf::GenerateOptions o = sampled(kTokens, seed);
      const lf::GenerateResult want = g.cpu.generate(kPrompt, o);
      check_same(g.device.generate(kPrompt, o), want);
      // Not greedy: the draws mattered.
      CHECK(want.tokens != g.cpu.generate(kPrompt, greedy(kTokens)).tokens);
    }
  }
}

TEST_CASE("generator on device: penalties and logprobs sample on the host from the device's logits",
          "[cuda_backend][routing]") {
  EmulatedCuda cuda;
  for (const auto& model : models()) {
    INFO(model->config().summary());
    Pair g = cpu_and_device(model);
    lf::GenerateOptions o = sampled(kTokens, 99);
    o.sampling.repetition_penalty = 1.3f;
    o.sampling.top_k = 0;  // off: outside the device's range as well
    o.logprobs = true;
    const lf::GenerateResult want = g.cpu.generate(kPrompt, o);
    const lf::GenerateResult got = g.device.generate(kPrompt, o);
    check_same(got, want);
    REQUIRE(got.logprobs.size() == want.logprobs.size());
    for (std::size_t i = 0; i < got.logprobs.size(); ++i) CHECK(std::abs(got.logprobs[i] - want.logprobs[i]) < 1e-4);
  }
}

TEST_CASE("generator on device: stop strings, EOS, streaming and cancellation as on the CPU",
          "[cuda_backend][routing]") {
  EmulatedCuda cuda;
  const auto model = load_tiny_llama();
  Pair g = cpu_and_device(model);

  // A stop string taken from the middle of the greedy text.
  const lf::GenerateResult full = g.cpu.generate(kPrompt, greedy(kTokens));
  check_same(g.device.generate(kPrompt, greedy(kTokens)), full);
  REQUIRE(full.text.size() > 12);
  lf::GenerateOptions stop = greedy(kTokens);
  stop.stop = {full.text.substr(full.text.size() / 2, 3)};
  std::string streamed;
  stop.on_text = [&](std::string_view piece) {
    streamed += piece;
    return true;
  };
  const lf::GenerateResult want_stop = g.cpu.generate(kPrompt, stop);
  REQUIRE(want_stop.stop_reason == lf::StopReason::stop_string);
  streamed.clear();
  const lf::GenerateResult got_stop = g.device.generate(kPrompt, stop);
  check_same(got_stop, want_stop);
  CHECK(streamed == got_stop.text);

  // Cancellation after the third piece.
  lf::GenerateOptions cancel = greedy(kTokens);
  int pieces = 0;
  cancel.on_text = [&](std::string_view) { return ++pieces < 3; };
  const lf::GenerateResult want_cancel = g.cpu.generate(kPrompt, cancel);
  REQUIRE(want_cancel.stop_reason == lf::StopReason::cancelled);
  pieces = 0;
  check_same(g.device.generate(kPrompt, cancel), want_cancel);

  // EOS: the first seed whose CPU sample ends on EOS within 60 tokens.
  std::optional<lf::GenerateResult> want_eos;
  lf::GenerateOptions eos;
  for (std::uint64_t seed = 1; seed <= 20 && !want_eos; ++seed) {
    eos = sampled(60, seed);
    eos.stop_at_eos = true;
    lf::GenerateResult r = g.cpu.generate("hello", eos);
    if (r.stop_reason == lf::StopReason::eos) want_eos = std::move(r);
  }
  REQUIRE(want_eos.has_value());
  check_same(g.device.generate("hello", eos), *want_eos);
}

TEST_CASE("generator on device: a shared prefix is reused and gives a fresh generator's tokens",
          "[cuda_backend][routing]") {
  EmulatedCuda cuda;
  for (const auto& model : models()) {
    INFO(model->config().summary());
    Pair g = cpu_and_device(model);
    const std::vector<std::int32_t> first = g.cpu.tokenize_prompt(kPrompt);
    std::vector<std::int32_t> second = first;
    second.resize(first.size() - 2);  // diverges two tokens before the end
    for (std::int32_t id : g.cpu.tokenize_prompt(" little dog")) second.push_back(id);
    g.cpu.generate(first, greedy(8));
    g.device.generate(first, greedy(8));
    const lf::GenerateResult want = g.cpu.generate(second, greedy(kTokens));
    const lf::GenerateResult got = g.device.generate(second, greedy(kTokens));
    CHECK(got.reused_prompt_tokens > 0);
    check_same(got, want);
    lf::Generator fresh(lf::load_accelerator(model), kContext);
    const lf::GenerateResult alone = fresh.generate(second, greedy(kTokens));
    CHECK(alone.reused_prompt_tokens == 0);
    CHECK(alone.tokens == got.tokens);
  }
}

TEST_CASE("generator on device: a full context stops as on the CPU; a prompt too long is context_full",
          "[cuda_backend][routing]") {
  EmulatedCuda cuda;
  const auto model = load_tiny_llama();
  constexpr std::int64_t kSmall = 28;
  Pair g = cpu_and_device(model, kSmall);
  REQUIRE(static_cast<std::int64_t>(g.cpu.tokenize_prompt(kPrompt).size()) < kSmall);
  const lf::GenerateResult want = g.cpu.generate(kPrompt, greedy(40));
  REQUIRE(want.stop_reason == lf::StopReason::context_full);
  check_same(g.device.generate(kPrompt, greedy(40)), want);

  const std::vector<std::int32_t> too_long(kSmall + 1, 5);
  try {
    g.device.generate(too_long, greedy(4));
    FAIL("a prompt longer than the context was accepted");
  } catch (const lf::Error& e) {
    CHECK(e.kind() == lf::ErrorKind::context_full);
  }
}

TEST_CASE("generator on device: eval, score, score_batch and generate_batch equal the CPU",
          "[cuda_backend][routing]") {
  EmulatedCuda cuda;
  const auto model = load_tiny_llama();
  Pair g = cpu_and_device(model);
  const std::vector<std::int32_t> prompt = g.cpu.tokenize_prompt(kPrompt);

  // eval: the last token's logits.
  g.cpu.eval(prompt);
  g.cpu.eval(std::vector<std::int32_t>{7});
  g.device.eval(prompt);
  const std::span<const float> got = g.device.eval(std::vector<std::int32_t>{7});
  const std::span<const float> want_last = g.cpu.last_logits();
  REQUIRE(got.size() == want_last.size());
  const std::vector<double> reference(want_last.begin(), want_last.end());
  CHECK(lf::test::relative_error(got, std::span<const double>(reference)) < 1e-5);
  CHECK(g.device.cached_tokens() == g.cpu.cached_tokens());

  // score (reusing the cached prompt) and score_batch.
  const std::vector<std::int32_t> cont{9, 4, 11, 3};
  const std::vector<double> want_score = g.cpu.score(prompt, cont);
  const std::vector<double> got_score = g.device.score(prompt, cont);
  REQUIRE(got_score.size() == cont.size());
  for (std::size_t i = 0; i < cont.size(); ++i) CHECK(std::abs(got_score[i] - want_score[i]) < 1e-4);
  CHECK(g.device.cached_tokens() == g.cpu.cached_tokens());

  const std::vector<std::vector<std::int32_t>> conts{{9, 4}, {11}, {3, 8, 6}};
  const auto want_batch = g.cpu.score_batch(prompt, conts);
  const auto got_batch = g.device.score_batch(prompt, conts);
  REQUIRE(got_batch.size() == want_batch.size());
  for (std::size_t i = 0; i < conts.size(); ++i) {
    REQUIRE(got_batch[i].size() == want_batch[i].size());
    for (std::size_t t = 0; t < conts[i].size(); ++t) CHECK(std::abs(got_batch[i][t] - want_batch[i][t]) < 1e-4);
  }
  CHECK(g.device.cached_tokens() == g.cpu.cached_tokens());

  // generate_batch: each prompt as if alone; the generator's cache untouched.
  const std::vector<std::vector<std::int32_t>> prompts{prompt, g.cpu.tokenize_prompt("hello")};
  const auto before = g.device.cached_tokens();
  const auto want_gen = g.cpu.generate_batch(prompts, sampled(12, 5));
  const auto got_gen = g.device.generate_batch(prompts, sampled(12, 5));
  REQUIRE(got_gen.size() == want_gen.size());
  for (std::size_t i = 0; i < got_gen.size(); ++i) check_same(got_gen[i], want_gen[i]);
  CHECK(g.device.cached_tokens() == before);
}

TEST_CASE("generator on device: fork and generate_batch_from_cache copy the cache on the device, as the CPU does",
          "[cuda_backend][routing]") {
  EmulatedCuda cuda;
  const auto model = load_tiny_llama();
  Pair g = cpu_and_device(model);
  const std::vector<std::int32_t> shared = g.cpu.tokenize_prompt(kPrompt);
  g.cpu.eval(shared);
  g.device.eval(shared);

  // A fork continues from the copied cache: reuses all but the last
  // prompt token and gives the CPU fork's tokens; the original is untouched.
  std::vector<std::int32_t> longer = shared;
  for (std::int32_t id : g.cpu.tokenize_prompt(" dog")) longer.push_back(id);
  lf::Generator cpu_fork = g.cpu.fork();
  lf::Generator device_fork = g.device.fork();
  CHECK(device_fork.cached_tokens() == g.device.cached_tokens());
  CHECK(device_fork.accelerator() == g.device.accelerator());
  const lf::GenerateResult want = cpu_fork.generate(longer, sampled(12, 11));
  const lf::GenerateResult got = device_fork.generate(longer, sampled(12, 11));
  CHECK(got.reused_prompt_tokens == static_cast<std::int64_t>(shared.size()));
  check_same(got, want);
  CHECK(g.device.cached_tokens() == shared);

  // Several prompts from the cached prefix.
  std::vector<std::vector<std::int32_t>> prompts{longer, shared, g.cpu.tokenize_prompt("hello")};
  const auto want_batch = g.cpu.generate_batch_from_cache(prompts, greedy(10));
  const auto got_batch = g.device.generate_batch_from_cache(prompts, greedy(10));
  REQUIRE(got_batch.size() == want_batch.size());
  for (std::size_t i = 0; i < got_batch.size(); ++i) check_same(got_batch[i], want_batch[i]);
  CHECK(got_batch[0].reused_prompt_tokens == static_cast<std::int64_t>(shared.size()));
  CHECK(g.device.cached_tokens() == shared);
  // The original still continues as the CPU one does.
  check_same(g.device.generate(longer, greedy(8)), g.cpu.generate(longer, greedy(8)));
}

TEST_CASE("generator on device: embed is unsupported, by name", "[cuda_backend][routing]") {
  EmulatedCuda cuda;
  lf::Generator gen(lf::load_accelerator(load_tiny_llama()), 32);
  const std::vector<std::int32_t> ids{1, 5, 9};
  try {
    gen.embed(ids, lf::Generator::Pooling::mean);
    FAIL("embed ran on the device");
  } catch (const lf::Error& e) {
    CHECK(e.kind() == lf::ErrorKind::unsupported);
    CHECK(std::string(e.what()).rfind("embed: not available on device cuda (", 0) == 0);
  }
}

TEST_CASE("C API on device cuda (the emulator): generation and forks equal the CPU, embed and f16 KV are refused",
          "[cuda_backend][routing][c_api]") {
  EmulatedCuda cuda;
  const std::string dir = tiny_llama_dir();
  lf_model_params mp = lf_model_default_params();
  lf_model *cpu_model = nullptr, *dev_model = nullptr;
  REQUIRE(lf_model_load(dir.c_str(), &mp, &cpu_model) == LF_OK);
  mp.device = "cuda";
  REQUIRE(lf_model_load(dir.c_str(), &mp, &dev_model) == LF_OK);

  lf_context_params cp = lf_context_default_params();
  cp.n_ctx = 64;
  lf_context *cpu = nullptr, *dev = nullptr;
  REQUIRE(lf_context_create(cpu_model, &cp, &cpu) == LF_OK);
  REQUIRE(lf_context_create(dev_model, &cp, &dev) == LF_OK);
  CHECK(lf_context_n_ctx(dev) == 64);

  lf_generate_params gp = lf_generate_default_params();
  gp.max_new_tokens = 16;
  gp.sampling.seed = 3;
  std::string streamed;
  gp.on_text = [](const char* piece, size_t len, void* user) {
    static_cast<std::string*>(user)->append(piece, len);
    return 0;
  };
  gp.user_data = &streamed;
  lf_generate_result want{}, got{};
  REQUIRE(lf_generate(cpu, kPrompt, &gp, &want) == LF_OK);
  streamed.clear();
  REQUIRE(lf_generate(dev, kPrompt, &gp, &got) == LF_OK);
  CHECK(std::string(got.text) == std::string(want.text));
  CHECK(streamed == std::string(got.text));
  CHECK(got.n_tokens == want.n_tokens);
  CHECK(got.stop_reason == want.stop_reason);
  CHECK(lf_context_n_tokens(dev) == lf_context_n_tokens(cpu));
  lf_generate_result_free(&want);
  lf_generate_result_free(&got);

  // A fork on the device answers as a CPU fork does.
  lf_context *cpu_fork = nullptr, *dev_fork = nullptr;
  REQUIRE(lf_context_fork(cpu, &cpu_fork) == LF_OK);
  REQUIRE(lf_context_fork(dev, &dev_fork) == LF_OK);
  CHECK(lf_context_n_tokens(dev_fork) == lf_context_n_tokens(dev));
  gp.on_text = nullptr;
  REQUIRE(lf_generate(cpu_fork, " and", &gp, &want) == LF_OK);
  REQUIRE(lf_generate(dev_fork, " and", &gp, &got) == LF_OK);
  CHECK(std::string(got.text) == std::string(want.text));
  CHECK(got.n_reused_tokens == want.n_reused_tokens);
  lf_generate_result_free(&want);
  lf_generate_result_free(&got);
  lf_context_free(cpu_fork);
  lf_context_free(dev_fork);

  float embedding[256];
  const lf_token ids[] = {1, 5, 9};
  CHECK(lf_embed(dev, ids, 3, LF_POOL_MEAN, embedding, 256) == LF_ERR_UNSUPPORTED);
  CHECK(std::string(lf_last_error()).find("embed: not available on device cuda") != std::string::npos);
  lf_context_params f16 = cp;
  f16.kv_type = LF_KV_F16;
  lf_context* none = nullptr;
  CHECK(lf_context_create(dev_model, &f16, &none) == LF_ERR_UNSUPPORTED);
  CHECK(none == nullptr);
  lf_context_params q8 = cp;
  q8.kv_type = LF_KV_Q8_0;
  CHECK(lf_context_create(dev_model, &q8, &none) == LF_ERR_UNSUPPORTED);
  CHECK(std::string(lf_last_error()).find("LF_KV_Q8_0 is not available on device cuda") != std::string::npos);
  CHECK(none == nullptr);

  lf_context_free(cpu);
  lf_context_free(dev);
  lf_model_free(cpu_model);
  lf_model_free(dev_model);
}
