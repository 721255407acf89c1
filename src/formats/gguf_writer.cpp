// lf::GgufWriter: serializes metadata and tensors as a GGUF version 3 file.
#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <utility>

#include "liveformer/formats/gguf.hpp"

namespace lf {

static_assert(std::endian::native == std::endian::little,
              "the GGUF writer copies host integers directly as little-endian fields");

namespace {

constexpr std::uint64_t kMaxInt64 = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

std::uint64_t align_up(std::uint64_t x, std::uint64_t alignment) { return (x + alignment - 1) / alignment * alignment; }

// Appends to a byte vector.
struct VectorSink {
  std::vector<std::byte>& out;
  void write(const void* p, std::size_t n) {
    const auto* b = static_cast<const std::byte*>(p);
    out.insert(out.end(), b, b + n);
  }
  std::uint64_t position() const { return out.size(); }
};

// Writes to a stdio file, failing with the path and errno.
struct FileSink {
  std::FILE* f;
  const std::string& path;
  std::uint64_t pos = 0;
  void write(const void* p, std::size_t n) {
    if (n && std::fwrite(p, 1, n, f) != n) throw_error(path, std::string("write failed: ") + std::strerror(errno));
    pos += n;
  }
  std::uint64_t position() const { return pos; }
};

template <class Sink>
void put_zeros(Sink& sink, std::uint64_t n) {
  static constexpr std::byte zeros[256] = {};
  while (n) {
    const std::size_t k = static_cast<std::size_t>(std::min<std::uint64_t>(n, sizeof zeros));
    sink.write(zeros, k);
    n -= k;
  }
}

template <class Sink, class T>
void put(Sink& sink, T v) {
  sink.write(&v, sizeof v);
}

template <class Sink>
void put_string(Sink& sink, const std::string& s) {
  put<Sink, std::uint64_t>(sink, s.size());
  sink.write(s.data(), s.size());
}

template <class Sink>
void put_array(Sink& sink, const GgufArray& a);

template <class Sink>
void put_value(Sink& sink, const GgufValue& v) {
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::string>) put_string(sink, x);
        else if constexpr (std::is_same_v<T, GgufArray>) put_array(sink, x);
        else if constexpr (std::is_same_v<T, bool>) put<Sink, std::uint8_t>(sink, x ? 1 : 0);
        else put(sink, x);
      },
      v.storage());
}

// Element type, count, elements (nested arrays carry their own headers).
template <class Sink>
void put_array(Sink& sink, const GgufArray& a) {
  put<Sink, std::uint32_t>(sink, static_cast<std::uint32_t>(a.element_type()));
  put<Sink, std::uint64_t>(sink, a.size());
  std::visit(
      [&](const auto& items) {
        using T = typename std::decay_t<decltype(items)>::value_type;
        if constexpr (std::is_same_v<T, std::string>) {
          for (const std::string& s : items) put_string(sink, s);
        } else if constexpr (std::is_same_v<T, GgufArray>) {
          for (const GgufArray& inner : items) put_array(sink, inner);
        } else if constexpr (std::is_same_v<T, bool>) {
          for (bool b : items) put<Sink, std::uint8_t>(sink, b ? 1 : 0);
        } else {
          sink.write(items.data(), items.size() * sizeof(T));
        }
      },
      a.items);
}

void check_alignment(std::uint64_t a) {
  LF_CHECK(a != 0 && std::has_single_bit(a), "GgufWriter", "alignment " + std::to_string(a) + " is not a power of two");
}

}  // namespace

GgufWriter::GgufWriter(std::uint32_t alignment) : alignment_(alignment) { check_alignment(alignment); }

void GgufWriter::set(std::string key, GgufValue value) {
  if (key == "general.alignment") {
    // Kept as the writer's alignment so the header and the layout agree.
    const auto* a = value.get_if<std::uint32_t>();
    LF_CHECK(a != nullptr, "GgufWriter", "general.alignment must be uint32, got " + value.type_name());
    check_alignment(*a);
    alignment_ = *a;
    return;
  }
  for (GgufKeyValue& kv : kv_) {
    if (kv.key == key) {
      kv.value = std::move(value);
      return;
    }
  }
  kv_.push_back({std::move(key), std::move(value)});
}

void GgufWriter::check_new_tensor_name(const std::string& name) const {
  for (const PendingTensor& t : tensors_) {
    LF_CHECK(t.name != name, "GgufWriter", "duplicate tensor name '" + name + "'");
  }
}

void GgufWriter::add_tensor(std::string name, const Tensor& tensor) {
  check_new_tensor_name(name);
  LF_CHECK(tensor.rank() >= 1, "GgufWriter",
        "tensor '" + name + "' has rank 0; GGUF needs 1 to 4 dimensions (reshape it to [1])");
  PendingTensor t{std::move(name), tensor.rank(), {}, ggml_type_of(tensor.dtype()), tensor, {}, {}};
  for (int i = 0; i < tensor.rank(); ++i) t.ne[static_cast<std::size_t>(i)] = static_cast<std::uint64_t>(tensor.dim(-1 - i));
  tensors_.push_back(std::move(t));
}

