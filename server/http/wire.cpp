#include "wire.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include <boost/beast/http/status.hpp>

namespace lf::http::detail {
namespace {

// Length of the valid UTF-8 sequence at s[i] (1-4), or 0 if it is not one
// (overlong forms, surrogates and code points past U+10FFFF included).
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  std::size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((b(i + k) & 0xC0) != 0x80) return 0;
  if (c == 0xE0 && b(i + 1) < 0xA0) return 0;   // overlong
  if (c == 0xED && b(i + 1) >= 0xA0) return 0;  // surrogate
  if (c == 0xF0 && b(i + 1) < 0x90) return 0;   // overlong
  if (c == 0xF4 && b(i + 1) >= 0x90) return 0;  // past U+10FFFF
  return n;
}

// A JSON string's contents; bytes that are not UTF-8 (a hostile path or
// header quoted in a message) become U+FFFD, so the body stays valid JSON.
std::string json_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  for (std::size_t i = 0; i < s.size();) {
    const char c = s[i];
    switch (c) {
      case '"': out += "\\\""; ++i; continue;
      case '\\': out += "\\\\"; ++i; continue;
      case '\n': out += "\\n"; ++i; continue;
      case '\r': out += "\\r"; ++i; continue;
      case '\t': out += "\\t"; ++i; continue;
      default: break;
    }
    if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
      out += buf;
      ++i;
      continue;
    }
    const std::size_t n = utf8_length(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string reason_phrase(int status) {
  namespace bh = boost::beast::http;
  const auto s = bh::int_to_status(static_cast<unsigned>(status));
  if (s == bh::status::unknown) return "Unknown";
  return std::string(bh::obsolete_reason(s));
}

// RFC 7231 IMF-fixdate, written without strftime so the C locale is not
// assumed.
std::string http_date() {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday % 7], tm.tm_mday,
                kMonths[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

bool is_token(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  });
}

// A handler's header value must not smuggle a second header or a body in.
std::string clean_value(std::string_view v) {
  std::string out(v);
  for (char& c : out)
    if (c == '\r' || c == '\n' || c == '\0') c = ' ';
  return out;
}

// The server frames the body and owns the connection; a handler's word on
// these would corrupt the framing (Connection: close is honoured through
// asks_to_close instead).
bool is_framing(std::string_view name) {
  return iequals(name, "content-length") || iequals(name, "transfer-encoding") || iequals(name, "connection");
}

std::string head(int status, HeaderList base, const HeaderList& extra, Connection c) {
  const std::size_t n_base = base.size();
  for (const auto& header : extra) {
    const std::string& name = header.first;  // (clang 14 cannot capture a structured binding)
    const std::string& value = header.second;
    if (!is_token(name) || is_framing(name)) continue;
    // A handler's header replaces a default of the same name (Content-Type,
    // Cache-Control, Date); repeated handler headers (Set-Cookie) all stay.
    auto it = std::find_if(base.begin(), base.begin() + static_cast<std::ptrdiff_t>(n_base),
                           [&](const auto& h) { return iequals(h.first, name); });
    if (it != base.begin() + static_cast<std::ptrdiff_t>(n_base))
      it->second = clean_value(value);
    else
      base.emplace_back(name, clean_value(value));
  }
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reason_phrase(status) + "\r\n";
  for (const auto& [name, value] : base) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  if (c == Connection::close) out += "Connection: close\r\n";
  if (c == Connection::keep_alive) out += "Connection: keep-alive\r\n";
  out += "\r\n";
  return out;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string error_body(int status, std::string_view message) {
  return openai_error_json(message, status >= 500 ? "server_error" : "invalid_request_error");
}

Response error_response(int status, std::string_view message) {
  Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = error_body(status, message);
  return r;
}

std::string serialize_response(const Response& r, bool head_request, Connection c) {
  const bool no_body = r.status < 200 || r.status == 204 || r.status == 304;
  HeaderList base;
  base.emplace_back("Date", http_date());
  if (!no_body) {
    if (!r.content_type.empty()) base.emplace_back("Content-Type", r.content_type);
    base.emplace_back("Content-Length", std::to_string(r.body.size()));
  }
  std::string out = head(r.status, std::move(base), r.headers, c);
  if (!no_body && !head_request) out += r.body;
  return out;
}

std::string serialize_stream_head(const HeaderList& extra, bool chunked, Connection c) {
  HeaderList base{{"Date", http_date()}, {"Content-Type", "text/event-stream"}, {"Cache-Control", "no-cache"}};
  if (chunked) base.emplace_back("Transfer-Encoding", "chunked");
  return head(200, std::move(base), extra, c);
}

bool asks_to_close(const HeaderList& headers) {
  for (const auto& [name, value] : headers)
    if (iequals(name, "connection") && lower(value).find("close") != std::string::npos) return true;
  return false;
}

std::string sse_event(std::string_view data) {
  std::string out;
  out.reserve(data.size() + 16);
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = data.find_first_of("\r\n", start);
    out += "data: ";
    out += data.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    out += '\n';
    if (end == std::string_view::npos) break;
    start = end + 1;
    if (data[end] == '\r' && start < data.size() && data[start] == '\n') ++start;  // \r\n is one break
  }
  out += '\n';
  return out;
}

std::string chunk(std::string_view payload) {
  char size[24];
  std::snprintf(size, sizeof size, "%zx\r\n", payload.size());
  std::string out(size);
  out.reserve(out.size() + payload.size() + 2);
  out += payload;
  out += "\r\n";
  return out;
}

}  // namespace lf::http::detail

namespace lf::http {

std::string openai_error_json(std::string_view message, std::string_view type, std::string_view param) {
  std::string out = "{\"error\":{\"message\":\"" + detail::json_escape(message) + "\",\"type\":\"" +
                    detail::json_escape(type) + "\",\"param\":";
  out += param.empty() ? std::string("null") : "\"" + detail::json_escape(param) + "\"";
  out += ",\"code\":null}}";
  return out;
}

}  // namespace lf::http
