// Options several commands share: weight types, load options, threads.
#pragma once

#include <optional>
#include <string>

#include "args.hpp"
#include "liveformer/core/dtype.hpp"
#include "liveformer/model/forward.hpp"
#include "liveformer/model/model.hpp"
#include "liveformer/runtime/device.hpp"

namespace lf::cli {

inline DType parse_weight_type(const std::string& option, const std::string& name) {
  if (const std::optional<DType> t = dtype_from_name(name)) return *t;
  throw_error("arguments", option + " must be f32, f16, bf16, q8_0 or q4_0, got '" + name + "'");
}

/// --quantize TYPE, --no-check-finite and --no-pack.
inline LoadOptions load_options(Args& a) {
  LoadOptions o;
  const std::string q = a.value("--quantize", "");
  if (!q.empty()) o.quantize = parse_weight_type("--quantize", q);
  o.check_finite = !a.flag("--no-check-finite");
  o.pack = !a.flag("--no-pack");
  return o;
}

/// -t N (decode threads) and -tb N (prefill threads, default: -t's value);
/// 0 means one per hardware thread.
inline ThreadCounts thread_counts(Args& a) {
  const long long t = a.integer("-t", 0, 0, 1024);
  const long long tb = a.integer("-tb", t, 0, 1024);
  return {static_cast<int>(t), static_cast<int>(tb)};
}

/// --kv-type f32|f16|bf16|q8_0 (default f32).
inline DType kv_type(Args& a) {
  const std::string v = a.value("--kv-type", "f32");
  const std::optional<DType> t = dtype_from_name(v);
  if (t && (*t == DType::f32 || *t == DType::f16 || *t == DType::bf16 || *t == DType::q8_0)) return *t;
  throw_error("arguments", "--kv-type must be f32, f16, bf16 or q8_0, got '" + v + "'");
}

/// --device cpu|cuda|auto (default cpu), resolved by lf::resolve_device:
/// cuda is an error carrying the driver's message where it cannot be
/// served; auto is cuda where it can, else the CPU.
inline Device device(Args& a) {
  const std::string v = a.value("--device", "cpu");
  const std::optional<Device> d = device_from_name(v);
  if (!d) throw_error("arguments", "--device must be cpu, cuda or auto, got '" + v + "'");
  return *d;
}

}  // namespace lf::cli
