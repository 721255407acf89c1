// lf::Scheduler (continuous batching): every request's output must equal
// what a fresh Generator gives for it alone, whatever runs beside it, however
// its prompt is chunked and whatever prefix it reuses; cancellation,
// deadlines, a full queue and draining end requests cleanly.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <liveformer/core/error.hpp>
#include <liveformer/runtime/generator.hpp>
#include <liveformer/runtime/scheduler.hpp>

#include "runtime_fixtures.hpp"

namespace {

using namespace lf::test::runtime;
using lf::GenerateOptions;
using lf::GenerateResult;
using lf::Scheduler;
using lf::SchedulerOptions;
using lf::SchedulerRequest;
using Tokens = std::vector<std::int32_t>;

std::shared_ptr<const lf::Model> demo_model() {
  return load_cached(std::filesystem::path(lf::test::test_data_dir()) / ".." / ".." / "models" / "liveformer-demo-zh.gguf");
}

GenerateOptions options(bool sample, int max_new, std::uint64_t seed = 7) {
  GenerateOptions o;
  o.max_new_tokens = max_new;
  o.stop_at_eos = false;
  if (sample) {
    o.sampling.temperature = 0.9f;
    o.sampling.seed = seed;
  } else {
    o.sampling.temperature = 0;
  }
  return o;
}

GenerateResult alone(const std::shared_ptr<const lf::Model>& model, const Tokens& prompt, const GenerateOptions& o,
                     std::int64_t ctx) {
  lf::Generator g(model, ctx);
  return g.generate(std::span<const std::int32_t>(prompt), o);
}

// Collects results by submission index; waits for all.
struct Collector {
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<GenerateResult> results;
  std::vector<std::string> errors, streamed;
  std::size_t done = 0;
  explicit Collector(std::size_t n) : results(n), errors(n), streamed(n) {}

  SchedulerRequest request(std::size_t i, const Tokens& prompt, GenerateOptions o) {
    SchedulerRequest r;
    r.prompt = prompt;
    o.on_text = [this, i](std::string_view piece) {
      std::lock_guard<std::mutex> lock(mutex);
      streamed[i].append(piece);
      return true;
    };
    r.options = std::move(o);
    r.on_done = [this, i](std::uint64_t, GenerateResult res, const std::string& err) {
      std::lock_guard<std::mutex> lock(mutex);
      results[i] = std::move(res);
      errors[i] = err;
      ++done;
      cv.notify_all();
    };
    return r;
  }
  void wait() {
    std::unique_lock<std::mutex> lock(mutex);
    REQUIRE(cv.wait_for(lock, std::chrono::seconds(120), [&] { return done == results.size(); }));
  }
};

// 16 prompts of different lengths sharing some prefixes.
std::vector<Tokens> prompts_for(const lf::Model& model, int n) {
  std::vector<Tokens> out;
  const auto vocab = static_cast<std::int32_t>(model.config().vocab_size);
  for (int i = 0; i < n; ++i) {
    Tokens p;
    const int len = 1 + (i * 7) % 23;
    for (int k = 0; k < len; ++k) p.push_back((k < 5 && i % 3 == 0) ? 3 + k : (i * 31 + k * 17 + 5) % vocab);
    out.push_back(p);
  }
  return out;
}

void check_same(const GenerateResult& got, const GenerateResult& want) {
  CHECK(got.tokens == want.tokens);
  CHECK(got.text == want.text);
  CHECK(got.stop_reason == want.stop_reason);
}

}  // namespace

TEST_CASE("scheduler: 16 requests at once give what each gives alone", "[scheduler]") {
  for (const std::string name : {"gpt2", "llama", "qwen2"}) {
    const auto model = tiny_model(name);
    const auto prompts = prompts_for(*model, 16);
    for (const bool sample : {false, true}) {
      for (const int slots : {1, 4, 16}) {
        for (const std::int64_t chunk : {std::int64_t{3}, std::int64_t{256}}) {
          INFO(name << (sample ? " sampled" : " greedy") << ", " << slots << " slots, prefill chunk " << chunk);
          SchedulerOptions so;
          so.slots = slots;
          so.context_length = 48;
          so.prefill_chunk = chunk;
          so.threads = {1, 1};
          Scheduler scheduler(model, so);
          Collector c(prompts.size());
          for (std::size_t i = 0; i < prompts.size(); ++i)
            scheduler.submit(c.request(i, prompts[i], options(sample, 6 + static_cast<int>(i % 5) * 4, 100 + i)));
          c.wait();
          for (std::size_t i = 0; i < prompts.size(); ++i) {
            INFO("request " << i);
            CHECK(c.errors[i].empty());
            check_same(c.results[i], alone(model, prompts[i], options(sample, 6 + static_cast<int>(i % 5) * 4, 100 + i), 48));
            CHECK(c.streamed[i] == c.results[i].text);
          }
          const auto s = scheduler.stats();
          CHECK(s.completed == prompts.size());
          CHECK(s.active == 0);
          CHECK(s.decode_tokens > 0);
        }
      }
    }
  }
}

