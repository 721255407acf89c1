// StepGraph for the emulated build: no capture, the kernels run as they are
// queued (see step_graph.hpp).
#include "step_graph.hpp"

namespace lf::cuda::inline LF_CUDA_FLAVOUR {

StepGraph::~StepGraph() = default;

void StepGraph::run(Stream, const std::function<void()>& enqueue) { enqueue(); }

}  // namespace lf::cuda
