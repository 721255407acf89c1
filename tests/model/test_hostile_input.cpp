// Hostile model directories and files, round two (issue 24): each class of
// failure has one mechanism that prevents it, and these inputs (our own,
// not the attacker's) check that mechanism where a model is loaded.
//   class 1: ContainedDirectory (symlinks, FIFOs, devices, size caps)
//   class 2: Model::validate_special_ids (ids from every source)
//   class 3: detail::parse_json's depth limit (every JSON file)
//   class 5: token ids bounded by the file's size (tokenizer.json)
//   class 7: numbers from model files finite and in range (RoPE base)
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

#include <liveformer/formats/input_limits.hpp>
#include <liveformer/formats/safetensors.hpp>
#include <liveformer/model/model.hpp>

#include "harness/compare.hpp"
#include "model/test_load_errors_fixture.hpp"

using Catch::Contains;
using lf::test::TempDir;
namespace fs = std::filesystem;

namespace {

const lf::LoadOptions kDefault{};

fs::path copy_model(const TempDir& dir, const std::string& model) {
  const fs::path src = fs::path(lf::test::test_data_dir()) / "models" / model;
  const fs::path dst = dir / model;
  fs::create_directories(dst);
  for (const auto& entry : fs::directory_iterator(src))
    if (entry.is_regular_file()) fs::copy_file(entry.path(), dst / entry.path().filename());
  return dst;
}

nlohmann::json read_json(const fs::path& file) {
  const auto bytes = lf::test::read_bytes(file);
  return nlohmann::json::parse(reinterpret_cast<const char*>(bytes.data()),
                               reinterpret_cast<const char*>(bytes.data()) + bytes.size());
}

// The message of the lf::Error that loading `path` throws ("" if none).
std::string load_error(const fs::path& path) {
  try {
    lf::Model::load(path, kDefault);
  } catch (const lf::Error& e) {
    return e.what();
  }
  return "";
}

// `depth` nested arrays around 1: "[[[...1...]]]".
std::string nested(std::size_t depth) { return std::string(depth, '[') + "1" + std::string(depth, ']'); }

}  // namespace

// ---- class 1: every file a model directory names stays inside it ------------

TEST_CASE("hostile: a shard reached through a symlinked directory is refused", "[model][hostile][paths]") {
  TempDir tmp;
  const fs::path m = copy_model(tmp, "llama");
  // The weights move outside; the index names them through a symlink whose
  // path text ("weights/model.safetensors") is harmless.
  const fs::path outside = tmp / "outside";
  fs::create_directories(outside);
  fs::rename(m / "model.safetensors", outside / "model.safetensors");
  fs::create_directory_symlink("../outside", m / "weights");
  nlohmann::json index;
  index["metadata"] = nlohmann::json::object();
  const lf::SafetensorsFile weights = lf::SafetensorsFile::open((outside / "model.safetensors").string());
  for (const auto& t : weights.tensors()) index["weight_map"][t.name] = "weights/model.safetensors";
  lf::test::write_text(m / "model.safetensors.index.json", index.dump());
  const std::string err = load_error(m);
  CHECK_THAT(err, Contains("weights/model.safetensors") && Contains("outside the model directory"));

  // The same layout with the directory really inside loads.
  fs::remove(m / "weights");
  fs::create_directories(m / "weights");
  fs::copy_file(outside / "model.safetensors", m / "weights" / "model.safetensors");
  CHECK_NOTHROW(lf::Model::load(m, kDefault));
}

TEST_CASE("hostile: a shard or tokenizer that links outside is refused", "[model][hostile][paths]") {
  TempDir tmp;
  const fs::path m = copy_model(tmp, "llama");
  const fs::path secret = tmp / "secret.txt";
  lf::test::write_text(secret, "root:x:0:0:root:/root:/bin/bash\n");
  SECTION("model.safetensors -> a file outside") {
    fs::remove(m / "model.safetensors");
    fs::create_symlink(secret, m / "model.safetensors");
    const std::string err = load_error(m);
    CHECK_THAT(err, Contains("outside the model directory"));
    CHECK_THAT(err, !Contains("header length"));  // the file's bytes are never read
  }
  SECTION("tokenizer.json -> a file outside") {
    fs::rename(m / "tokenizer.json", tmp / "tokenizer.json");
    fs::create_symlink(tmp / "tokenizer.json", m / "tokenizer.json");
    CHECK_THAT(load_error(m), Contains("tokenizer.json") && Contains("outside the model directory"));
  }
  SECTION("a symlink that stays inside is fine") {
    fs::rename(m / "tokenizer.json", m / "real-tokenizer.json");
    fs::create_symlink("real-tokenizer.json", m / "tokenizer.json");
    CHECK_NOTHROW(lf::Model::load(m, kDefault));
  }
}

