#include "rooms/room.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <sstream>

#include "comment_analysis/hotwords.hpp"
#include "comment_analysis/lexicon.hpp"
#include "common/app_error.hpp"

namespace lf::serve {

namespace {

constexpr double kDuplicateWindowS = 60;  // one user's same text within a minute is a repeat
constexpr std::size_t kLatencySamples = 4096;
constexpr std::size_t kKeptAlerts = 100;
constexpr std::size_t kHotWordComments = 500;

double round3(double x) { return std::round(x * 1000) / 1000; }

}  // namespace

bool valid_room_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

Room::Room(std::string id, const RoomLimits& limits)
    : id_(std::move(id)), limits_(limits), opened_(Clock::now()), opened_unix_(static_cast<std::int64_t>(std::time(nullptr))) {
  reset_labelling();
  windows_ = std::make_unique<comments::WindowAggregator>(limits_.window_s, comments::AlertConfig{}, limits_.kept_windows);
}

void Room::reset_labelling() {
  feed_ = std::make_unique<comments::CommentFeed>(kDuplicateWindowS);
  pipeline_ = std::make_unique<comments::Pipeline>(nullptr, nullptr, 3);
  feed_dup_seen_ = 0;
  since_reset_ = 0;
  last_seq_.clear();
}

void Room::set_product(std::shared_ptr<const RoomProduct> product) {
  std::lock_guard<std::mutex> lock(mutex_);
  product_ = std::move(product);
}

std::shared_ptr<const RoomProduct> Room::product() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return product_;
}

std::size_t Room::push_comments(const std::string& message, std::vector<std::string>& errors) {
  // One JSON value (an object or an array of objects), else JSON lines.
  std::vector<app::Json> items;
  try {
    const app::Json j = app::parse_json(message, "message");
    if (j.is_array()) {
      for (const app::Json& x : j) items.push_back(x);
    } else {
      items.push_back(j);
    }
  } catch (const app::AppError&) {
    std::istringstream in(message);
    std::size_t n = 0;
    for (std::string line; std::getline(in, line);) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      ++n;
      try {
        items.push_back(app::parse_json(line, "line " + std::to_string(n)));
      } catch (const app::AppError& e) {
        errors.push_back(e.what());
      }
    }
  }
  if (items.size() > limits_.max_message_comments) {
    errors.push_back("a message holds at most " + std::to_string(limits_.max_message_comments) + " comments; the rest were ignored");
    items.resize(limits_.max_message_comments);
  }
  const auto now = Clock::now();
  const double since_open = std::chrono::duration<double>(now - opened_).count();
  std::vector<Raw> ready;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const app::Json& x = items[i];
    if (!x.is_object() || !x.contains("text") || !x["text"].is_string()) {
      errors.push_back("comment " + std::to_string(i) + ": needs a string \"text\"");
      continue;
    }
    app::Json line = {{"t", since_open}, {"text", x["text"]}};
    // A client's own clock is kept when sane (|t| < 1e12 s); windows are
    // indexed by it, so absurd values fall back to the server's.
    if (x.contains("t") && x["t"].is_number() && std::isfinite(x["t"].get<double>()) && std::fabs(x["t"].get<double>()) < 1e12)
      line["t"] = x["t"];
    if (x.contains("user") && (x["user"].is_string() || x["user"].is_number())) line["user"] = x["user"];
    Raw r;
    r.line = app::dump_line(line);
    r.t = line["t"];
    r.text = line["text"];
    r.arrived = now;
    if (x.contains("id") && (x["id"].is_string() || x["id"].is_number())) r.client_id = x["id"];
    ready.push_back(std::move(r));
  }
  std::lock_guard<std::mutex> lock(mutex_);
  for (Raw& r : ready) {
    r.seq = next_seq_++;
    pending_.push_back(std::move(r));
    ++counters_.received;
  }
  // Backpressure: the oldest waiting comments go, counted, so that the
  // labels that do go out stay current.
  while (pending_.size() > limits_.max_pending) {
    pending_.pop_front();
    ++counters_.dropped_backpressure;
  }
  return ready.size();
}

std::size_t Room::pending() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return pending_.size();
}

