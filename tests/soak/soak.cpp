// Concurrency soak: one model shared by many contexts on many threads,
// generating, scoring and embedding at the same time through the C API.
//
// usage: liveformer_soak MODEL [--threads N] [--seconds S] [--context-threads T]
//                             [--max-rss-growth-mb M]
//
// First every job (tokenize + generate, tokenize + score, tokenize + embed,
// with several prompts and sampling settings) runs once on this thread in
// one context: the reference. Then N threads (default 8), each with its own
// context of the same shared model, run the jobs round-robin, each thread
// starting at a different job, until S seconds (default 10) have passed and
// every thread has done at least two rounds. Every result must equal the
// reference exactly (same text and token counts, bit-identical scores and
// embeddings): the forward pass does not depend on which thread runs it or
// on what other contexts are doing.
//
// Reports the errors (any mismatch or failed call) and the resident memory
// after warm-up (every thread's first round) and at the end. Exit status 0
// only with zero errors and, if --max-rss-growth-mb is given, a growth
// within it. See docs/reliability.md for the 10-minute command.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "liveformer/liveformer.h"

namespace {

struct Options {
  std::string model;
  int threads = 8;
  double seconds = 10;
  int context_threads = 1;
  double max_rss_growth_mb = -1;  // < 0: report only
};

enum class Kind { generate, score, embed };

struct Job {
  Kind kind = Kind::generate;
  std::string prompt;
  // generate
  int max_new_tokens = 0;
  float temperature = 0;
  int top_k = 0;
  std::uint64_t seed = 0;
  // score
  std::vector<std::string> labels;
  // embed
  lf_pooling pooling = LF_POOL_MEAN;
};

// What a job produced; compared field by field with the reference.
struct Outcome {
  std::vector<lf_token> prompt_tokens;
  std::string text;
  int n_tokens = 0;
  int stop_reason = -1;
  std::vector<double> totals;
  std::vector<float> embedding;

  bool operator==(const Outcome& o) const {
    return prompt_tokens == o.prompt_tokens && text == o.text && n_tokens == o.n_tokens &&
           stop_reason == o.stop_reason && same_bits(totals, o.totals) && same_bits(embedding, o.embedding);
  }

  // Bit-for-bit equality (NaN equals itself, -0 differs from +0); empty
  // vectors have no data pointer to give memcmp.
  template <typename T>
  static bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
    return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
  }
};

std::vector<Job> make_jobs() {
  const char* prompts[] = {"Once upon a time", "The little dog ran to the park and", "Lily wanted to play",
                           "One day, a big bird"};
  std::vector<Job> jobs;
  for (int i = 0; i < 4; ++i) {
    Job g;
    g.kind = Kind::generate;
    g.prompt = prompts[i];
    g.max_new_tokens = 24;
    if (i % 2) {  // seeded sampling must be as reproducible as greedy decoding
      g.temperature = 0.8f;
      g.top_k = 40;
      g.seed = 1000 + static_cast<std::uint64_t>(i);
    }
    jobs.push_back(g);
    Job s;
    s.kind = Kind::score;
    s.prompt = prompts[i];
    s.labels = {" happy", " sad and tired", " went home"};
    jobs.push_back(s);
    Job e;
    e.kind = Kind::embed;
    e.prompt = prompts[i];
    e.pooling = i % 2 ? LF_POOL_LAST : LF_POOL_MEAN;
    jobs.push_back(e);
  }
  return jobs;
}

// Throws nothing: a failed call returns false with `why` set.
bool tokenize(const lf_model* model, const std::string& text, bool add_special, std::vector<lf_token>& out,
              std::string& why) {
  out.assign(text.size() + 8, 0);
  int32_t n = 0;
  if (lf_tokenize(model, text.data(), text.size(), add_special, 0, out.data(), static_cast<int32_t>(out.size()), &n) !=
      LF_OK) {
    why = std::string("lf_tokenize: ") + lf_last_error();
    return false;
  }
  out.resize(static_cast<std::size_t>(n));
  return true;
}

