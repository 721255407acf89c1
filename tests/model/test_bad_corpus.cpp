// The committed malformed-file corpus (tests/data/bad/, written by
// tools/reference/make_bad_corpus.py): every file must be refused through
// the public loaders and the C API with an lf::Error whose message names
// the file and holds the specific fragment of expected.tsv; the valid
// control files must load, so each failure is the one defect's doing.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <liveformer/formats/safetensors.hpp>
#include <liveformer/liveformer.h>
#include <liveformer/model/model.hpp>
#include <liveformer/runtime/chat_template.hpp>

#include "harness/compare.hpp"
#include "model/test_load_errors_fixture.hpp"

using Catch::Contains;
namespace fs = std::filesystem;

namespace {

struct Entry {
  std::string path;      // relative to tests/data/bad
  std::string loader;    // model, safetensors, hf:BASE, hf_chat:BASE
  std::string expected;  // fragment of the error message, or "OK"
};

fs::path corpus_dir() { return fs::path(lf::test::test_data_dir()) / "bad"; }

std::vector<Entry> read_manifest() {
  std::ifstream in(corpus_dir() / "expected.tsv");
  REQUIRE(in.good());
  std::vector<Entry> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    Entry e;
    std::getline(fields, e.path, '\t');
    std::getline(fields, e.loader, '\t');
    std::getline(fields, e.expected);
    INFO(line);
    REQUIRE(!e.path.empty());
    REQUIRE(!e.loader.empty());
    REQUIRE(!e.expected.empty());
    out.push_back(e);
  }
  return out;
}

std::vector<Entry> entries_for(const std::string& loader_prefix) {
  std::vector<Entry> out;
  for (const Entry& e : read_manifest())
    if (e.loader.rfind(loader_prefix, 0) == 0) out.push_back(e);
  return out;
}

// The message of the lf::Error that `load` throws, or "" if it returns.
// Any other exception escapes and fails the test.
template <class Load>
std::string error_of(Load&& load) {
  try {
    load();
  } catch (const lf::Error& e) {
    return e.what();
  }
  return "";
}

// A copy of tests/data/models/<base> (files only) with the files of the
// corpus directory `overlay` written over it.
fs::path overlaid_model(const lf::test::TempDir& dir, const std::string& base, const std::string& overlay) {
  const fs::path dst = dir / overlay;
  fs::create_directories(dst);
  for (const auto& f : fs::directory_iterator(fs::path(lf::test::test_data_dir()) / "models" / base))
    if (f.is_regular_file()) fs::copy_file(f.path(), dst / f.path().filename());
  for (const auto& f : fs::directory_iterator(corpus_dir() / overlay))
    fs::copy_file(f.path(), dst / f.path().filename(), fs::copy_options::overwrite_existing);
  return dst;
}

std::string base_of(const std::string& loader) { return loader.substr(loader.find(':') + 1); }

// lf_model_load must fail with LF_ERR_FORMAT and the C++ loader's message.
void check_c_api_refuses(const fs::path& path, const std::string& cpp_message) {
  lf_model* model = reinterpret_cast<lf_model*>(&model);  // must be reset to NULL
  CHECK(lf_model_load(path.c_str(), nullptr, &model) == LF_ERR_FORMAT);
  CHECK(model == nullptr);
  CHECK(std::string(lf_last_error()) == cpp_message);
  lf_model_free(model);
}

}  // namespace

TEST_CASE("bad corpus: the manifest covers every file, and there are at least 30", "[model][bad_corpus]") {
  const std::vector<Entry> entries = read_manifest();
  std::set<std::string> listed;
  int bad = 0;
  for (const Entry& e : entries) {
    INFO(e.path);
    CHECK(listed.insert(e.path).second);  // each once
    CHECK(fs::exists(corpus_dir() / e.path));
    if (e.expected != "OK") ++bad;
  }
  for (const auto& f : fs::directory_iterator(corpus_dir())) {
    const std::string name = f.path().filename().string();
    INFO(name);
    if (name != "expected.tsv") CHECK(listed.count(name) == 1);
  }
  CHECK(bad >= 30);
}

