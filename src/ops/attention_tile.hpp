// Internal: one task of the tiled (prefill) attention in attention.cpp, a
// block of queries of one head against blocks of keys as an online
// softmax, with AVX-512 (attention_tile_avx512.cpp). Only where
// default_isa() is avx512; elsewhere attention.cpp uses Eigen tiles.
#pragma once

#include <cstdint>

namespace lf::detail {

/// Queries per task and keys per block: a block's scores are 128 x 32
/// floats (16 KiB) and its K/V rows stay in L2.
inline constexpr std::int64_t kTileQueries = 32;
inline constexpr std::int64_t kTileKeys = 128;

/// The queries lie across vector lanes (two registers of 16): the scores
/// of one key for every query are a register pair, so the running max,
/// sum and rescaling of the online softmax are lane-wise, and the only
/// transpose is the query block's, once per task.
struct AttentionTile {
  std::int64_t bq = 0;         ///< queries, 1..kTileQueries
  std::int64_t d = 0, dv = 0;  ///< key and value widths
  float scale = 1;
  /// Query r sees key j iff j < visible_limit + r (a huge number when not causal).
  std::int64_t visible_limit = 0;
  /// Added to score (r, j) when set: mask[r * mask_q + j * mask_k].
  const float* mask = nullptr;
  std::int64_t mask_q = 0, mask_k = 0;
  // Caller's scratch: qt d * kTileQueries, scores kTileKeys * kTileQueries,
  // acc kTileQueries * dv floats.
  float* qt = nullptr;
  float* scores = nullptr;
  float* acc = nullptr;
  alignas(64) float max[kTileQueries];
  alignas(64) float sum[kTileQueries];
};

/// Starts a task: query r at q + r * q_row (d floats).
void attention_tile_begin_avx512(AttentionTile& t, const float* q, std::int64_t q_row);

/// Keys j0 .. j0 + bk - 1 (bk <= kTileKeys), key i at k + i * k_row (d
/// floats) and its value at v + i * v_row (dv floats).
void attention_tile_add_keys_avx512(AttentionTile& t, std::int64_t j0, std::int64_t bk, const float* k,
                                    std::int64_t k_row, const float* v, std::int64_t v_row);

/// Writes query r's output to out + r * out_row (dv floats); a query that
/// saw no key gets zeros.
void attention_tile_finish_avx512(const AttentionTile& t, float* out, std::int64_t out_row);

}  // namespace lf::detail
