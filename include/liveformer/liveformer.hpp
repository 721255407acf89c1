// liveformer's C++ API: core types, ops, model files, models and generation.
// (The stable C API is liveformer.h.)
#pragma once

#include "liveformer/core/dtype.hpp"
#include "liveformer/core/error.hpp"
#include "liveformer/core/tensor.hpp"
#include "liveformer/formats/tokenizer.hpp"
#include "liveformer/formats/tokenizer_stream.hpp"
#include "liveformer/model/forward.hpp"
#include "liveformer/model/model.hpp"
#include "liveformer/ops.hpp"
#include "liveformer/runtime/chat_template.hpp"
#include "liveformer/runtime/generator.hpp"
#include "liveformer/version.hpp"
