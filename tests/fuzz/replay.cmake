# Replay tests (included by tests/CMakeLists.txt): every fuzz target built
# with replay_main.cpp instead of libFuzzer, run once over its committed
# seed corpus (tests/fuzz/corpus/NAME/) and crash inputs
# (tests/fuzz/crashes/NAME-*), so fixed crashes stay fixed in every build,
# including the ASan/UBSan one. Fuzzing itself is tools/fuzz.sh.
set(LIVEFORMER_ROOT ${PROJECT_SOURCE_DIR})
include(${CMAKE_CURRENT_LIST_DIR}/targets.cmake)
foreach(name ${LIVEFORMER_FUZZ_TARGETS})
  add_executable(fuzz_replay_${name} ${LIVEFORMER_FUZZ_DIR}/replay_main.cpp)
  liveformer_fuzz_target(fuzz_replay_${name} ${name})
  add_test(NAME "fuzz_replay: ${name}"
    COMMAND fuzz_replay_${name} ${LIVEFORMER_FUZZ_DIR}/corpus/${name}
      --prefix ${name}- ${LIVEFORMER_FUZZ_DIR}/crashes)
endforeach()
