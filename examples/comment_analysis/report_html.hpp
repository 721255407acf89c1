// report.html: a self-contained page (inline CSS and SVG, no scripts, no
// external resources) that opens offline in any browser, with charts of
// intent counts over time and the sentiment trend, in buckets whose width
// suits the stream's span (bucket_width.hpp).
#pragma once

#include <string>

#include "common/json_input.hpp"

namespace comments {

/// The page for a report built by build_report().
std::string render_html(const app::Json& report);

}  // namespace comments
