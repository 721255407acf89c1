// An error answered in OpenAI's shape:
//   {"error": {"message": ..., "type": ..., "param": ..., "code": ...}}
// Thrown by request parsing and handlers; the router turns it into a response.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

#include "http/http_server.hpp"

namespace lf::serve {

struct ApiError : std::runtime_error {
  ApiError(int status, std::string message, std::string param = "", std::string type = "")
      : std::runtime_error(message), status(status), param(std::move(param)), type(std::move(type)) {}
  int status;
  std::string param;  ///< the offending field, if one
  std::string type;   ///< "" : chosen from the status
};

/// The JSON body for an error (type from the status when not given).
std::string error_body(int status, const std::string& message, const std::string& param = "",
                       const std::string& type = "");
http::Response error_response(const ApiError& e);
http::Response error_response(int status, const std::string& message);

}  // namespace lf::serve
