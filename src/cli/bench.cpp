// liveformer bench, in the manner of llama-bench: for each test, the same
// forward passes a real run makes, repeated, reported as tokens per second
// (mean and standard deviation over repetitions).
//   ppP      prefill of P tokens into an empty cache
//   tgN      N one-token decode steps after a one-token prompt
//   tgN@dD   the same after D tokens already in the cache
// With --roofline the machine's limits are measured before and after the
// tests (the best of both counts) and each test is reported as a share of
// its limit: decode as bytes read per token x tokens/s against the triad
// bandwidth, prefill as FLOPs x tokens/s against peak FMA.
// Token ids are fixed pseudo-random ids (speed does not depend on them).
#include "bench.hpp"

#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "liveformer/model/forward.hpp"
#include "liveformer/model/kv_cache.hpp"
#include "liveformer/model/model.hpp"
#include "options.hpp"
#include "roofline.hpp"

namespace lf::cli {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

std::vector<std::int32_t> token_ids(std::int64_t n, std::int64_t vocab) {
  std::vector<std::int32_t> ids(static_cast<std::size_t>(n));
  std::uint64_t s = 0x9e3779b97f4a7c15ull;
  for (auto& id : ids) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    id = static_cast<std::int32_t>((s >> 33) % static_cast<std::uint64_t>(vocab));
  }
  return ids;
}

struct Result {
  std::string test;
  std::int64_t tokens = 0;
  double mean = 0, stddev = 0;  // tokens per second
  double work_per_token = 0;    // bytes (decode) or FLOPs (prefill) per token
  bool prefill = false;
};

// The machine's limits for the threads each kind of test uses.
struct Limits {
  double triad_gbps = 0, peak_gflops = 0;
  void measure(const ThreadCounts& t) {
    triad_gbps = std::max(triad_gbps, measure_triad_gbps(t.decode));
    peak_gflops = std::max(peak_gflops, measure_peak_fma_gflops(t.prefill));
  }
  // Achieved rate as a percentage of the limit the test is bound by.
  double percent(const Result& r) const {
    const double rate = r.work_per_token * r.mean / 1e9;
    return 100.0 * rate / (r.prefill ? peak_gflops : triad_gbps);
  }
};

Result summarize(std::string test, std::int64_t tokens, const std::vector<double>& seconds) {
  Result r{std::move(test), tokens, 0, 0};
  std::vector<double> rates;
  for (double s : seconds) rates.push_back(static_cast<double>(tokens) / s);
  for (double v : rates) r.mean += v / static_cast<double>(rates.size());
  for (double v : rates) r.stddev += (v - r.mean) * (v - r.mean);
  r.stddev = rates.size() > 1 ? std::sqrt(r.stddev / static_cast<double>(rates.size() - 1)) : 0.0;
  return r;
}

// The process's peak resident memory since the last reset_peak_rss(): Linux's
// VmHWM, which (unlike getrusage's maximum) can be reset, so the roofline's
// 1 GiB of triad arrays does not count as the model's memory.
double peak_rss_mib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;  // kB
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // Linux reports KiB
}

void reset_peak_rss() { std::ofstream("/proc/self/clear_refs") << "5"; }

std::string json_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

