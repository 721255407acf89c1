#include "harness/reference.hpp"

#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>

#include "harness/compare.hpp"

namespace lf::test {
namespace {

std::int64_t product(const std::vector<std::int64_t>& s) {
  std::int64_t n = 1;
  for (std::int64_t d : s) n *= d;
  return n;
}

Array like(const Array& a) { return Array{a.shape, std::vector<double>(a.data.size())}; }

Array unary(const Array& x, const std::function<double(double)>& f) {
  Array y = like(x);
  for (std::size_t i = 0; i < x.data.size(); ++i) y.data[i] = f(x.data[i]);
  return y;
}

std::vector<std::int64_t> broadcast_shape(const std::vector<std::int64_t>& a, const std::vector<std::int64_t>& b) {
  const std::size_t r = std::max(a.size(), b.size());
  std::vector<std::int64_t> s(r);
  for (std::size_t i = 0; i < r; ++i) {
    const std::int64_t da = i + a.size() >= r ? a[i + a.size() - r] : 1;
    const std::int64_t db = i + b.size() >= r ? b[i + b.size() - r] : 1;
    s[i] = da == 1 ? db : da;
  }
  return s;
}

Array binary(const Array& a, const Array& b, const std::function<double(double, double)>& f) {
  const std::vector<std::int64_t> s = broadcast_shape(a.shape, b.shape);
  const Array ab = ref_broadcast(a, s), bb = ref_broadcast(b, s);
  Array y{s, std::vector<double>(ab.data.size())};
  for (std::size_t i = 0; i < y.data.size(); ++i) y.data[i] = f(ab.data[i], bb.data[i]);
  return y;
}

double half_to_double(std::uint16_t h) {
  const int sign = (h >> 15) & 1, exp = (h >> 10) & 31, mant = h & 1023;
  double v;
  if (exp == 0)
    v = std::ldexp(mant, -24);
  else if (exp == 31)
    v = mant ? std::numeric_limits<double>::quiet_NaN() : std::numeric_limits<double>::infinity();
  else
    v = std::ldexp(1024 + mant, exp - 25);
  return sign ? -v : v;
}

}  // namespace

Array to_array(const Tensor& t) {
  const std::vector<float> v = values(t);
  Array a;
  for (int i = 0; i < t.rank(); ++i) a.shape.push_back(t.dim(i));
  a.data.assign(v.begin(), v.end());
  return a;
}

Array ref_broadcast(const Array& a, const std::vector<std::int64_t>& shape) {
  Array y{shape, std::vector<double>(static_cast<std::size_t>(product(shape)))};
  const std::size_t lead = shape.size() - a.shape.size();
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(y.data.size()); ++i) {
    // Unravel i over `shape`, then ravel over a's shape with size-1 dims pinned to 0.
    std::int64_t rest = i, src = 0, step = 1;
    for (std::size_t d = shape.size(); d-- > 0;) {
      const std::int64_t idx = rest % shape[d];
      rest /= shape[d];
      if (d >= lead) {
        const std::int64_t own = a.shape[d - lead];
        src += (own == 1 ? 0 : idx) * step;
        step *= own;
      }
    }
    y.data[static_cast<std::size_t>(i)] = a.data[static_cast<std::size_t>(src)];
  }
  return y;
}

Array ref_matmul(const Array& a, const Array& b, bool transpose_b) {
  const std::int64_t k = a.shape.back();
  const std::int64_t n = transpose_b ? b.shape[0] : b.shape[1];
  std::vector<std::int64_t> shape = a.shape;
  shape.back() = n;
  const std::int64_t rows = product(shape) / (n == 0 ? 1 : n);
  Array y{shape, std::vector<double>(static_cast<std::size_t>(product(shape)))};
  for (std::int64_t i = 0; i < rows; ++i)
    for (std::int64_t j = 0; j < n; ++j) {
      double s = 0;
      for (std::int64_t p = 0; p < k; ++p)
        s += a.data[static_cast<std::size_t>(i * k + p)] *
             b.data[static_cast<std::size_t>(transpose_b ? j * k + p : p * n + j)];
      y.data[static_cast<std::size_t>(i * n + j)] = s;
    }
  return y;
}

double ref_matmul_condition(const Array& x, const Array& w, const Array& want) {
  Array ax = x, aw = w;
  for (double& v : ax.data) v = std::abs(v);
  for (double& v : aw.data) v = std::abs(v);
  const Array bound = ref_matmul(ax, aw, true);
  double num = 0, den = 0;
  for (double v : bound.data) num += v * v;
  for (double v : want.data) den += v * v;
  return den > 0 ? std::max(1.0, std::sqrt(num / den)) : 1.0;
}

Array ref_linear(const Array& x, const Array& w, const Array* bias) {
  Array y = ref_matmul(x, w, true);
  if (bias) y = ref_add(y, *bias);
  return y;
}

