# The concurrency soak (included by tests/CMakeLists.txt). The ctest entry
# is the short version (a few seconds on the tiny Llama test model; the
# TSan build runs it too); the 10-minute run is a documented command
# (docs/reliability.md).
find_package(Threads REQUIRED)
add_executable(liveformer_soak ${CMAKE_CURRENT_LIST_DIR}/soak.cpp)
target_link_libraries(liveformer_soak PRIVATE liveformer::liveformer Threads::Threads)
liveformer_executable_flags(liveformer_soak)
add_test(NAME "soak: short"
  COMMAND liveformer_soak ${CMAKE_CURRENT_SOURCE_DIR}/data/models/llama --threads 8 --seconds 2)
set_tests_properties("soak: short" PROPERTIES TIMEOUT 600)
