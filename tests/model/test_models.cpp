// End-to-end model tests: a real pretrained model, transformers' logits for
// three architectures, KV-cache consistency, batching.
#include <catch2/catch.hpp>

#include "harness/skip.hpp"
#include <fstream>
#include <sstream>

#include <liveformer/model/forward.hpp>
#include <liveformer/runtime/generator.hpp>

#include "model/reference_models.hpp"

using namespace lf;
using namespace lf::test;

namespace {

// transformers computes in f32 too, with different summation orders (and
// its own RoPE angle rounding); 1e-4 relative error is the bound.
constexpr double kLogitTolerance = 1e-4;

std::shared_ptr<const Model> load(const std::filesystem::path& p) { return std::make_shared<const Model>(Model::load(p)); }

}  // namespace

TEST_CASE("stories260K reproduces its published greedy output byte for byte", "[model][shared]") {
  if (!have_shared()) {
    LF_SKIP("../shared not found");
  }
  const auto dir = std::filesystem::path(shared_dir()) / "models" / "stories260K";
  std::ifstream in(dir / "greedy-200-from-bos.txt", std::ios::binary);
  std::stringstream expected;
  expected << in.rdbuf();
  REQUIRE(expected.str().size() > 100);

  Generator gen(load(dir / "stories260K.gguf"), 512);
  GenerateOptions opt;
  opt.max_new_tokens = 200;  // llama2.c's test: 200 steps after BOS
  opt.sampling.temperature = 0;
  const GenerateResult r = gen.generate("", opt);
  CHECK(r.prompt_tokens == 1);  // BOS alone
  CHECK(r.text == expected.str());
  CHECK(r.tokens.size() == 200);
}

TEST_CASE("HF reference models: logits match transformers", "[model]") {
  for (const std::string& name : reference_model_names()) {
    const auto model = load(reference_model_dir(name));
    for (const GoldenPrompt& p : golden_prompts(name)) {
      INFO(name << " / " << p.name);
      const Tensor got = full_logits(*model, p.input_ids);
      const Tensor want = load_npy_tensor(p.logits);
      REQUIRE(got.shape() == want.shape());
      const double err = relative_error(got, want);
      CAPTURE(err);
      CHECK(err <= kLogitTolerance);
    }
  }
}

TEST_CASE("HF reference models: greedy generation matches transformers", "[model]") {
  for (const std::string& name : reference_model_names()) {
    Generator gen(load(reference_model_dir(name)), 64);
    for (const GoldenPrompt& p : golden_prompts(name)) {
      INFO(name << " / " << p.name);
      GenerateOptions opt;
      opt.max_new_tokens = 20;
      opt.sampling.temperature = 0;
      opt.stop_at_eos = false;
      const GenerateResult r = gen.generate(std::span<const std::int32_t>(p.input_ids), opt);
      CHECK(r.tokens == p.greedy_20);
    }
  }
}

TEST_CASE("prefill plus decode steps equals one full forward", "[model]") {
  std::vector<std::pair<std::string, std::filesystem::path>> models;
  for (const std::string& name : reference_model_names()) models.emplace_back(name, reference_model_dir(name));
  if (have_shared())
    models.emplace_back("stories260K", std::filesystem::path(shared_dir()) / "models/stories260K/stories260K.gguf");
  for (const auto& [name, path] : models) {
    INFO(name);
    const auto model = load(path);
    std::vector<std::int32_t> ids;
    for (int i = 0; i < 24; ++i) ids.push_back((i * 37 + 5) % 300 + 1);
    const Tensor whole = full_logits(*model, ids);

    for (std::size_t split : {std::size_t{1}, std::size_t{7}, std::size_t{23}}) {
      KvCache cache(model->config(), 32);
      Workspace ws;
      const std::int64_t v = model->config().vocab_size;
      Tensor got = Tensor::empty({static_cast<std::int64_t>(ids.size()), v});
      // Prefill `split` tokens (all logits), then one token per step.
      Tensor first = forward(*model, cache, std::span(ids).first(split), ws, true);
      got.slice(0, 0, static_cast<std::int64_t>(split)).copy_from(first);
      for (std::size_t t = split; t < ids.size(); ++t) {
        Tensor step = forward(*model, cache, std::span(ids).subspan(t, 1), ws);
        got.slice(0, static_cast<std::int64_t>(t), 1).copy_from(step);
      }
      CHECK(cache.size() == static_cast<std::int64_t>(ids.size()));
      const double err = relative_error(got, whole);
      INFO("prefill " << split << ": relative error " << err);
      CHECK(err <= 1e-5);
    }
  }
}

