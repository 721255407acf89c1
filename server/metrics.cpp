#include "metrics.hpp"

#include <cstdio>
#include <limits>

namespace lf::serve {

namespace {

std::string number(double v) {
  if (v == std::numeric_limits<double>::infinity()) return "+Inf";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

void header(std::string& out, const std::string& name, const std::string& help, const char* type) {
  out += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

void line(std::string& out, const std::string& name, double v) { out += name + " " + number(v) + "\n"; }

void metric(std::string& out, const std::string& name, const std::string& help, const char* type, double v) {
  header(out, name, help, type);
  line(out, name, v);
}

}  // namespace

std::string escape_label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

Histogram::Histogram(std::vector<double> upper_bounds) : bounds_(std::move(upper_bounds)), counts_(bounds_.size() + 1) {}

void Histogram::observe(double value) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  ++counts_[i];
  sum_ += value;
  ++count_;
}

void Histogram::render(std::string& out, const std::string& name, const std::string& help) const {
  std::lock_guard<std::mutex> lock(mutex_);
  header(out, name, help, "histogram");
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    cumulative += counts_[i];
    const std::string le = i < bounds_.size() ? number(bounds_[i]) : "+Inf";
    out += name + "_bucket{le=\"" + le + "\"} " + std::to_string(cumulative) + "\n";
  }
  line(out, name + "_sum", sum_);
  out += name + "_count " + std::to_string(count_) + "\n";
}

Metrics::Metrics()
    : request_seconds_({0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}),
      ttft_({0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}),
      token_latency_({0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1}) {}

void Metrics::count_request(const std::string& route, int status) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++requests_[{route, status}];
}

std::string Metrics::render(const lf_scheduler_stats& s, const std::vector<Sample>& extra) const {
  std::string out;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    header(out, "liveformer_http_requests_total", "HTTP requests answered, by route and status.", "counter");
    for (const auto& [key, n] : requests_)
      out += "liveformer_http_requests_total{route=\"" + escape_label(key.first) + "\",status=\"" +
             std::to_string(key.second) + "\"} " + std::to_string(n) + "\n";
  }
  request_seconds_.render(out, "liveformer_request_duration_seconds", "Time from a request's arrival to its last byte.");
  ttft_.render(out, "liveformer_time_to_first_token_seconds", "Time from a generation request's arrival to its first text.");
  token_latency_.render(out, "liveformer_inter_token_latency_seconds", "Time between consecutive streamed pieces of one request.");
  metric(out, "liveformer_slots", "Sequences the scheduler decodes together.", "gauge", s.n_slots);
  metric(out, "liveformer_active_slots", "Slots running a request.", "gauge", s.n_active);
  metric(out, "liveformer_queue_depth", "Requests waiting for a slot.", "gauge", s.n_queued);
  metric(out, "liveformer_kv_cache_bytes_allocated", "Bytes of all slots' KV caches.", "gauge", static_cast<double>(s.kv_bytes_allocated));
  metric(out, "liveformer_kv_cache_bytes_in_use", "Bytes of KV cache holding active requests' positions.", "gauge",
         static_cast<double>(s.kv_bytes_in_use));
  metric(out, "liveformer_prefix_cache_bytes", "Bytes of evaluated prompts kept for reuse.", "gauge",
         static_cast<double>(s.prefix_cache_bytes));
  metric(out, "liveformer_prefix_cache_hits_total", "Requests that reused evaluated prompt tokens.", "counter",
         static_cast<double>(s.prefix_hits));
  metric(out, "liveformer_prefix_cache_misses_total", "Requests that reused none.", "counter", static_cast<double>(s.prefix_misses));
  metric(out, "liveformer_prefix_reused_tokens_total", "Prompt tokens not recomputed thanks to reuse.", "counter",
         static_cast<double>(s.reused_tokens));
  metric(out, "liveformer_prefill_tokens_total", "Prompt tokens evaluated.", "counter", static_cast<double>(s.prefill_tokens));
  metric(out, "liveformer_decode_tokens_total", "Tokens evaluated while decoding.", "counter", static_cast<double>(s.decode_tokens));
  metric(out, "liveformer_prefill_seconds_total", "Forward-pass time spent on prompt tokens.", "counter", s.prefill_seconds);
  metric(out, "liveformer_decode_seconds_total", "Forward-pass time spent on decoding.", "counter", s.decode_seconds);
  metric(out, "liveformer_prefill_tokens_per_second", "Prompt tokens per second of prefill time, since start.", "gauge",
         s.prefill_seconds > 0 ? static_cast<double>(s.prefill_tokens) / s.prefill_seconds : 0.0);
  metric(out, "liveformer_decode_tokens_per_second", "Decoded tokens per second of decode time, since start.", "gauge",
         s.decode_seconds > 0 ? static_cast<double>(s.decode_tokens) / s.decode_seconds : 0.0);
  metric(out, "liveformer_scheduler_steps_total", "Forward passes run by the scheduler.", "counter", static_cast<double>(s.steps));
  header(out, "liveformer_generations_total", "Generation requests ended, by outcome.", "counter");
  out += "liveformer_generations_total{outcome=\"completed\"} " + std::to_string(s.completed) + "\n";
  out += "liveformer_generations_total{outcome=\"cancelled\"} " + std::to_string(s.cancelled) + "\n";
  out += "liveformer_generations_total{outcome=\"failed\"} " + std::to_string(s.failed) + "\n";
  out += "liveformer_generations_total{outcome=\"rejected\"} " + std::to_string(s.rejected) + "\n";
  std::string last;
  for (const Sample& x : extra) {
    if (x.name != last) header(out, x.name, x.help, x.type.c_str());
    last = x.name;
    out += x.name;
    if (!x.labels.empty()) {
      out += "{";
      for (std::size_t i = 0; i < x.labels.size(); ++i)
        out += (i ? "," : "") + x.labels[i].first + "=\"" + escape_label(x.labels[i].second) + "\"";
      out += "}";
    }
    out += " " + number(x.value) + "\n";
  }
  return out;
}

}  // namespace lf::serve
