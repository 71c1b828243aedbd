// SPDX-License-Identifier: Apache-2.0
// Running cells. A cell is one `flowsim replay` child process (SystemC elaborates once per
// process) in the cell's folder OUT/cells/ID/: scenario.yaml (generated), the replay's
// outputs, flowsim.log (its stdout and stderr), and last cell.json, the completion marker,
// written atomically once the replay has exited with a result. A cell with a cell.json is
// finished and is not run again; one whose replay was killed (a signal, a job time limit)
// has none and runs again on the next sweep.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "testbench/sweep/matrix.hpp"

namespace flowsim::sweep {

std::filesystem::path cell_dir(const std::filesystem::path& out, const Cell& cell);
bool cell_finished(const std::filesystem::path& out, const Cell& cell);

// Writes OUT/plan.json (the matrix's cells: index, id, group, labels, shard), which
// `flowsim merge` reads. Same matrix, same bytes.
void write_plan(const std::filesystem::path& out, const Matrix& matrix, const std::vector<Cell>& cells);

// Writes `text` to `path` through a temporary file and rename(2), so that a reader sees the
// old file or the whole new one, never a part.
void write_atomically(const std::filesystem::path& path, const std::string& text);

// Writes and checks the cell's scenario, then starts `flowsim replay` on it. Returns the pid.
pid_t start_cell(const Matrix& matrix, const Cell& cell, const std::filesystem::path& out,
                 const std::filesystem::path& flowsim);
// Records how the replay ended (waitpid status) in cell.json. Returns the cell's exit code
// (the replay's), or -1 if it did not exit by itself (then no cell.json is written).
int finish_cell(const Cell& cell, const std::filesystem::path& out, int wait_status, double wall_seconds);

// One cell in this process's time: start, wait, finish. Returns the replay's exit code, or
// 128 + signal number.
int run_cell(const Matrix& matrix, const Cell& cell, const std::filesystem::path& out,
             const std::filesystem::path& flowsim);

// The local backend: every unfinished cell of `cells`, `jobs` at a time, with a line on
// `progress` per cell. Returns the number of cells that did not pass.
std::size_t run_local(const Matrix& matrix, const std::vector<Cell>& cells, const std::filesystem::path& out,
                      const std::filesystem::path& flowsim, unsigned jobs, std::ostream& progress);

// "passed", "failed" (accounting or expectations failed) or "error" (the replay could not
// run: bad input, device error), from a replay exit code.
std::string status_of_exit_code(int code);

}  // namespace flowsim::sweep
