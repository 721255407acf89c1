// Host launcher of rope_kernel (launch.hpp).
#include <climits>
#include <string>

#include "rope.cuh"

namespace lf::kernels::inline LF_CUDA_FLAVOUR {

void rope(const float* x, float* out, std::int64_t tokens, std::int64_t heads, std::int64_t head_dim,
          const RopeParams& p, Stream stream) {
  const char* op = "cuda rope";
  LF_CHECK(tokens >= 0 && tokens <= INT_MAX, op, "tokens must be in [0, 2^31), got " + std::to_string(tokens));
  LF_CHECK(heads >= 1 && head_dim >= 1 && heads * head_dim <= INT_MAX, op,
           "heads and head_dim must be >= 1 with heads·head_dim < 2^31, got " + std::to_string(heads) + " x " +
               std::to_string(head_dim));
  const std::int64_t rot = p.rotary_dim == 0 ? head_dim : p.rotary_dim;
  LF_CHECK(rot > 0 && rot <= head_dim && rot % 2 == 0, op,
           "rotary_dim " + std::to_string(rot) + " must be even and within head_dim " + std::to_string(head_dim));
  LF_CHECK(p.theta > 0, op, "theta must be positive");
  LF_CHECK(x && out, op, "null pointer argument");
  if (tokens == 0) return;
  const RopeShape shape{static_cast<int>(heads), static_cast<int>(head_dim), static_cast<int>(rot),
                        static_cast<long long>(p.position_offset), static_cast<double>(p.theta), p.rotate_half};
  launch(op, rope_kernel, dim3(static_cast<unsigned>(tokens)), dim3(row_block_threads(rot / 2, 128)), 0, stream, x,
         out, p.positions, shape);
}

}  // namespace lf::kernels
