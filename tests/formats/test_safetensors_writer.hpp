// A minimal safetensors writer for the tests, written from the format's
// description (not with the code under test), plus file helpers. Headers
// can also be supplied verbatim to build malformed files.
#pragma once

#include <unistd.h>

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <liveformer/core/dtype.hpp>

namespace lf::test::st {

/// Element i of fixture tensor `seed`: k/16 for an integer k in [-50, 50],
/// exact in f32, f16 and bf16 (tools/reference/make_safetensors_fixtures.py
/// uses the same formula).
inline float value(std::int64_t i, int seed) {
  return static_cast<float>((i * 37 + seed * 11) % 101 - 50) / 16.0f;
}

inline std::vector<float> values(std::int64_t n, int seed) {
  std::vector<float> v(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) v[static_cast<std::size_t>(i)] = value(i, seed);
  return v;
}

template <class T>
void put_le(std::vector<std::byte>& out, T v) {
  for (std::size_t i = 0; i < sizeof(T); ++i) out.push_back(static_cast<std::byte>((v >> (8 * i)) & 0xff));
}

/// `v` stored as "F32", "F16" or "BF16", little-endian.
inline std::vector<std::byte> encode(std::string_view dtype, const std::vector<float>& v) {
  std::vector<std::byte> out;
  for (float x : v) {
    if (dtype == "F32") put_le(out, std::bit_cast<std::uint32_t>(x));
    else if (dtype == "F16") put_le(out, f32_to_f16(x));
    else put_le(out, f32_to_bf16(x));
  }
  return out;
}

struct Entry {
  std::string name;
  std::string dtype;
  std::vector<std::int64_t> shape;
  std::vector<std::byte> data;
};

inline std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

/// The header JSON for `entries` laid out back to back from offset 0.
inline std::string header_for(const std::vector<Entry>& entries,
                              const std::map<std::string, std::string>& metadata = {}) {
  std::string h = "{";
  bool first = true;
  if (!metadata.empty()) {
    h += "\"__metadata__\":{";
    for (const auto& [k, v] : metadata) {
      if (!first) h += ',';
      first = false;
      h += json_string(k) + ":" + json_string(v);
    }
    h += "}";
  }
  std::size_t offset = 0;
  for (const Entry& e : entries) {
    if (!metadata.empty() || &e != &entries.front()) h += ',';
    h += json_string(e.name) + ":{\"dtype\":" + json_string(e.dtype) + ",\"shape\":[";
    for (std::size_t i = 0; i < e.shape.size(); ++i) h += (i ? "," : "") + std::to_string(e.shape[i]);
    h += "],\"data_offsets\":[" + std::to_string(offset) + "," + std::to_string(offset + e.data.size()) + "]}";
    offset += e.data.size();
  }
  return h + "}";
}

/// u64 header length, the header padded with spaces to a multiple of
/// `pad_to` (1: no padding), then `data`.
inline std::vector<std::byte> file_bytes(std::string header, const std::vector<std::byte>& data,
                                         std::size_t pad_to = 8) {
  while (header.size() % pad_to != 0) header += ' ';
  std::vector<std::byte> out;
  put_le(out, static_cast<std::uint64_t>(header.size()));
  for (char c : header) out.push_back(static_cast<std::byte>(c));
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

inline std::vector<std::byte> write(const std::vector<Entry>& entries,
                                    const std::map<std::string, std::string>& metadata = {},
                                    std::size_t pad_to = 8) {
  std::vector<std::byte> data;
  for (const Entry& e : entries) data.insert(data.end(), e.data.begin(), e.data.end());
  return file_bytes(header_for(entries, metadata), data, pad_to);
}

inline void save(const std::filesystem::path& path, const std::vector<std::byte>& bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

inline void save_text(const std::filesystem::path& path, std::string_view text) {
  std::ofstream f(path, std::ios::binary);
  f.write(text.data(), static_cast<std::streamsize>(text.size()));
}

inline std::vector<std::byte> load(const std::filesystem::path& path) {
  std::ifstream f(path, std::ios::binary);
  std::vector<char> chars((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::vector<std::byte> out(chars.size());
  for (std::size_t i = 0; i < chars.size(); ++i) out[i] = static_cast<std::byte>(chars[i]);
  return out;
}

/// A fresh directory under the system temp dir, removed on destruction.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    static std::atomic<int> counter{0};
    path = std::filesystem::temp_directory_path() /
           ("lf_st_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string operator/(std::string_view name) const { return (path / name).string(); }
};

}  // namespace lf::test::st
