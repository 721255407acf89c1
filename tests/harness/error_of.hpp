// The message of the lf::Error a callable throws, for checking error texts
// with Catch2's matchers; "(no error)" when it returns normally.
#pragma once

#include <string>

#include "liveformer/core/error.hpp"

namespace lf::test {

std::string error_of(const auto& fn) {
  try {
    fn();
  } catch (const lf::Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace lf::test
