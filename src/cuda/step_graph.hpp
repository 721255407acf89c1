// A decode step as a CUDA graph: the step's kernels are captured from the
// stream and replayed with one cudaGraphLaunch, so the GPU does not wait for
// the host to issue ~15 small launches per layer.
//
// The kernels take the position (RoPE offset, keys in the cache) as launch
// arguments, so every step is captured again (cheap: no GPU work) and the
// instantiated graph is updated in place with cudaGraphExecUpdate; only when
// the topology changes (attention switching its number of key splits, which
// adds a combine kernel) is it instantiated anew. Keeping the position in
// device memory would make one capture serve every step; the kernels would
// then have to read it from there.
//
// Emulated build: no graph. run() calls enqueue() directly, so the tests
// exercise the same list of kernel calls, launched one by one.
#pragma once

#include <functional>

#include "device_memory.hpp"

namespace lf::cuda::inline LF_CUDA_FLAVOUR {

class StepGraph {
 public:
  StepGraph() = default;
  ~StepGraph();
  StepGraph(const StepGraph&) = delete;
  StepGraph& operator=(const StepGraph&) = delete;

  /// Captures what `enqueue` queues on `stream` and launches it as a graph.
  void run(Stream stream, const std::function<void()>& enqueue);
  /// Graphs instantiated so far (updates in place do not count).
  int instantiations() const { return instantiations_; }

 private:
  void* exec_ = nullptr;  // cudaGraphExec_t
  int instantiations_ = 0;
};

}  // namespace lf::cuda
