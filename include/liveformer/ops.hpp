// All CPU ops.
#pragma once

#include "liveformer/ops/activation.hpp"
#include "liveformer/ops/attention.hpp"
#include "liveformer/ops/elementwise.hpp"
#include "liveformer/ops/embedding.hpp"
#include "liveformer/ops/matmul.hpp"
#include "liveformer/ops/multi_head_attention.hpp"
#include "liveformer/ops/norm.hpp"
#include "liveformer/ops/quantize.hpp"
#include "liveformer/ops/weight_matmul.hpp"
#include "liveformer/ops/rope.hpp"
#include "liveformer/ops/softmax.hpp"