// A prompt long enough that the row-wise steps (norms, adds, RoPE, the
// activation) split by rows over the pool as well as the products and
// attention: one thread and three give the same bits.
TEST_CASE("a long prompt gives the same logits on one thread and on three", "[model]") {
  for (const std::string& name : {std::string("llama"), std::string("qwen2")}) {
    INFO(name);
    const Model small = Model::load(reference_model_dir(name));
    ModelConfig config = small.config();
    config.n_ctx_train = 1024;  // RoPE has no table to outgrow; the weights stay as trained
    const Model model(config, small.weights(), small.shared_tokenizer(), small.info());
    std::vector<std::int32_t> ids;
    for (int i = 0; i < 700; ++i) ids.push_back((i * 53 + 11) % 400 + 1);  // 700 x 64 values per norm
    std::vector<Tensor> logits;
    for (int threads : {1, 3}) {
      KvCache cache(config, 704);
      Workspace ws(ThreadCounts{threads, threads});
      logits.push_back(forward(model, cache, ids, ws, /*all_logits=*/true).clone());
    }
    CHECK(relative_error(logits[1], logits[0]) == 0.0);
  }
}

TEST_CASE("a batch of sequences gives the logits each gives alone", "[model]") {
  for (const std::string& name : reference_model_names()) {
    INFO(name);
    const auto model = load(reference_model_dir(name));
    const std::vector<std::vector<std::int32_t>> prompts{{5, 9, 33, 7}, {101}, {2, 3, 4, 5, 6, 7, 8, 9, 10}};
    // Alone.
    std::vector<Tensor> alone;
    for (const auto& p : prompts) alone.push_back(full_logits(*model, p));
    // Together, then a decode step for all three at different positions.
    std::vector<KvCache> caches;
    for (std::size_t i = 0; i < prompts.size(); ++i) caches.emplace_back(model->config(), 16);
    std::vector<SequenceInput> batch;
    for (std::size_t i = 0; i < prompts.size(); ++i) batch.push_back({&caches[i], prompts[i], true});
    Workspace ws(ThreadCounts{2, 2});  // and split over threads, unlike alone
    const Tensor together = forward(*model, batch, ws).clone();
    std::int64_t row = 0;
    for (std::size_t i = 0; i < prompts.size(); ++i) {
      // Bit for bit: the projections are batch-invariant (matmul_weights)
      // and attention runs per sequence.
      const auto n = static_cast<std::int64_t>(prompts[i].size());
      INFO("sequence " << i);
      CHECK(relative_error(together.slice(0, row, n), alone[i]) == 0.0);
      row += n;
    }
    const std::vector<std::int32_t> next{11, 12, 13};
    batch.clear();
    for (std::size_t i = 0; i < prompts.size(); ++i) batch.push_back({&caches[i], std::span(next).subspan(i, 1), false});
    const Tensor step = forward(*model, batch, ws).clone();
    for (std::size_t i = 0; i < prompts.size(); ++i) {
      std::vector<std::int32_t> longer = prompts[i];
      longer.push_back(next[i]);
      const Tensor ref = full_logits(*model, longer);
      CHECK(relative_error(step.slice(0, static_cast<std::int64_t>(i), 1),
                           ref.slice(0, static_cast<std::int64_t>(longer.size()) - 1, 1)) <= 1e-5);
    }
  }
}

TEST_CASE("batched generation equals sequential generation", "[model][runtime]") {
  for (const std::string& name : reference_model_names()) {
    INFO(name);
    const auto model = load(reference_model_dir(name));
    std::vector<std::vector<std::int32_t>> prompts;
    for (const GoldenPrompt& p : golden_prompts(name)) prompts.push_back(p.input_ids);
    GenerateOptions opt;
    opt.max_new_tokens = 12;
    opt.sampling.temperature = 0.9f;  // sampled: each sequence has its own seeded sampler
    opt.sampling.seed = 7;
    opt.stop_at_eos = false;
    Generator gen(model, 64, ThreadCounts{2, 2});
    const std::vector<GenerateResult> batched = gen.generate_batch(prompts, opt);
    REQUIRE(batched.size() == prompts.size());
    for (std::size_t i = 0; i < prompts.size(); ++i) {
      Generator alone(model, 64);
      const GenerateResult r = alone.generate(std::span<const std::int32_t>(prompts[i]), opt);
      CHECK(batched[i].tokens == r.tokens);
      CHECK(batched[i].text == r.text);
    }
  }
}
