#include "rooms/room_registry.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>

namespace lf::serve {

namespace {

constexpr std::size_t kBatch = 512;           // comments labelled per room per pass
constexpr std::size_t kModelBacklog = 64;     // the model helps only while the backlog is this small
constexpr auto kSummaryEvery = std::chrono::seconds(2);

}  // namespace

RoomRegistry::RoomRegistry(Engine& engine, std::size_t max_rooms, RoomLimits limits)
    : engine_(engine), max_rooms_(max_rooms), limits_(limits), thread_([this] { run(); }) {}

RoomRegistry::~RoomRegistry() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

std::shared_ptr<Room> RoomRegistry::find(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = rooms_.find(id);
  return it == rooms_.end() ? nullptr : it->second;
}

std::shared_ptr<Room> RoomRegistry::open(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = rooms_.find(id);
  if (it != rooms_.end()) return it->second;
  if (rooms_.size() >= max_rooms_) return nullptr;
  auto room = std::make_shared<Room>(id, limits_);
  rooms_.emplace(id, room);
  return room;
}

bool RoomRegistry::close(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  return rooms_.erase(id) > 0;
}

std::vector<std::shared_ptr<Room>> RoomRegistry::all() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::shared_ptr<Room>> out;
  for (const auto& [id, room] : rooms_) out.push_back(room);
  return out;
}

void RoomRegistry::notify() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    work_ = true;
  }
  wake_.notify_one();
}

void RoomRegistry::run() {
  // The classifier's context is made on first need: a server without rooms
  // does not pay for it. One context: the processor is one thread.
  std::optional<comments::Classifier> classifier;
  std::vector<app::Context> contexts;
  bool model_failed = false;
  auto next_summary = std::chrono::steady_clock::now() + kSummaryEvery;
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stop_) {
    wake_.wait_until(lock, next_summary, [this] { return stop_ || work_; });
    if (stop_) break;
    work_ = false;
    lock.unlock();
    bool more = true;
    // Labels until nothing waits, but never skips the summaries' turn.
    while (more && std::chrono::steady_clock::now() < next_summary) {
      more = false;
      for (const auto& room : all()) {
        const std::size_t backlog = room->pending();
        if (backlog == 0) continue;
        bool with_model = backlog <= kModelBacklog && !model_failed;
        if (with_model && !classifier) {
          try {
            contexts.emplace_back(engine_.model(), 0, 1);
            classifier.emplace(engine_.model(), contexts.front().n_ctx());
          } catch (const std::exception&) {
            model_failed = true;  // rules only from now on
            with_model = false;
            contexts.clear();
          }
        }
        room->process(with_model ? kModelBacklog : kBatch, with_model ? &*classifier : nullptr,
                      with_model ? &contexts : nullptr);
        more = more || room->pending() > 0;
      }
    }
    if (std::chrono::steady_clock::now() >= next_summary) {
      for (const auto& room : all()) {
        room->remove_closed();
        room->broadcast_summary();
      }
      next_summary = std::chrono::steady_clock::now() + kSummaryEvery;
    }
    lock.lock();
  }
}

std::size_t RoomRegistry::save_reports(const std::string& dir) const {
  if (dir.empty()) return 0;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::size_t n = 0;
  for (const auto& room : all()) {
    const std::filesystem::path path = std::filesystem::path(dir) / ("room-" + room->id() + ".json");
    const std::filesystem::path tmp = path.string() + ".tmp";
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      out << room->report().dump(2, ' ', false, app::Json::error_handler_t::replace) << "\n";
      if (!out) continue;
    }
    std::filesystem::rename(tmp, path, ec);  // a reader never sees half a report
    if (!ec) ++n;
  }
  return n;
}

std::vector<Metrics::Sample> RoomRegistry::samples() const {
  std::vector<Metrics::Sample> out;
  const auto rooms = all();
  out.push_back({"liveformer_rooms", "Live rooms open.", "gauge", {}, static_cast<double>(rooms.size())});
  // Each room's numbers once, then grouped by metric (the text format wants
  // a metric's samples together under its one HELP/TYPE header).
  struct Numbers {
    std::string id;
    Room::Counters c;
    std::size_t pending;
    double p99;
  };
  std::vector<Numbers> numbers;
  for (const auto& room : rooms)
    numbers.push_back({room->id(), room->counters(), room->pending(), room->latency_quantiles({0.99})[0]});
  const auto each = [&](const char* name, const char* help, const char* type, auto value) {
    for (const Numbers& n : numbers) out.push_back({name, help, type, {{"room", n.id}}, static_cast<double>(value(n))});
  };
  each("liveformer_room_comments_total", "Comments received by a room.", "counter", [](const Numbers& n) { return n.c.received; });
  each("liveformer_room_comments_labelled_total", "Comments labelled (repeats not counted).", "counter",
       [](const Numbers& n) { return n.c.labelled; });
  each("liveformer_room_comments_dropped_total", "Comments dropped by backpressure (oldest first).", "counter",
       [](const Numbers& n) { return n.c.dropped_backpressure; });
  each("liveformer_room_comments_pending", "Comments waiting for labels.", "gauge", [](const Numbers& n) { return n.pending; });
  each("liveformer_room_label_latency_p99_seconds", "Label latency (arrival to labels sent), p99 of recent comments.",
       "gauge", [](const Numbers& n) { return n.p99; });
  return out;
}

}  // namespace lf::serve