TEST_CASE("hostile: FIFOs and devices are refused before a byte is read", "[model][hostile][paths]") {
  TempDir tmp;
  const fs::path m = copy_model(tmp, "llama");
  const auto t0 = std::chrono::steady_clock::now();
  SECTION("config.json is a FIFO (reading it would block forever)") {
    fs::remove(m / "config.json");
    REQUIRE(::mkfifo((m / "config.json").c_str(), 0600) == 0);
    CHECK_THAT(load_error(m), Contains("config.json") && Contains("FIFO"));
  }
  SECTION("generation_config.json is a FIFO") {
    fs::remove(m / "generation_config.json");
    REQUIRE(::mkfifo((m / "generation_config.json").c_str(), 0600) == 0);
    CHECK_THAT(load_error(m), Contains("generation_config.json") && Contains("FIFO"));
  }
  SECTION("chat_template.jinja is /dev/zero (reading it would never end)") {
    fs::create_symlink("/dev/zero", m / "chat_template.jinja");
    CHECK_THAT(load_error(m), Contains("chat_template.jinja"));
  }
  SECTION("a GGUF path that is a FIFO") {
    REQUIRE(::mkfifo((tmp / "model.gguf").c_str(), 0600) == 0);
    CHECK_THAT(load_error(tmp / "model.gguf"), Contains("not a regular file"));
  }
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(10));
}

TEST_CASE("hostile: small files have size caps", "[model][hostile][paths]") {
  TempDir tmp;
  const fs::path m = copy_model(tmp, "llama");
  // Sparse: the cap is checked on the size before reading.
  const auto over = lf::limits::kMaxSmallFileBytes + 1;
  SECTION("config.json") {
    fs::resize_file(m / "config.json", over);
    CHECK_THAT(load_error(m), Contains("config.json") && Contains("over the limit"));
  }
  SECTION("chat_template.jinja") {
    lf::test::write_text(m / "chat_template.jinja", "x");
    fs::resize_file(m / "chat_template.jinja", over);
    CHECK_THAT(load_error(m), Contains("chat_template.jinja") && Contains("over the limit"));
  }
  SECTION("tokenizer_config.json") {
    fs::resize_file(m / "tokenizer_config.json", over);
    CHECK_THAT(load_error(m), Contains("tokenizer_config.json") && Contains("over the limit"));
  }
}

// ---- class 2: special-token ids are tokens ---------------------------------

TEST_CASE("hostile: special-token ids outside the tokenizer are refused at load", "[model][hostile][ids]") {
  TempDir tmp;
  SECTION("GGUF eot_token_id far out") {
    lf::GgufWriter w = lf::test::tiny_llama_writer();
    w.set("tokenizer.ggml.eot_token_id", std::uint32_t{2000000000});
    w.write((tmp / "m.gguf").string());
    CHECK_THAT(load_error(tmp / "m.gguf"), Contains("eos token id 2000000000 outside the vocabulary"));
  }
  SECTION("GGUF eot_token_id equal to the vocabulary size") {
    lf::GgufWriter w = lf::test::tiny_llama_writer();
    w.set("tokenizer.ggml.eot_token_id", static_cast<std::uint32_t>(lf::test::TinyLlama::kVocab));
    w.write((tmp / "m.gguf").string());
    CHECK_THAT(load_error(tmp / "m.gguf"), Contains("the tokenizer has 8 tokens"));
  }
  SECTION("GGUF eot_token_id above 2^31") {
    lf::GgufWriter w = lf::test::tiny_llama_writer();
    w.set("tokenizer.ggml.eot_token_id", std::uint32_t{4000000000u});
    w.write((tmp / "m.gguf").string());
    CHECK_THAT(load_error(tmp / "m.gguf"), Contains("outside the vocabulary"));
  }
  SECTION("HF eos_token_id below config.vocab_size but beyond the tokenizer") {
    const fs::path m = copy_model(tmp, "llama");
    // The tokenizer loses its last two (added) tokens: 400 tokens, 402 embeddings.
    nlohmann::json tok = read_json(m / "tokenizer.json");
    nlohmann::json kept = nlohmann::json::array();
    for (const auto& t : tok["added_tokens"])
      if (t["id"].get<int>() < 400) kept.push_back(t);
    tok["added_tokens"] = kept;
    lf::test::write_text(m / "tokenizer.json", tok.dump());
    nlohmann::json tc = read_json(m / "tokenizer_config.json");
    tc.erase("added_tokens_decoder");
    tc.erase("additional_special_tokens");
    lf::test::write_text(m / "tokenizer_config.json", tc.dump());
    nlohmann::json gen = read_json(m / "generation_config.json");
    gen["eos_token_id"] = 401;
    lf::test::write_text(m / "generation_config.json", gen.dump());
    CHECK_THAT(load_error(m), Contains("eos token id 401 outside the vocabulary") && Contains("the tokenizer has 400 tokens"));
  }
}

