// Fuzz target: GGUF parsing (header, metadata, tensor infos, data bounds),
// every tensor's bytes and view, and a tokenizer built from the metadata.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "fuzz_common.hpp"

namespace {

void exercise(const lf::GgufFile& file) {
  for (const lf::GgufTensorInfo& info : file.tensors()) {
    lf::fuzz::touch(file.tensor_bytes(info));
    if (!info.dtype()) continue;
    try {
      const lf::Tensor t = file.tensor(info);
      lf::fuzz::require(t.nbytes() == static_cast<std::int64_t>(info.n_bytes), "tensor view size != n_bytes");
      lf::fuzz::touch({t.bytes(), static_cast<std::size_t>(t.nbytes())});
      // Decoding is defined for any payload; small tensors keep runs fast.
      if (t.numel() <= 4096) (void)t.to_f32();
    } catch (const lf::Error&) {
    }
  }
  if (!file.has("tokenizer.ggml.model")) return;
  // Hostile vocabularies: building the tokenizer must validate them, and a
  // tokenizer that builds must encode and decode without crashing.
  const auto tokenizer = lf::make_tokenizer(lf::Vocabulary::from_gguf(file));
  const auto ids = tokenizer->encode("Hello world, <s> 你好 \xF0\x9F\x98\x8D 123", true, true);
  for (std::int32_t id : ids)
    lf::fuzz::require(id >= 0 && static_cast<std::size_t>(id) < tokenizer->vocab_size(), "encode gave an id out of range");
  (void)tokenizer->decode(ids);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto file = lf::GgufFile::from_bytes({reinterpret_cast<const std::byte*>(data), size}, "fuzz.gguf");
    exercise(file);
  } catch (const lf::Error&) {
  }
  return 0;
}
