// liveformer tokenize: a text's token ids, or its pieces.
#pragma once

#include "args.hpp"

namespace lf::cli {

/// Runs `liveformer tokenize` (options in usage.cpp); returns the exit status.
int cmd_tokenize(Args& args);

}  // namespace lf::cli