TEST_CASE("bad corpus: GGUF model files", "[model][bad_corpus][gguf]") {
  const std::vector<Entry> entries = entries_for("model");
  REQUIRE(entries.size() >= 30);
  for (const Entry& e : entries) {
    const fs::path path = corpus_dir() / e.path;
    INFO(e.path << " (expected: " << e.expected << ")");
    const std::string err = error_of([&] { lf::Model::load(path); });
    if (e.expected == "OK") {
      CHECK(err.empty());
      continue;
    }
    CHECK_THAT(err, Contains(path.string() + ": ") && Contains(e.expected));
    check_c_api_refuses(path, err);
  }
}

TEST_CASE("bad corpus: safetensors files", "[model][bad_corpus][safetensors]") {
  const std::vector<Entry> entries = entries_for("safetensors");
  REQUIRE(entries.size() >= 10);
  for (const Entry& e : entries) {
    const fs::path path = corpus_dir() / e.path;
    INFO(e.path << " (expected: " << e.expected << ")");
    const std::string err = error_of([&] {
      const lf::SafetensorsFile f = lf::SafetensorsFile::open(path.string());
      for (const auto& t : f.tensors()) (void)f.tensor(t);
    });
    if (e.expected == "OK") {
      CHECK(err.empty());
      continue;
    }
    CHECK_THAT(err, Contains(path.string() + ": ") && Contains(e.expected));
  }
}

TEST_CASE("bad corpus: Hugging Face directory files", "[model][bad_corpus][hf]") {
  const std::vector<Entry> entries = entries_for("hf:");
  REQUIRE(entries.size() >= 10);
  lf::test::TempDir dir;
  // The bases themselves load: each failure below is the overlay's doing.
  std::set<std::string> bases;
  for (const Entry& e : entries) bases.insert(base_of(e.loader));
  for (const std::string& base : bases) {
    INFO("base " << base);
    CHECK_NOTHROW(lf::Model::load(fs::path(lf::test::test_data_dir()) / "models" / base));
  }
  for (const Entry& e : entries) {
    INFO(e.path << " over " << base_of(e.loader) << " (expected: " << e.expected << ")");
    const fs::path model_dir = overlaid_model(dir, base_of(e.loader), e.path);
    const std::string err = error_of([&] { lf::Model::load(model_dir); });
    CHECK_THAT(err, Contains(model_dir.string()) && Contains(e.expected));
    check_c_api_refuses(model_dir, err);
  }
}

TEST_CASE("bad corpus: unusable chat templates", "[model][bad_corpus][chat]") {
  const std::vector<Entry> entries = entries_for("hf_chat:");
  REQUIRE(!entries.empty());
  lf::test::TempDir dir;
  for (const Entry& e : entries) {
    INFO(e.path << " (expected: " << e.expected << ")");
    const fs::path model_dir = overlaid_model(dir, base_of(e.loader), e.path);
    const lf::Model model = lf::Model::load(model_dir);  // the template is only checked when used
    REQUIRE(!model.info().chat_template.empty());
    const std::string err = error_of([&] { (void)lf::ChatTemplate::resolve(model.info().chat_template); });
    CHECK_THAT(err, Contains(e.expected));

    lf_model* cmodel = nullptr;
    REQUIRE(lf_model_load(model_dir.c_str(), nullptr, &cmodel) == LF_OK);
    CHECK(lf_model_has_chat_template(cmodel) == 0);
    const lf_chat_message msg{"user", "hi"};
    char text[256];
    std::size_t n = 0;
    CHECK(lf_chat_apply_template(cmodel, nullptr, &msg, 1, 1, text, sizeof text, &n) == LF_ERR_INVALID_ARGUMENT);
    CHECK(std::string(lf_last_error()) == err);
    // Naming a format works around the model's template.
    CHECK(lf_chat_apply_template(cmodel, "chatml", &msg, 1, 1, text, sizeof text, &n) == LF_OK);
    lf_model_free(cmodel);
  }
}
