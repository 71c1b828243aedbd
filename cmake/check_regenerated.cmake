# SPDX-License-Identifier: Apache-2.0
# Script mode (cmake -P): runs PYTHON SCRIPT --out OUT_DIR and fails unless every file it
# writes equals the committed one in COMMITTED_DIR, and every committed vector is written.
foreach(var PYTHON SCRIPT COMMITTED_DIR OUT_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_regenerated.cmake: ${var} is not set")
  endif()
endforeach()

file(REMOVE_RECURSE ${OUT_DIR})
file(MAKE_DIRECTORY ${OUT_DIR})
execute_process(COMMAND ${PYTHON} ${SCRIPT} --out ${OUT_DIR} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${SCRIPT} failed (${rc})")
endif()

file(GLOB produced RELATIVE ${OUT_DIR} ${OUT_DIR}/*)
file(GLOB committed RELATIVE ${COMMITTED_DIR} ${COMMITTED_DIR}/*.pcap ${COMMITTED_DIR}/*.pcapng
     ${COMMITTED_DIR}/*.gz ${COMMITTED_DIR}/*.json)
list(SORT produced)
list(SORT committed)
if(NOT produced)
  message(FATAL_ERROR "${SCRIPT} wrote nothing into ${OUT_DIR}")
endif()
if(NOT produced STREQUAL committed)
  message(FATAL_ERROR "the script writes [${produced}] but [${committed}] are committed")
endif()
set(differ "")
foreach(name IN LISTS produced)
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT_DIR}/${name} ${COMMITTED_DIR}/${name}
                  RESULT_VARIABLE same)
  if(NOT same EQUAL 0)
    list(APPEND differ ${name})
  endif()
endforeach()
if(differ)
  message(FATAL_ERROR "regenerated files differ from the committed ones: ${differ}\n"
                      "run: ${PYTHON} ${SCRIPT}")
endif()
message(STATUS "${COMMITTED_DIR}: ${produced} match the committed files")
