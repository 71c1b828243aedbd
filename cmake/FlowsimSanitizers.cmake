# SPDX-License-Identifier: Apache-2.0
# Two optional instrumented builds, each in a build directory of its own (README "Sanitizers
# and fuzzing"; .ci/run builds both):
#   -DFLOWSIM_SANITIZE=ON  every target with AddressSanitizer + UndefinedBehaviorSanitizer
#                          (g++ or clang); the whole CTest suite then runs instrumented.
#   -DFLOWSIM_FUZZ=ON      the libFuzzer targets of fuzz/ (clang only: -fsanitize=fuzzer),
#                          everything they link instrumented the same way.
include_guard(GLOBAL)

option(FLOWSIM_SANITIZE "Build everything with ASan and UBSan" OFF)
option(FLOWSIM_FUZZ "Build the libFuzzer targets of fuzz/ (clang), with ASan and UBSan" OFF)

if(FLOWSIM_SANITIZE OR FLOWSIM_FUZZ)
  # Any UB is a failure, not a line in a log nobody reads.
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

if(FLOWSIM_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "FLOWSIM_FUZZ needs clang (libFuzzer): "
                        "cmake -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 ...")
  endif()
  # Coverage feedback for every library the targets link; only the targets get libFuzzer's main.
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

if(FLOWSIM_SANITIZE)
  # SystemC binaries: every sc_start is wrapped so that ASan learns the main stack again after
  # it (testbench/sc_main/asan_main_stack.cpp says why; no report is suppressed).
  add_library(flowsim_asan_main_stack STATIC ${PROJECT_SOURCE_DIR}/testbench/sc_main/asan_main_stack.cpp)
  target_compile_options(flowsim_asan_main_stack PRIVATE ${SystemC_CFLAGS})
  target_link_libraries(PkgConfig::SystemC INTERFACE
    -Wl,--wrap=_ZN7sc_core8sc_startEv
    -Wl,--wrap=_ZN7sc_core8sc_startERKNS_7sc_timeENS_20sc_starvation_policyE
    flowsim_asan_main_stack)
endif()
