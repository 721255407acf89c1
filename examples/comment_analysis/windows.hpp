// Rolling aggregates per time window of --window seconds (by the comments'
// own "t", so a replayed stream gives the same windows as a live one): the
// window's counts, hot words and most asked questions, and alerts — a
// complaint burst (at least `min_complaints` complaints making at least
// `complaint_share` of the window's non-spam comments) and a question
// asked by at least `min_users` distinct users within the window.
#pragma once

#include <array>
#include <cstdint>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/json_input.hpp"

namespace comments {

struct AlertConfig {
  std::size_t min_complaints = 3;
  double complaint_share = 0.2;
  std::size_t min_users = 3;
};

class WindowAggregator {
 public:
  /// `max_kept`: how many window lines and alerts windows() and alerts()
  /// keep (the oldest go first), so a long-running room stays bounded.
  WindowAggregator(double window_s, AlertConfig alerts, std::size_t max_kept = SIZE_MAX)
      : window_s_(window_s), alerts_(alerts), max_kept_(max_kept) {}

  /// Counts one labelled comment. Comments that arrive for an already
  /// closed window count in the open one (late comments are not lost).
  /// Returns the lines of the windows the comment's time closed, in order
  /// (each window's {"type": "window"} line followed by its alerts).
  std::vector<app::Json> add(double t, int intent, int sentiment, bool spam, std::size_t cluster,
                             const std::string& cluster_text, const std::string* user, bool question,
                             const std::string& norm);
  /// Closes the open window (end of input or stop).
  std::vector<app::Json> flush();

  /// Every window line and alert so far, for report.json.
  const std::vector<app::Json>& windows() const { return windows_; }
  const std::vector<app::Json>& alerts() const { return alerts_out_; }

 private:
  struct Open {
    long long index = 0;
    std::size_t comments = 0, spam = 0;
    std::array<std::size_t, 7> intents{};
    std::array<std::size_t, 3> sentiments{};
    std::vector<std::string> texts;  // normalised, non-spam: the hot-word input
    std::map<std::size_t, std::set<std::string>> question_users;
    std::map<std::size_t, std::size_t> question_counts;
    std::map<std::size_t, std::string> cluster_text;
    std::vector<std::string> complaint_examples;
  };
  std::vector<app::Json> close();

  double window_s_;
  AlertConfig alerts_;
  std::size_t max_kept_;
  std::optional<Open> open_;
  std::vector<app::Json> windows_, alerts_out_;
};

}  // namespace comments
