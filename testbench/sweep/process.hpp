// SPDX-License-Identifier: Apache-2.0
// Running another program and waiting for it (sbatch, gnuplot), without a shell.
#pragma once

#include <string>
#include <vector>

namespace flowsim::sweep {

struct ProcessResult {
  int exit_code = -1;  // -1: killed by a signal or could not start
  std::string output;  // stdout and stderr together
};

// Runs argv[0] (looked up on PATH) with argv, in `cwd` if not empty; returns its exit code
// and output.
ProcessResult run_program(const std::vector<std::string>& argv, const std::string& cwd = {});

}  // namespace flowsim::sweep
