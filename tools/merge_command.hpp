// SPDX-License-Identifier: Apache-2.0
// `flowsim merge DIR`: gathers a sweep's cells into one report (merged.json, merged.txt,
// junit.xml, plot.svg); exit status 0 when every cell passed, 6 when some did not.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace flowsim::tools {

// Exit status of sweep and merge when the run itself worked but a cell failed, could not
// run or never finished.
inline constexpr int kExitCellsNotPassed = 6;

class MergeCommand {
 public:
  explicit MergeCommand(CLI::App& app);
  bool selected() const { return sub_->parsed(); }
  int run() const;

 private:
  CLI::App* sub_;
  std::string dir_;
  bool no_plot_ = false;
};

// Merges `dir` and prints the table; the exit status of `flowsim merge`.
int merge_and_print(const std::string& dir, bool plot);

}  // namespace flowsim::tools
