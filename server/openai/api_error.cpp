#include "openai/api_error.hpp"

namespace lf::serve {

namespace {

// OpenAI's error types by status.
std::string type_for(int status) {
  switch (status) {
    case 401: return "authentication_error";
    case 404: return "not_found_error";
    case 408:
    case 504: return "timeout_error";
    case 429: return "rate_limit_error";
    case 503: return "service_unavailable_error";
    default: return status >= 500 ? "server_error" : "invalid_request_error";
  }
}

}  // namespace

std::string error_body(int status, const std::string& message, const std::string& param, const std::string& type) {
  return http::openai_error_json(message, type.empty() ? type_for(status) : type, param);
}

http::Response error_response(const ApiError& e) {
  http::Response r;
  r.status = e.status;
  r.body = error_body(e.status, e.what(), e.param, e.type);
  return r;
}

http::Response error_response(int status, const std::string& message) { return error_response(ApiError(status, message)); }

}  // namespace lf::serve
