# SPDX-License-Identifier: Apache-2.0
# Finds every third-party dependency. A missing or too-old one stops configuration with the
# Debian package that provides it, because ./run.sh installs exactly those packages.
include_guard(GLOBAL)
find_package(PkgConfig)
if(NOT PkgConfig_FOUND)
  message(FATAL_ERROR "pkg-config not found: apt-get install pkg-config")
endif()

# flowsim_require_pkgconfig(<prefix> <module> <min-version> <debian-package>)
function(flowsim_require_pkgconfig prefix module min_version package)
  pkg_check_modules(${prefix} QUIET IMPORTED_TARGET GLOBAL ${module})
  if(NOT ${prefix}_FOUND)
    message(FATAL_ERROR "${module} (>= ${min_version}) not found: apt-get install ${package}")
  endif()
  if(${prefix}_VERSION VERSION_LESS ${min_version})
    message(FATAL_ERROR "${module} ${${prefix}_VERSION} is older than ${min_version}: "
                        "apt-get install ${package} (Debian 12 or newer)")
  endif()
  message(STATUS "Found ${module} ${${prefix}_VERSION}")
endfunction()

# flowsim_require_package(<name> <min-version> <debian-package> [find_package args...])
macro(flowsim_require_package name min_version package)
  find_package(${name} ${ARGN} QUIET)
  if(NOT ${name}_FOUND)
    message(FATAL_ERROR "${name} (>= ${min_version}) not found: apt-get install ${package}")
  endif()
  if(DEFINED ${name}_VERSION AND NOT "${${name}_VERSION}" STREQUAL ""
     AND ${name}_VERSION VERSION_LESS ${min_version})
    message(FATAL_ERROR "${name} ${${name}_VERSION} is older than ${min_version}: apt-get install ${package}")
  endif()
endmacro()

# Debian ships no CMake package for SystemC, only pkg-config files (TOOLCHAIN.md).
flowsim_require_pkgconfig(SystemC systemc 2.3.3 libsystemc-dev)
flowsim_require_pkgconfig(PCAP libpcap 1.10 libpcap-dev)
flowsim_require_package(verilator 5.0 verilator)
flowsim_require_package(GTest 1.11 "googletest libgtest-dev")
flowsim_require_package(benchmark 1.6 libbenchmark-dev)
flowsim_require_package(yaml-cpp 0.7 libyaml-cpp-dev)
flowsim_require_package(nlohmann_json 3.10 nlohmann-json3-dev)
flowsim_require_package(CLI11 2.1 libcli11-dev)
flowsim_require_package(fmt 9.0 libfmt-dev)
flowsim_require_package(ZLIB 1.2 zlib1g-dev)
include(GoogleTest)

# Scapy and PyYAML work only under Debian's interpreter; a pyenv python3 earlier on PATH
# lacks them (TOOLCHAIN.md).
find_program(DEBIAN_PYTHON3 python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(NOT DEBIAN_PYTHON3)
  message(FATAL_ERROR "/usr/bin/python3 not found: apt-get install python3 python3-yaml")
endif()
execute_process(COMMAND ${DEBIAN_PYTHON3} -c "import yaml" RESULT_VARIABLE _flowsim_yaml_rc
                OUTPUT_QUIET ERROR_QUIET)
if(NOT _flowsim_yaml_rc EQUAL 0)
  message(FATAL_ERROR "PyYAML not found for ${DEBIAN_PYTHON3}: apt-get install python3-yaml")
endif()
