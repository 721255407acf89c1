#include "liveformer/model/kv_cache.hpp"

#include <cstring>

#include "liveformer/core/error.hpp"

namespace lf {

std::int64_t KvCache::bytes_for(const ModelConfig& config, std::int64_t capacity, DType dtype) {
  // Whole blocks per head row (a q8_0 head_dim that is not a multiple of 32
  // is refused by the constructor, not counted short here).
  const DTypeInfo info = dtype_info(dtype);
  const std::int64_t row = (config.head_dim + info.block_size - 1) / info.block_size * info.block_bytes;
  const std::int64_t per_token = 2 * config.n_layers * config.n_kv_heads * row;
  if (per_token <= 0 || capacity < 0 || capacity > INT64_MAX / per_token) return -1;
  return capacity * per_token;
}

KvCache::KvCache(const ModelConfig& config, std::int64_t capacity, DType dtype) : capacity_(capacity), dtype_(dtype) {
  LF_CHECK(capacity > 0, "KvCache", "context length must be positive, got " + std::to_string(capacity));
  LF_CHECK(dtype == DType::f32 || dtype == DType::f16 || dtype == DType::bf16 || dtype == DType::q8_0, "KvCache",
           "the cache holds f32, f16, bf16 or q8_0, not " + std::string(dtype_name(dtype)));
  // q8_0 blocks run along each head's row: a block never straddles two heads.
  LF_CHECK(dtype != DType::q8_0 || config.head_dim % 32 == 0, "KvCache",
           "a q8_0 cache needs a head_dim that is a multiple of 32; this model's is " + std::to_string(config.head_dim) +
               " (use f16 or bf16)");
  // Refuse sizes whose byte count overflows before trying to allocate them.
  const std::int64_t total = bytes_for(config, capacity, dtype);
  LF_CHECK(total >= 0, "KvCache", "context length " + std::to_string(capacity) + " is too large for this model");
  const std::int64_t per_token = total / capacity;
  try {
    for (std::int64_t l = 0; l < config.n_layers; ++l) {
      k_.push_back(Tensor::empty({capacity, config.n_kv_heads, config.head_dim}, dtype));
      v_.push_back(Tensor::empty({capacity, config.n_kv_heads, config.head_dim}, dtype));
    }
  } catch (const Error&) {
    throw_error("KvCache", "cannot allocate " + std::to_string(capacity * per_token) + " bytes for a context of " +
                               std::to_string(capacity) + " tokens (the model was trained with " +
                               std::to_string(config.n_ctx_train) + ")");
  }
}

void KvCache::truncate(std::int64_t n) {
  LF_CHECK(n >= 0 && n <= size_, "KvCache::truncate",
        "cannot keep " + std::to_string(n) + " of " + std::to_string(size_) + " positions");
  size_ = n;
}

void KvCache::copy_prefix(const KvCache& other, std::int64_t n) {
  LF_CHECK(other.k_.size() == k_.size() && n >= 0 && n <= other.size_ && n <= capacity_, "KvCache::copy_prefix",
        "cannot copy " + std::to_string(n) + " positions from a cache of " + std::to_string(other.size_) + " into one of capacity " +
            std::to_string(capacity_));
  for (std::size_t l = 0; l < k_.size(); ++l) {
    LF_CHECK(other.k_[l].dim(1) == k_[l].dim(1) && other.k_[l].dim(2) == k_[l].dim(2) && other.dtype_ == dtype_,
             "KvCache::copy_prefix", "caches belong to different models or hold different types");
    const std::size_t bytes = static_cast<std::size_t>(dtype_bytes(dtype_, n * k_[l].stride(0)));
    std::memcpy(k_[l].bytes(), other.k_[l].bytes(), bytes);
    std::memcpy(v_[l].bytes(), other.v_[l].bytes(), bytes);
  }
  size_ = n;
}

void KvCache::advance(std::int64_t n) {
  LF_CHECK(n >= 0 && size_ + n <= capacity_, "KvCache::advance",
        std::to_string(size_) + " + " + std::to_string(n) + " positions exceed the capacity " + std::to_string(capacity_));
  size_ += n;
}

std::int64_t KvCache::bytes() const {
  std::int64_t b = 0;
  for (const Tensor& t : k_) b += 2 * t.nbytes();
  return b;
}

}  // namespace lf
