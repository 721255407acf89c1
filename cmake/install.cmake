# cmake --install: headers, library, CMake package config and pkg-config file.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS liveformer EXPORT liveformerTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY include/liveformer DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.hpp" PATTERN "*.h")
install(FILES ${PROJECT_BINARY_DIR}/include/liveformer/version.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/liveformer)

set(LIVEFORMER_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/liveformer)
install(EXPORT liveformerTargets NAMESPACE liveformer:: DESTINATION ${LIVEFORMER_CMAKE_DIR})
configure_package_config_file(cmake/liveformerConfig.cmake.in ${PROJECT_BINARY_DIR}/liveformerConfig.cmake
  INSTALL_DESTINATION ${LIVEFORMER_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/liveformerConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/liveformerConfig.cmake ${PROJECT_BINARY_DIR}/liveformerConfigVersion.cmake
  DESTINATION ${LIVEFORMER_CMAKE_DIR})

# The .pc file locates the prefix from its own directory, so the
# installation stays relocatable (cmake --install --prefix elsewhere).
file(RELATIVE_PATH LIVEFORMER_PC_TO_PREFIX "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
# The CUDA backend inside a LIVEFORMER_CUDA build (docs/cuda.md, "Routing").
set(LIVEFORMER_PC_CUDA_LIBS "")
if(LIVEFORMER_WITH_CUDA)
  set(LIVEFORMER_PC_CUDA_LIBS "-L${CUDAToolkit_LIBRARY_DIR} -Wl,-rpath,${CUDAToolkit_LIBRARY_DIR} -lcublas -lcublasLt -lcudart")
endif()
configure_file(cmake/liveformer.pc.in ${PROJECT_BINARY_DIR}/liveformer.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/liveformer.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
