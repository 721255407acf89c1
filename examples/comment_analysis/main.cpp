// comment-analysis: labels live-stream comments with an intent and a
// sentiment (rules combined with the model's scores, lf_score, no free-text
// generation), flags spam, folds near-duplicates, finds hot words, and
// writes report.json and a self-contained report.html. With --live it
// reads an unbounded stream and prints each comment, window and alert as a
// JSON line as it goes. Uses only the liveformer C API.
//
//   comment-analysis [--model PATH] [--out DIR] [--live] [--jsonl] COMMENTS.jsonl|FIFO|-
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include <liveformer/liveformer.h>

#include "comment_analysis/advice.hpp"
#include "comment_analysis/classifier.hpp"
#include "comment_analysis/comments.hpp"
#include "comment_analysis/line_reader.hpp"
#include "comment_analysis/pipeline.hpp"
#include "comment_analysis/report.hpp"
#include "comment_analysis/report_html.hpp"
#include "comment_analysis/stop_signal.hpp"
#include "comment_analysis/windows.hpp"
#include "common/app_error.hpp"
#include "common/args.hpp"
#include "common/json_input.hpp"
#include "common/model.hpp"
#include "common/product.hpp"

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) throw app::AppError("cannot write " + path.string());
}

// One JSON line on stdout, flushed: a live consumer sees it at once.
void emit(const app::Json& j) {
  const std::string line = app::dump_line(j) + "\n";
  std::fwrite(line.data(), 1, line.size(), stdout);
}

std::string no_comments_message(const std::string& source, const comments::CommentFeed& feed) {
  const std::string name = source == "-" ? "<stdin>" : source;
  if (feed.lines() == feed.blank_lines()) return name + ": no comments (the input is empty)";
  if (feed.received() == 0 && !feed.bad_lines().empty()) {
    const comments::BadLine& b = feed.bad_lines().front();
    return name + ": no valid comment in " + std::to_string(feed.lines()) + " lines (line " + std::to_string(b.line) +
           ": " + b.reason + ")";
  }
  return name + ": no comment left after cleaning (" + std::to_string(feed.received()) + " empty)";
}

