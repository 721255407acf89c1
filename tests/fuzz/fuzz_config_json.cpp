// Fuzz target: the JSON files of a Hugging Face model directory.
//
// The first input byte picks the file the rest of the input becomes; the
// other files are the tiny Qwen2 reference model's (tests/data/models/qwen2):
//   0  tokenizer.json         -> Vocabulary::from_tokenizer_json, tokenizer, encode
//   1  tokenizer_config.json  -> next to a valid tokenizer.json
//   2  config.json            -> Model::load of the whole directory
//   3  generation_config.json -> Model::load of the whole directory
// config.json is parsed by a function private to src/model/load_hf.cpp, so
// modes 2 and 3 go through Model::load (which also reads the weights).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>

#include "fuzz_common.hpp"
#include "liveformer/model/model.hpp"

namespace fs = std::filesystem;

namespace {

// One scratch directory per mode, filled with the reference files once.
fs::path model_dir(int mode) {
  const fs::path dir = lf::fuzz::scratch_dir() / ("mode" + std::to_string(mode));
  if (fs::exists(dir)) return dir;
  fs::create_directories(dir);
  const fs::path qwen2 = lf::fuzz::data_dir() / "models/qwen2";
  for (const char* name : {"config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json"})
    if (mode != 0 || std::string_view(name) == "tokenizer.json") fs::copy_file(qwen2 / name, dir / name);
  if (mode >= 2) fs::create_symlink(fs::absolute(qwen2 / "model.safetensors"), dir / "model.safetensors");
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const char* const kFiles[] = {"tokenizer.json", "tokenizer_config.json", "config.json", "generation_config.json"};
  const int mode = data[0] % 4;
  const fs::path dir = model_dir(mode);
  lf::fuzz::write_file(dir / kFiles[mode], std::span(data + 1, size - 1));
  try {
    if (mode <= 1) {
      const auto tokenizer = lf::make_tokenizer(lf::Vocabulary::from_tokenizer_json(dir / "tokenizer.json"));
      const auto ids = tokenizer->encode("Hello world <|im_end|> 你好 \xF0\x9F\x98\x8D 123", true, true);
      for (std::int32_t id : ids)
        lf::fuzz::require(id >= 0 && static_cast<std::size_t>(id) < tokenizer->vocab_size(), "encode gave an id out of range");
      (void)tokenizer->decode(ids);
    } else {
      const lf::Model model = lf::Model::load(dir);
      (void)model;
    }
  } catch (const lf::Error&) {
  }
  return 0;
}