TEST_CASE("scheduler: the demo model's Chinese output is the same beside 15 others, and streams whole characters",
          "[scheduler]") {
  const auto model = demo_model();
  const char* questions[] = {"这件外套有红色吗？", "多少钱", "什么时候发货", "能退货吗", "适合小孩吗", "有优惠吗",
                             "质量怎么样", "包邮吗", "尺码偏大吗", "主播好美", "还有库存吗", "送什么赠品",
                             "是正品吗", "怎么洗", "几天到", "有没有大码"};
  std::vector<Tokens> prompts;
  lf::Generator tok(model, 16);
  for (const char* q : questions) prompts.push_back(tok.tokenize_prompt(std::string("商品：羊毛大衣\n价格：399元\n问：") + q));
  SchedulerOptions so;
  so.slots = 16;
  so.context_length = 160;
  so.prefill_chunk = 64;
  so.threads = {1, 1};
  Scheduler scheduler(model, so);
  Collector c(prompts.size());
  // Staggered: later requests join while earlier ones decode.
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    scheduler.submit(c.request(i, prompts[i], options(false, 40)));
    if (i % 4 == 3) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  c.wait();
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    INFO(questions[i]);
    check_same(c.results[i], alone(model, prompts[i], options(false, 40), 160));
    CHECK(valid_utf8(c.streamed[i]));
    CHECK(c.streamed[i] == c.results[i].text);
  }
  // The shared product prefix was evaluated once and reused by later requests.
  const auto s = scheduler.stats();
  CHECK(s.prefix_hits > 0);
  CHECK(s.reused_tokens > 0);
}

TEST_CASE("scheduler: the prefix cache serves a prompt that no slot holds any more", "[scheduler][cache]") {
  const auto model = tiny_model("llama");
  const auto vocab = static_cast<std::int32_t>(model->config().vocab_size);
  Tokens product, other;
  for (int k = 0; k < 20; ++k) product.push_back((k * 13 + 2) % vocab), other.push_back((k * 29 + 11) % vocab);
  SchedulerOptions so;
  so.slots = 1;
  so.context_length = 48;
  so.threads = {1, 1};
  Scheduler scheduler(model, so);
  auto run = [&](const Tokens& prompt) {
    Collector c(1);
    scheduler.submit(c.request(0, prompt, options(false, 5)));
    c.wait();
    REQUIRE(c.errors[0].empty());
    return c.results[0];
  };
  Tokens q1 = product, q2 = product;
  q1.push_back(40), q2.push_back(41), q2.push_back(42);
  run(q1);
  run(other);  // the only slot now holds another prompt
  const GenerateResult r = run(q2);
  CHECK(r.reused_prompt_tokens == static_cast<std::int64_t>(product.size()));
  check_same(r, alone(model, q2, options(false, 5), 48));
  const auto s = scheduler.stats();
  CHECK(s.prefix_hits == 1);
  CHECK(s.prefix_misses == 2);
  CHECK(s.prefix_cache_bytes > 0);
  CHECK(s.prefix_cache_bytes <= SchedulerOptions{}.prefix_cache_bytes);
}

