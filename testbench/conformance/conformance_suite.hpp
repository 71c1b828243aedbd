// SPDX-License-Identifier: Apache-2.0
// A directory of conformance files run as one suite (`flowsim conformance DIR`): every *.expect
// file in it, in name order, each in its own process (SystemC elaborates once per process),
// gathered into one JUnit file (one <testsuite> per file, one <testcase> per expectation), one
// line per file in the summary, and one exit status.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace flowsim::conformance {

// What one file's run left behind: its exit status and the result it wrote.
struct SuiteFileResult {
  std::string name;                 // the file's stem
  std::filesystem::path file;
  int exit_code = -1;               // of `flowsim conformance FILE` (-1: killed or not started)
  std::string status;               // passed, failed or error (from its result.json)
  std::size_t cases = 0;
  std::size_t failed = 0;
  std::string first_failure;        // "line N: statement: message" of its first failing case
  std::string error;                // why it could not run (its stderr, or result.json's error)
  std::string junit_testsuite;      // its <testsuite> element, as it wrote it
};

// The *.expect files directly in `dir`, sorted by name. Throws net::InputError when `dir` has
// none.
std::vector<std::filesystem::path> suite_files(const std::filesystem::path& dir);

// Reads what `flowsim conformance FILE --out OUT --junit OUT/junit.xml` wrote to `out`, given
// its exit status and output. A run that wrote nothing is an error with its output as reason.
SuiteFileResult read_suite_file_result(const std::filesystem::path& file, const std::filesystem::path& out,
                                       int exit_code, const std::string& output);

// One JUnit document with every file's <testsuite>, the totals on <testsuites>.
std::string suite_junit(const std::string& suite_name, const std::vector<SuiteFileResult>& results);
// The CI summary: the verdict and totals first, then one line per file.
std::string suite_summary(const std::string& suite_name, const std::vector<SuiteFileResult>& results);
// 0 every file passed; 2 or 3 the first file that could not run (bad input, device error); 5
// some expectation not met.
int suite_exit_code(const std::vector<SuiteFileResult>& results);

}  // namespace flowsim::conformance
