// Bytes on the wire: response heads, OpenAI-shaped error bodies, chunked
// and server-sent-event framing. Pure functions, no I/O.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http_server.hpp"

namespace lf::http::detail {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

/// What a response says about the connection after it.
enum class Connection {
  implicit,    ///< HTTP/1.1 keep-alive: nothing to say
  keep_alive,  ///< HTTP/1.0 keep-alive: "Connection: keep-alive"
  close,       ///< "Connection: close"
};

/// {"error":{"message":...,"type":...,"param":null,"code":null}}: type is
/// "invalid_request_error" for 4xx and "server_error" for 5xx, as OpenAI's.
std::string error_body(int status, std::string_view message);
Response error_response(int status, std::string_view message);

/// A whole response (head and body; no body for HEAD, 1xx, 204, 304).
std::string serialize_response(const Response& r, bool head_request, Connection c);
/// The head of a 200 text/event-stream response, chunked or (HTTP/1.0)
/// delimited by the connection's end.
std::string serialize_stream_head(const HeaderList& extra, bool chunked, Connection c);
/// True if the handler asked to close: a "Connection: close" header.
bool asks_to_close(const HeaderList& headers);

/// One server-sent event carrying `data`: each line of it (split on \n,
/// \r\n or \r) becomes a "data: " line, so a newline in the data cannot
/// end the event early; then a blank line.
std::string sse_event(std::string_view data);
/// One chunk of a chunked body; never empty (that is the last chunk).
std::string chunk(std::string_view payload);
inline constexpr std::string_view kLastChunk = "0\r\n\r\n";
inline constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

bool iequals(std::string_view a, std::string_view b);
std::string lower(std::string_view s);

}  // namespace lf::http::detail
