# cmake --install: headers, the libraries, the CMake package config (with
# components) and the pkg-config files.
#
#   library              CMake                                   pkg-config
#   libliveformer_c.so   find_package(liveformer COMPONENTS c)   liveformer_c
#     the C API alone, shared, lf_* symbols only; usable from project(x C)
#   libliveformer.a      find_package(liveformer)  (component cxx)  liveformer
#     the C++ API (C++20), static
#   libliveformer_cuda.a find_package(liveformer COMPONENTS cuda)  liveformer-cuda
#     the CUDA backend for the static library (only in a CUDA build); a
#     program that does not link it needs no CUDA libraries
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(LIVEFORMER_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/liveformer)

install(TARGETS liveformer EXPORT liveformerTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT liveformerTargets NAMESPACE liveformer:: DESTINATION ${LIVEFORMER_CMAKE_DIR})

install(TARGETS liveformer_c EXPORT liveformer_cTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT liveformer_cTargets NAMESPACE liveformer:: DESTINATION ${LIVEFORMER_CMAKE_DIR})

if(LIVEFORMER_WITH_CUDA)
  set_target_properties(liveformer_cuda PROPERTIES EXPORT_NAME cuda)
  install(TARGETS liveformer_cuda EXPORT liveformer_cudaTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(EXPORT liveformer_cudaTargets NAMESPACE liveformer:: DESTINATION ${LIVEFORMER_CMAKE_DIR})
endif()

install(DIRECTORY include/liveformer DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.hpp" PATTERN "*.h")
install(FILES ${PROJECT_BINARY_DIR}/include/liveformer/version.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/liveformer)

configure_package_config_file(cmake/liveformerConfig.cmake.in ${PROJECT_BINARY_DIR}/liveformerConfig.cmake
  INSTALL_DESTINATION ${LIVEFORMER_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/liveformerConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/liveformerConfig.cmake ${PROJECT_BINARY_DIR}/liveformerConfigVersion.cmake
  DESTINATION ${LIVEFORMER_CMAKE_DIR})

# The .pc files locate the prefix from their own directory, so the
# installation stays relocatable (cmake --install --prefix elsewhere).
file(RELATIVE_PATH LIVEFORMER_PC_TO_PREFIX "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
set(LIVEFORMER_PC_FILES liveformer liveformer_c)
if(LIVEFORMER_WITH_CUDA)
  list(APPEND LIVEFORMER_PC_FILES liveformer-cuda)
endif()
foreach(pc IN LISTS LIVEFORMER_PC_FILES)
  configure_file(cmake/${pc}.pc.in ${PROJECT_BINARY_DIR}/${pc}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/${pc}.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endforeach()
