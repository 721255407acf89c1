// One live room: its product, the comments streaming in and their labels,
// rolling aggregates and alerts, and the viewers' questions with their
// answers. The labelling is comment-analysis's own (examples/comment_analysis,
// linked as liveformer_comment_core), run by the rooms' processor thread in
// micro-batches; everything a room keeps is bounded.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "comment_analysis/classifier.hpp"
#include "comment_analysis/comments.hpp"
#include "comment_analysis/pipeline.hpp"
#include "comment_analysis/windows.hpp"
#include "common/fact_sheet.hpp"
#include "common/json_input.hpp"
#include "common/model.hpp"
#include "common/product.hpp"
#include "common/prompts.hpp"
#include "http/http_server.hpp"

namespace lf::serve {

struct RoomLimits {
  std::size_t max_pending = 20000;       ///< comments waiting for labels; past it the oldest are dropped (counted)
  std::size_t max_message_comments = 1000;  ///< comments in one WebSocket message
  std::size_t recent_comments = 200;     ///< labelled comments kept for the report and dashboard
  std::size_t recent_questions = 50;     ///< answered questions kept
  std::size_t max_clusters = 50000;      ///< past it the labelling state starts afresh (counted as a reset)
  std::size_t max_since_reset = 200000;  ///< ... and after this many comments (repeat and spam memory stay bounded)
  std::size_t max_subscribers = 64;      ///< sockets and dashboards per room
  double window_s = 60;                  ///< aggregate windows (by the comments' own "t")
  std::size_t kept_windows = 240;
};

/// The product as a room answers from it.
struct RoomProduct {
  app::Json json;                          ///< as PUT
  app::Product product;
  std::shared_ptr<const app::grounding::FactSheet> facts;
  std::shared_ptr<const app::prompts::QaPrompt> qa;  ///< null when the model cannot take it
  std::uint64_t version = 0;
};

class Room {
 public:
  using Clock = std::chrono::steady_clock;
  Room(std::string id, const RoomLimits& limits);

  const std::string& id() const { return id_; }

  void set_product(std::shared_ptr<const RoomProduct> product);
  std::shared_ptr<const RoomProduct> product() const;

  /// Takes one WebSocket/HTTP message of comments: a JSON object
  /// {"text", "t"?, "user"?, "id"?}, an array of them, or JSON lines. "t"
  /// defaults to the seconds since the room opened. Returns how many were
  /// queued; `errors` gets one message per unusable item. When the queue is
  /// full the oldest waiting comments are dropped and counted.
  std::size_t push_comments(const std::string& message, std::vector<std::string>& errors);

  /// Labels up to `max` waiting comments (the processor thread only).
  /// With `classifier` and non-empty `contexts`, the model scores comments
  /// the rules leave open. Sends the labels to the room's sockets and any
  /// window or alert lines to sockets and dashboards. Returns how many.
  std::size_t process(std::size_t max, const comments::Classifier* classifier, std::vector<app::Context>* contexts);
  std::size_t pending() const;

  /// Sends the live summary to every socket and dashboard (every few seconds).
  void broadcast_summary();

  /// False when the room has max_subscribers sockets already.
  bool add_comment_socket(std::shared_ptr<http::WebSocket> ws);
  /// False when the room has max_subscribers already.
  bool add_dashboard(std::shared_ptr<http::EventStream> stream);
  void remove_closed();

  /// An answered question, for the report and the dashboard's queue.
  void record_answer(app::Json answer);

  /// Everything the dashboard and GET .../report show.
  app::Json report() const;
  /// The smaller live summary pushed every few seconds.
  app::Json summary() const;

  struct Counters {
    std::uint64_t received = 0, labelled = 0, dropped_backpressure = 0, bad = 0, empty = 0, duplicates = 0, spam = 0, resets = 0;
  };
  Counters counters() const;
  /// Label latency (arrival to labels sent) over recent comments, seconds:
  /// one value per quantile in `qs`.
  std::vector<double> latency_quantiles(std::initializer_list<double> qs) const;

 private:
  struct Raw {
    std::string line;  // one comment as a JSON line, "t" filled in
    app::Json t, text;  // its "t" and "text", for the line of a comment with nothing to label
    Clock::time_point arrived;
    std::uint64_t seq = 0;
    app::Json client_id;  // echoed back when the client gave one
  };
  void send_all(const std::string& text);  // sockets and dashboards, caller holds mutex_
  void send_sockets(const std::string& text);  // sockets only (labels are too many for a page)
  void reset_labelling();                  // caller holds mutex_
  app::Json summary_locked() const;

  const std::string id_;
  const RoomLimits limits_;
  const Clock::time_point opened_;
  const std::int64_t opened_unix_;

  mutable std::mutex mutex_;
  std::shared_ptr<const RoomProduct> product_;
  std::deque<Raw> pending_;
  std::uint64_t next_seq_ = 1;
  Counters counters_;
  // Labelling state (processor thread, under mutex_).
  std::unique_ptr<comments::CommentFeed> feed_;
  std::unique_ptr<comments::Pipeline> pipeline_;
  std::unique_ptr<comments::WindowAggregator> windows_;
  std::size_t feed_dup_seen_ = 0;
  std::size_t since_reset_ = 0;
  std::map<std::string, std::uint64_t> last_seq_;  // user + text -> seq of its last kept comment (duplicate_of)
  std::array<std::uint64_t, 7> intents_{};
  std::array<std::uint64_t, 3> sentiments_{};
  std::deque<app::Json> recent_;       // labelled comments, newest last
  std::deque<std::string> recent_norm_;  // their normalised text (non-spam), for hot words
  std::deque<app::Json> alerts_;
  struct Bucket {
    std::array<std::uint64_t, 7> intents{};
    std::array<std::uint64_t, 3> sentiments{};
  };
  std::map<long long, Bucket> buckets_;  // by window index of the comments' "t" (the last kept_windows)
  std::deque<app::Json> questions_;
  std::deque<double> latencies_;
  std::vector<std::shared_ptr<http::WebSocket>> sockets_;
  std::vector<std::shared_ptr<http::EventStream>> dashboards_;
};

/// Room ids: 1 to 64 of [A-Za-z0-9_-].
bool valid_room_id(const std::string& id);

}  // namespace lf::serve
