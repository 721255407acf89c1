// Every live room of a server, at most max_rooms, and the processor thread
// that labels their comments in micro-batches and pushes their summaries
// every few seconds.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine.hpp"
#include "metrics.hpp"
#include "rooms/room.hpp"

namespace lf::serve {

class RoomRegistry {
 public:
  RoomRegistry(Engine& engine, std::size_t max_rooms, RoomLimits limits = {});
  ~RoomRegistry();
  RoomRegistry(const RoomRegistry&) = delete;
  RoomRegistry& operator=(const RoomRegistry&) = delete;

  /// Null when there is no such room.
  std::shared_ptr<Room> find(const std::string& id) const;
  /// The room, created if new; null when max_rooms exist already.
  std::shared_ptr<Room> open(const std::string& id);
  bool close(const std::string& id);
  std::vector<std::shared_ptr<Room>> all() const;
  /// Wakes the processor (comments arrived).
  void notify();

  /// Writes each room's report to DIR/room-<id>.json; returns how many.
  std::size_t save_reports(const std::string& dir) const;
  std::vector<Metrics::Sample> samples() const;
  const RoomLimits& limits() const { return limits_; }

 private:
  void run();

  Engine& engine_;
  const std::size_t max_rooms_;
  const RoomLimits limits_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool work_ = false;
  std::map<std::string, std::shared_ptr<Room>> rooms_;
  std::thread thread_;
};

}  // namespace lf::serve