bool run_job(const lf_model* model, lf_context* ctx, int n_embd, const Job& job, Outcome& out, std::string& why) {
  out = Outcome{};
  if (!tokenize(model, job.prompt, true, out.prompt_tokens, why)) return false;
  // Start every job from an empty cache so the work does not depend on
  // which job this context ran before.
  if (lf_context_truncate(ctx, 0) != LF_OK) {
    why = std::string("lf_context_truncate: ") + lf_last_error();
    return false;
  }
  switch (job.kind) {
    case Kind::generate: {
      lf_generate_params p = lf_generate_default_params();
      p.max_new_tokens = job.max_new_tokens;
      p.stop_at_eos = 0;  // a fixed amount of work per job
      p.sampling.temperature = job.temperature;
      p.sampling.top_k = job.top_k;
      p.sampling.seed = job.seed;
      lf_generate_result r{};
      if (lf_generate_tokens(ctx, out.prompt_tokens.data(), static_cast<int32_t>(out.prompt_tokens.size()), &p, &r) !=
          LF_OK) {
        why = std::string("lf_generate_tokens: ") + lf_last_error();
        return false;
      }
      out.text.assign(r.text, r.text_len);
      out.n_tokens = r.n_tokens;
      out.stop_reason = r.stop_reason;
      lf_generate_result_free(&r);
      return true;
    }
    case Kind::score: {
      std::vector<std::vector<lf_token>> labels(job.labels.size());
      std::vector<const lf_token*> ptrs;
      std::vector<int32_t> lengths;
      for (std::size_t i = 0; i < labels.size(); ++i) {
        if (!tokenize(model, job.labels[i], false, labels[i], why)) return false;
        ptrs.push_back(labels[i].data());
        lengths.push_back(static_cast<int32_t>(labels[i].size()));
      }
      out.totals.assign(labels.size(), 0);
      if (lf_score(ctx, out.prompt_tokens.data(), static_cast<int32_t>(out.prompt_tokens.size()), ptrs.data(),
                   lengths.data(), static_cast<int32_t>(labels.size()), out.totals.data(), nullptr) != LF_OK) {
        why = std::string("lf_score: ") + lf_last_error();
        return false;
      }
      return true;
    }
    case Kind::embed: {
      out.embedding.assign(static_cast<std::size_t>(n_embd), 0);
      if (lf_embed(ctx, out.prompt_tokens.data(), static_cast<int32_t>(out.prompt_tokens.size()), job.pooling,
                   out.embedding.data(), n_embd) != LF_OK) {
        why = std::string("lf_embed: ") + lf_last_error();
        return false;
      }
      return true;
    }
  }
  return false;
}

// Resident set size in MiB (Linux /proc/self/statm).
double rss_mb() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

