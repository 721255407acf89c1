// The machine's limits, measured in the same run as the model (the machines
// are shared, so a limit measured yesterday says little), and what one token
// of a model costs against them.
#pragma once

#include <cstddef>
#include <cstdint>

#include "liveformer/model/model.hpp"

namespace lf::cli {

/// STREAM-style triad a[i] = b[i] + s * c[i] over three f32 arrays of
/// `bytes` in all (>= 1 GiB keeps it out of every cache), split over
/// `threads`; counts 12 bytes per element (2 reads, 1 write) like STREAM.
/// Returns the best of `reps` passes in GB/s (1e9 bytes).
double measure_triad_gbps(int threads, std::size_t bytes = std::size_t{1} << 30, int reps = 5);

/// Peak f32 multiply-add rate: independent FMA chains in registers (AVX-512
/// or AVX2 as the CPU has), on `threads` threads. GFLOP/s, best of `reps`.
double measure_peak_fma_gflops(int threads, int reps = 5);

/// Traffic and work of one model, per token.
struct ModelCost {
  double weight_bytes = 0;       ///< bytes of matrices a decode step reads (output included, embedding row not)
  double kv_bytes_per_position = 0;  ///< K and V bytes read per cached position per step, all layers
  double layer_flops = 0;        ///< 2 x matrix elements of all layers: FLOPs per token through the blocks
  double output_flops = 0;       ///< 2 x vocab x width: the logits of one token
  double attention_flops_per_pair = 0;  ///< QK and PV FLOPs per (query, key) pair, all layers and heads
};

ModelCost model_cost(const Model& model, double kv_element_bytes);

/// Decode of n tokens starting after `depth` cached ones: bytes per token.
double decode_bytes_per_token(const ModelCost& c, std::int64_t depth, std::int64_t n);
/// Prefill of p tokens into an empty cache (logits of the last one only):
/// FLOPs in all.
double prefill_flops(const ModelCost& c, std::int64_t p);

}  // namespace lf::cli