int cmd_bench(Args& a) {
  const std::string path = a.require("-m");
  const long long prompt = a.integer("-p", 512, 0, kMaxInt32), gen = a.integer("-n", 128, 0, kMaxInt32);
  const long long reps = a.integer("-r", 3, 1, 1'000'000);
  std::vector<long long> depths;
  for (const std::string& d : a.all("--depth")) depths.push_back(parse_integer("--depth", d, 1, kMaxInt32));
  const bool json = a.flag("--json");
  const bool roofline = a.flag("--roofline");
  const LoadOptions load = load_options(a);
  const ThreadCounts threads = thread_counts(a);
  const DType kv = kv_type(a);
  a.finish();
  LF_CHECK(prompt >= 0 && gen >= 0 && reps >= 1, "arguments", "-p and -n must be >= 0 and -r >= 1");
  for (long long d : depths) LF_CHECK(d >= 1, "arguments", "--depth must be >= 1");

  Workspace ws(threads);
  Limits limits;
  if (roofline) {
    limits.measure(ws.threads());
    reset_peak_rss();
  }
  const auto t0 = Clock::now();
  const Model model = Model::load(path, load);
  const double load_seconds = seconds_since(t0);
  const ModelConfig& c = model.config();
  long long ctx = std::max(prompt, 1 + gen);
  for (long long d : depths) ctx = std::max(ctx, d + gen);
  LF_CHECK(ctx <= c.n_ctx_train || c.arch != Architecture::gpt2, "arguments",
           "the tests need " + std::to_string(ctx) + " positions; GPT-2 has " + std::to_string(c.n_ctx_train));

  KvCache cache(c, ctx, kv);
  const std::vector<std::int32_t> ids = token_ids(ctx, c.vocab_size);
  // Per element, counting a block type's scale (q8_0: 34 / 32 bytes).
  const ModelCost cost = model_cost(model, static_cast<double>(dtype_info(kv).block_bytes) / dtype_info(kv).block_size);
  auto decode_steps = [&](std::int64_t n) {
    for (std::int64_t i = 0; i < n; ++i)
      forward(model, cache, std::span<const std::int32_t>(&ids[static_cast<std::size_t>(cache.size())], 1), ws);
  };

  std::vector<Result> results;
  // One untimed pass of each kind first: buffers grow and pages fault in.
  if (prompt > 0) {
    forward(model, cache, std::span(ids).first(static_cast<std::size_t>(prompt)), ws);
    std::vector<double> secs;
    for (long long r = 0; r < reps; ++r) {
      cache.truncate(0);
      const auto t = Clock::now();
      forward(model, cache, std::span(ids).first(static_cast<std::size_t>(prompt)), ws);
      secs.push_back(seconds_since(t));
    }
    results.push_back(summarize("pp" + std::to_string(prompt), prompt, secs));
    results.back().prefill = true;
    results.back().work_per_token = prefill_flops(cost, prompt) / static_cast<double>(prompt);
  }
  std::vector<long long> starts{1};
  starts.insert(starts.end(), depths.begin(), depths.end());
  if (gen > 0) {
    for (long long start : starts) {
      std::vector<double> secs;
      for (long long r = 0; r <= reps; ++r) {  // r == 0: warm-up
        cache.truncate(0);
        forward(model, cache, std::span(ids).first(static_cast<std::size_t>(start)), ws);
        const auto t = Clock::now();
        decode_steps(gen);
        if (r > 0) secs.push_back(seconds_since(t));
      }
      std::string name = "tg" + std::to_string(gen);
      if (start > 1) name += "@d" + std::to_string(start);
      results.push_back(summarize(name, gen, secs));
      results.back().work_per_token = decode_bytes_per_token(cost, start, gen);
    }
  }

  const double rss = peak_rss_mib();
  if (roofline) limits.measure(ws.threads());
  const std::string weights = model.info().loaded_type.empty() ? "f32" : model.info().loaded_type;
  const std::string name = model.info().name.empty() ? path : model.info().name;
  if (json) {
    for (const Result& r : results) {
      std::printf(
          "{\"test\": \"%s\", \"tokens_per_s\": %.3f, \"stddev\": %.3f, \"threads\": %d, \"threads_batch\": %d, "
          "\"weight_type\": \"%s\", \"kv_type\": \"%s\", \"model\": \"%s\", \"architecture\": \"%s\", \"repetitions\": %lld, "
          "\"load_seconds\": %.4f, \"peak_rss_mib\": %.1f",
          r.test.c_str(), r.mean, r.stddev, ws.threads().decode, ws.threads().prefill, weights.c_str(),
          std::string(dtype_name(kv)).c_str(), json_escape(name).c_str(), architecture_name(c.arch), reps, load_seconds, rss);
      if (roofline)
        std::printf(", \"%s\": %.4g, \"limit\": %.4g, \"limit_percent\": %.2f",
                    r.prefill ? "flops_per_token" : "bytes_per_token", r.work_per_token,
                    r.prefill ? limits.peak_gflops : limits.triad_gbps, limits.percent(r));
      std::printf("}\n");
    }
    return 0;
  }
  std::printf("model: %s (%s)\nweights: %s; KV cache: %s; threads: %d decode, %d prefill; load %.3f s; peak RSS %.1f MiB\n",
              name.c_str(), c.summary().c_str(), weights.c_str(), std::string(dtype_name(kv)).c_str(),
              ws.threads().decode, ws.threads().prefill, load_seconds, rss);
  if (roofline)
    std::printf("limits (same run): triad %.1f GB/s on %d threads, peak FMA %.1f GFLOP/s on %d threads\n",
                limits.triad_gbps, ws.threads().decode, limits.peak_gflops, ws.threads().prefill);
  std::printf("%-14s %14s %10s%s\n", "test", "tokens/s", "stddev", roofline ? "   % of limit" : "");
  for (const Result& r : results) {
    std::printf("%-14s %14.2f %10.2f", r.test.c_str(), r.mean, r.stddev);
    if (roofline) std::printf("   %5.1f%% of %s", limits.percent(r), r.prefill ? "FMA" : "triad");
    std::printf("\n");
  }
  return 0;
}

int cmd_roofline(Args& a) {
  const long long threads = a.integer("-t", 0, 0, 1024);
  a.finish();
  const int n = threads < 1 ? ThreadPool::hardware_threads() : static_cast<int>(threads);
  for (int t = 1; t <= n; t = t < n && 2 * t > n ? n : 2 * t) {
    const double triad = measure_triad_gbps(t), fma = measure_peak_fma_gflops(t);
    std::printf("threads %d: triad %.1f GB/s, peak FMA %.1f GFLOP/s\n", t, triad, fma);
    if (t == n) break;
  }
  return 0;
}

}  // namespace lf::cli
