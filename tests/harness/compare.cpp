#include "harness/compare.hpp"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>

namespace lf::test {

double relative_error(std::span<const float> got, std::span<const double> want) {
  LF_CHECK(got.size() == want.size(), "relative_error",
        "sizes differ: " + std::to_string(got.size()) + " vs " + std::to_string(want.size()));
  double diff = 0, norm = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(want[i]) || std::isinf(want[i])) {
      // Only exact agreement on non-finite references counts.
      if (!(std::isnan(want[i]) ? std::isnan(got[i]) : double(got[i]) == want[i]))
        return std::numeric_limits<double>::infinity();
      continue;
    }
    if (!std::isfinite(got[i])) return std::numeric_limits<double>::infinity();
    diff += (got[i] - want[i]) * (got[i] - want[i]);
    norm += want[i] * want[i];
  }
  return std::sqrt(diff) / std::max(std::sqrt(norm), 1e-30);
}

std::vector<float> values(const Tensor& t) {
  const Tensor f = t.to_f32();
  return std::vector<float>(f.data<float>(), f.data<float>() + f.numel());
}

double relative_error(const Tensor& got, std::span<const double> want) {
  const std::vector<float> g = values(got);
  return relative_error(std::span<const float>(g), want);
}

double relative_error(const Tensor& got, const Tensor& want) {
  LF_CHECK(got.shape() == want.shape(), "relative_error",
        "shapes differ: " + got.shape().str() + " vs " + want.shape().str());
  const std::vector<float> w = values(want);
  const std::vector<double> wd(w.begin(), w.end());
  return relative_error(got, std::span<const double>(wd));
}

std::string test_data_dir() {
  const char* env = std::getenv("LIVEFORMER_TEST_DATA");
  return env && *env ? env : LIVEFORMER_TEST_DATA_DIR;
}

std::string shared_dir() {
  const char* env = std::getenv("LIVEFORMER_SHARED");
  return env && *env ? env : LIVEFORMER_SHARED_DIR;
}

bool have_shared() { return std::filesystem::is_directory(shared_dir()); }

}  // namespace lf::test
