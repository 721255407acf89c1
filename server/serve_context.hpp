// What every handler of the server shares: the engine, the metrics, the
// settings, and whether the server is shutting down.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "engine.hpp"
#include "metrics.hpp"

namespace lf::serve {

struct ServeSettings {
  std::int64_t request_timeout_ms = 120000;  ///< a generation request is cancelled after this (queued or running)
  std::int32_t default_max_tokens = 256;     ///< when a request names none
  std::size_t max_embedding_inputs = 256;
  std::size_t max_rooms = 256;
  std::size_t room_queue = 20000;            ///< RoomLimits::max_pending
  std::string state_dir;                     ///< rooms' reports are written here at shutdown ("" : nowhere)
};

struct ServeContext {
  Engine& engine;
  Metrics& metrics;
  const ServeSettings& settings;
  std::atomic<bool> draining{false};
  ServeContext(Engine& e, Metrics& m, const ServeSettings& s) : engine(e), metrics(m), settings(s) {}
};

/// A random id with `prefix` ("chatcmpl-" + 24 hex digits).
std::string random_id(const std::string& prefix);

}  // namespace lf::serve
