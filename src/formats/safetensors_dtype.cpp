// Element types named in safetensors headers.
#include <array>
#include <utility>

#include "liveformer/formats/safetensors.hpp"

namespace lf {

std::optional<DType> dtype_from_safetensors(std::string_view dtype) {
  if (dtype == "F32") return DType::f32;
  if (dtype == "F16") return DType::f16;
  if (dtype == "BF16") return DType::bf16;
  return std::nullopt;
}

int safetensors_dtype_bits(std::string_view dtype) {
  // Every dtype of the safetensors spec (0.8), so that files holding types
  // liveformer cannot compute with still validate and list fully.
  static constexpr std::array<std::pair<std::string_view, int>, 20> kBits{{
      {"BOOL", 8},     {"U8", 8},       {"I8", 8},       {"F8_E5M2", 8},  {"F8_E4M3", 8},
      {"F8_E8M0", 8},  {"I16", 16},     {"U16", 16},     {"F16", 16},     {"BF16", 16},
      {"I32", 32},     {"U32", 32},     {"F32", 32},     {"I64", 64},     {"U64", 64},
      {"F64", 64},     {"C64", 64},     {"F4", 4},       {"F6_E2M3", 6},  {"F6_E3M2", 6},
  }};
  for (const auto& [name, bits] : kBits)
    if (name == dtype) return bits;
  return 0;
}

}  // namespace lf
