// Internals shared by the C API's source files: the model handle, error
// reporting, and the conversions every generation entry point uses.
#pragma once

#include <memory>
#include <new>
#include <string>

#include "liveformer/core/error.hpp"
#include "liveformer/liveformer.h"
#include "liveformer/model/model.hpp"
#include "liveformer/runtime/accelerator.hpp"
#include "liveformer/runtime/generator.hpp"

struct lf_model {
  std::shared_ptr<const lf::Model> model;
  // device cuda: the weights on the device, uploaded once, shared by every context.
  std::shared_ptr<const lf::AcceleratorModel> device;
  int32_t n_threads = 0;  // contexts' default; 0: all cores
};

namespace lf::capi {

/// Records `message` as the calling thread's lf_last_error() and returns status.
lf_status fail(lf_status status, const std::string& message);
void clear_last_error();

// Runs `body`, converting exceptions into a status and lf_last_error().
// Errors of kind `invalid` get `invalid_status` (bad arguments for most
// calls, a bad file when loading).
template <class Body>
lf_status guarded(lf_status invalid_status, Body&& body) {
  try {
    clear_last_error();
    return body();
  } catch (const lf::Error& e) {
    switch (e.kind()) {
      case lf::ErrorKind::io: return fail(LF_ERR_IO, e.what());
      case lf::ErrorKind::unsupported: return fail(LF_ERR_UNSUPPORTED, e.what());
      case lf::ErrorKind::context_full: return fail(LF_ERR_CONTEXT_FULL, e.what());
      case lf::ErrorKind::busy: return fail(LF_ERR_BUSY, e.what());
      case lf::ErrorKind::invalid: break;
    }
    return fail(invalid_status, e.what());
  } catch (const std::bad_alloc&) {
    return fail(LF_ERR_OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception& e) {
    return fail(LF_ERR_INTERNAL, std::string("internal error: ") + e.what());
  } catch (...) {
    return fail(LF_ERR_INTERNAL, "internal error: unknown exception");
  }
}

#define LF_REQUIRE(cond, message) \
  do {                            \
    if (!(cond)) return fail(LF_ERR_INVALID_ARGUMENT, (message)); \
  } while (0)

/// The KV cache's element type for an lf_kv_type from C, or false for an
/// unknown value. By reference: any int may arrive from C, and loading one
/// outside the enumerators as the enum type is undefined (UBSan's enum check).
bool kv_dtype(const lf_kv_type& type, lf::DType& out);

/// lf_generate_params (NULL: defaults) -> GenerateOptions; != LF_OK on a bad field.
lf_status to_options(const lf_generate_params* params, lf::GenerateOptions& opt);
/// Copies a result into the C struct (text malloc'ed; free with lf_generate_result_free).
lf_status fill_result(const lf::GenerateResult& r, lf_generate_result* out);

}  // namespace lf::capi