TEST_CASE("prefix cache: bounded by bytes, least recently used first", "[scheduler][cache]") {
  const auto model = tiny_model("llama");
  const auto& cfg = model->config();
  const std::int64_t per10 = lf::KvCache::bytes_for(cfg, 10, lf::DType::f32);
  lf::PrefixCache cache(cfg, lf::DType::f32, 2 * per10 + per10 / 2);  // room for two entries of 10
  lf::KvCache source(cfg, 32);
  lf::Workspace ws;
  Tokens a, b, c;
  for (int k = 0; k < 10; ++k) a.push_back(k + 1), b.push_back(k + 20), c.push_back(k + 40);
  auto fill = [&](const Tokens& t) {
    source.clear();
    lf::forward(*model, source, t, ws);
  };
  fill(a), cache.insert(a, source);
  fill(b), cache.insert(b, source);
  CHECK(cache.entries() == 2);
  lf::KvCache target(cfg, 32);
  CHECK(cache.restore(a, 10, target) == 10);  // a is now the most recent
  fill(c), cache.insert(c, source);          // evicts b
  CHECK(cache.entries() == 2);
  CHECK(cache.bytes() <= cache.budget());
  CHECK(cache.match(b, 10) == 0);
  CHECK(cache.match(a, 10) == 10);
  CHECK(cache.match(c, 7) == 7);
  // The restored K/V are the ones the forward pass wrote.
  fill(a);
  target.clear();
  REQUIRE(cache.restore(a, 10, target) == 10);
  for (std::int64_t l = 0; l < target.n_layers(); ++l) {
    const auto n = static_cast<std::size_t>(10 * target.keys(l).stride(0));
    CHECK(std::equal(target.keys(l).data<float>(), target.keys(l).data<float>() + n, source.keys(l).data<float>()));
    CHECK(std::equal(target.values(l).data<float>(), target.values(l).data<float>() + n, source.values(l).data<float>()));
  }
  // An entry larger than the whole budget is not kept; a zero budget keeps nothing.
  lf::PrefixCache none(cfg, lf::DType::f32, 0);
  none.insert(a, source);
  CHECK(none.entries() == 0);
  lf::PrefixCache small(cfg, lf::DType::f32, per10 / 2);
  small.insert(a, source);
  CHECK(small.entries() == 0);
}

