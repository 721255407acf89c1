// Fuzz target: any JSON document through the one JSON entry point
// (detail::parse_json) and the parsers built on it.
//
// The first byte picks the reader the rest of the input goes to:
//   0  parse_json, default rules (limits::kMaxJsonDepth)
//   1  parse_json as for safetensors (depth 8, duplicate keys refused)
//   2  config.json             -> parse_hf_config
//   3  generation_config.json  -> parse_generation_config
//   4  tokenizer_config.json   -> parse_chat_template_config
//   5  model.safetensors.index.json -> SafetensorsSet::open_index (no shards)
// Checks: what parses nests no deeper than the rules allow (measured
// without recursion), and an error never comes from a stack overflow
// (deep input is what the seeds are made of).
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz_common.hpp"
#include "hf_config.hpp"
#include "json_document.hpp"
#include "liveformer/core/error.hpp"
#include "liveformer/formats/safetensors.hpp"

namespace {

// Containers on the deepest path, counted with an explicit stack.
int depth_of(const nlohmann::json& root) {
  int deepest = 0;
  std::vector<std::pair<const nlohmann::json*, int>> todo{{&root, root.is_structured() ? 1 : 0}};
  while (!todo.empty()) {
    const auto [j, d] = todo.back();
    todo.pop_back();
    deepest = std::max(deepest, d);
    if (j->is_structured())
      for (const auto& child : *j)
        if (child.is_structured()) todo.emplace_back(&child, d + 1);
  }
  return deepest;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const int mode = data[0] % 6;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    switch (mode) {
      case 0:
      case 1: {
        const lf::detail::JsonRules rules = mode == 0 ? lf::detail::JsonRules{} : lf::detail::JsonRules{8, true};
        const nlohmann::json j = lf::detail::parse_json(text, "fuzz", "document", rules);
        lf::fuzz::require(depth_of(j) <= rules.max_depth, "a document deeper than the limit parsed");
        (void)lf::detail::json_excerpt(j);
        break;
      }
      case 2: (void)lf::detail::parse_hf_config(text, "config.json"); break;
      case 3: (void)lf::detail::parse_generation_config(text, "generation_config.json"); break;
      case 4: (void)lf::detail::parse_chat_template_config(text, "tokenizer_config.json"); break;
      case 5: {
        const auto path = lf::fuzz::scratch_dir() / "model.safetensors.index.json";
        lf::fuzz::write_file(path, std::span<const std::uint8_t>(data + 1, size - 1));
        (void)lf::SafetensorsSet::open_index(path.string());
        break;
      }
    }
  } catch (const lf::Error&) {
  }
  return 0;
}
