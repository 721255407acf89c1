// Tensor storage, views and copies.
#include <catch2/catch.hpp>
#include <cstdint>
#include <numeric>

#include <liveformer/core/eigen.hpp>
#include <liveformer/core/tensor.hpp>

using namespace lf;
using Catch::Contains;

namespace {

Tensor iota(const Shape& s) {
  Tensor t = Tensor::empty(s);
  std::iota(t.data<float>(), t.data<float>() + t.numel(), 0.0f);
  return t;
}

float at(const Tensor& t, std::initializer_list<std::int64_t> idx) {
  std::int64_t off = 0;
  int i = 0;
  for (std::int64_t v : idx) off += v * t.stride(i++);
  return t.data<float>()[off];
}

}  // namespace

TEST_CASE("owning tensors are 64-byte aligned and contiguous", "[core][tensor]") {
  for (const Shape& s : {Shape{}, Shape{1}, Shape{3, 7}, Shape{2, 3, 5, 7}, Shape{0, 4}}) {
    const Tensor t = Tensor::empty(s);
    CHECK(reinterpret_cast<std::uintptr_t>(t.bytes()) % 64 == 0);
    CHECK(t.is_contiguous());
    CHECK(t.numel() == s.numel());
    CHECK(t.defined());
  }
  CHECK_FALSE(Tensor().defined());
  const Tensor z = Tensor::zeros({5, 3}, DType::f16);
  CHECK(z.nbytes() == 30);
  for (std::int64_t i = 0; i < 15; ++i) CHECK(z.data<std::uint16_t>()[i] == 0);
  CHECK(Tensor::empty({2, 64}, DType::q8_0).nbytes() == 2 * 2 * 34);
  CHECK(Tensor::empty({3, 32}, DType::q4_0).nbytes() == 3 * 18);
}

TEST_CASE("views share storage and index correctly", "[core][tensor]") {
  const Tensor t = iota({2, 3, 4});
  CHECK(t.stride(0) == 12);
  CHECK(t.stride(-1) == 1);

  const Tensor s = t.slice(2, 1, 2);  // [2,3,2]
  CHECK(s.shape() == Shape{2, 3, 2});
  CHECK_FALSE(s.is_contiguous());
  CHECK(at(s, {1, 2, 0}) == 1 * 12 + 2 * 4 + 1);

  const Tensor row = t.select(0, 1);  // [3,4]
  CHECK(row.shape() == Shape{3, 4});
  CHECK(row.is_contiguous());
  CHECK(at(row, {0, 0}) == 12);

  const Tensor tr = t.transpose(0, 2);  // [4,3,2]
  CHECK(tr.shape() == Shape{4, 3, 2});
  CHECK(at(tr, {3, 1, 1}) == 1 * 12 + 1 * 4 + 3);

  const Tensor r = t.reshape({6, 4});
  CHECK(at(r, {5, 3}) == 23);
  t.data<float>()[23] = -1;  // shared storage
  CHECK(at(r, {5, 3}) == -1);

  const Tensor b = Tensor::from(std::vector<float>{1, 2, 3}, {3, 1}).broadcast_to({2, 3, 4});
  CHECK(b.stride(0) == 0);
  CHECK(b.stride(2) == 0);
  CHECK(at(b, {1, 2, 3}) == 3);
}

TEST_CASE("clone and copy_from make contiguous copies of strided views", "[core][tensor]") {
  const Tensor t = iota({3, 5});
  const Tensor c = t.transpose(0, 1).clone();  // [5,3]
  REQUIRE(c.is_contiguous());
  for (std::int64_t i = 0; i < 5; ++i)
    for (std::int64_t j = 0; j < 3; ++j) CHECK(c.data<float>()[i * 3 + j] == static_cast<float>(j * 5 + i));
  const Tensor b = Tensor::from(std::vector<float>{7, 8}, {2}).broadcast_to({3, 2}).clone();
  CHECK(b.data<float>()[4] == 7);
  CHECK(b.data<float>()[5] == 8);
  Tensor dst = Tensor::empty({2, 2});
  CHECK_THROWS_WITH(dst.copy_from(t), Contains("copy_from") && Contains("f32[3,5]") && Contains("f32[2,2]"));
}

TEST_CASE("wrap views external memory and keeps its owner alive", "[core][tensor]") {
  auto owner = std::make_shared<std::vector<float>>(std::vector<float>{1, 2, 3, 4, 5, 6});
  Tensor t = Tensor::wrap(owner->data(), {2, 3}, DType::f32, owner);
  std::weak_ptr<std::vector<float>> weak = owner;
  owner.reset();
  CHECK_FALSE(weak.expired());
  CHECK(at(t, {1, 2}) == 6);
  t = Tensor();
  CHECK(weak.expired());
}

TEST_CASE("Eigen maps see the tensor's memory", "[core][tensor]") {
  Tensor t = iota({3, 4});
  MatrixMap m = as_matrix(t.slice(1, 1, 2));
  CHECK(m.rows() == 3);
  CHECK(m.cols() == 2);
  CHECK(m(2, 1) == 10);
  m(0, 0) = 100;
  CHECK(t.data<float>()[1] == 100);
  CHECK(as_vector(t).sum() == Approx(66 - 1 + 100));
  CHECK_THROWS_WITH(as_matrix(t.transpose(0, 1)), Contains("as_matrix") && Contains("strided"));
}

TEST_CASE("bad shapes, indices and dtypes throw clear errors", "[core][tensor][errors]") {
  const Tensor t = iota({2, 3});
  CHECK_THROWS_WITH(t.reshape({4, 2}), Contains("reshape") && Contains("[2,3]") && Contains("[4,2]"));
  CHECK_THROWS_WITH(t.transpose(0, 1).reshape({6}), Contains("contiguous"));
  CHECK_THROWS_WITH(t.slice(1, 2, 2), Contains("slice") && Contains("[2, 4)") && Contains("[2,3]"));
  CHECK_THROWS_WITH(t.select(0, 2), Contains("select") && Contains("index 2"));
  CHECK_THROWS_WITH(t.dim(2), Contains("dimension 2 out of range for [2,3]"));
  CHECK_THROWS_WITH(t.broadcast_to({3, 3}), Contains("broadcast") && Contains("[2,3]") && Contains("[3,3]"));
  CHECK_THROWS_WITH(t.data<std::uint16_t>(), Contains("f32"));
  CHECK_THROWS_WITH(Tensor::empty({2, 31}, DType::q8_0), Contains("multiple of 32") && Contains("[2,31]"));
  CHECK_THROWS_WITH(Tensor::empty({2, 64}, DType::q4_0).slice(1, 16, 32), Contains("block-aligned"));
  CHECK_THROWS_WITH((Shape{1, 2, 3, 4, 5}), Contains("rank 5"));
  CHECK_THROWS_WITH((Shape{-1}), Contains("negative"));
  CHECK_THROWS_WITH((Shape{1LL << 40, 1LL << 40}.numel()), Contains("overflows"));
  CHECK_THROWS_WITH(Tensor::from(std::vector<float>{1, 2}, {3}), Contains("2 values for shape [3]"));
}
