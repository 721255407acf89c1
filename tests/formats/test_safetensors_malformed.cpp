// Hostile safetensors input: every failure must be an lf::Error naming the
// file and the problem, and nothing may read outside the bytes
// (SafetensorsFile::from_bytes copies into an exactly sized heap buffer, so
// an over-read is caught when the suite runs under AddressSanitizer).
#include <catch2/catch.hpp>

#include <random>

#include <liveformer/formats/safetensors.hpp>

#include "harness/compare.hpp"
#include "test_safetensors_writer.hpp"

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using lf::SafetensorsFile;
namespace st = lf::test::st;

namespace {

constexpr const char* kName = "bad.safetensors";

SafetensorsFile parse(const std::vector<std::byte>& bytes) { return SafetensorsFile::from_bytes(bytes, kName); }

// A file with `header` verbatim and `data_bytes` zero bytes of data.
std::vector<std::byte> with_header(const std::string& header, std::size_t data_bytes) {
  return st::file_bytes(header, std::vector<std::byte>(data_bytes), 1);
}

// The message of the lf::Error that parsing `bytes` throws ("" if none).
std::string error_of(const std::vector<std::byte>& bytes) {
  try {
    parse(bytes);
  } catch (const lf::Error& e) {
    return e.what();
  }
  return "";
}

void expect_error(const std::string& header, std::size_t data_bytes, const std::string& substring) {
  INFO("header: " << header);
  const std::string msg = error_of(with_header(header, data_bytes));
  CHECK_THAT(msg, StartsWith(std::string(kName) + ": "));
  CHECK_THAT(msg, Contains(substring));
}

std::string tensor(const std::string& name, const std::string& dtype, const std::string& shape,
                   const std::string& offsets) {
  return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}";
}

std::vector<std::byte> u64_then(std::uint64_t n, std::size_t extra) {
  std::vector<std::byte> b;
  st::put_le(b, n);
  b.resize(b.size() + extra, std::byte{'{'});
  return b;
}

}  // namespace

TEST_CASE("safetensors malformed: header length", "[safetensors][malformed]") {
  for (std::size_t n = 0; n < 8; ++n) {
    CHECK_THAT(error_of(std::vector<std::byte>(n)),
               Contains(std::to_string(n) + " bytes, too short for the 8-byte header length"));
  }
  CHECK_THAT(error_of(u64_then(1000, 10)), Contains("header length 1000 exceeds the 10 bytes after it"));
  CHECK_THAT(error_of(u64_then(11, 10)), Contains("header length 11 exceeds the 10 bytes after it"));
  CHECK_THAT(error_of(u64_then(200'000'000, 10)), Contains("header length 200000000 exceeds the limit"));
  CHECK_THAT(error_of(u64_then(~std::uint64_t{0}, 10)), Contains("exceeds the limit of 100000000 bytes"));
  CHECK_THAT(error_of(u64_then(0, 10)), Contains("header is empty"));
}