void GgufWriter::add_raw_tensor(std::string name, std::uint32_t ggml_type, std::span<const std::uint64_t> ne,
                                std::span<const std::byte> data, std::shared_ptr<const void> keep_alive) {
  check_new_tensor_name(name);
  const GgmlTypeInfo* info = ggml_type_info(ggml_type);
  LF_CHECK(info != nullptr, "GgufWriter", "tensor '" + name + "': unknown ggml type " + std::to_string(ggml_type));
  LF_CHECK(!ne.empty() && ne.size() <= 4, "GgufWriter",
        "tensor '" + name + "': " + std::to_string(ne.size()) + " dimensions (must be 1 to 4)");
  std::uint64_t n = 1;
  for (std::uint64_t d : ne) {
    LF_CHECK(d <= kMaxInt64 && (d == 0 || n <= kMaxInt64 / d), "GgufWriter",
          "tensor '" + name + "': element count overflows int64");
    n *= d;
  }
  LF_CHECK(ne[0] % info->block_size == 0, "GgufWriter",
        "tensor '" + name + "': ne[0] = " + std::to_string(ne[0]) + " is not a multiple of the " +
            std::string(info->name) + " block size " + std::to_string(info->block_size));
  const std::uint64_t bytes = n / info->block_size * info->block_bytes;
  LF_CHECK(bytes == data.size(), "GgufWriter",
        "tensor '" + name + "': " + std::to_string(data.size()) + " bytes given, " + std::string(info->name) +
            " data of this shape needs " + std::to_string(bytes));
  PendingTensor t{std::move(name), static_cast<int>(ne.size()), {}, ggml_type, {}, data, std::move(keep_alive)};
  for (std::size_t i = 0; i < ne.size(); ++i) t.ne[i] = ne[i];
  tensors_.push_back(std::move(t));
}

template <class Sink>
void GgufWriter::emit(Sink& sink) const {
  const bool write_alignment = alignment_ != GgufFile::kDefaultAlignment;

  sink.write("GGUF", 4);
  put<Sink, std::uint32_t>(sink, 3);
  put<Sink, std::uint64_t>(sink, tensors_.size());
  put<Sink, std::uint64_t>(sink, kv_.size() + (write_alignment ? 1 : 0));

  if (write_alignment) {
    put_string(sink, std::string("general.alignment"));
    put<Sink, std::uint32_t>(sink, static_cast<std::uint32_t>(GgufType::u32));
    put<Sink, std::uint32_t>(sink, alignment_);
  }
  for (const GgufKeyValue& kv : kv_) {
    put_string(sink, kv.key);
    put<Sink, std::uint32_t>(sink, static_cast<std::uint32_t>(kv.value.type()));
    put_value(sink, kv.value);
  }

  // Each tensor starts at the next aligned offset of the data section.
  std::vector<std::uint64_t> offsets, sizes;
  std::uint64_t end = 0;
  for (const PendingTensor& t : tensors_) {
    // Raw tensors leave `tensor` undefined; added Tensors always have rank >= 1.
    const std::uint64_t size = t.tensor.defined() ? static_cast<std::uint64_t>(t.tensor.nbytes()) : t.raw.size();
    offsets.push_back(align_up(end, alignment_));
    sizes.push_back(size);
    end = offsets.back() + size;
  }
  for (std::size_t i = 0; i < tensors_.size(); ++i) {
    const PendingTensor& t = tensors_[i];
    put_string(sink, t.name);
    put<Sink, std::uint32_t>(sink, static_cast<std::uint32_t>(t.n_dims));
    for (int d = 0; d < t.n_dims; ++d) put<Sink, std::uint64_t>(sink, t.ne[static_cast<std::size_t>(d)]);
    put<Sink, std::uint32_t>(sink, t.ggml_type);
    put<Sink, std::uint64_t>(sink, offsets[i]);
  }
  if (tensors_.empty()) return;  // nothing to align for, like vocabulary-only files

  const std::uint64_t data_start = align_up(sink.position(), alignment_);
  put_zeros(sink, data_start - sink.position());
  for (std::size_t i = 0; i < tensors_.size(); ++i) {
    const PendingTensor& t = tensors_[i];
    put_zeros(sink, data_start + offsets[i] - sink.position());
    if (t.tensor.defined()) {
      if (sizes[i] == 0) continue;
      const Tensor c = t.tensor.contiguous();  // copies only strided views
      sink.write(c.bytes(), sizes[i]);
    } else {
      sink.write(t.raw.data(), t.raw.size());
    }
  }
  // Pad the last tensor too, as ggml's and gguf-py's writers do.
  put_zeros(sink, align_up(sink.position(), alignment_) - sink.position());
}

std::vector<std::byte> GgufWriter::to_bytes() const {
  std::vector<std::byte> out;
  VectorSink sink{out};
  emit(sink);
  return out;
}

void GgufWriter::write(const std::string& path) const {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) throw_error(path, std::string("cannot create: ") + std::strerror(errno));
  try {
    FileSink sink{f, path};
    emit(sink);
  } catch (...) {
    std::fclose(f);
    std::remove(path.c_str());  // no half-written model left behind
    throw;
  }
  if (std::fclose(f) != 0) {
    const std::string err = std::strerror(errno);
    std::remove(path.c_str());
    throw_error(path, "write failed: " + err);
  }
}

}  // namespace lf