std::size_t Room::process(std::size_t max, const comments::Classifier* classifier, std::vector<app::Context>* contexts) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (pending_.empty()) return 0;
  if (pipeline_->clusters().all().size() > limits_.max_clusters || since_reset_ > limits_.max_since_reset) {
    reset_labelling();
    ++counters_.resets;
  }
  std::vector<Raw> raws;
  while (!pending_.empty() && raws.size() < max) {
    raws.push_back(std::move(pending_.front()));
    pending_.pop_front();
  }
  std::vector<comments::Comment> batch;
  std::vector<const Raw*> origin;
  app::Json labels = app::Json::array();
  for (const Raw& r : raws) {
    comments::Comment c, repeat;
    const std::size_t empty_before = feed_->dropped_empty();
    if (feed_->accept(r.line, false, c, &repeat)) {
      batch.push_back(std::move(c));
      origin.push_back(&r);
    } else if (repeat.duplicate) {
      batch.push_back(std::move(repeat));
      origin.push_back(&r);
    } else {
      // Every comment gets one line back, even one with nothing to label.
      app::Json out = {{"seq", r.seq}, {"t", r.t}, {"text", r.text},
                       {"dropped", feed_->dropped_empty() > empty_before ? "empty" : "bad"}};
      if (!r.client_id.is_null()) out["id"] = r.client_id;
      labels.push_back(std::move(out));
      ++(feed_->dropped_empty() > empty_before ? counters_.empty : counters_.bad);
    }
  }
  counters_.duplicates += feed_->dropped_duplicates() - feed_dup_seen_;
  feed_dup_seen_ = feed_->dropped_duplicates();
  // The model scores what the rules leave open when the processor offers
  // it (not under a backlog); if it fails, the rules alone label the batch.
  pipeline_->set_model(classifier, contexts);
  try {
    pipeline_->label(batch);
  } catch (const std::exception&) {
    pipeline_->set_model(nullptr, nullptr);
    pipeline_->label(batch);
  }
  const auto now = Clock::now();
  std::vector<app::Json> events;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const comments::Comment& c = batch[i];
    app::Json out = comments::comment_line(c);
    out.erase("line");
    out.erase("type");
    out["seq"] = origin[i]->seq;
    if (!origin[i]->client_id.is_null()) out["id"] = origin[i]->client_id;
    ++since_reset_;
    if (c.user) {
      // One user's repeat points at the comment it repeats.
      const std::string key = *c.user + '\x1f' + c.clean;
      if (c.duplicate) {
        if (auto it = last_seq_.find(key); it != last_seq_.end()) out["duplicate_of"] = it->second;
      } else {
        last_seq_[key] = origin[i]->seq;
      }
    }
    if (!c.duplicate) {
      ++counters_.labelled;
      if (c.spam) {
        ++counters_.spam;
      } else {
        ++intents_[static_cast<std::size_t>(c.intent)];
        ++sentiments_[static_cast<std::size_t>(c.sentiment)];
        Bucket& b = buckets_[static_cast<long long>(std::floor(c.t / limits_.window_s))];
        ++b.intents[static_cast<std::size_t>(c.intent)];
        ++b.sentiments[static_cast<std::size_t>(c.sentiment)];
        while (buckets_.size() > limits_.kept_windows) buckets_.erase(buckets_.begin());
        recent_norm_.push_back(c.norm);
        if (recent_norm_.size() > kHotWordComments) recent_norm_.pop_front();
      }
      const comments::Cluster& cl = pipeline_->clusters().get(c.cluster);
      for (app::Json& e : windows_->add(c.t, c.intent, c.sentiment, c.spam, c.cluster, cl.variants.empty() ? c.clean : cl.text(),
                                        c.user ? &*c.user : nullptr, c.question, c.norm))
        events.push_back(std::move(e));
      recent_.push_back(out);
      if (recent_.size() > limits_.recent_comments) recent_.pop_front();
    }
    labels.push_back(std::move(out));
    latencies_.push_back(std::chrono::duration<double>(now - origin[i]->arrived).count());
    if (latencies_.size() > kLatencySamples) latencies_.pop_front();
  }
  if (!labels.empty()) send_sockets(app::dump_line({{"type", "labels"}, {"room", id_}, {"comments", labels}}));
  for (app::Json& e : events) {
    if (e["type"] == "alert") {
      alerts_.push_back(e);
      if (alerts_.size() > kKeptAlerts) alerts_.pop_front();
    }
    send_all(app::dump_line(e));
  }
  return raws.size();
}

void Room::send_all(const std::string& text) {
  for (const auto& ws : sockets_) ws->send(text);
  for (const auto& d : dashboards_) d->send(text);
}

void Room::send_sockets(const std::string& text) {
  for (const auto& ws : sockets_) ws->send(text);
}

void Room::remove_closed() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::erase_if(sockets_, [](const auto& ws) { return !ws->open(); });
  std::erase_if(dashboards_, [](const auto& d) { return !d->open(); });
}

bool Room::add_comment_socket(std::shared_ptr<http::WebSocket> ws) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::erase_if(sockets_, [](const auto& s) { return !s->open(); });
  if (sockets_.size() >= limits_.max_subscribers) return false;
  sockets_.push_back(std::move(ws));
  return true;
}