TEST_CASE("safetensors malformed: JSON syntax and structure", "[safetensors][malformed]") {
  expect_error("{\"a\": {", 0, "header is not valid JSON");
  expect_error("{\"a\":1} trailing", 0, "header is not valid JSON");
  expect_error("{\"a\":\"\xff\xfe\"}", 0, "header is not valid JSON");  // invalid UTF-8
  expect_error("[1,2]", 0, "header is an array, expected a JSON object");
  expect_error("{\"a\":[[[[[[[[[[1]]]]]]]]]]}", 0, "nests deeper than 8 levels");
  expect_error("{\"w\":5}", 0, "tensor 'w' entry is an integer, expected an object");
  expect_error("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "tensor 'w' has no \"dtype\" field");
  expect_error("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4, "tensor 'w' has no \"shape\" field");
  expect_error("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4, "tensor 'w' has no \"data_offsets\" field");
  expect_error("{" + tensor("w", "Q4", "[1]", "[0,4]") + "}", 4, "tensor 'w' has unknown dtype 'Q4'");
  expect_error("{\"w\":{\"dtype\":32,\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "dtype is an integer");
  expect_error("{\"__metadata__\":{\"n\":3}}", 0, "__metadata__ value of 'n' is an integer (3), expected a string");
  expect_error("{\"__metadata__\":[1]}", 0, "__metadata__ is an array");
}

TEST_CASE("safetensors malformed: shapes", "[safetensors][malformed]") {
  expect_error("{" + tensor("w", "F32", "[-1,2]", "[0,8]") + "}", 8, "tensor 'w' shape [-1,2] has negative dimension -1");
  expect_error("{" + tensor("w", "F32", "[2.5]", "[0,8]") + "}", 8,
               "tensor 'w' shape [2.5] entry 0 is a non-integer number, expected a non-negative integer");
  expect_error("{" + tensor("w", "F32", "[2,\"3\"]", "[0,24]") + "}", 24, "entry 1 is a string");
  expect_error("{" + tensor("w", "F32", "[1e1]", "[0,40]") + "}", 40, "entry 0 is a non-integer number");
  expect_error("{" + tensor("w", "F32", "3", "[0,12]") + "}", 12, "shape 3 is an integer, expected an array of integers");
  expect_error("{" + tensor("w", "F32", "[99999999999999999999]", "[0,4]") + "}", 4, "entry 0 is a non-integer");
  expect_error("{" + tensor("w", "F32", "[9223372036854775808]", "[0,4]") + "}", 4, "too large");
  // Element-count and byte-count overflow.
  expect_error("{" + tensor("w", "F32", "[4611686018427387904,4611686018427387904]", "[0,4]") + "}", 4,
               "has more elements than fit in 64 bits");
  expect_error("{" + tensor("w", "F64", "[1152921504606846976,2]", "[0,4]") + "}", 4, "has more bits than fit");
  // A zero dimension makes the tensor empty, whatever the others.
  CHECK_NOTHROW(parse(with_header("{" + tensor("w", "F32", "[0,4611686018427387904,8]", "[0,0]") + "}", 0)));
  // Sub-byte dtypes must fill whole bytes.
  expect_error("{" + tensor("w", "F4", "[3]", "[0,2]") + "}", 2, "F4 shape [3] is not a whole number of bytes");
}

TEST_CASE("safetensors malformed: data offsets", "[safetensors][malformed]") {
  expect_error("{" + tensor("w", "F32", "[2]", "[8,0]") + "}", 8, "tensor 'w' data_offsets [8, 0) are reversed");
  expect_error("{" + tensor("w", "F32", "[2]", "[0,1000]") + "}", 8,
               "tensor 'w' data_offsets [0, 1000) extend past the end of the data section (8 bytes)");
  expect_error("{" + tensor("w", "F32", "[2]", "[1000,1008]") + "}", 8, "extend past the end");
  expect_error("{" + tensor("w", "F32", "[2]", "[18446744073709551615,18446744073709551615]") + "}", 8,
               "extend past the end");
  expect_error("{" + tensor("w", "F32", "[2]", "[-8,0]") + "}", 8, "has a negative offset");
  expect_error("{" + tensor("w", "F32", "[2]", "[0]") + "}", 8, "data_offsets [0] is not a pair [begin, end]");
  expect_error("{" + tensor("w", "F32", "[2]", "[0,8,16]") + "}", 16, "is not a pair");
  expect_error("{" + tensor("w", "F32", "[2]", "{\"a\":0}") + "}", 8, "is not a pair");
  expect_error("{" + tensor("w", "F32", "[2]", "[0,8.0]") + "}", 8, "has a non-integer number");
  // The brief's example message, word for word.
  expect_error("{" + tensor("lm_head.weight", "F32", "[5,6]", "[0,100]") + "}", 120,
               "bad.safetensors: tensor 'lm_head.weight' data_offsets [0, 100) do not match dtype F32 shape [5,6] "
               "(120 bytes)");
  expect_error("{" + tensor("w", "BF16", "[3]", "[0,8]") + "}", 8, "do not match dtype BF16 shape [3] (6 bytes)");
}

TEST_CASE("safetensors malformed: overlapping tensors", "[safetensors][malformed]") {
  expect_error("{" + tensor("a", "F32", "[4]", "[0,16]") + "," + tensor("b", "F32", "[4]", "[8,24]") + "}", 24,
               "tensors 'a' [0, 16) and 'b' [8, 24) overlap");
  // Same range twice, and one range nested inside a longer one.
  expect_error("{" + tensor("a", "F32", "[2]", "[0,8]") + "," + tensor("b", "F32", "[2]", "[0,8]") + "}", 8, "overlap");
  expect_error("{" + tensor("a", "F32", "[8]", "[0,32]") + "," + tensor("b", "F32", "[1]", "[4,8]") + "," +
                   tensor("c", "F32", "[1]", "[16,20]") + "}",
               32, "overlap");
  // Adjacent, gapped and empty tensors do not overlap.
  CHECK_NOTHROW(parse(with_header("{" + tensor("a", "F32", "[2]", "[0,8]") + "," + tensor("b", "F32", "[0]", "[4,4]") +
                                      "," + tensor("c", "F32", "[1]", "[8,12]") + "," +
                                      tensor("d", "F32", "[1]", "[16,20]") + "}",
                                  24)));
}

TEST_CASE("safetensors malformed: duplicate names", "[safetensors][malformed]") {
  expect_error("{" + tensor("a", "F32", "[1]", "[0,4]") + "," + tensor("a", "F32", "[1]", "[4,8]") + "}", 8,
               "header has duplicate key 'a'");
  expect_error("{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4,
               "duplicate key 'dtype' inside 'a'");
  expect_error("{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}", 0, "duplicate key 'k' inside '__metadata__'");
  expect_error("{\"__metadata__\":{},\"__metadata__\":{}}", 0, "duplicate key '__metadata__'");
}

TEST_CASE("safetensors malformed: every truncation of a valid file throws lf::Error", "[safetensors][malformed]") {
  const auto full = st::load(lf::test::test_data_dir() + "/safetensors/basic.safetensors");
  REQUIRE(full.size() > 100);
  REQUIRE_NOTHROW(parse(full));
  for (std::size_t n = 0; n < full.size(); ++n) {
    INFO("truncated to " << n << " bytes");
    const std::vector<std::byte> cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
    CHECK_THROWS_AS(parse(cut), lf::Error);
  }
}

TEST_CASE("safetensors malformed: corrupted header bytes never crash", "[safetensors][malformed]") {
  const auto full = st::load(lf::test::test_data_dir() + "/safetensors/basic.safetensors");
  const SafetensorsFile good = parse(full);
  const std::size_t header_end = static_cast<std::size_t>(good.data_offset());
  const std::byte replacements[] = {std::byte{'{'}, std::byte{'}'}, std::byte{'"'}, std::byte{'9'},
                                    std::byte{'-'}, std::byte{']'}, std::byte{0xff}, std::byte{0}};
  std::size_t rejected = 0, accepted = 0;
  for (std::size_t pos = 0; pos < header_end; ++pos) {
    for (std::byte r : replacements) {
      std::vector<std::byte> bad = full;
      bad[pos] = r;
      INFO("byte " << pos << " set to " << static_cast<int>(r));
      try {
        const SafetensorsFile f = parse(bad);
        ++accepted;
        // Whatever was accepted must load within bounds (or throw cleanly).
        for (const auto& info : f.tensors()) {
          CHECK(f.data_offset() + info.end <= f.file_size());
          try {
            (void)lf::test::values(f.tensor(info));
          } catch (const lf::Error&) {
          }
        }
      } catch (const lf::Error& e) {
        ++rejected;
        CHECK_THAT(std::string(e.what()), StartsWith(std::string(kName) + ": "));
      }
    }
  }
  CHECK(rejected > 0);
  CHECK(accepted > 0);  // e.g. a digit inside a metadata string
}

TEST_CASE("safetensors malformed: random data offsets are caught", "[safetensors][malformed]") {
  std::mt19937_64 rng(Catch::rngSeed());
  for (int trial = 0; trial < 2000; ++trial) {
    const std::uint64_t a = rng() % 64, b = rng() % 64, c = rng() % 64, d = rng() % 64;
    const std::string header = "{" + tensor("x", "F32", "[" + std::to_string(rng() % 6) + "]",
                                            "[" + std::to_string(a) + "," + std::to_string(b) + "]") +
                               "," +
                               tensor("y", "F16", "[" + std::to_string(rng() % 6) + "]",
                                      "[" + std::to_string(c) + "," + std::to_string(d) + "]") +
                               "}";
    INFO(header);
    try {
      const SafetensorsFile f = parse(with_header(header, 20));
      for (const auto& info : f.tensors()) {
        REQUIRE(info.begin <= info.end);
        REQUIRE(info.end <= 20);
        (void)lf::test::values(f.tensor(info));
      }
    } catch (const lf::Error& e) {
      CHECK_THAT(std::string(e.what()), StartsWith(std::string(kName) + ": "));
    }
  }
}

TEST_CASE("safetensors malformed: open() names the path", "[safetensors][malformed]") {
  st::TempDir dir;
  CHECK_THROWS_WITH(SafetensorsFile::open(dir / "missing.safetensors"), Contains("missing.safetensors"));
  st::save(dir / "short.safetensors", std::vector<std::byte>(3));
  CHECK_THROWS_WITH(SafetensorsFile::open(dir / "short.safetensors"),
                    StartsWith(dir / "short.safetensors") && Contains("too short"));
}
