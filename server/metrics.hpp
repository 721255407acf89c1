// Counters and histograms for GET /metrics, in Prometheus' text format
// (version 0.0.4). Thread-safe; the scheduler's own counters are read when
// the page is rendered.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <liveformer/liveformer.h>

namespace lf::serve {

/// Cumulative buckets, as Prometheus histograms are.
class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void observe(double value);
  /// name_bucket{le="..."}, name_sum, name_count lines.
  void render(std::string& out, const std::string& name, const std::string& help) const;

 private:
  mutable std::mutex mutex_;
  std::vector<double> bounds_;
  std::vector<std::uint64_t> counts_;  // per bucket, not cumulative; last: +Inf
  double sum_ = 0;
  std::uint64_t count_ = 0;
};

class Metrics {
 public:
  Metrics();
  void count_request(const std::string& route, int status);
  void observe_request_seconds(double s) { request_seconds_.observe(s); }
  void observe_ttft(double s) { ttft_.observe(s); }
  void observe_token_latency(double s) { token_latency_.observe(s); }

  /// A labelled value from elsewhere (the rooms): name{labels} value.
  struct Sample {
    std::string name, help, type;  ///< type "counter" or "gauge"
    std::vector<std::pair<std::string, std::string>> labels;
    double value = 0;
  };
  std::string render(const lf_scheduler_stats& s, const std::vector<Sample>& extra) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;
  Histogram request_seconds_, ttft_, token_latency_;
};

/// A label value escaped as the text format requires (\\, \", \n).
std::string escape_label(const std::string& v);

}  // namespace lf::serve