int comment_analysis(int argc, char** argv) {
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  app::Args args(
      "comment-analysis [options] COMMENTS.jsonl",
      "Reads live-stream comments as JSON lines {\"t\": seconds, \"user\"?: str, \"text\": str} from a\n"
      "file, a FIFO or stdin ('-'), labels each with an intent (price, spec, shipping, purchase,\n"
      "praise, complaint, other) and a sentiment (positive, neutral, negative) by rules combined\n"
      "with the model's scores of the 21 label answers, flags spam, folds near-duplicate\n"
      "questions, finds hot words per window, and writes report.json and report.html to --out DIR\n"
      "(also on SIGINT / SIGTERM).",
      {{"model", "PATH", "GGUF file or HF directory (default: the demo model)"},
       {"out", "DIR", "where report.json and report.html go (default: .)"},
       {"live", "", "live mode: print each comment, window and alert as a JSON line as it goes"},
       {"jsonl", "", "print each labelled comment as a JSON line on stdout (input order)"},
       {"batch-size", "N", "comments per micro-batch (default 64; --batch is the same)"},
       {"batch", "N", "same as --batch-size"},
       {"max-delay-ms", "MS", "live mode: a comment waits at most this long for its batch (default 200)"},
       {"window", "SECONDS", "aggregation and alert window, and the repeat window (default 60)"},
       {"dup-window", "SECONDS", "one user's identical comments within this time count once (default: --window)"},
       {"product", "PATH", "product JSON: suggestions name its price, specs, shipping"},
       {"alert-complaints", "N", "complaint burst: at least N complaints in a window (default 3)"},
       {"alert-share", "R", "complaint burst: and at least this share of the window (default 0.2)"},
       {"alert-users", "N", "question alert: one question from at least N users in a window (default 3)"},
       {"spam-users", "N", "the same long text from N users is spam (default 3)"},
       {"score-all", "", "run the model on every comment, also where the rules decide alone"},
       {"jobs", "N", "classifying threads, one context each (default: cores, at most 8)"},
       {"top", "N", "how many top questions to list (default 10)"},
       {"ctx", "N", "context length (default: the model's, at most 4096)"}});
  if (!args.parse(argc, argv, 1, 1)) return 0;
  const std::string source = args.positionals()[0];
  const bool live = args.flag("live");
  const bool jsonl = args.flag("jsonl") || live;
  const auto jobs = static_cast<std::size_t>(args.integer("jobs", std::min(hw, 8u), 1, 256));
  const auto batch_size = static_cast<std::size_t>(
      args.value("batch-size") ? args.integer("batch-size", 64, 1, 1 << 20) : args.integer("batch", 64, 1, 1 << 20));
  const auto max_delay_ms = static_cast<int>(args.integer("max-delay-ms", 200, 0, 3600 * 1000));
  const double window = args.number("window", 60, 0.001, 1e9);
  const double dup_window = args.number("dup-window", window, 0, 1e9);
  const auto top_n = static_cast<std::size_t>(args.integer("top", 10, 1, 1000));
  const int n_ctx = static_cast<int>(args.integer("ctx", 0, 0, 1 << 20));
  comments::AlertConfig alerts;
  alerts.min_complaints = static_cast<std::size_t>(args.integer("alert-complaints", 3, 1, 1 << 30));
  alerts.complaint_share = args.number("alert-share", 0.2, 0, 1);
  alerts.min_users = static_cast<std::size_t>(args.integer("alert-users", 3, 1, 1 << 30));
  const auto spam_users = static_cast<std::size_t>(args.integer("spam-users", 3, 2, 1 << 30));
  const fs::path out_dir = args.value_or("out", ".");
  std::optional<app::Product> product;
  if (const auto p = args.value("product")) product = app::load_product(*p);

  // Signals first: every thread made from here on (ours and the library's)
  // inherits the blocked mask, and only the StopSignal thread takes them.
  comments::StopSignal stop;
  if (live) std::signal(SIGPIPE, SIG_IGN);  // a reader that goes away must not cost the report
  const int fd = comments::open_line_source(source);
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec || !fs::is_directory(out_dir)) throw app::AppError("cannot create the output directory " + out_dir.string());
  const app::Model model(app::resolve_model_path(args.value("model")));
  std::vector<app::Context> contexts;
  // Several jobs already keep the cores busy: one compute thread each.
  for (std::size_t i = 0; i < jobs; ++i) contexts.emplace_back(model, n_ctx, jobs > 1 ? 1 : 0);
  const comments::Classifier classifier(model, contexts.front().n_ctx());

  comments::CommentFeed feed(dup_window);
  comments::Pipeline pipeline(&classifier, &contexts, spam_users, args.flag("score-all"));
  comments::WindowAggregator windows(window, alerts);
  comments::LineReader reader(fd, comments::CommentFeed::kMaxLineBytes, stop.fd());
  std::vector<comments::Comment> all, pending;
  std::vector<comments::Comment> repeats;  // dropped duplicates, labelled for --jsonl only
  double seconds = 0;
  Clock::time_point deadline{};
  bool announced = false;

  // Labels the pending micro-batch; in live mode prints its lines, each
  // window line before the first comment of the next window.
  auto flush = [&] {
    if (pending.empty()) return;
    if (!announced) {
      announced = true;
      app::progress("model " + model.path() + " (" +
                    (classifier.chat() ? "chat template" : "no chat template: plain-text prompt") + "), " +
                    std::to_string(jobs) + " jobs");
    }
    const auto t0 = Clock::now();
    pipeline.label(pending);
    seconds += std::chrono::duration<double>(Clock::now() - t0).count();
    if (live) {
      for (const comments::Comment& c : pending) {
        const std::string& text = pipeline.clusters().get(c.cluster).variants.empty()
                                      ? c.clean
                                      : pipeline.clusters().get(c.cluster).text();
        if (!c.duplicate)
          for (const app::Json& w : windows.add(c.t, c.intent, c.sentiment, c.spam, c.cluster, text,
                                                c.user ? &*c.user : nullptr, c.question, c.norm))
            emit(w);
        emit(comments::comment_line(c));
      }
      std::fflush(stdout);
    }
    for (comments::Comment& c : pending)
      if (!c.duplicate) all.push_back(std::move(c));
      else if (jsonl && !live) repeats.push_back(std::move(c));
    pending.clear();
    if (!live) {
      char line[128];
      std::snprintf(line, sizeof line, "classified %zu comments (%.1f comments/s)", all.size(),
                    seconds > 0 ? static_cast<double>(all.size()) / seconds : 0.0);
      app::progress(line);
    }
  };

  bool stopped = false;
  for (std::string line;;) {
    int timeout = -1;
    if (live && !pending.empty())
      timeout = static_cast<int>(std::max<long long>(
          0, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count()));
    bool overlong = false;
    const auto status = reader.next(line, overlong, timeout);
    if (status == comments::LineReader::Status::kLine) {
      comments::Comment c, repeat;
      if (!feed.accept(std::move(line), overlong, c, jsonl ? &repeat : nullptr)) {
        if (!repeat.duplicate) continue;
        c = std::move(repeat);  // printed with its labels, counted nowhere
      }
      if (pending.empty()) deadline = Clock::now() + std::chrono::milliseconds(max_delay_ms);
      pending.push_back(std::move(c));
      if (pending.size() >= batch_size) flush();
    } else if (status == comments::LineReader::Status::kTimeout) {
      flush();
    } else {
      stopped = status == comments::LineReader::Status::kStopped;
      break;
    }
  }
  flush();
  if (fd != STDIN_FILENO) ::close(fd);
  if (stopped) app::progress("stopped by signal " + std::to_string(stop.signal()) + "; writing the report");
  if (all.empty() && !live && !stopped) throw app::AppError(no_comments_message(source, feed));
  if (feed.bad_count() > 0)
    app::progress("skipped " + std::to_string(feed.bad_count()) + " bad lines (first: line " +
                  std::to_string(feed.bad_lines().front().line) + ": " + feed.bad_lines().front().reason + ")");

  pipeline.finalize(all, repeats);
  if (live) {
    for (const app::Json& w : windows.flush()) emit(w);
  } else {
    // Batch mode: windows over the final labels (late spam flags included).
    for (const comments::Comment& c : all) {
      const comments::Cluster& cl = pipeline.clusters().get(c.cluster);
      windows.add(c.t, c.intent, c.sentiment, c.spam, c.cluster, cl.count ? cl.text() : c.clean,
                  c.user ? &*c.user : nullptr, c.question, c.norm);
    }
    windows.flush();
    if (jsonl) {  // input order: kept comments and repeats merged by line
      std::size_t r = 0;
      for (const comments::Comment& c : all) {
        for (; r < repeats.size() && repeats[r].line < c.line; ++r) emit(comments::comment_line(repeats[r]));
        emit(comments::comment_line(c));
      }
      for (; r < repeats.size(); ++r) emit(comments::comment_line(repeats[r]));
    }
  }
  std::fflush(stdout);

  comments::ReportInput in;
  in.comments = &all;
  in.feed = &feed;
  in.source = source;
  in.model = model.path();
  in.window_s = dup_window;
  in.classify_seconds = seconds;
  in.jobs = static_cast<int>(jobs);
  in.top_n = top_n;
  in.clusters = &pipeline.clusters();
  in.windows = &windows;
  in.aggregate_window_s = window;
  in.product_suggestions = comments::product_advice(pipeline.clusters(), product ? &*product : nullptr);
  if (product) in.product = product->name;
  in.stopped = stopped;
  const app::Json report = comments::build_report(in);
  write_file(out_dir / "report.json", report.dump(1, ' ', false, app::Json::error_handler_t::replace) + "\n");
  write_file(out_dir / "report.html", comments::render_html(report));

  char summary[512];
  std::snprintf(summary, sizeof summary,
                "comments: %zu lines, %zu valid, %zu bad lines, %zu empty and %zu duplicates dropped, %zu classified, "
                "%zu spam",
                feed.lines() - feed.blank_lines(), feed.received(), feed.bad_count(), feed.dropped_empty(),
                feed.dropped_duplicates(), all.size(), report["spam"]["count"].get<std::size_t>());
  char speed[256];
  std::snprintf(speed, sizeof speed, "throughput: %.1f comments/s (%zu comments in %.2f s, %zu jobs)",
                seconds > 0 ? static_cast<double>(all.size()) / seconds : 0.0, all.size(), seconds, jobs);
  const std::string where = "report: " + (out_dir / "report.json").string() + ", " + (out_dir / "report.html").string();
  if (jsonl) {  // stdout carries only JSON lines
    app::progress(summary);
    app::progress(speed);
    app::progress(where);
  } else {
    std::printf("%s\n%s\n%s\n", summary, speed, where.c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return app::run_app("comment-analysis", comment_analysis, argc, argv); }
