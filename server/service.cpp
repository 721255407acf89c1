#include "service.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>

#include <nlohmann/json.hpp>

#include "common/json_input.hpp"
#include "openai/api_error.hpp"
#include "openai/completions.hpp"
#include "openai/embeddings.hpp"
#include "rooms/room_routes.hpp"

namespace lf::serve {

std::string random_id(const std::string& prefix) {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  char buf[32];
  std::snprintf(buf, sizeof buf, "%016llx%08llx", static_cast<unsigned long long>(rng()),
                static_cast<unsigned long long>(rng() & 0xffffffffu));
  return prefix + buf;
}

std::string route_name(const std::string& path) {
  // /v1/rooms/<id>/<action> and /rooms/<id>: one series per route, not per room.
  if (path.rfind("/v1/rooms/", 0) == 0) {
    const std::size_t slash = path.find('/', 10);
    return slash == std::string::npos ? "/v1/rooms/{room}" : "/v1/rooms/{room}" + path.substr(slash);
  }
  if (path.rfind("/rooms/", 0) == 0) return "/rooms/{room}";
  static const char* known[] = {"/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/models",
                                "/health", "/metrics", "/v1/rooms", "/"};
  for (const char* k : known)
    if (path == k) return path;
  return "other";  // unknown paths must not grow the label set
}

namespace {

RoomLimits room_limits(const ServeSettings& s) {
  RoomLimits l;
  l.max_pending = s.room_queue;
  return l;
}

}  // namespace

Service::Service(Engine& engine, const ServeSettings& settings)
    : ctx_(engine, metrics_, settings), embed_worker_(64), rooms_(engine, settings.max_rooms, room_limits(settings)) {}

Service::~Service() = default;

void Service::begin_shutdown() { ctx_.draining = true; }

std::size_t Service::save_rooms() { return rooms_.save_reports(ctx_.settings.state_dir); }

void Service::handle(const http::Request& request, http::Reply reply) {
  try {
    route(request, reply);
  } catch (const ApiError& e) {
    http::Response r = error_response(e);
    if (e.status == 405) r.headers.emplace_back("Allow", "GET, POST, PUT, DELETE");
    reply.send(std::move(r));
  } catch (const std::bad_alloc&) {
    reply.send(error_response(503, "out of memory"));
  } catch (const std::exception& e) {
    reply.send(error_response(500, std::string("internal error: ") + e.what()));
  }
}

void Service::route(const http::Request& request, http::Reply& reply) {
  const std::string& path = request.path;
  auto only = [&](const char* method) {
    if (request.method != method) throw ApiError(405, "use " + std::string(method) + " for " + path);
  };
  if (path == "/v1/chat/completions" || path == "/v1/completions") {
    only("POST");
    handle_completion(ctx_, request, reply, path == "/v1/chat/completions");
  } else if (path == "/v1/embeddings") {
    only("POST");
    handle_embeddings(ctx_, embed_worker_, request, reply);
  } else if (path == "/v1/models") {
    only("GET");
    reply.send(models_response(ctx_));
  } else if (path == "/health") {
    const lf_scheduler_stats s = ctx_.engine.stats();
    http::Response r;
    r.status = ctx_.draining ? 503 : 200;
    r.body = app::Json{{"status", ctx_.draining ? "draining" : "ok"},
                       {"model", ctx_.engine.model_id()},
                       {"slots", s.n_slots},
                       {"active", s.n_active},
                       {"queued", s.n_queued}}
                 .dump();
    reply.send(std::move(r));
  } else if (path == "/metrics") {
    only("GET");
    http::Response r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = metrics_.render(ctx_.engine.stats(), rooms_.samples());
    reply.send(std::move(r));
  } else if (path == "/") {
    http::Response r;
    r.body = app::Json{{"name", "liveformer"}, {"model", ctx_.engine.model_id()},
                       {"endpoints", {"/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/models",
                                      "/v1/rooms/{room}/...", "/rooms/{room}", "/health", "/metrics"}}}
                 .dump();
    reply.send(std::move(r));
  } else if (!handle_room_route(ctx_, rooms_, request, reply)) {
    throw ApiError(404, "no route for " + request.method + " " + path);
  }
}

http::WebSocketHandlers Service::upgrade(const http::Request& request, http::Response& refuse) {
  try {
    return room_socket(rooms_, request, refuse);
  } catch (const std::exception& e) {
    refuse = error_response(500, e.what());
    return {};
  }
}

void Service::on_access(const http::AccessRecord& a) {
  metrics_.count_request(route_name(a.path), a.status);
  metrics_.observe_request_seconds(a.seconds);
  // One JSON line per request on stderr: easy to ship to any log store.
  char ts[32];
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
  const std::string line = app::Json{{"ts", ts},
                                     {"id", a.id},
                                     {"remote", a.remote},
                                     {"method", a.method},
                                     {"path", a.path},
                                     {"status", a.status},
                                     {"bytes_in", a.bytes_in},
                                     {"bytes_out", a.bytes_out},
                                     {"ms", std::round(a.seconds * 10000) / 10}}
                               .dump(-1, ' ', false, app::Json::error_handler_t::replace);
  std::fprintf(stderr, "%s\n", line.c_str());
}

}  // namespace lf::serve