bool Room::add_dashboard(std::shared_ptr<http::EventStream> stream) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::erase_if(dashboards_, [](const auto& d) { return !d->open(); });
  if (dashboards_.size() >= limits_.max_subscribers) return false;
  stream->send(app::dump_line(summary_locked()));
  dashboards_.push_back(std::move(stream));
  return true;
}

void Room::broadcast_summary() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (sockets_.empty() && dashboards_.empty()) return;
  send_all(app::dump_line(summary_locked()));
}

void Room::record_answer(app::Json answer) {
  std::lock_guard<std::mutex> lock(mutex_);
  answer["type"] = "answer";
  questions_.push_back(answer);
  if (questions_.size() > limits_.recent_questions) questions_.pop_front();
  send_all(app::dump_line(answer));
}

Room::Counters Room::counters() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return counters_;
}

std::vector<double> Room::latency_quantiles(std::initializer_list<double> qs) const {
  std::vector<double> v;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    v.assign(latencies_.begin(), latencies_.end());
  }
  std::sort(v.begin(), v.end());
  std::vector<double> out;
  for (double q : qs)
    out.push_back(v.empty() ? 0.0
                            : v[static_cast<std::size_t>(std::min<double>(static_cast<double>(v.size() - 1),
                                                                           q * static_cast<double>(v.size())))]);
  return out;
}

app::Json Room::summary_locked() const {
  app::Json s;
  s["type"] = "summary";
  s["room"] = id_;
  s["uptime_s"] = round3(std::chrono::duration<double>(Clock::now() - opened_).count());
  s["product"] = product_ ? app::Json(product_->product.name) : app::Json(nullptr);
  s["received"] = counters_.received;
  s["labelled"] = counters_.labelled;
  s["pending"] = pending_.size();
  s["dropped"] = counters_.dropped_backpressure;
  s["spam"] = counters_.spam;
  s["duplicates"] = counters_.duplicates;
  s["empty"] = counters_.empty;
  app::Json intents = app::Json::object(), sentiments = app::Json::object();
  for (std::size_t i = 0; i < intents_.size(); ++i) intents[app::prompts::kIntents[i]] = intents_[i];
  for (std::size_t i = 0; i < sentiments_.size(); ++i) sentiments[app::prompts::kSentiments[i]] = sentiments_[i];
  s["intents"] = intents;
  s["sentiments"] = sentiments;
  app::Json hot = app::Json::array();
  for (const comments::HotWord& h :
       comments::hot_words(std::vector<std::string>(recent_norm_.begin(), recent_norm_.end()), 10, 2))
    hot.push_back({{"text", h.text}, {"count", h.count}});
  s["hot_words"] = hot;
  // Per-window counts by the comments' own time, the open window included:
  // the dashboard's intents-per-minute bars and sentiment curve.
  app::Json buckets = app::Json::array();
  for (const auto& [index, b] : buckets_) {
    app::Json bi = app::Json::object(), bs = app::Json::object();
    for (std::size_t i = 0; i < b.intents.size(); ++i) bi[app::prompts::kIntents[i]] = b.intents[i];
    for (std::size_t i = 0; i < b.sentiments.size(); ++i) bs[app::prompts::kSentiments[i]] = b.sentiments[i];
    buckets.push_back({{"start", static_cast<double>(index) * limits_.window_s}, {"intents", bi}, {"sentiments", bs}});
  }
  s["window_s"] = limits_.window_s;
  s["buckets"] = buckets;
  s["alerts"] = app::Json(std::vector<app::Json>(alerts_.begin(), alerts_.end()));
  s["questions"] = app::Json(std::vector<app::Json>(questions_.begin(), questions_.end()));
  app::Json recent = app::Json::array();
  for (std::size_t i = recent_.size() > 20 ? recent_.size() - 20 : 0; i < recent_.size(); ++i) recent.push_back(recent_[i]);
  s["recent"] = recent;
  return s;
}

app::Json Room::summary() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return summary_locked();
}

app::Json Room::report() const {
  app::Json r;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    r = summary_locked();
    r["type"] = "report";
    r["opened_unix"] = opened_unix_;
    r["product_json"] = product_ ? product_->json : app::Json(nullptr);
    r["bad"] = counters_.bad;
    r["resets"] = counters_.resets;
    r["windows"] = app::Json(windows_->windows());
    app::Json top = app::Json::array();
    for (const comments::Cluster* c : pipeline_->clusters().top(2, 10))
      top.push_back({{"text", c->text()}, {"count", c->count}, {"users", c->user_count()}});
    r["top_questions"] = top;
    r["recent"] = app::Json(std::vector<app::Json>(recent_.begin(), recent_.end()));
  }
  const std::vector<double> latency = latency_quantiles({0.5, 0.99});
  r["latency_s"] = {{"p50", round3(latency[0])}, {"p99", round3(latency[1])}};
  return r;
}

}  // namespace lf::serve
