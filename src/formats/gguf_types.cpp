// GGUF value-type and ggml tensor-type tables, and small value helpers.
#include <string>

#include "liveformer/formats/gguf.hpp"

namespace lf {

namespace {

// ggml's tensor types by id (ggml.h / gguf-py's GGML_QUANT_SIZES). Ids 4, 5,
// 31-33 and 36-38 were retired and stay unknown. Sizes of types liveformer
// cannot load are still needed to bounds-check their data ranges.
constexpr GgmlTypeInfo kGgmlTypes[] = {
    {"F32", 1, 4},        {"F16", 1, 2},        {"Q4_0", 32, 18},    {"Q4_1", 32, 20},
    {"", 0, 0},           {"", 0, 0},           {"Q5_0", 32, 22},    {"Q5_1", 32, 24},
    {"Q8_0", 32, 34},     {"Q8_1", 32, 40},     {"Q2_K", 256, 84},   {"Q3_K", 256, 110},
    {"Q4_K", 256, 144},   {"Q5_K", 256, 176},   {"Q6_K", 256, 210},  {"Q8_K", 256, 292},
    {"IQ2_XXS", 256, 66}, {"IQ2_XS", 256, 74},  {"IQ3_XXS", 256, 98}, {"IQ1_S", 256, 50},
    {"IQ4_NL", 32, 18},   {"IQ3_S", 256, 110},  {"IQ2_S", 256, 82},  {"IQ4_XS", 256, 136},
    {"I8", 1, 1},         {"I16", 1, 2},        {"I32", 1, 4},       {"I64", 1, 8},
    {"F64", 1, 8},        {"IQ1_M", 256, 56},   {"BF16", 1, 2},      {"", 0, 0},
    {"", 0, 0},           {"", 0, 0},           {"TQ1_0", 256, 54},  {"TQ2_0", 256, 66},
    {"", 0, 0},           {"", 0, 0},           {"", 0, 0},          {"MXFP4", 32, 17},
    {"NVFP4", 64, 36},    {"Q1_0", 128, 18},
};

}  // namespace

std::string_view gguf_type_name(GgufType type) {
  switch (type) {
    case GgufType::u8: return "uint8";
    case GgufType::i8: return "int8";
    case GgufType::u16: return "uint16";
    case GgufType::i16: return "int16";
    case GgufType::u32: return "uint32";
    case GgufType::i32: return "int32";
    case GgufType::f32: return "float32";
    case GgufType::boolean: return "bool";
    case GgufType::string: return "string";
    case GgufType::array: return "array";
    case GgufType::u64: return "uint64";
    case GgufType::i64: return "int64";
    case GgufType::f64: return "float64";
  }
  return "unknown";
}

std::size_t GgufArray::size() const {
  return std::visit([](const auto& v) { return v.size(); }, items);
}

namespace {

std::string array_type_name(const GgufArray& a) {
  std::string inner;
  if (const auto* nested = std::get_if<std::vector<GgufArray>>(&a.items)) {
    // Inner arrays may differ; the first one stands for all in messages.
    inner = nested->empty() ? "array" : array_type_name(nested->front());
  } else {
    inner = gguf_type_name(a.element_type());
  }
  return "array[" + inner + "]";
}

}  // namespace

std::string GgufValue::type_name() const {
  if (const GgufArray* a = array()) return array_type_name(*a);
  return std::string(gguf_type_name(type()));
}

const GgmlTypeInfo* ggml_type_info(std::uint32_t id) {
  if (id >= std::size(kGgmlTypes) || kGgmlTypes[id].block_size == 0) return nullptr;
  return &kGgmlTypes[id];
}

std::string_view ggml_type_name(std::uint32_t id) {
  const GgmlTypeInfo* info = ggml_type_info(id);
  return info ? info->name : std::string_view("unknown");
}

std::optional<DType> dtype_from_ggml(std::uint32_t id) {
  switch (id) {
    case kGgmlF32: return DType::f32;
    case kGgmlF16: return DType::f16;
    case kGgmlQ4_0: return DType::q4_0;
    case kGgmlQ8_0: return DType::q8_0;
    case kGgmlBF16: return DType::bf16;
    case kGgmlQ4_1: return DType::q4_1;
    case kGgmlQ5_0: return DType::q5_0;
    case kGgmlQ5_1: return DType::q5_1;
    case kGgmlIQ4_NL: return DType::iq4_nl;
    case kGgmlQ2_K: return DType::q2_k;
    case kGgmlQ3_K: return DType::q3_k;
    case kGgmlQ4_K: return DType::q4_k;
    case kGgmlQ5_K: return DType::q5_k;
    case kGgmlQ6_K: return DType::q6_k;
    default: return std::nullopt;
  }
}

std::uint32_t ggml_type_of(DType dtype) {
  switch (dtype) {
    case DType::f32: return kGgmlF32;
    case DType::f16: return kGgmlF16;
    case DType::bf16: return kGgmlBF16;
    case DType::q8_0: return kGgmlQ8_0;
    case DType::q4_0: return kGgmlQ4_0;
    case DType::q4_1: return kGgmlQ4_1;
    case DType::q5_0: return kGgmlQ5_0;
    case DType::q5_1: return kGgmlQ5_1;
    case DType::iq4_nl: return kGgmlIQ4_NL;
    case DType::q2_k: return kGgmlQ2_K;
    case DType::q3_k: return kGgmlQ3_K;
    case DType::q4_k: return kGgmlQ4_K;
    case DType::q5_k: return kGgmlQ5_K;
    case DType::q6_k: return kGgmlQ6_K;
  }
  throw_error("ggml_type_of", "unknown DType " + std::to_string(static_cast<int>(dtype)));
}

Shape GgufTensorInfo::shape() const {
  // Parsed infos always pass; this guards hand-edited copies.
  LF_CHECK(n_dims >= 1 && n_dims <= 4, "GgufTensorInfo", "tensor '" + name + "': n_dims " + std::to_string(n_dims) +
                                                          " is outside 1..4");
  Shape s;
  for (int i = n_dims - 1; i >= 0; --i) s.push_back(static_cast<std::int64_t>(ne[static_cast<std::size_t>(i)]));
  return s;
}

}  // namespace lf
