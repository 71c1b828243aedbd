# SPDX-License-Identifier: Apache-2.0
# Runs `flowsim conformance DIR` on a directory of two files, one passing and one failing, and
# checks what CI sees: exit status 5, one summary line per file (the failure's first unmet
# line named; 5 expectations each: its 2 lines, every packet accounted for, lan and wan
# sending nothing unexpected), and one JUnit file with a <testsuite> per file and the totals of both.
file(REMOVE_RECURSE ${OUT})
execute_process(COMMAND ${FLOWSIM} conformance ${DIR} --out ${OUT} --junit ${OUT}/all.xml
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 5)
  message(FATAL_ERROR "expected exit status 5 (expectations not met), got ${rc}\n${out}${err}")
endif()
foreach(want
    "\\[1/2\\] syn_masqueraded  passed\n"
    "\\[2/2\\] ttl_not_decremented  failed\n"
    "flowsim conformance: directory_example  FAILED\n"
    "  2 files: 1 passed, 1 failed   10 expectations, 1 not met\n"
    "  PASS  syn_masqueraded      5 expectations\n"
    "  FAIL  ttl_not_decremented  1 of 5 not met; first line 9: expect wan 0200000002fe 020000000201 \\.\\.\\.: frame #1 out of wan differs in ipv4.ttl\n")
  if(NOT out MATCHES "${want}")
    message(FATAL_ERROR "the output lacks /${want}/:\n${out}")
  endif()
endforeach()
file(READ ${OUT}/all.xml junit)
foreach(want
    "<testsuites name=\"flowsim conformance directory_example\" tests=\"10\" failures=\"1\" errors=\"0\">"
    "<testsuite name=\"syn_masqueraded\" tests=\"5\" failures=\"0\""
    "<testsuite name=\"ttl_not_decremented\" tests=\"5\" failures=\"1\""
    "<failure message=\"frame #1 out of wan differs in ipv4.ttl\" type=\"frame\">")
  if(NOT junit MATCHES "${want}")
    message(FATAL_ERROR "the JUnit file lacks /${want}/:\n${junit}")
  endif()
endforeach()
string(REGEX MATCHALL "<testsuite " suites "${junit}")
list(LENGTH suites n)
if(NOT n EQUAL 2)
  message(FATAL_ERROR "expected 2 <testsuite> elements, found ${n}:\n${junit}")
endif()
if(NOT EXISTS ${OUT}/junit.xml OR NOT EXISTS ${OUT}/ttl_not_decremented/result.json)
  message(FATAL_ERROR "${OUT}/junit.xml or the per-file results are missing")
endif()
# A directory without conformance files is bad input, named.
execute_process(COMMAND ${FLOWSIM} conformance ${OUT}/syn_masqueraded --out ${OUT}/empty
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 2 OR NOT err MATCHES "syn_masqueraded: no conformance files \\(\\*\\.expect\\) in this directory")
  message(FATAL_ERROR "an empty directory: expected exit status 2 and the reason, got ${rc}\n${out}${err}")
endif()
