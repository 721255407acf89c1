// Fuzz target: safetensors header parsing, offsets, and every tensor's bytes.
#include <cstddef>
#include <cstdint>

#include "fuzz_common.hpp"
#include "liveformer/formats/safetensors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto file = lf::SafetensorsFile::from_bytes({reinterpret_cast<const std::byte*>(data), size}, "fuzz.safetensors");
    for (const lf::SafetensorsTensorInfo& info : file.tensors()) {
      lf::fuzz::require(info.begin <= info.end, "begin > end accepted");
      lf::fuzz::require(file.data_offset() + info.end <= file.file_size(), "tensor ends past the file");
      lf::fuzz::touch(file.tensor_bytes(info));
      lf::fuzz::require(file.find(info.name) == &info, "find() does not return the listed entry");
      try {
        const lf::Tensor t = file.tensor(info);
        lf::fuzz::require(t.nbytes() == static_cast<std::int64_t>(info.n_bytes()), "tensor view size != data_offsets");
        lf::fuzz::touch({t.bytes(), static_cast<std::size_t>(t.nbytes())});
      } catch (const lf::Error&) {  // unsupported dtype or rank
      }
    }
  } catch (const lf::Error&) {
  }
  return 0;
}
