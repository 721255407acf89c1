// POST /v1/chat/completions and /v1/completions over the scheduler: a
// response when the generation ends, or (stream: true) server-sent events
// as text arrives, always whole UTF-8 characters, ending with [DONE]. A
// client that goes away cancels its request and frees its slot.
#pragma once

#include "http/http_server.hpp"
#include "serve_context.hpp"

namespace lf::serve {

void handle_completion(ServeContext& ctx, const http::Request& request, http::Reply reply, bool chat);

}  // namespace lf::serve
