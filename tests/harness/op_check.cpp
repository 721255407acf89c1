#include "harness/op_check.hpp"

#include <catch2/catch.hpp>

#include "harness/compare.hpp"

namespace lf::test {

void check_close(const Backend& backend, const std::string& label, const Tensor& got, const Array& want,
                 double tolerance) {
  std::vector<std::int64_t> shape;
  for (int i = 0; i < got.rank(); ++i) shape.push_back(got.dim(i));
  INFO(backend.name() << " / " << label);
  REQUIRE(shape == want.shape);
  const double err = relative_error(got, std::span<const double>(want.data));
  INFO("relative error " << err << " (tolerance " << tolerance << ")");
  CHECK(err <= tolerance);
}

}  // namespace lf::test
