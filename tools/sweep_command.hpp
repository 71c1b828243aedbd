// SPDX-License-Identifier: Apache-2.0
// `flowsim sweep MATRIX`: expands a matrix into cells and runs them (locally, as many at a
// time as there are cores), describes them for Slurm or Kubernetes, or runs the one cell a
// job array task is for (`--cell`, the index from SLURM_ARRAY_TASK_ID or
// JOB_COMPLETION_INDEX). See README "Running a matrix on a cluster".
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace flowsim::tools {

class SweepCommand {
 public:
  // Adds the subcommand to `app`; `replay` is the replay subcommand, whose options a matrix
  // may use.
  SweepCommand(CLI::App& app, const CLI::App& replay);

  bool selected() const { return sub_->parsed(); }
  int run() const;

 private:
  int run_checked() const;

  CLI::App* sub_;
  const CLI::App& replay_;
  std::string matrix_;
  std::string out_;
  std::string cell_;
  bool list_ = false;
  bool force_ = false;
  unsigned jobs_ = 0;
  std::string backend_ = "local";
  bool submit_ = false;
  bool wait_ = false;
  std::vector<std::string> sbatch_args_;
  std::string image_ = "flowsim:latest";
  std::string claim_ = "flowsim-work";
  std::string mount_;
};

}  // namespace flowsim::tools
