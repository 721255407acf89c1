// liveformer chat: a conversation with a model on the terminal.
#pragma once

#include "args.hpp"

namespace lf::cli {

/// Runs `liveformer chat` (options in usage.cpp); returns the exit status.
int cmd_chat(Args& args);

}  // namespace lf::cli
