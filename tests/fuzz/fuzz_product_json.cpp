// Fuzz target: the apps' product JSON (script-gen and live-qa read it).
//
// The input is the file's text: app::parse_json, app::parse_product and
// app::render_product run on it as load_product() does. app::AppError is
// the expected outcome for hostile input.
//
// Checks: a product that validates has a non-empty name, finite
// non-negative prices, and its rendering starts with the name line and
// lists every selling point.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/app_error.hpp"
#include "common/json_input.hpp"
#include "common/product.hpp"
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const app::Json j = app::parse_json(text, "fuzz.json");
    (void)app::dump_line(j);  // the apps echo inputs into their JSON output
    const app::Product p = app::parse_product(j, "fuzz.json");
    lf::fuzz::require(!p.name.empty(), "a product validated with an empty name");
    lf::fuzz::require(std::isfinite(p.price) && p.price >= 0, "a product validated with a bad price");
    lf::fuzz::require(!p.original_price || (std::isfinite(*p.original_price) && *p.original_price >= 0),
                      "a product validated with a bad original price");
    const std::string rendered = app::render_product(p);
    lf::fuzz::require(rendered.rfind("商品：" + p.name, 0) == 0, "the rendering does not start with the name");
    for (const std::string& point : p.selling_points)
      lf::fuzz::require(rendered.find(point) != std::string::npos, "a selling point is missing from the rendering");
  } catch (const app::AppError&) {
  }
  return 0;
}
