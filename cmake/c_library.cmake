# libliveformer_c.so: the C API (include/liveformer/liveformer.h) as a shared
# library for C programs and FFIs (ctypes, cffi, JNA, Go's cgo). It exports
# only lf_* symbols (src/capi/liveformer_c.map) and needs the C++ runtime
# only through its own dependencies, so a C program links it with
# `-lliveformer_c` alone. The C API sources are compiled into it; the rest of
# the library comes from the static libliveformer (position-independent).
add_library(liveformer_c SHARED src/capi/c_api.cpp src/capi/c_api_scheduler.cpp)
add_library(liveformer::liveformer_c ALIAS liveformer_c)
target_include_directories(liveformer_c INTERFACE
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
  $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/include>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
target_link_libraries(liveformer_c PRIVATE liveformer)
liveformer_link_backends(liveformer_c)
liveformer_executable_flags(liveformer_c)
set(LIVEFORMER_C_MAP ${PROJECT_SOURCE_DIR}/src/capi/liveformer_c.map)
target_link_options(liveformer_c PRIVATE "LINKER:--version-script=${LIVEFORMER_C_MAP}")
# Every symbol must resolve inside the library or its dependencies, except in
# sanitizer builds: clang leaves the sanitizer runtime to the executable.
if(NOT CMAKE_CXX_FLAGS MATCHES "-fsanitize")
  target_link_options(liveformer_c PRIVATE "LINKER:--no-undefined")
endif()
set_target_properties(liveformer_c PROPERTIES
  VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR}
  LINK_DEPENDS ${LIVEFORMER_C_MAP})
if(LIVEFORMER_WITH_CUDA)
  # The installed library finds cuBLAS and cudart where this build found them.
  set_target_properties(liveformer_c PROPERTIES INSTALL_RPATH "${CUDAToolkit_LIBRARY_DIR}")
endif()