[[noreturn]] void usage(const char* message) {
  std::fprintf(stderr,
               "soak: %s\nusage: liveformer_soak MODEL [--threads N] [--seconds S] [--context-threads T] "
               "[--max-rss-growth-mb M]\n",
               message);
  std::exit(2);
}

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto value = [&]() -> double {
      if (i + 1 >= argc) usage(("missing value after " + arg).c_str());
      char* end = nullptr;
      const double v = std::strtod(argv[++i], &end);
      if (*end != '\0' || v < 0) usage(("bad value for " + arg).c_str());
      return v;
    };
    if (arg == "--threads") o.threads = static_cast<int>(value());
    else if (arg == "--seconds") o.seconds = value();
    else if (arg == "--context-threads") o.context_threads = static_cast<int>(value());
    else if (arg == "--max-rss-growth-mb") o.max_rss_growth_mb = value();
    else if (!arg.empty() && arg[0] == '-') usage(("unknown option " + arg).c_str());
    else if (o.model.empty()) o.model = arg;
    else usage("more than one model given");
  }
  if (o.model.empty()) usage("no model given");
  if (o.threads < 1 || o.context_threads < 1) usage("--threads and --context-threads must be >= 1");
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const Options opt = parse_options(argc, argv);
  lf_model_params mp = lf_model_default_params();
  mp.n_threads = opt.context_threads;
  lf_model* model = nullptr;
  if (lf_model_load(opt.model.c_str(), &mp, &model) != LF_OK) {
    std::fprintf(stderr, "soak: %s\n", lf_last_error());
    return 1;
  }
  lf_model_desc desc{};
  lf_model_describe(model, &desc);
  lf_context_params cp = lf_context_default_params();
  cp.n_ctx = 128;

  const std::vector<Job> jobs = make_jobs();
  std::vector<Outcome> reference(jobs.size());
  {
    lf_context* ctx = nullptr;
    if (lf_context_create(model, &cp, &ctx) != LF_OK) {
      std::fprintf(stderr, "soak: %s\n", lf_last_error());
      return 1;
    }
    for (std::size_t j = 0; j < jobs.size(); ++j) {
      std::string why;
      if (!run_job(model, ctx, desc.n_embd, jobs[j], reference[j], why)) {
        std::fprintf(stderr, "soak: reference job %zu failed: %s\n", j, why.c_str());
        return 1;
      }
      // The reference, so a run shows it compares real work.
      const Outcome& r = reference[j];
      if (jobs[j].kind == Kind::generate)
        std::printf("reference %2zu generate %zu+%d tokens: \"%s\"\n", j, r.prompt_tokens.size(), r.n_tokens,
                    r.text.c_str());
      else if (jobs[j].kind == Kind::score)
        std::printf("reference %2zu score %zu tokens: %.6f %.6f %.6f\n", j, r.prompt_tokens.size(), r.totals[0],
                    r.totals[1], r.totals[2]);
      else
        std::printf("reference %2zu embed %zu tokens: [%.6f %.6f ...]\n", j, r.prompt_tokens.size(),
                    static_cast<double>(r.embedding[0]), static_cast<double>(r.embedding[1]));
    }
    lf_context_free(ctx);
  }
  std::printf("soak: %s (%s, %d layers, n_embd %d), %zu jobs, %d threads x %d context thread(s), %.0f s\n",
              opt.model.c_str(), desc.architecture, desc.n_layers, desc.n_embd, jobs.size(), opt.threads,
              opt.context_threads, opt.seconds);

  std::atomic<long> jobs_done{0}, errors{0};
  std::atomic<int> warmed_up{0};
  std::atomic<bool> stop{false};
  std::mutex report_mutex;
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };

  const auto worker = [&](int index) {
    lf_context* ctx = nullptr;
    if (lf_context_create(model, &cp, &ctx) != LF_OK) {
      std::lock_guard lock(report_mutex);
      std::fprintf(stderr, "soak: thread %d: lf_context_create: %s\n", index, lf_last_error());
      ++errors;
      ++warmed_up;
      return;
    }
    Outcome out;
    for (long round = 0; round < 2 || !stop.load(); ++round) {
      for (std::size_t k = 0; k < jobs.size(); ++k) {
        const std::size_t j = (static_cast<std::size_t>(index) + k) % jobs.size();
        std::string why;
        const bool ok = run_job(model, ctx, desc.n_embd, jobs[j], out, why);
        if (ok && !(out == reference[j])) why = "result differs from the single-threaded run";
        if (!ok || !why.empty()) {
          ++errors;
          std::lock_guard lock(report_mutex);
          std::fprintf(stderr, "soak: thread %d round %ld job %zu (%s): %s\n", index, round, j, jobs[j].prompt.c_str(),
                       why.c_str());
        }
        ++jobs_done;
      }
      if (round == 0) ++warmed_up;
    }
    lf_context_free(ctx);
  };

  std::vector<std::thread> threads;
  for (int i = 0; i < opt.threads; ++i) threads.emplace_back(worker, i);

  // Warm-up ends when every thread has finished its first round.
  while (warmed_up.load() < opt.threads) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const double rss_warm = rss_mb(), t_warm = elapsed();
  std::printf("soak: warm-up done at %.1f s, RSS %.1f MiB\n", t_warm, rss_warm);
  std::fflush(stdout);
  double next_report = t_warm + 60;
  double rss_peak = rss_warm;
  while (elapsed() < opt.seconds) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    rss_peak = std::max(rss_peak, rss_mb());
    if (elapsed() >= next_report) {
      std::printf("soak: %.0f s, %ld jobs, %ld errors, RSS %.1f MiB\n", elapsed(), jobs_done.load(), errors.load(),
                  rss_mb());
      std::fflush(stdout);
      next_report += 60;
    }
  }
  stop = true;
  for (auto& t : threads) t.join();
  const double rss_end = rss_mb();
  rss_peak = std::max(rss_peak, rss_end);
  const double growth = rss_end - rss_warm;
  std::printf("soak: done in %.1f s: %ld jobs (%.1f/s), %ld errors; RSS after warm-up %.1f MiB, at the end %.1f MiB "
              "(growth %+.1f MiB, peak %.1f MiB)\n",
              elapsed(), jobs_done.load(), jobs_done.load() / elapsed(), errors.load(), rss_warm, rss_end, growth,
              rss_peak);
  lf_model_free(model);
  if (errors.load() != 0) return 1;
  if (opt.max_rss_growth_mb >= 0 && growth > opt.max_rss_growth_mb) {
    std::fprintf(stderr, "soak: RSS grew %.1f MiB after warm-up, more than the allowed %.1f MiB\n", growth,
                 opt.max_rss_growth_mb);
    return 1;
  }
  return 0;
}
