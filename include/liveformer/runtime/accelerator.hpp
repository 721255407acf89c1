// An accelerator (the CUDA backend, src/cuda) as the runtime sees it: a
// model whose weights live on the device and the sequences it runs there.
// The runtime does not depend on the backend; a backend installs a loader
// here (lf::cuda::install_backend()), and lf::Generator runs on whatever
// load_accelerator() returns.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "liveformer/model/model.hpp"
#include "liveformer/runtime/sampler.hpp"

namespace lf {

/// One sequence on the device: its KV cache and activations. Used by one
/// thread at a time.
class AcceleratorSequence {
 public:
  virtual ~AcceleratorSequence() = default;

  /// Appends `tokens` at positions size(), size() + 1, ... and keeps the
  /// last one's logits on the device. Throws lf::Error, changing nothing,
  /// for a token outside the vocabulary or (kind context_full) past capacity().
  virtual void eval(std::span<const std::int32_t> tokens) = 0;
  /// The last eval()'s logits [vocab], copied to the host.
  virtual std::vector<float> logits() = 0;
  /// Whether sample() takes `params` (no penalties; the device's top_k range).
  virtual bool can_sample(const SamplingParams& params) const = 0;
  /// The next token from the last logits, picked on the device as
  /// lf::Sampler picks it given its uniform draw (Sampler::next_uniform();
  /// unused when temperature <= 0). Only the id comes back.
  virtual std::int32_t sample(const SamplingParams& params, double uniform) = 0;
  /// Forgets positions from n on (n <= size()).
  virtual void truncate(std::int64_t n) = 0;
  /// Makes this sequence hold the first `n` positions of `from`, a sequence
  /// of the same AcceleratorModel, copied on the device (no logits after).
  virtual void copy_prefix(const AcceleratorSequence& from, std::int64_t n) = 0;
  virtual std::int64_t size() const = 0;
  virtual std::int64_t capacity() const = 0;
};

/// A model's weights on the device, uploaded once and shared, read-only,
/// by every sequence opened over it (from any thread).
class AcceleratorModel {
 public:
  virtual ~AcceleratorModel() = default;
  /// The host model the weights came from (tokenizer, configuration).
  virtual const std::shared_ptr<const Model>& host_model() const = 0;
  /// "cuda: NVIDIA H100 80GB HBM3, sm_90, 79 GiB" or the emulator's line.
  virtual std::string device_name() const = 0;
  /// A new, empty sequence of `context_length` positions.
  virtual std::unique_ptr<AcceleratorSequence> open(std::int64_t context_length) const = 0;
};

/// What a backend registers: how to put a model on the device.
struct AcceleratorBackend {
  std::string name;       ///< "cuda" or "cuda (emulator)"
  bool needs_gpu = true;  ///< usable only where probe_cuda() finds a GPU (false for the emulator)
  std::function<std::shared_ptr<const AcceleratorModel>(std::shared_ptr<const Model>)> load;
};

/// Installs (or, with nullopt, removes) the backend behind device cuda and
/// returns the one it replaces. A program that links liveformer_cuda (a
/// LIVEFORMER_CUDA build) gets the real backend on first use
/// (install_builtin_backends()); the tests install the emulated one.
std::optional<AcceleratorBackend> install_cuda_backend(std::optional<AcceleratorBackend> backend);
/// The installed backend, if any (after install_builtin_backends()).
std::optional<AcceleratorBackend> cuda_backend();
/// Installs the backends linked into this program, once, unless one is
/// installed already. A no-op in a program without liveformer_cuda.
void install_builtin_backends();

/// Uploads `model` with the cuda backend (resolve_device() said it is
/// usable). Throws lf::Error (kind unsupported) when none is installed,
/// or the backend's error (an architecture or weight type it cannot run,
/// CUDA's out-of-memory message).
std::shared_ptr<const AcceleratorModel> load_accelerator(std::shared_ptr<const Model> model);

}  // namespace lf
