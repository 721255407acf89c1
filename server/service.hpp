// The server's routes: OpenAI's API, the live rooms, /health and /metrics.
// Owns what the handlers share; the HTTP transport calls handle() and
// upgrade() on its I/O threads.
#pragma once

#include <memory>

#include "http/http_server.hpp"
#include "metrics.hpp"
#include "rooms/room_registry.hpp"
#include "serve_context.hpp"
#include "worker.hpp"

namespace lf::serve {

class Service {
 public:
  Service(Engine& engine, const ServeSettings& settings);
  ~Service();

  void handle(const http::Request& request, http::Reply reply);
  http::WebSocketHandlers upgrade(const http::Request& request, http::Response& refuse);
  /// One structured access-log line on stderr, and the request counters.
  void on_access(const http::AccessRecord& record);

  /// New generation requests get 503; /health reports "draining".
  void begin_shutdown();
  /// Writes every room's report to settings.state_dir (if set). Returns how many.
  std::size_t save_rooms();

  ServeContext& context() { return ctx_; }

 private:
  void route(const http::Request& request, http::Reply& reply);

  Metrics metrics_;
  ServeContext ctx_;
  Worker embed_worker_;
  RoomRegistry rooms_;
};

/// The route name for metrics: the path with a room id replaced by {room}.
std::string route_name(const std::string& path);

}  // namespace lf::serve
