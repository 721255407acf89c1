// POST /v1/embeddings (mean-pooled final hidden states) and GET /v1/models.
#pragma once

#include "http/http_server.hpp"
#include "serve_context.hpp"
#include "worker.hpp"

namespace lf::serve {

/// Parses at once (errors answered at once); embeds on `worker`.
void handle_embeddings(ServeContext& ctx, Worker& worker, const http::Request& request, http::Reply reply);
http::Response models_response(const ServeContext& ctx);

}  // namespace lf::serve
