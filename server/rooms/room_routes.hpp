// The live room's HTTP and WebSocket routes (docs/serve.md, "Rooms"):
//   PUT  /v1/rooms/{room}/product   the product JSON (as the apps take it); opens the room
//   GET  /v1/rooms/{room}/product
//   POST /v1/rooms/{room}/ask       {"question", "user"?}: live-qa's grounded answer
//   POST /v1/rooms/{room}/script    {"request"?, "seed"?, "temperature"?, "max_tokens"?}: script-gen's grounded script
//   POST /v1/rooms/{room}/comments  comments over HTTP (as the socket takes them)
//   GET  /v1/rooms/{room}/report    everything so far (JSON)
//   GET  /v1/rooms/{room}/events    the dashboard's server-sent events
//   DELETE /v1/rooms/{room}
//   GET  /v1/rooms                  the open rooms
//   GET  /rooms/{room}              the live dashboard page
//   WS   /v1/rooms/{room}/comments  comments in; labels, summaries, alerts and answers out
#pragma once

#include <string>

#include "http/http_server.hpp"
#include "rooms/room_registry.hpp"
#include "serve_context.hpp"

namespace lf::serve {

/// Handles a request whose path starts with /v1/rooms or /rooms; false if
/// it is not one of the routes above (the caller answers 404).
bool handle_room_route(ServeContext& ctx, RoomRegistry& rooms, const http::Request& request, http::Reply& reply);

/// The upgrade to /v1/rooms/{room}/comments; `refuse` is set (404, 400)
/// when the room is unknown or the path is not that route.
http::WebSocketHandlers room_socket(RoomRegistry& rooms, const http::Request& request, http::Response& refuse);

/// The dashboard page: self-contained HTML (no external scripts or fonts).
std::string dashboard_html(const std::string& room);

}  // namespace lf::serve
