// SPDX-License-Identifier: Apache-2.0
#include "tools/merge_command.hpp"

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>

#include "net/input_error.hpp"
#include "testbench/sweep/sweep_merge.hpp"

namespace flowsim::tools {
namespace {

std::optional<std::filesystem::path> find_gnuplot() {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    const std::size_t end = std::min(dirs.find(':', start), dirs.size());
    const std::filesystem::path candidate = std::filesystem::path(dirs.substr(start, end - start)) / "gnuplot";
    std::error_code ec;
    if (std::filesystem::is_regular_file(candidate, ec)) return candidate;
    start = end + 1;
  }
  return std::nullopt;
}

}  // namespace

MergeCommand::MergeCommand(CLI::App& app) {
  sub_ = app.add_subcommand("merge", "gather a sweep's cells into one report, a JUnit file and a plot");
  sub_->add_option("dir", dir_, "the sweep's output folder (flowsim sweep --out)")->required();
  sub_->add_flag("--no-plot", no_plot_, "do not draw plot.svg");
}

int MergeCommand::run() const { return merge_and_print(dir_, !no_plot_); }

int merge_and_print(const std::string& dir, bool plot) {
  try {
    const sweep::MergeSummary s = sweep::merge_sweep(dir, plot ? find_gnuplot() : std::nullopt);
    std::cout << s.table << "\noutputs in " << dir << ": merged.json, merged.txt, junit.xml";
    std::cout << (plot ? "; " + s.plot_note : std::string()) << "\n";
    return s.all_passed() ? 0 : kExitCellsNotPassed;
  } catch (const net::InputError& e) {
    std::cerr << "flowsim: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace flowsim::tools
