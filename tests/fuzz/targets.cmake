# The fuzz targets and how each is compiled; shared by the libFuzzer build
# (tests/fuzz/CMakeLists.txt, tools/fuzz.sh) and the replay tests of the
# ordinary test suite (tests/fuzz/replay.cmake).
#
# Expects LIVEFORMER_ROOT (the repository root) and the liveformer::liveformer
# and nlohmann_json::nlohmann_json targets.

set(LIVEFORMER_FUZZ_DIR ${CMAKE_CURRENT_LIST_DIR})
set(LIVEFORMER_FUZZ_TARGETS gguf_file safetensors config_json bpe_encode spm_encode detokenize_stream
  chat_template product_json comment_jsonl spm_model deep_json serve_request)

# The apps' input parsers the app targets call (examples/; plain C++ over
# nlohmann_json, no model).
set(LIVEFORMER_FUZZ_APP_SOURCES
  ${LIVEFORMER_ROOT}/examples/common/app_error.cpp
  ${LIVEFORMER_ROOT}/examples/common/json_input.cpp
  ${LIVEFORMER_ROOT}/examples/common/product.cpp
  ${LIVEFORMER_ROOT}/examples/common/utf8.cpp
  ${LIVEFORMER_ROOT}/examples/comment_analysis/comments.cpp
  ${LIVEFORMER_ROOT}/examples/comment_analysis/aspects.cpp)

# liveformer_fuzz_target(TARGET NAME): the sources, includes and links of
# fuzz target NAME (tests/fuzz/fuzz_NAME.cpp) added to executable TARGET.
function(liveformer_fuzz_target target name)
  target_sources(${target} PRIVATE ${LIVEFORMER_FUZZ_DIR}/fuzz_${name}.cpp)
  target_link_libraries(${target} PRIVATE liveformer::liveformer)
  if(name STREQUAL "product_json" OR name STREQUAL "comment_jsonl")
    target_sources(${target} PRIVATE ${LIVEFORMER_FUZZ_APP_SOURCES})
    target_include_directories(${target} PRIVATE ${LIVEFORMER_ROOT}/examples)
    target_link_libraries(${target} PRIVATE nlohmann_json::nlohmann_json)
  endif()
  if(name STREQUAL "serve_request")
    # The server's body readers and a room's labelling (no model, no network).
    file(GLOB comment_core ${LIVEFORMER_ROOT}/examples/comment_analysis/*.cpp)
    list(FILTER comment_core EXCLUDE REGEX "/main\\.cpp$")
    file(GLOB app_common ${LIVEFORMER_ROOT}/examples/common/*.cpp)
    target_sources(${target} PRIVATE ${comment_core} ${app_common}
      ${LIVEFORMER_ROOT}/server/openai/api_error.cpp ${LIVEFORMER_ROOT}/server/openai/json_fields.cpp
      ${LIVEFORMER_ROOT}/server/openai/completion_request.cpp ${LIVEFORMER_ROOT}/server/rooms/room.cpp
      ${LIVEFORMER_ROOT}/server/http/wire.cpp)  # openai_error_json (Boost headers only)
    target_include_directories(${target} PRIVATE ${LIVEFORMER_ROOT}/examples ${LIVEFORMER_ROOT}/server)
    target_link_libraries(${target} PRIVATE nlohmann_json::nlohmann_json)
  endif()
  if(name STREQUAL "config_json" OR name STREQUAL "deep_json")
    target_include_directories(${target} PRIVATE ${LIVEFORMER_ROOT}/src/model)  # hf_config.hpp
  endif()
  if(name STREQUAL "deep_json" OR name STREQUAL "spm_model")
    # json_document.hpp, sentencepiece_model_check.hpp (library-private)
    target_include_directories(${target} PRIVATE ${LIVEFORMER_ROOT}/src/formats)
    target_link_libraries(${target} PRIVATE nlohmann_json::nlohmann_json)
  endif()
  # The project's warning set where there is one (it silences GCC 12's
  # false -Wrestrict reports on std::string copies).
  if(DEFINED LIVEFORMER_WARNINGS)
    target_compile_options(${target} PRIVATE ${LIVEFORMER_WARNINGS})
  else()
    target_compile_options(${target} PRIVATE -Wall -Wextra)
  endif()
  target_compile_definitions(${target} PRIVATE
    LF_FUZZ_DATA_DIR="${LIVEFORMER_ROOT}/tests/data"
    LF_FUZZ_SHARED_DIR="${LIVEFORMER_ROOT}/../shared")
endfunction()