Array ref_softmax(const Array& x, double scale, const Array* mask, bool causal, std::int64_t causal_offset) {
  Array y = like(x);
  const Array m = mask ? ref_broadcast(*mask, x.shape) : Array{};
  const std::int64_t n = x.shape.back();
  const std::int64_t q = x.shape.size() >= 2 ? x.shape[x.shape.size() - 2] : 1;
  const std::int64_t rows = static_cast<std::int64_t>(x.data.size()) / (n ? n : 1);
  for (std::int64_t r = 0; r < rows; ++r) {
    std::vector<double> v(static_cast<std::size_t>(n));
    double mx = -std::numeric_limits<double>::infinity();
    for (std::int64_t j = 0; j < n; ++j) {
      double s = x.data[static_cast<std::size_t>(r * n + j)] * scale;
      if (mask) s += m.data[static_cast<std::size_t>(r * n + j)];
      if (causal && j > r % q + causal_offset) s = -std::numeric_limits<double>::infinity();
      v[static_cast<std::size_t>(j)] = s;
      mx = std::max(mx, s);
    }
    double sum = 0;
    for (double& s : v) sum += (s = std::isinf(mx) ? 0.0 : std::exp(s - mx));
    for (std::int64_t j = 0; j < n; ++j)
      y.data[static_cast<std::size_t>(r * n + j)] = sum > 0 ? v[static_cast<std::size_t>(j)] / sum : 0.0;
  }
  return y;
}

Array ref_layer_norm(const Array& x, const Array& w, const Array* b, double eps) {
  Array y = like(x);
  const std::int64_t d = x.shape.back();
  for (std::size_t r = 0; r < x.data.size() / static_cast<std::size_t>(d); ++r) {
    const double* in = &x.data[r * static_cast<std::size_t>(d)];
    double mean = 0, var = 0;
    for (std::int64_t j = 0; j < d; ++j) mean += in[j];
    mean /= static_cast<double>(d);
    for (std::int64_t j = 0; j < d; ++j) var += (in[j] - mean) * (in[j] - mean);
    var /= static_cast<double>(d);
    for (std::int64_t j = 0; j < d; ++j)
      y.data[r * static_cast<std::size_t>(d) + static_cast<std::size_t>(j)] =
          (in[j] - mean) / std::sqrt(var + eps) * w.data[static_cast<std::size_t>(j)] +
          (b ? b->data[static_cast<std::size_t>(j)] : 0.0);
  }
  return y;
}

Array ref_rms_norm(const Array& x, const Array& w, double eps) {
  Array y = like(x);
  const std::int64_t d = x.shape.back();
  for (std::size_t r = 0; r < x.data.size() / static_cast<std::size_t>(d); ++r) {
    const double* in = &x.data[r * static_cast<std::size_t>(d)];
    double ss = 0;
    for (std::int64_t j = 0; j < d; ++j) ss += in[j] * in[j];
    const double inv = 1.0 / std::sqrt(ss / static_cast<double>(d) + eps);
    for (std::int64_t j = 0; j < d; ++j)
      y.data[r * static_cast<std::size_t>(d) + static_cast<std::size_t>(j)] = in[j] * inv * w.data[static_cast<std::size_t>(j)];
  }
  return y;
}

Array ref_gelu_tanh(const Array& x) {
  return unary(x, [](double v) {
    return 0.5 * v * (1.0 + std::tanh(std::sqrt(2.0 / M_PI) * (v + 0.044715 * v * v * v)));
  });
}

Array ref_gelu_erf(const Array& x) {
  return unary(x, [](double v) { return 0.5 * v * (1.0 + std::erf(v / std::sqrt(2.0))); });
}

Array ref_silu(const Array& x) {
  return unary(x, [](double v) { return v / (1.0 + std::exp(-v)); });
}

Array ref_swiglu(const Array& gate, const Array& up) {
  return binary(gate, up, [](double g, double u) { return g / (1.0 + std::exp(-g)) * u; });
}

Array ref_add(const Array& a, const Array& b) {
  return binary(a, b, [](double x, double y) { return x + y; });
}

Array ref_mul(const Array& a, const Array& b) {
  return binary(a, b, [](double x, double y) { return x * y; });
}

Array ref_embedding(const Array& table, const std::vector<std::int32_t>& ids) {
  const std::int64_t d = table.shape[1];
  Array y{{static_cast<std::int64_t>(ids.size()), d}, {}};
  for (std::int32_t id : ids)
    for (std::int64_t j = 0; j < d; ++j) y.data.push_back(table.data[static_cast<std::size_t>(id * d + j)]);
  return y;
}

