// SPDX-License-Identifier: Apache-2.0
// `flowsim conformance FILE`: runs one conformance file (a test written as statements in
// simulated time and expected outputs, testbench/expect/expectation_script.hpp) and says, in
// a summary a person reads in ten seconds, whether the router did what the file expects.
// One file per process (SystemC elaborates once): `flowsim conformance DIR` runs every file of
// a directory, each in a process of its own, and gathers them into one JUnit file.
// Exit status: 0 every expectation met, 5 some not met, 2 bad input (file and line named),
// 3 the device did not come up, 1 usage.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "tools/rtl_options.hpp"

namespace flowsim::tools {

class ConformanceCommand {
 public:
  explicit ConformanceCommand(CLI::App& app);
  bool selected() const { return sub_->parsed(); }
  int run() const;

 private:
  // FILE is a directory: each *.expect file in its own process, one JUnit file for all.
  int run_directory() const;
  CLI::App* sub_;
  std::string file_;
  std::string out_dir_;
  std::string junit_;
  std::string json_;
  std::string register_trace_;
  bool quiet_ = false;
  RtlOptions rtl_;
};

}  // namespace flowsim::tools
