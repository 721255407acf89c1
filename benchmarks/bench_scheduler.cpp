// Continuous batching without HTTP: N requests decoded together by
// lf::Scheduler on the demo model, against one at a time. The server's
// tokens/s can be no better than this (tools/bench_serve.py measures it
// through HTTP).
#include <benchmark/benchmark.h>

#include <condition_variable>
#include <cstdlib>
#include <memory>
#include <mutex>

#include "liveformer/model/model.hpp"
#include "liveformer/runtime/scheduler.hpp"

namespace {

// The demo model, or the file named by LIVEFORMER_BENCH_MODEL (e.g. a
// GPT-2-124M-shaped GGUF from tools/bench/make_bench_model.py).
std::shared_ptr<const lf::Model> demo() {
  static auto model = [] {
    const char* path = std::getenv("LIVEFORMER_BENCH_MODEL");
    return std::make_shared<const lf::Model>(
        lf::Model::load(path && *path ? path : LIVEFORMER_SOURCE_DIR "/models/liveformer-demo-zh.gguf"));
  }();
  return model;
}

// Arg 0: requests submitted together; arg 1: forward-pass threads.
void BM_SchedulerDecode(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  lf::SchedulerOptions o;
  o.slots = n;
  o.context_length = 256;
  o.threads = {static_cast<int>(state.range(1)), static_cast<int>(state.range(1))};
  lf::Scheduler scheduler(demo(), o);
  const int max_new = 64;
  std::int64_t tokens = 0;
  for (auto _ : state) {
    std::mutex m;
    std::condition_variable cv;
    int done = 0;
    for (int i = 0; i < n; ++i) {
      lf::SchedulerRequest r;
      r.prompt = {1, 100 + i, 200 + i, 300 + i};
      r.options.max_new_tokens = max_new;
      r.options.stop_at_eos = false;
      r.options.sampling.temperature = 0;
      r.on_done = [&](std::uint64_t, lf::GenerateResult res, const std::string&) {
        std::lock_guard<std::mutex> lock(m);
        tokens += static_cast<std::int64_t>(res.tokens.size());
        ++done;
        cv.notify_all();
      };
      scheduler.submit(std::move(r));
    }
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, [&] { return done == n; });
  }
  state.counters["tokens/s"] = benchmark::Counter(static_cast<double>(tokens), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SchedulerDecode)->ArgsProduct({{1, 4, 16, 64}, {1, 2}})->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
