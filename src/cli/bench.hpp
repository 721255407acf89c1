// liveformer bench: prompt-processing and generation speed of one model.
#pragma once

#include "args.hpp"

namespace lf::cli {

/// Runs `liveformer bench` (options in main.cpp's usage text); returns the
/// exit status.
int cmd_bench(Args& args);

/// Runs `liveformer roofline`: the machine's bandwidth and FMA limits.
int cmd_roofline(Args& args);

}  // namespace lf::cli
