# SPDX-License-Identifier: Apache-2.0
# Lints every rtl/*.sv with `verilator --lint-only -Wall`, each file as the top module, with the
# generated package, rtl/*_pkg.sv and rtl/ as the library path. Run by CTest (rtl/lint):
#   cmake -DVERILATOR=<verilator_bin> -DPACKAGE=<flowsim_hw_pkg.sv> -DRTL_DIR=<rtl> -P lint.cmake
foreach(_var VERILATOR PACKAGE RTL_DIR)
  if(NOT DEFINED ${_var})
    message(FATAL_ERROR "lint.cmake: -D${_var}=... is required")
  endif()
endforeach()

# Packages (*_pkg.sv) are no tops: every module is linted with all of them.
file(GLOB _packages ${RTL_DIR}/*_pkg.sv)
file(GLOB _sources ${RTL_DIR}/*.sv)
if(_packages)
  list(REMOVE_ITEM _sources ${_packages})
endif()
if(NOT _sources)
  message(FATAL_ERROR "lint.cmake: no .sv files in ${RTL_DIR}")
endif()
set(_failed "")
foreach(_sv ${_sources})
  get_filename_component(_top ${_sv} NAME_WE)
  execute_process(
    COMMAND ${VERILATOR} --lint-only -Wall -y ${RTL_DIR} --top-module ${_top} ${PACKAGE} ${_packages} ${_sv}
    RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _out)
  if(_rc EQUAL 0)
    message(STATUS "lint clean: ${_top}")
  else()
    message("${_out}")
    list(APPEND _failed ${_top})
  endif()
endforeach()
if(_failed)
  message(FATAL_ERROR "verilator --lint-only -Wall failed for: ${_failed}")
endif()
