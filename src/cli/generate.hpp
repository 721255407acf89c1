// liveformer generate: a prompt's continuation, streamed to stdout.
#pragma once

#include "args.hpp"

namespace lf::cli {

/// Runs `liveformer generate` (options in usage.cpp); returns the exit status.
int cmd_generate(Args& args);

}  // namespace lf::cli
