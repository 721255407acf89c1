// liveformer's C++ API: core types and ops.
#pragma once

#include "liveformer/core/dtype.hpp"
#include "liveformer/core/error.hpp"
#include "liveformer/core/tensor.hpp"
#include "liveformer/ops.hpp"
#include "liveformer/version.hpp"
