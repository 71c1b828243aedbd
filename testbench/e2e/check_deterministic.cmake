# SPDX-License-Identifier: Apache-2.0
# Runs `flowsim replay` twice on the same scenario and requires byte-identical outputs
# (every pcap, report.json, summary.txt).
# cmake -DFLOWSIM=<exe> -DSCENARIO=<yaml> -DWORK=<dir> -P check_deterministic.cmake
file(REMOVE_RECURSE ${WORK})
foreach(run a b)
  execute_process(COMMAND ${FLOWSIM} replay ${SCENARIO} --out ${WORK}/${run} --quiet
                  RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "flowsim replay failed (${rc}): ${err}")
  endif()
endforeach()
file(GLOB outputs RELATIVE ${WORK}/a ${WORK}/a/*)
list(LENGTH outputs n)
if(n LESS 5)
  message(FATAL_ERROR "expected pcaps and reports in ${WORK}/a, found: ${outputs}")
endif()
foreach(f ${outputs})
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${WORK}/a/${f} ${WORK}/b/${f} RESULT_VARIABLE differ)
  if(differ)
    message(FATAL_ERROR "${f} differs between two runs of the same scenario")
  endif()
endforeach()
message(STATUS "identical: ${outputs}")
