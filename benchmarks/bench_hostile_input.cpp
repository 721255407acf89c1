// The worst cases of crafted input that used to cost quadratic time (issue
// 24, class 5), at three sizes in the ratio 1 : 4 : 10 like the tokenizer
// benchmark: near-linear cost shows as a steady items_per_second.
//   - a safetensors header of N zero-size tensors (N = 10k, 40k, 100k):
//     74 s at 100k when the header was parsed with nlohmann's callback
//     parser, which rescans the parent object after every child;
//   - an index whose "metadata" holds N objects (the same parser);
//   - added-token matching: 60k added tokens starting with '<' against a
//     prompt of only '<' (64, 256, 640 KB): every candidate tried at every
//     position ran past 30 s at 200 KB.
// Run:
//   build/benchmarks/liveformer_bench --benchmark_filter=hostile
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <liveformer/formats/safetensors.hpp>
#include <liveformer/formats/tokenizer_special.hpp>
#include <liveformer/formats/vocabulary.hpp>

namespace {

namespace fs = std::filesystem;

// A safetensors file: 8-byte little-endian header length, the JSON header, no data.
std::vector<std::byte> zero_size_tensors(std::size_t n) {
  std::string header = "{";
  for (std::size_t i = 0; i < n; ++i) {
    if (i) header += ',';
    header += "\"t" + std::to_string(i) + "\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}";
  }
  header += '}';
  std::vector<std::byte> bytes(8 + header.size());
  const std::uint64_t len = header.size();
  for (int i = 0; i < 8; ++i) bytes[static_cast<std::size_t>(i)] = static_cast<std::byte>((len >> (8 * i)) & 0xff);
  std::memcpy(bytes.data() + 8, header.data(), header.size());
  return bytes;
}

void BM_hostile_safetensors_header(benchmark::State& st) {
  const auto n = static_cast<std::size_t>(st.range(0));
  const std::vector<std::byte> bytes = zero_size_tensors(n);
  for (auto _ : st) {
    const lf::SafetensorsFile f = lf::SafetensorsFile::from_bytes(bytes, "hostile.safetensors");
    benchmark::DoNotOptimize(f.tensors().data());
  }
  st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations() * n));
  st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations() * bytes.size()));
}
BENCHMARK(BM_hostile_safetensors_header)->Arg(10'000)->Arg(40'000)->Arg(100'000)->Unit(benchmark::kMillisecond);

// An index whose metadata holds n small objects, and one real shard.
void BM_hostile_index_metadata(benchmark::State& st) {
  const auto n = static_cast<std::size_t>(st.range(0));
  const fs::path dir = fs::temp_directory_path() / ("lf_bench_index_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  {
    const std::vector<std::byte> shard = zero_size_tensors(1);
    std::ofstream(dir / "a.safetensors", std::ios::binary)
        .write(reinterpret_cast<const char*>(shard.data()), static_cast<std::streamsize>(shard.size()));
    std::string index = "{\"metadata\":{";
    for (std::size_t i = 0; i < n; ++i) index += (i ? ",\"m" : "\"m") + std::to_string(i) + "\":{\"k\":[1,2]}";
    index += "},\"weight_map\":{\"t0\":\"a.safetensors\"}}";
    std::ofstream(dir / "model.safetensors.index.json") << index;
  }
  for (auto _ : st) {
    const lf::SafetensorsSet s = lf::SafetensorsSet::open_index((dir / "model.safetensors.index.json").string());
    benchmark::DoNotOptimize(s.metadata().size());
  }
  st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations() * n));
  fs::remove_all(dir);
}
BENCHMARK(BM_hostile_index_metadata)->Arg(10'000)->Arg(40'000)->Arg(100'000)->Unit(benchmark::kMillisecond);

// 60k added tokens "<0>", "<1>", ... and a prompt of n KB of '<'.
void BM_hostile_added_tokens(benchmark::State& st) {
  static const lf::Vocabulary vocab = [] {
    lf::Vocabulary v;
    v.tokens = {"<"};
    v.types = {lf::TokenType::normal};
    for (int i = 0; i < 60'000; ++i) {
      v.tokens.push_back("<" + std::to_string(i) + ">");
      v.types.push_back(lf::TokenType::user_defined);
    }
    return v;
  }();
  static const lf::AddedTokenMatcher matcher(vocab);
  const std::string text(static_cast<std::size_t>(st.range(0)) << 10, '<');
  for (auto _ : st) {
    const auto fragments = matcher.split(text, true);
    benchmark::DoNotOptimize(fragments.data());
  }
  st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations() * text.size()));
}
BENCHMARK(BM_hostile_added_tokens)->Arg(64)->Arg(256)->Arg(640)->Unit(benchmark::kMillisecond);

}  // namespace
