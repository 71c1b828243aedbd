# SPDX-License-Identifier: Apache-2.0
# Script mode (cmake -P): replays SCENARIO with FLOWSIM into WORK (with the register trace)
# and fails unless every output equals the committed one in EXPECTED, byte for byte
# (pcaps with their timestamps, reports, the conntrack and ruleset dumps, the register
# trace), and no output is missing or extra.
#   cmake -DFLOWSIM=<exe> -DSCENARIO=<yaml> -DEXPECTED=<dir> -DWORK=<dir> -P check_golden.cmake
# With -DUPDATE=1 it writes the outputs into EXPECTED instead (after a change whose effect on
# the outputs is explained in the commit). With -DRTL=<blocks> the replay runs those datapath
# blocks as Verilated RTL (flowsim replay --rtl): the outputs must not change.
foreach(var FLOWSIM SCENARIO EXPECTED WORK)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_golden.cmake: ${var} is not set")
  endif()
endforeach()
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(rtl_args "")
if(DEFINED RTL)
  set(rtl_args --rtl ${RTL})
endif()
execute_process(COMMAND ${FLOWSIM} replay ${SCENARIO} --out ${WORK} --quiet --register-trace ${WORK}/registers.log
                        ${rtl_args}
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "flowsim replay ${SCENARIO} failed (${rc}): ${err}")
endif()
file(GLOB produced RELATIVE ${WORK} ${WORK}/*)
list(SORT produced)
if(UPDATE)
  file(REMOVE_RECURSE ${EXPECTED})
  file(MAKE_DIRECTORY ${EXPECTED})
  foreach(name IN LISTS produced)
    file(COPY ${WORK}/${name} DESTINATION ${EXPECTED})
  endforeach()
  message(STATUS "updated ${EXPECTED}: ${produced}")
  return()
endif()
file(GLOB expected RELATIVE ${EXPECTED} ${EXPECTED}/*)
list(SORT expected)
if(NOT produced STREQUAL expected)
  message(FATAL_ERROR "outputs [${produced}] but [${expected}] are expected")
endif()
set(differ "")
foreach(name IN LISTS produced)
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${WORK}/${name} ${EXPECTED}/${name} RESULT_VARIABLE same)
  if(NOT same EQUAL 0)
    list(APPEND differ ${name})
  endif()
endforeach()
if(differ)
  message(FATAL_ERROR "outputs differ from ${EXPECTED}: ${differ} (compare ${WORK})")
endif()
message(STATUS "identical to ${EXPECTED}: ${produced}")
