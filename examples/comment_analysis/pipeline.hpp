// One comment's way from cleaned text to labels, shared by batch and live
// mode: normalisation, the spam check, the cluster id, the rules, the
// model's 21-way distribution (threads, one context each) and their
// combination.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "comment_analysis/classifier.hpp"
#include "comment_analysis/clusters.hpp"
#include "comment_analysis/comments.hpp"
#include "comment_analysis/spam.hpp"
#include "common/json_input.hpp"
#include "common/model.hpp"

namespace comments {

class Pipeline {
 public:
  /// `classifier` and `contexts` may be null / empty: the rules alone.
  /// The model scores only comments whose labels it could change (see
  /// rules_decide()), or every comment with `score_all`.
  Pipeline(const Classifier* classifier, std::vector<app::Context>* contexts, std::size_t spam_users,
           bool score_all = false)
      : classifier_(classifier), contexts_(contexts), repeats_(spam_users), score_all_(score_all) {}

  /// Uses `classifier` / `contexts` from the next label() on (null / empty:
  /// the rules alone), e.g. to leave the model out while a backlog drains.
  void set_model(const Classifier* classifier, std::vector<app::Context>* contexts) {
    classifier_ = classifier;
    contexts_ = contexts;
  }
  /// Labels `batch` in place (input order kept). Throws AppError if the
  /// model fails.
  void label(std::vector<Comment>& batch);

  /// Marks earlier copies of a text that later reached the repeat-spam
  /// threshold (the first copies were let through when they arrived), then
  /// recounts the clusters over `all` with the final spam flags.
  /// `repeats` (dropped duplicates kept for printing) get the flags only.
  void finalize(std::vector<Comment>& all, std::vector<Comment>& repeats);

  const ClusterTable& clusters() const { return clusters_; }
  ClusterTable& clusters() { return clusters_; }

 private:
  const Classifier* classifier_;
  std::vector<app::Context>* contexts_;
  RepeatTracker repeats_;
  bool score_all_;
  ClusterTable clusters_;
};

/// The per-comment JSON line of --jsonl and --live: {"type": "comment",
/// "line", "t", "user"?, "text", "intent", "sentiment", "spam",
/// "spam_reason"?, "cluster", "duplicate"?, "confidence", "source"}.
app::Json comment_line(const Comment& c);

}  // namespace comments
