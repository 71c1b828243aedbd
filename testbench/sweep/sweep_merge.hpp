// SPDX-License-Identifier: Apache-2.0
// `flowsim merge DIR`: gathers the cells of a sweep (DIR/plan.json, DIR/cells/*/) into
//   merged.json  one row per cell, or per group of shards merged into one (summed counters),
//                with the cell's report; what is missing or failed, and why
//   merged.txt   the same as a table a person reads
//   junit.xml    one test case per cell (failure: the replay failed; error: it could not
//                run or never finished)
//   plot.svg     offload hit rate and throughput along each axis that varies (gnuplot),
//                with plot.gp and plot.dat beside it
//   merged/GROUP/ for sharded cells: every pcap interleaved by timestamp, report.json summed
// Everything but junit.xml's times is the same on every run of the same cells, whichever
// backend ran them.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

namespace flowsim::sweep {

struct MergeSummary {
  std::size_t cells = 0;
  std::size_t passed = 0;
  std::size_t failed = 0;
  std::size_t errors = 0;
  std::size_t missing = 0;
  std::string table;     // merged.txt
  std::string plot_note; // where the plot is, or why there is none
  bool all_passed() const { return passed == cells; }
};

// `gnuplot`: the program to draw the plot with; none: no plot (the note says so). Throws
// net::InputError if DIR is not a sweep's output.
MergeSummary merge_sweep(const std::filesystem::path& dir, const std::optional<std::filesystem::path>& gnuplot);

}  // namespace flowsim::sweep
