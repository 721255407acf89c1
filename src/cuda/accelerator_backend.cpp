#include "accelerator_backend.hpp"

#include <memory>
#include <utility>

#include <liveformer/core/error.hpp>

#include "device_context.hpp"
#include "device_memory.hpp"
#include "device_model.hpp"

namespace lf::cuda::inline LF_CUDA_FLAVOUR {

namespace {

class CudaSequence final : public AcceleratorSequence {
 public:
  CudaSequence(std::shared_ptr<const DeviceModel> model, std::int64_t context_length)
      : context_(std::move(model), context_length) {}

  void eval(std::span<const std::int32_t> tokens) override { context_.eval(tokens); }
  std::vector<float> logits() override { return context_.logits(); }
  bool can_sample(const SamplingParams& p) const override {
    // Penalties need the history on the host; greedy is an argmax.
    if (p.repetition_penalty != 1.0f || p.presence_penalty != 0.0f || p.frequency_penalty != 0.0f) return false;
    return p.temperature <= 0.0f || (p.top_k >= 1 && p.top_k <= DeviceContext::kMaxSampleTopK);
  }
  std::int32_t sample(const SamplingParams& params, double uniform) override {
    return context_.sample(params, uniform);
  }
  void truncate(std::int64_t n) override { context_.truncate(n); }
  void copy_prefix(const AcceleratorSequence& from, std::int64_t n) override {
    const auto* other = dynamic_cast<const CudaSequence*>(&from);
    LF_CHECK(other != nullptr, "cuda backend", "copy_prefix: the source is not a sequence of this backend");
    context_.copy_prefix(other->context_, n);
  }
  std::int64_t size() const override { return context_.size(); }
  std::int64_t capacity() const override { return context_.capacity(); }

 private:
  DeviceContext context_;
};

class CudaModel final : public AcceleratorModel {
 public:
  explicit CudaModel(std::shared_ptr<const lf::Model> host)
      : host_(std::move(host)), device_(std::make_shared<const DeviceModel>(host_)) {}

  const std::shared_ptr<const lf::Model>& host_model() const override { return host_; }
  std::string device_name() const override { return device_->device_name(); }
  std::unique_ptr<AcceleratorSequence> open(std::int64_t context_length) const override {
    return std::make_unique<CudaSequence>(device_, context_length);
  }

 private:
  std::shared_ptr<const lf::Model> host_;
  std::shared_ptr<const DeviceModel> device_;  // the weights, shared by every sequence
};

}  // namespace

AcceleratorBackend backend() {
  AcceleratorBackend b;
  b.name = emulated_build() ? "cuda (emulator)" : "cuda";
  b.needs_gpu = !emulated_build();
  b.load = [](std::shared_ptr<const lf::Model> model) -> std::shared_ptr<const AcceleratorModel> {
    return std::make_shared<const CudaModel>(std::move(model));
  };
  return b;
}

std::optional<AcceleratorBackend> install_backend() { return install_cuda_backend(backend()); }

}  // namespace lf::cuda::inline LF_CUDA_FLAVOUR
