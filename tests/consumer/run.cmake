# Installs the built liveformer into a scratch prefix and uses it as users
# would (docs/c-api.md, "Linking"):
#  - C++: tests/consumer with find_package, then with pkg-config's flags;
#    a CPU-only program needs no CUDA package or library, even from a CUDA
#    build; with the `cuda` component it gets the backend (CUDA builds);
#  - C: tests/consumer/c, a project with only the C language enabled, and
#    the same file built with pkg-config's liveformer_c flags;
#  - FFI: ctypes_consumer.py loads libliveformer_c.so with no headers.
# Arguments: SOURCE_DIR BUILD_DIR WORK_DIR GENERATOR CXX CC PYTHON WITH_CUDA.
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
set(model ${SOURCE_DIR}/models/liveformer-demo-zh.gguf)
set(prompt "商品：保温杯")

# run(COMMAND...): runs it, fails the test on a non-zero exit; its output in `out`.
function(run)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE rc OUTPUT_VARIABLE stdout ERROR_VARIABLE stderr)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGV}\n${stdout}\n${stderr}")
  endif()
  message(STATUS "${stdout}")
  set(out "${stdout}" PARENT_SCOPE)
endfunction()

# needed_libraries(FILE VAR): the DT_NEEDED entries of an ELF file.
function(needed_libraries file var)
  run(readelf -d ${file})
  string(REGEX MATCHALL "Shared library: \\[[^]]+\\]" needed "${out}")
  set(${var} "${needed}" PARENT_SCOPE)
endfunction()

run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
find_program(PKG_CONFIG pkg-config REQUIRED)
set(ENV{PKG_CONFIG_PATH} ${prefix}/lib/pkgconfig)

# ---- C++, static, CPU-only: CUDA's package is not even looked for --------
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/consumer -B ${WORK_DIR}/build -G ${GENERATOR}
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_TYPE=Release -DCMAKE_DISABLE_FIND_PACKAGE_CUDAToolkit=TRUE)
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
run(${WORK_DIR}/build/consumer)
needed_libraries(${WORK_DIR}/build/consumer needed)
if(needed MATCHES "cublas|cudart")
  message(FATAL_ERROR "a CPU-only consumer links CUDA libraries: ${needed}")
endif()

run(${PKG_CONFIG} --exists --print-errors liveformer)
run(${PKG_CONFIG} --static --cflags --libs liveformer)
string(STRIP "${out}" flags)
if(flags MATCHES "cublas|cudart")
  message(FATAL_ERROR "pkg-config liveformer names CUDA libraries: ${flags}")
endif()
separate_arguments(flags UNIX_COMMAND "${flags}")
run(${CXX} ${SOURCE_DIR}/tests/consumer/main.cpp ${flags} -o ${WORK_DIR}/consumer_pkgconfig)
run(${WORK_DIR}/consumer_pkgconfig)

# ---- C++ with the CUDA backend (the control: CUDA builds only) -----------
if(WITH_CUDA)
  run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/consumer -B ${WORK_DIR}/build-cuda -G ${GENERATOR}
      -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_TYPE=Release -DLIVEFORMER_CONSUMER_CUDA=ON)
  run(${CMAKE_COMMAND} --build ${WORK_DIR}/build-cuda)
  run(${WORK_DIR}/build-cuda/consumer)
  needed_libraries(${WORK_DIR}/build-cuda/consumer needed)
  if(NOT needed MATCHES "cublas")
    message(FATAL_ERROR "the cuda component did not link cuBLAS: ${needed}")
  endif()
  run(${PKG_CONFIG} --static --cflags --libs liveformer-cuda)
  string(STRIP "${out}" flags)
  separate_arguments(flags UNIX_COMMAND "${flags}")
  run(${CXX} -DEXPECT_CUDA_BACKEND=1 ${SOURCE_DIR}/tests/consumer/main.cpp ${flags} -o ${WORK_DIR}/consumer_cuda_pkgconfig)
  run(${WORK_DIR}/consumer_cuda_pkgconfig)
endif()

# ---- C: a project without a C++ compiler, and pkg-config -----------------
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/consumer/c -B ${WORK_DIR}/build-c -G ${GENERATOR}
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER=${CC})
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build-c)
run(${WORK_DIR}/build-c/c_consumer ${model} ${prompt})
string(REGEX REPLACE "^[^:]*: [0-9]+ tokens: " "" c_text "${out}")
string(REGEX REPLACE "\n$" "" c_text "${c_text}")

run(${PKG_CONFIG} --cflags --libs liveformer_c)
string(STRIP "${out}" flags)
if(flags MATCHES "std=c\\+\\+|stdc\\+\\+|cublas")
  message(FATAL_ERROR "pkg-config liveformer_c carries C++ or CUDA flags: ${flags}")
endif()
separate_arguments(flags UNIX_COMMAND "${flags}")
run(${CC} -std=c99 -pedantic -Wall -Wextra -Werror ${SOURCE_DIR}/tests/consumer/c/main.c ${flags}
    -o ${WORK_DIR}/c_consumer_pkgconfig)
run(${WORK_DIR}/c_consumer_pkgconfig ${model} ${prompt})

# ---- FFI: ctypes, no headers; the same text as the C program -------------
file(GLOB c_library ${prefix}/lib/libliveformer_c.so)
run(${PYTHON} ${SOURCE_DIR}/tests/consumer/ctypes_consumer.py ${c_library} ${model} ${prompt} ${c_text})

# ---- docs/c-api.md's complete example prints what the page says ----------
file(READ ${SOURCE_DIR}/docs/c-api.md page)
string(FIND "${page}" "```c\n" begin)
math(EXPR begin "${begin} + 5")
string(SUBSTRING "${page}" ${begin} -1 example)
string(FIND "${example}" "\n```\n" end)
string(SUBSTRING "${example}" 0 ${end} example)
file(WRITE ${WORK_DIR}/c_api_example.c "${example}\n")
string(REGEX MATCH "it prints `([^`]+)`" said "${page}")
if(NOT CMAKE_MATCH_1)
  message(FATAL_ERROR "docs/c-api.md no longer says what its example prints")
endif()
set(said "${CMAKE_MATCH_1}")
run(${PKG_CONFIG} --cflags --libs liveformer_c)
string(STRIP "${out}" flags)
separate_arguments(flags UNIX_COMMAND "${flags}")
run(${CC} -std=c99 -pedantic -Wall -Werror ${WORK_DIR}/c_api_example.c ${flags} -o ${WORK_DIR}/c_api_example)
run(${WORK_DIR}/c_api_example ${model})
string(STRIP "${out}" printed)
if(NOT printed STREQUAL said)
  message(FATAL_ERROR "docs/c-api.md's example printed '${printed}'; the page says '${said}'")
endif()
