// comment-analysis: labels live-stream comments with an intent and a
// sentiment by scoring (lf_score, no free-text generation), aggregates them
// per minute, and writes report.json and a self-contained report.html.
// Uses only the liveformer C API.
//
//   comment-analysis [--model PATH] [--out DIR] COMMENTS.jsonl   ('-': stdin)
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <liveformer/liveformer.h>

#include "comment_analysis/classifier.hpp"
#include "comment_analysis/comments.hpp"
#include "comment_analysis/report.hpp"
#include "comment_analysis/report_html.hpp"
#include "common/app_error.hpp"
#include "common/args.hpp"
#include "common/json_input.hpp"
#include "common/model.hpp"

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) throw app::AppError("cannot write " + path.string());
}

// Labels `batch` with `jobs` threads, each on its own context (the model is
// shared read-only). Returns the first error message, or "".
std::string classify_batch(const comments::Classifier& classifier, std::vector<app::Context>& contexts,
                           std::vector<comments::Comment>& batch) {
  std::atomic<std::size_t> next{0};
  std::vector<std::string> errors(contexts.size());
  auto work = [&](std::size_t worker) {
    try {
      for (std::size_t i; (i = next++) < batch.size();) {
        const comments::Label l = classifier.classify(contexts[worker], batch[i].clean);
        batch[i].intent = l.intent;
        batch[i].sentiment = l.sentiment;
        batch[i].confidence = l.confidence;
      }
    } catch (const std::exception& e) {
      errors[worker] = e.what();
      next = batch.size();  // stop the others early
    }
  };
  std::vector<std::thread> threads;
  const std::size_t n_threads = std::min(contexts.size(), batch.size());
  for (std::size_t w = 1; w < n_threads; ++w) threads.emplace_back(work, w);
  work(0);
  for (std::thread& t : threads) t.join();
  for (const std::string& e : errors)
    if (!e.empty()) return e;
  return "";
}

std::string no_comments_message(const std::string& source, const comments::CommentFeed& feed) {
  const std::string name = source == "-" ? "<stdin>" : source;
  if (feed.lines() == feed.blank_lines()) return name + ": no comments (the input is empty)";
  if (feed.received() == 0) {
    const comments::BadLine& b = feed.bad_lines().front();
    return name + ": no valid comment in " + std::to_string(feed.lines()) + " lines (line " + std::to_string(b.line) +
           ": " + b.reason + ")";
  }
  return name + ": no comment left after cleaning (" + std::to_string(feed.received()) + " empty)";
}

int comment_analysis(int argc, char** argv) {
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  app::Args args("comment-analysis [options] COMMENTS.jsonl",
                 "Reads live-stream comments as JSON lines {\"t\": seconds, \"user\"?: str, \"text\": str} from a\n"
                 "file or stdin ('-'), cleans them, labels each with an intent (price, spec, shipping,\n"
                 "purchase, praise, complaint, other) and a sentiment (positive, neutral, negative) by scoring\n"
                 "the 21 label answers, and writes report.json and report.html to --out DIR.",
                 {{"model", "PATH", "GGUF file or HF directory (default: the demo model)"},
                  {"out", "DIR", "where report.json and report.html go (default: .)"},
                  {"jobs", "N", "classifying threads, one context each (default: cores, at most 8)"},
                  {"batch", "N", "comments classified per batch, between progress lines (default 64)"},
                  {"window", "SECONDS", "one user's identical comments within this time count once (default 60)"},
                  {"top", "N", "how many top questions to list (default 10)"},
                  {"ctx", "N", "context length (default: the model's, at most 4096)"}});
  if (!args.parse(argc, argv, 1, 1)) return 0;
  const std::string source = args.positionals()[0];
  const auto jobs = static_cast<std::size_t>(args.integer("jobs", std::min(hw, 8u), 1, 256));
  const auto batch_size = static_cast<std::size_t>(args.integer("batch", 64, 1, 1 << 20));
  const double window = args.number("window", 60, 0, 1e9);
  const auto top_n = static_cast<std::size_t>(args.integer("top", 10, 1, 1000));
  const int n_ctx = static_cast<int>(args.integer("ctx", 0, 0, 1 << 20));
  const fs::path out_dir = args.value_or("out", ".");

  auto input = app::open_input(source);
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec || !fs::is_directory(out_dir)) throw app::AppError("cannot create the output directory " + out_dir.string());
  const app::Model model(app::resolve_model_path(args.value("model")));
  std::vector<app::Context> contexts;
  // Several jobs already keep the cores busy: one compute thread each.
  for (std::size_t i = 0; i < jobs; ++i) contexts.emplace_back(model, n_ctx, jobs > 1 ? 1 : 0);
  const comments::Classifier classifier(model, contexts.front().n_ctx());

  comments::CommentFeed feed(*input, window);
  std::vector<comments::Comment> all, batch;
  double seconds = 0;
  while (feed.next(batch_size, batch)) {
    if (all.empty())
      app::progress("model " + model.path() + " (" + (classifier.chat() ? "chat template" : "no chat template: plain-text prompt") +
                    "), " + std::to_string(jobs) + " jobs");
    const auto t0 = Clock::now();
    if (std::string err = classify_batch(classifier, contexts, batch); !err.empty()) throw app::AppError(err);
    seconds += std::chrono::duration<double>(Clock::now() - t0).count();
    all.insert(all.end(), std::make_move_iterator(batch.begin()), std::make_move_iterator(batch.end()));
    batch.clear();
    char line[128];
    std::snprintf(line, sizeof line, "classified %zu comments (%.1f comments/s)", all.size(),
                  seconds > 0 ? static_cast<double>(all.size()) / seconds : 0.0);
    app::progress(line);
  }
  if (all.empty()) throw app::AppError(no_comments_message(source, feed));
  if (!feed.bad_lines().empty())
    app::progress("skipped " + std::to_string(feed.bad_lines().size()) + " bad lines (first: line " +
                  std::to_string(feed.bad_lines().front().line) + ": " + feed.bad_lines().front().reason + ")");

  comments::ReportInput in;
  in.comments = &all;
  in.feed = &feed;
  in.source = source;
  in.model = model.path();
  in.window_s = window;
  in.classify_seconds = seconds;
  in.jobs = static_cast<int>(jobs);
  in.top_n = top_n;
  const app::Json report = comments::build_report(in);
  write_file(out_dir / "report.json", report.dump(1, ' ', false, app::Json::error_handler_t::replace) + "\n");
  write_file(out_dir / "report.html", comments::render_html(report));

  std::printf("comments: %zu lines, %zu valid, %zu bad lines, %zu empty and %zu duplicates dropped, %zu classified\n",
              feed.lines() - feed.blank_lines(), feed.received(), feed.bad_lines().size(),
              report["input"]["dropped_empty"].get<std::size_t>(), report["input"]["dropped_duplicates"].get<std::size_t>(),
              all.size());
  std::printf("throughput: %.1f comments/s (%zu comments in %.2f s, %zu jobs)\n",
              seconds > 0 ? static_cast<double>(all.size()) / seconds : 0.0, all.size(), seconds, jobs);
  std::printf("report: %s, %s\n", (out_dir / "report.json").string().c_str(), (out_dir / "report.html").string().c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return app::run_app("comment-analysis", comment_analysis, argc, argv); }
