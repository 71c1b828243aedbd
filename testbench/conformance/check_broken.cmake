# SPDX-License-Identifier: Apache-2.0
# Runs `flowsim conformance` on a deliberately broken expectation (FILE) and checks that it
# fails as a user must see it fail: exit status 5, the failing line named in the summary,
# the frame decoded field by field with the wrong field marked, and a JUnit failure.
execute_process(COMMAND ${FLOWSIM} conformance ${FILE} --out ${OUT} --junit ${OUT}/junit.xml
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 5)
  message(FATAL_ERROR "expected exit status 5 (expectations not met), got ${rc}\n${out}${err}")
endif()
foreach(want
    "flowsim conformance: ttl_not_decremented  FAILED"
    "FAIL line 10 +expect wan 0200000002fe"
    "frame #1 out of wan differs in ipv4.ttl\n"
    "got      ipv4 203.0.113.2 > 198.51.100.10 ttl 63"
    "ipv4.ttl +63 +64  <<\n"
    "ipv4.checksum +0x8b81 +0x8b81\n")
  if(NOT out MATCHES "${want}")
    message(FATAL_ERROR "the output lacks /${want}/:\n${out}")
  endif()
endforeach()
file(READ ${OUT}/junit.xml junit)
if(NOT junit MATCHES "<failure message=\"frame #1 out of wan differs in ipv4.ttl\" type=\"frame\">")
  message(FATAL_ERROR "the JUnit file lacks the failure:\n${junit}")
endif()
file(READ ${OUT}/result.json result)
if(NOT result MATCHES "\"status\": \"failed\"")
  message(FATAL_ERROR "result.json does not say failed:\n${result}")
endif()