// ---- class 3: one depth limit for every JSON file ---------------------------

TEST_CASE("hostile: deeply nested JSON is an error in every file", "[model][hostile][json]") {
  TempDir tmp;
  const fs::path m = copy_model(tmp, "llama");
  const std::string deep = nested(100000);  // 200 KB
  const std::string limit = "nests deeper than " + std::to_string(lf::limits::kMaxJsonDepth) + " levels";
  auto with_field = [&](const fs::path& file, const std::string& key) {
    std::string text = read_json(file).dump();
    text.insert(1, "\"" + key + "\": " + deep + ", ");
    lf::test::write_text(file, text);
  };
  SECTION("config.json") {
    with_field(m / "config.json", "deep");
    CHECK_THAT(load_error(m), Contains("config.json") && Contains(limit));
  }
  SECTION("generation_config.json") {
    with_field(m / "generation_config.json", "deep");
    CHECK_THAT(load_error(m), Contains("generation_config.json") && Contains(limit));
  }
  SECTION("tokenizer_config.json") {
    with_field(m / "tokenizer_config.json", "chat_template");
    CHECK_THAT(load_error(m), Contains("tokenizer_config.json") && Contains(limit));
  }
  SECTION("tokenizer.json: 60k chained Sequence pre-tokenizers") {
    std::string chain = R"({"type": "ByteLevel", "add_prefix_space": false, "use_regex": true})";
    std::string open, close;
    for (int i = 0; i < 60000; ++i) {
      open += R"({"type": "Sequence", "pretokenizers": [)";
      close += "]}";
    }
    nlohmann::json tok = read_json(m / "tokenizer.json");
    tok.erase("pre_tokenizer");
    std::string text = tok.dump();
    text.insert(1, "\"pre_tokenizer\": " + open + chain + close + ", ");
    lf::test::write_text(m / "tokenizer.json", text);
    CHECK_THAT(load_error(m), Contains("tokenizer.json") && Contains(limit));
  }
  SECTION("nesting up to the limit still parses") {
    nlohmann::json c = read_json(m / "config.json");
    c["deep_but_fine"] = nlohmann::json::parse(nested(lf::limits::kMaxJsonDepth - 1));  // + the top object
    lf::test::write_text(m / "config.json", c.dump());
    CHECK_NOTHROW(lf::Model::load(m, kDefault));
  }
}

// ---- class 5: cost follows the file's size ----------------------------------

TEST_CASE("hostile: a token id far beyond the tokens listed is refused", "[model][hostile][cost]") {
  TempDir tmp;
  const fs::path m = copy_model(tmp, "llama");
  nlohmann::json tok = read_json(m / "tokenizer.json");
  tok["added_tokens"].push_back({{"id", 16777215}, {"content", "<huge>"}, {"special", true}});
  lf::test::write_text(m / "tokenizer.json", tok.dump());
  // Before: 16.7 M empty token slots (~870 MB) from a small file.
  CHECK_THAT(load_error(m), Contains("<huge>") && Contains("invalid id 16777215"));
}

// ---- class 7: numbers from model files --------------------------------------

TEST_CASE("hostile: an infinite or absurd RoPE base is refused", "[model][hostile][params]") {
  TempDir tmp;
  SECTION("GGUF freq_base = inf") {
    lf::GgufWriter w = lf::test::tiny_llama_writer();
    w.set("llama.rope.freq_base", std::numeric_limits<float>::infinity());
    w.write((tmp / "m.gguf").string());
    CHECK_THAT(load_error(tmp / "m.gguf"), Contains("rope theta must be a finite number"));
  }
  SECTION("GGUF freq_base = NaN") {
    lf::GgufWriter w = lf::test::tiny_llama_writer();
    w.set("llama.rope.freq_base", std::numeric_limits<float>::quiet_NaN());
    w.write((tmp / "m.gguf").string());
    CHECK_THAT(load_error(tmp / "m.gguf"), Contains("rope theta"));
  }
  SECTION("config.json rope_theta = 1e300 (infinite as a float)") {
    const fs::path m = copy_model(tmp, "llama");
    std::string text = read_json(m / "config.json").dump();
    const auto at = text.find("10000.0");
    REQUIRE(at != std::string::npos);
    text.replace(at, 7, "1e300");
    lf::test::write_text(m / "config.json", text);
    CHECK_THAT(load_error(m), Contains("rope_theta") && Contains("finite"));
  }
  SECTION("generation_config.json top_k beyond 32 bits") {
    const fs::path m = copy_model(tmp, "llama");
    nlohmann::json gen = read_json(m / "generation_config.json");
    gen["top_k"] = 4294967296LL;
    lf::test::write_text(m / "generation_config.json", gen.dump());
    CHECK_THAT(load_error(m), Contains("top_k"));
  }
}
