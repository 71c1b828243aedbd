// SPDX-License-Identifier: Apache-2.0
// What a conformance run found: one case per expectation of the file (an `expect` line, a
// `wait idle` that did not become idle, every packet accounted for, each checked port
// sending nothing it was not expected to), each passed or failed with a message a person
// can act on (a frame difference decoded field by field). Rendered as JSON (for tools such
// as `flowsim sweep`), JUnit XML (one test case per expectation) and a summary that a
// person reads in a CI log in ten seconds.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "testbench/harness/report.hpp"

namespace flowsim::conformance {

struct CaseResult {
  int line = 0;            // in the conformance file; 0 for the cases every run has
  std::string statement;   // as written ("expect wan 02000000...")
  std::string kind;        // frame, counter, conntrack, ruleset, idle, port, accounting
  bool passed = true;
  std::string message;     // one line: why it failed (empty when it passed)
  std::string detail;      // more lines: the decoded field-by-field difference
  std::uint64_t at_ps = 0;  // traffic time at which it was checked
};

struct ConformanceResult {
  std::string name;
  std::filesystem::path file;
  std::filesystem::path scenario;
  std::vector<CaseResult> cases;
  testbench::Report report;
  std::string error;  // the run could not complete (bad input, device error); then no cases
  std::uint64_t traffic_ps = 0;  // traffic time at the end
  double wall_seconds = 0;       // only in JUnit (it is not deterministic)

  std::size_t failed() const;
  bool passed() const { return error.empty() && failed() == 0; }

  std::string to_json() const;
  std::string to_junit() const;
  // The CI summary: the verdict and counts first, one line per failure, then the first
  // failure in full.
  std::string summary() const;
};

}  // namespace flowsim::conformance
