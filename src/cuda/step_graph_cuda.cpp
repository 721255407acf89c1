// StepGraph on a real GPU (see step_graph.hpp).
#include "check.hpp"
#include "step_graph.hpp"

namespace lf::cuda::inline LF_CUDA_FLAVOUR {

StepGraph::~StepGraph() {
  if (exec_) cudaGraphExecDestroy(static_cast<cudaGraphExec_t>(exec_));
}

void StepGraph::run(Stream stream, const std::function<void()>& enqueue) {
  cudaGraph_t graph = nullptr;
  // Thread-local mode: other threads' unrelated CUDA calls stay legal.
  LF_CUDA_CHECK(cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal));
  try {
    enqueue();
  } catch (...) {
    cudaStreamEndCapture(stream, &graph);  // leave the stream usable
    if (graph) cudaGraphDestroy(graph);
    throw;
  }
  LF_CUDA_CHECK(cudaStreamEndCapture(stream, &graph));

  auto exec = static_cast<cudaGraphExec_t>(exec_);
  bool updated = false;
  if (exec) {
    cudaGraphExecUpdateResultInfo info{};
    updated = cudaGraphExecUpdate(exec, graph, &info) == cudaSuccess;
    if (!updated) {
      cudaGetLastError();  // a failed update is expected, not an error
      cudaGraphExecDestroy(exec);
      exec_ = exec = nullptr;
    }
  }
  if (!updated) {
    const cudaError_t status = cudaGraphInstantiate(&exec, graph, 0);
    if (status != cudaSuccess) cudaGraphDestroy(graph);
    LF_CUDA_CHECK(status);
    exec_ = exec;
    ++instantiations_;
  }
  const cudaError_t launched = cudaGraphLaunch(exec, stream);
  cudaGraphDestroy(graph);  // the exec keeps what it needs
  LF_CUDA_CHECK(launched);
}

}  // namespace lf::cuda
