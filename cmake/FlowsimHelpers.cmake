# SPDX-License-Identifier: Apache-2.0
# Small helpers so that each folder's CMakeLists.txt is a list of targets and their
# dependencies (Abseil's absl_cc_* style).
include_guard(GLOBAL)

# flowsim_library(NAME <target> SRCS <files...> [DEPS <targets...>] [SYSTEMC])
# A static library whose headers are included by full path from the repository root.
function(flowsim_library)
  cmake_parse_arguments(ARG "SYSTEMC" "NAME" "SRCS;DEPS" ${ARGN})
  add_library(${ARG_NAME} STATIC ${ARG_SRCS})
  target_include_directories(${ARG_NAME} PUBLIC ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR}/generated)
  target_link_libraries(${ARG_NAME} PUBLIC ${ARG_DEPS})
  if(ARG_SYSTEMC)
    target_link_libraries(${ARG_NAME} PUBLIC PkgConfig::SystemC)
  endif()
endfunction()

# flowsim_test(NAME <target> SRCS <files...> [DEPS <targets...>] LABELS <labels...>
#              [SYSTEMC] [TIMEOUT <seconds>] [RTL_TOO])
# One GoogleTest executable; every test case becomes its own CTest test (one process each),
# which SystemC needs: it elaborates once per process (TOOLCHAIN.md trap 4). RTL_TOO runs every
# case a second time, as <target>.rtl_all.<case> with label rtl, with FLOWSIM_TEST_RTL=all: the
# suite's chips and replays then run every datapath block as Verilated RTL.
function(flowsim_test)
  cmake_parse_arguments(ARG "SYSTEMC;RTL_TOO" "NAME;TIMEOUT" "SRCS;DEPS;LABELS" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 60)
  endif()
  add_executable(${ARG_NAME} ${ARG_SRCS})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS})
  target_include_directories(${ARG_NAME} PRIVATE ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR}/generated)
  target_compile_definitions(${ARG_NAME} PRIVATE
    FLOWSIM_SOURCE_DIR="${PROJECT_SOURCE_DIR}" FLOWSIM_BINARY_DIR="${PROJECT_BINARY_DIR}")
  if(ARG_SYSTEMC)
    # libsystemc.so defines main() and calls sc_main (trap 3).
    target_link_libraries(${ARG_NAME} PRIVATE flowsim_sc_gtest_main GTest::gtest PkgConfig::SystemC)
  else()
    target_link_libraries(${ARG_NAME} PRIVATE GTest::gtest_main)
  endif()
  gtest_discover_tests(${ARG_NAME}
    TEST_PREFIX "${ARG_NAME}."
    DISCOVERY_TIMEOUT 60
    DISCOVERY_MODE PRE_TEST
    PROPERTIES TIMEOUT ${ARG_TIMEOUT}
               ENVIRONMENT "SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1")
  if(ARG_RTL_TOO)
    gtest_discover_tests(${ARG_NAME}
      TEST_PREFIX "${ARG_NAME}.rtl_all."
      TEST_LIST ${ARG_NAME}_RTL_TESTS
      DISCOVERY_TIMEOUT 60
      DISCOVERY_MODE PRE_TEST
      PROPERTIES TIMEOUT ${ARG_TIMEOUT}
                 ENVIRONMENT "FLOWSIM_TEST_RTL=all")
  endif()
  # Labels are set by a script CTest runs after the discovered tests are known: a list in
  # PROPERTIES loses its escaping in discovery (only the first of several labels stuck).
  # The RTL run of a suite has its own test list and the single label rtl.
  set(labels_script ${CMAKE_CURRENT_BINARY_DIR}/${ARG_NAME}_labels.cmake)
  file(WRITE ${labels_script}
       "foreach(t IN LISTS ${ARG_NAME}_TESTS)\n  set_tests_properties(\"\${t}\" PROPERTIES LABELS \"${ARG_LABELS}\")\nendforeach()\n"
       "foreach(t IN LISTS ${ARG_NAME}_RTL_TESTS)\n  set_tests_properties(\"\${t}\" PROPERTIES LABELS rtl)\nendforeach()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${labels_script})
endfunction()

# flowsim_benchmark(NAME <target> SRCS <files...> [DEPS <targets...>] [SYSTEMC])
# A Google Benchmark executable, also run once briefly by CTest (label bench) so that it
# cannot rot; speed is measured by running it directly, never asserted in a test.
function(flowsim_benchmark)
  cmake_parse_arguments(ARG "SYSTEMC" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} benchmark::benchmark)
  target_include_directories(${ARG_NAME} PRIVATE ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR}/generated)
  target_compile_definitions(${ARG_NAME} PRIVATE
    FLOWSIM_SOURCE_DIR="${PROJECT_SOURCE_DIR}" FLOWSIM_BINARY_DIR="${PROJECT_BINARY_DIR}")
  if(ARG_SYSTEMC)
    target_link_libraries(${ARG_NAME} PRIVATE flowsim_sc_benchmark_main PkgConfig::SystemC)
  else()
    target_link_libraries(${ARG_NAME} PRIVATE benchmark::benchmark_main)
  endif()
  add_test(NAME ${ARG_NAME}.smoke
           COMMAND ${ARG_NAME} --benchmark_min_time=0.01 --benchmark_format=json
                   --benchmark_out=${CMAKE_CURRENT_BINARY_DIR}/${ARG_NAME}.json)
  set_tests_properties(${ARG_NAME}.smoke PROPERTIES TIMEOUT 120 LABELS bench
                       ENVIRONMENT "SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1")
endfunction()

# flowsim_trace_test(NAME <test> SCRIPT <scapy script>)
# The committed traces of the current folder must be exactly what SCRIPT writes: the test
# runs it with Debian's python3 into the build tree and compares every file byte for byte.
function(flowsim_trace_test)
  cmake_parse_arguments(ARG "" "NAME;SCRIPT" "" ${ARGN})
  add_test(NAME ${ARG_NAME}
    COMMAND ${CMAKE_COMMAND}
      -DPYTHON=${DEBIAN_PYTHON3}
      -DSCRIPT=${CMAKE_CURRENT_SOURCE_DIR}/${ARG_SCRIPT}
      -DCOMMITTED_DIR=${CMAKE_CURRENT_SOURCE_DIR}
      -DOUT_DIR=${CMAKE_CURRENT_BINARY_DIR}/regenerated
      -P ${PROJECT_SOURCE_DIR}/cmake/check_regenerated.cmake)
  set_tests_properties(${ARG_NAME} PROPERTIES LABELS traces TIMEOUT 120)
endfunction()
