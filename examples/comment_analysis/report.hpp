// Aggregation of labelled comments into report.json: counts per time bucket,
// totals, the most asked questions, the most mentioned aspects and
// suggestions for the host.
#pragma once

#include <string>
#include <vector>

#include "comment_analysis/clusters.hpp"
#include "comment_analysis/comments.hpp"
#include "comment_analysis/windows.hpp"
#include "common/json_input.hpp"

namespace comments {

struct ReportInput {
  const std::vector<Comment>* comments;  ///< kept and labelled, in input order
  const CommentFeed* feed;               ///< for line / drop / bad-line counts
  std::string source;                    ///< the input path ("-": stdin)
  std::string model;                     ///< the model path
  double window_s = 60;                  ///< duplicate window
  double classify_seconds = 0;           ///< wall time spent classifying
  int jobs = 1;
  std::size_t top_n = 10;
  const ClusterTable* clusters = nullptr;      ///< near-duplicate clusters (spam not counted)
  const WindowAggregator* windows = nullptr;   ///< per-window aggregates and alerts
  double aggregate_window_s = 60;              ///< --window
  app::Json product_suggestions = app::Json::array();
  std::string product;                         ///< the --product name, "" if none
  bool stopped = false;                        ///< ended by a signal, not by the end of input
};

/// The whole report (layout in examples/README.md). Spam comments are
/// listed with the comments but kept out of every statistic.
app::Json build_report(const ReportInput& in);

}  // namespace comments
