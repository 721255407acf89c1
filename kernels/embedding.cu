// Host launcher of embedding_kernel (launch.hpp).
#include <climits>
#include <string>

#include "embedding.cuh"

namespace lf::kernels::inline LF_CUDA_FLAVOUR {

void embedding(const void* table, DType type, std::int64_t vocab, std::int64_t cols, const std::int32_t* ids,
               std::int64_t count, float* out, int* bad_id, Stream stream) {
  const char* op = "cuda embedding";
  LF_CHECK(vocab >= 1 && vocab <= INT_MAX, op, "vocab must be in [1, 2^31), got " + std::to_string(vocab));
  LF_CHECK(cols >= 1 && cols <= INT_MAX, op, "cols must be in [1, 2^31), got " + std::to_string(cols));
  LF_CHECK(count >= 0 && count <= INT_MAX, op, "count must be in [0, 2^31), got " + std::to_string(count));
  LF_CHECK(table && ids && out, op, "null pointer argument");
  if (count == 0) return;
  const dim3 grid(static_cast<unsigned>(count)), block(row_block_threads(cols));
  const int v = static_cast<int>(vocab), c = static_cast<int>(cols);
  switch (type) {
    case DType::f32:
      launch(op, embedding_kernel<float>, grid, block, 0, stream, static_cast<const float*>(table), ids, out, v, c,
             bad_id);
      break;
    case DType::f16:
      launch(op, embedding_kernel<__half>, grid, block, 0, stream, static_cast<const __half*>(table), ids, out, v,
             c, bad_id);
      break;
    case DType::bf16:
      launch(op, embedding_kernel<__nv_bfloat16>, grid, block, 0, stream, static_cast<const __nv_bfloat16*>(table),
             ids, out, v, c, bad_id);
      break;
    default:
      throw_error(op, "table dtype " + std::string(dtype_name(type)) + " is not supported (f32, f16, bf16)");
  }
}

}  // namespace lf::kernels
