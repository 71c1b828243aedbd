# SPDX-License-Identifier: Apache-2.0
# Replays every scenario in SCENARIO_DIR twice, with the C++ datapath blocks and with
# `--rtl all`, and requires every output file (each port's pcap, cpu.pcap, report.json,
# summary.txt, conntrack.txt, ruleset.txt) to be byte-identical between the two.
# cmake -DFLOWSIM=<exe> -DSCENARIO_DIR=<dir> -DWORK=<dir> -P check_rtl_identical.cmake
file(REMOVE_RECURSE ${WORK})
file(GLOB scenarios ${SCENARIO_DIR}/*.yaml)
if(NOT scenarios)
  message(FATAL_ERROR "no scenarios in ${SCENARIO_DIR}")
endif()
foreach(scenario ${scenarios})
  get_filename_component(name ${scenario} NAME_WE)
  foreach(mode cpp rtl)
    set(args "")
    if(mode STREQUAL "rtl")
      set(args --rtl all)
    endif()
    execute_process(COMMAND ${FLOWSIM} replay ${scenario} --out ${WORK}/${name}/${mode} --quiet ${args}
                    RESULT_VARIABLE rc ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "flowsim replay ${scenario} ${args} failed (${rc}): ${err}")
    endif()
  endforeach()
  file(GLOB outputs RELATIVE ${WORK}/${name}/cpp ${WORK}/${name}/cpp/*)
  file(GLOB rtl_outputs RELATIVE ${WORK}/${name}/rtl ${WORK}/${name}/rtl/*)
  list(LENGTH outputs n)
  if(n LESS 5 OR NOT outputs STREQUAL rtl_outputs)
    message(FATAL_ERROR "${name}: the C++ run wrote [${outputs}], the RTL run [${rtl_outputs}]")
  endif()
  foreach(f ${outputs})
    execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${WORK}/${name}/cpp/${f} ${WORK}/${name}/rtl/${f}
                    RESULT_VARIABLE differ)
    if(differ)
      message(FATAL_ERROR "${name}: ${f} differs between the C++ and the RTL datapath blocks")
    endif()
  endforeach()
  message(STATUS "${name}: identical with --rtl all: ${outputs}")
endforeach()
