#include "liveformer/runtime/accelerator.hpp"

#include <mutex>

#include "liveformer/core/error.hpp"

#include "builtin_backends.hpp"

namespace lf {

namespace {

struct Registry {
  std::mutex mutex;
  std::optional<AcceleratorBackend> cuda;
};

Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

std::optional<AcceleratorBackend> install_cuda_backend(std::optional<AcceleratorBackend> backend) {
  if (backend) LF_CHECK(static_cast<bool>(backend->load), "install_cuda_backend", "the backend has no loader");
  Registry& r = registry();
  const std::lock_guard<std::mutex> lock(r.mutex);
  std::swap(r.cuda, backend);
  return backend;
}

void install_builtin_backends() {
  static std::once_flag once;
  std::call_once(once, [] {
    std::optional<AcceleratorBackend> builtin = builtin_cuda_backend();
    if (!builtin) return;
    Registry& r = registry();
    const std::lock_guard<std::mutex> lock(r.mutex);
    if (!r.cuda) r.cuda = std::move(builtin);  // one installed before (the tests' emulator) stays
  });
}

std::optional<AcceleratorBackend> cuda_backend() {
  install_builtin_backends();
  Registry& r = registry();
  const std::lock_guard<std::mutex> lock(r.mutex);
  return r.cuda;
}

std::shared_ptr<const AcceleratorModel> load_accelerator(std::shared_ptr<const Model> model) {
  LF_CHECK(model != nullptr, "device cuda", "no model");
  const std::optional<AcceleratorBackend> backend = cuda_backend();
  if (!backend)
    throw_error("device cuda", "this build of liveformer has no CUDA backend (build it with -DLIVEFORMER_CUDA=ON)",
                ErrorKind::unsupported);
  std::shared_ptr<const AcceleratorModel> loaded = backend->load(std::move(model));
  LF_CHECK(loaded != nullptr, "device cuda", "the " + backend->name + " backend loaded nothing");
  return loaded;
}

}  // namespace lf