Array ref_decode(const Tensor& table) {
  Array y;
  for (int i = 0; i < table.rank(); ++i) y.shape.push_back(table.dim(i));
  const std::int64_t n = table.numel();
  const auto* p = reinterpret_cast<const std::uint8_t*>(table.bytes());
  auto u16 = [&](std::int64_t byte) { return static_cast<std::uint16_t>(p[byte] | (p[byte + 1] << 8)); };
  for (std::int64_t i = 0; i < n; ++i) {
    double v = 0;
    switch (table.dtype()) {
      case DType::f32: {
        float f;
        std::memcpy(&f, p + 4 * i, 4);
        v = f;
        break;
      }
      case DType::f16: v = half_to_double(u16(2 * i)); break;
      case DType::bf16: {
        const std::uint32_t bits = static_cast<std::uint32_t>(u16(2 * i)) << 16;
        float f;
        std::memcpy(&f, &bits, 4);
        v = f;
        break;
      }
      case DType::q8_0: {  // [f16 scale][32 x int8]
        const std::int64_t blk = i / 32 * 34;
        v = half_to_double(u16(blk)) * static_cast<std::int8_t>(p[blk + 2 + i % 32]);
        break;
      }
      case DType::q4_0: {  // [f16 scale][16 bytes: low nibbles = 0..15, high = 16..31]
        const std::int64_t blk = i / 32 * 18, j = i % 32;
        const int q = j < 16 ? (p[blk + 2 + j] & 15) : (p[blk + 2 + j - 16] >> 4);
        v = half_to_double(u16(blk)) * (q - 8);
        break;
      }
      default:  // the read-only block types are checked against gguf-py's golden files instead
        FAIL("ref_decode has no decoder for " << dtype_name(table.dtype()));
    }
    y.data.push_back(v);
  }
  return y;
}

Array ref_rope(const Array& x, bool interleaved, double theta, std::int64_t rotary_dim,
               const std::vector<std::int64_t>& positions) {
  Array y = x;
  const std::int64_t t_len = x.shape[0], heads = x.shape[1], d = x.shape[2];
  const std::int64_t rot = rotary_dim ? rotary_dim : d;
  for (std::int64_t t = 0; t < t_len; ++t)
    for (std::int64_t h = 0; h < heads; ++h)
      for (std::int64_t i = 0; i < rot / 2; ++i) {
        const double angle = static_cast<double>(positions[static_cast<std::size_t>(t)]) *
                             std::pow(theta, -2.0 * static_cast<double>(i) / static_cast<double>(rot));
        const std::int64_t base = (t * heads + h) * d;
        const std::int64_t a = base + (interleaved ? 2 * i : i);
        const std::int64_t b = base + (interleaved ? 2 * i + 1 : i + rot / 2);
        const double x0 = x.data[static_cast<std::size_t>(a)], x1 = x.data[static_cast<std::size_t>(b)];
        y.data[static_cast<std::size_t>(a)] = x0 * std::cos(angle) - x1 * std::sin(angle);
        y.data[static_cast<std::size_t>(b)] = x0 * std::sin(angle) + x1 * std::cos(angle);
      }
  return y;
}

Array ref_attention(const Array& q, const Array& k, const Array& v, double scale, bool causal,
                    std::int64_t causal_offset, const Array* mask) {
  const std::int64_t tq = q.shape[0], hq = q.shape[1], d = q.shape[2];
  const std::int64_t tk = k.shape[0], hkv = k.shape[1], dv = v.shape[2];
  const Array m = mask ? ref_broadcast(*mask, {hq, tq, tk}) : Array{};
  Array out{{tq, hq, dv}, std::vector<double>(static_cast<std::size_t>(tq * hq * dv))};
  for (std::int64_t h = 0; h < hq; ++h) {
    const std::int64_t g = h / (hq / hkv);
    for (std::int64_t i = 0; i < tq; ++i) {
      std::vector<double> s(static_cast<std::size_t>(tk));
      double mx = -std::numeric_limits<double>::infinity();
      for (std::int64_t j = 0; j < tk; ++j) {
        double dot = 0;
        for (std::int64_t c = 0; c < d; ++c)
          dot += q.data[static_cast<std::size_t>((i * hq + h) * d + c)] * k.data[static_cast<std::size_t>((j * hkv + g) * d + c)];
        dot *= scale;
        if (mask) dot += m.data[static_cast<std::size_t>((h * tq + i) * tk + j)];
        if (causal && j > i + causal_offset) dot = -std::numeric_limits<double>::infinity();
        s[static_cast<std::size_t>(j)] = dot;
        mx = std::max(mx, dot);
      }
      double sum = 0;
      for (double& e : s) sum += (e = std::isinf(mx) ? 0.0 : std::exp(e - mx));
      for (std::int64_t c = 0; c < dv; ++c) {
        double acc = 0;
        for (std::int64_t j = 0; j < tk; ++j)
          acc += s[static_cast<std::size_t>(j)] * v.data[static_cast<std::size_t>((j * hkv + g) * dv + c)];
        out.data[static_cast<std::size_t>((i * hq + h) * dv + c)] = sum > 0 ? acc / sum : 0.0;
      }
    }
  }
  return out;
}

Tensor random_tensor(const Shape& shape, std::mt19937& rng, float lo, float hi) {
  std::uniform_real_distribution<float> dist(lo, hi);
  Tensor t = Tensor::empty(shape);
  for (std::int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

std::mt19937 rng_for(const std::string& label) {
  std::seed_seq seq{static_cast<unsigned>(Catch::rngSeed()), static_cast<unsigned>(std::hash<std::string>{}(label))};
  return std::mt19937(seq);
}

}  // namespace lf::test