TEST_CASE("scheduler: cancel, deadline, on_text false, a full queue and drain", "[scheduler]") {
  const auto model = tiny_model("llama");
  SchedulerOptions so;
  so.slots = 1;
  so.context_length = 64;
  so.max_queue = 2;
  so.threads = {1, 1};
  Scheduler scheduler(model, so);
  const Tokens prompt{1, 5, 9, 13};

  // A request whose streaming callback blocks holds the only slot.
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> entered{false};
  Collector c(4);
  auto blocking = c.request(0, prompt, options(false, 30));
  auto inner = blocking.options.on_text;
  blocking.options.on_text = [&, inner](std::string_view piece) {
    entered = true;
    released.wait();
    return inner(piece);
  };
  // Decoding must emit text for on_text to run: the tiny model may emit
  // empty pieces, so wait on the flag with a bound and skip if it never came.
  const auto first = scheduler.submit(std::move(blocking));
  for (int i = 0; i < 2000 && !entered; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  REQUIRE(entered);
  const auto second = scheduler.submit(c.request(1, prompt, options(false, 30)));
  scheduler.submit(c.request(2, prompt, options(false, 30)));
  try {
    scheduler.submit(c.request(3, prompt, options(false, 30)));
    FAIL("a third queued request was accepted");
  } catch (const lf::Error& e) {
    CHECK(e.kind() == lf::ErrorKind::busy);
  }
  CHECK(scheduler.stats().queued == 2);
  CHECK(scheduler.stats().rejected == 1);
  scheduler.cancel(second);  // queued: leaves the queue
  scheduler.cancel(first);   // running: ends after its current step
  release.set_value();
  // Only three will finish (index 3 was refused).
  {
    std::unique_lock<std::mutex> lock(c.mutex);
    REQUIRE(c.cv.wait_for(lock, std::chrono::seconds(60), [&] { return c.done == 3; }));
  }
  CHECK(c.results[0].stop_reason == lf::StopReason::cancelled);
  CHECK(c.results[1].stop_reason == lf::StopReason::cancelled);
  CHECK(c.results[1].tokens.empty());
  CHECK(c.results[2].stop_reason == lf::StopReason::max_tokens);
  CHECK(c.results[2].tokens.size() == 30);
  // Both cancellations are counted, the queued one too.
  CHECK(scheduler.stats().cancelled == 2);
  CHECK(scheduler.stats().completed == 1);

  // A deadline in the past ends the request without output.
  Collector d(2);
  auto late = d.request(0, prompt, options(false, 30));
  late.deadline = std::chrono::steady_clock::now();
  scheduler.submit(std::move(late));
  // on_text returning false cancels.
  auto stop_early = d.request(1, prompt, options(false, 30));
  stop_early.options.on_text = [](std::string_view) { return false; };
  scheduler.submit(std::move(stop_early));
  d.wait();
  CHECK(d.results[0].stop_reason == lf::StopReason::cancelled);
  CHECK(d.results[1].stop_reason == lf::StopReason::cancelled);
  CHECK(d.results[1].tokens.size() < 30);

  // drain: running requests are cancelled after the grace period, new ones refused.
  Collector e(1);
  scheduler.submit(e.request(0, prompt, options(false, 1000)));  // would hit the context first
  scheduler.drain(std::chrono::milliseconds(0));
  e.wait();
  CHECK((e.results[0].stop_reason == lf::StopReason::cancelled || e.results[0].stop_reason == lf::StopReason::context_full));
  CHECK_THROWS_AS(scheduler.submit(e.request(0, prompt, options(false, 3))), lf::Error);
  CHECK(scheduler.stats().active == 0);
}

TEST_CASE("scheduler: bad requests are refused at submit with a clear error", "[scheduler]") {
  const auto model = tiny_model("gpt2");
  SchedulerOptions so;
  so.slots = 2;
  so.context_length = 16;
  so.threads = {1, 1};
  Scheduler scheduler(model, so);
  auto submit = [&](Tokens prompt, GenerateOptions o) {
    SchedulerRequest r;
    r.prompt = std::move(prompt);
    r.options = std::move(o);
    return scheduler.submit(std::move(r));
  };
  CHECK_THROWS_WITH(submit({}, options(false, 3)), Catch::Contains("no tokens"));
  CHECK_THROWS_WITH(submit({1, -4}, options(false, 3)), Catch::Contains("outside the vocabulary"));
  CHECK_THROWS_WITH(submit({1, static_cast<std::int32_t>(model->config().vocab_size)}, options(false, 3)),
                    Catch::Contains("outside the vocabulary"));
  try {
    submit(Tokens(17, 1), options(false, 3));
    FAIL("a prompt longer than the context was accepted");
  } catch (const lf::Error& e) {
    CHECK(e.kind() == lf::ErrorKind::context_full);
  }
  GenerateOptions nan = options(true, 3);
  nan.sampling.temperature = std::nanf("");
  CHECK_THROWS_AS(submit({1, 2}, nan), lf::Error);
  GenerateOptions empty_stop = options(false, 3);
  empty_stop.stop = {""};
  CHECK_THROWS_WITH(submit({1, 2}, empty_stop), Catch::Contains("stop strings"));
  SchedulerOptions bad;
  bad.slots = 0;
  CHECK_THROWS_AS(Scheduler(model, bad), lf::Error);
  bad.slots = 1;
  bad.context_length = 5000;  // beyond GPT-2's learned positions
  CHECK_THROWS_AS(Scheduler(model, bad), lf::Error);
}

TEST_CASE("scheduler: max_queue counts only requests that must wait for a slot", "[scheduler]") {
  const auto model = tiny_model("llama");
  SchedulerOptions so;
  so.slots = 2;
  so.context_length = 32;
  so.max_queue = 0;  // nobody may wait, but free slots take requests
  so.threads = {1, 1};
  Scheduler scheduler(model, so);
  Collector c(2);
  scheduler.submit(c.request(0, {1, 2, 3}, options(false, 4)));
  scheduler.submit(c.request(1, {1, 2, 4}, options(false, 4)));
  c.wait();
  CHECK(c.errors[0].empty());
  CHECK(c.results[1].tokens.size() == 4);
  CHECK(scheduler.stats().rejected == 0);
}

TEST_CASE("scheduler: max_new_tokens 0 ends at once, as Generator does", "[scheduler]") {
  const auto model = tiny_model("llama");
  SchedulerOptions so;
  so.slots = 1;
  so.context_length = 32;
  so.threads = {1, 1};
  Scheduler scheduler(model, so);
  Collector c(1);
  scheduler.submit(c.request(0, {1, 2, 3, 4}, options(false, 0)));
  c.wait();
  const GenerateResult want = alone(model, {1, 2, 3, 4}, options(false, 0), 32);
  CHECK(want.tokens.empty());
  check_same(c.results[0], want);
  CHECK(scheduler.stats().prefill_tokens == 0);  // the prompt was not evaluated for nothing
}
