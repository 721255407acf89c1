# Resolves LIVEFORMER_CUDA (AUTO|ON|OFF) to LIVEFORMER_WITH_CUDA.
include(CheckLanguage)
set(LIVEFORMER_WITH_CUDA OFF)
if(NOT LIVEFORMER_CUDA STREQUAL "OFF")
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    set(LIVEFORMER_WITH_CUDA ON)
  elseif(LIVEFORMER_CUDA STREQUAL "ON")
    message(FATAL_ERROR "LIVEFORMER_CUDA=ON but no CUDA compiler (nvcc) was found")
  endif()
endif()
message(STATUS "liveformer: CUDA backend ${LIVEFORMER_WITH_CUDA} (LIVEFORMER_CUDA=${LIVEFORMER_CUDA})")
if(LIVEFORMER_WITH_CUDA)
  # At the top level: libliveformer links the backend's CUDA libraries
  # (src/cuda) and the install files name their directory (install.cmake).
  find_package(CUDAToolkit REQUIRED)
endif()
