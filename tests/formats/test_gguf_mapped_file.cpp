// lf::MappedFile: contents, lifetime and error messages.
#include <catch2/catch.hpp>

#include "harness/error_of.hpp"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <liveformer/formats/gguf.hpp>
#include <liveformer/formats/mapped_file.hpp>

using Catch::Matchers::Contains;

namespace {

using lf::test::error_of;

std::filesystem::path temp_path(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("lf_test_" + std::to_string(::getpid()) + "_" + name);
}

}  // namespace

TEST_CASE("mapped file: maps the whole file read-only", "[gguf][mapped_file]") {
  const auto path = temp_path("bytes.bin");
  std::string content(10000, '\0');
  for (std::size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>(i * 7 + 3);
  std::ofstream(path, std::ios::binary) << content;

  std::shared_ptr<const lf::MappedFile> m = lf::MappedFile::open(path.string());
  CHECK(m->path() == path.string());
  REQUIRE(m->size() == content.size());
  CHECK(std::memcmp(m->data(), content.data(), content.size()) == 0);
  CHECK(m->bytes().size() == content.size());

  // The mapping survives the file's removal while a holder remains.
  std::filesystem::remove(path);
  std::shared_ptr<const void> holder = m;
  m.reset();
  CHECK(static_cast<const lf::MappedFile*>(holder.get())->data()[9999] == static_cast<std::byte>(content[9999]));
}

TEST_CASE("mapped file: empty files map to no bytes", "[gguf][mapped_file]") {
  const auto path = temp_path("empty.bin");
  std::ofstream(path, std::ios::binary).close();
  const auto m = lf::MappedFile::open(path.string());
  CHECK(m->size() == 0);
  CHECK(m->data() == nullptr);
  CHECK_THAT(error_of([&] { lf::GgufFile::open(path.string()); }),
             Contains(path.string() + ": file of 0 bytes is too small to be a GGUF file"));
  std::filesystem::remove(path);
}

TEST_CASE("mapped file: errors name the path and the reason", "[gguf][mapped_file]") {
  const auto missing = temp_path("does-not-exist.gguf");
  CHECK_THAT(error_of([&] { lf::MappedFile::open(missing.string()); }),
             Contains(missing.string() + ": cannot open: No such file or directory"));
  CHECK_THAT(error_of([&] { lf::GgufFile::open(missing.string()); }), Contains(missing.string() + ": cannot open"));
  const auto dir = std::filesystem::temp_directory_path();
  CHECK_THAT(error_of([&] { lf::MappedFile::open(dir.string()); }),
             Contains(dir.string() + ": is a directory, not a file"));
}

TEST_CASE("mapped file: copy_of holds an exact copy under a name", "[gguf][mapped_file]") {
  const std::vector<std::byte> bytes = {std::byte{1}, std::byte{2}, std::byte{3}};
  const auto m = lf::MappedFile::copy_of(bytes, "memory");
  CHECK(m->path() == "memory");
  REQUIRE(m->size() == 3);
  CHECK(m->data() != bytes.data());
  CHECK(std::memcmp(m->data(), bytes.data(), 3) == 0);
  CHECK(lf::MappedFile::copy_of({}, "none")->size() == 0);
}
