// SPDX-License-Identifier: Apache-2.0
// The scenario file of one cell: its base scenario with the cell's edits applied and every
// file it names made absolute, so that it can be written into the cell's own folder and
// replayed from there (`flowsim replay CELL/scenario.yaml` reproduces the cell by hand).
#pragma once

#include <filesystem>
#include <string>

#include "testbench/sweep/matrix.hpp"

namespace flowsim::sweep {

// The YAML text. Throws net::InputError if the base scenario cannot be read as YAML.
std::string cell_scenario_text(const Matrix& matrix, const Cell& cell);

// Writes the cell's scenario to `path` and loads it with the scenario loader, so that a bad
// override shows before anything runs. Its errors are rethrown as net::InputError pointing
// at the matrix value that made the setting (or at the scenario, if no value did).
void write_and_check_cell_scenario(const Matrix& matrix, const Cell& cell, const std::filesystem::path& path);

}  // namespace flowsim::sweep
