// SPDX-License-Identifier: Apache-2.0
// A sweep matrix (a YAML file, see README "Running a matrix on a cluster"): axes of
// scenarios, traffic (per-port traces or captures), `asic` and `engine` overrides, RTL
// blocks, NAT seeds and conversation shards, whose product is a list of cells. Each cell is
// one `flowsim replay` of a scenario file generated for it, in its own output folder.
//
// Cell ids are made of the labels of the axis values (axes present in the file, in a fixed
// axis order), so they do not depend on the order of values or keys in the file and stay
// the same when values are added; the cell index (for job arrays) is the position in the
// product (first axis slowest, values in file order) and changes when values are added or
// moved.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "testbench/shard/shard_spec.hpp"

namespace flowsim::sweep {

// One change to a cell's scenario: `path` (e.g. {"asic", "table_entries"}) set to `value`;
// maps are merged key by key.
struct ScenarioEdit {
  std::vector<std::string> path;
  YAML::Node value;
};

// Shard `index` of `count` (0-based) of each traffic's conversations.
using ShardSpec = shard::ShardSpec;

struct AxisValue {
  std::string label;
  std::string group_label;           // shards: "shards=N" (the cells merged together); else label
  std::string where;                 // FILE:LINE:COL of the value in the matrix
  std::filesystem::path scenario;    // scenarios axis: the base scenario file
  std::vector<ScenarioEdit> edits;   // what the value changes in the scenario
  bool replaces_traffic = false;     // traffic axis: the scenario's own traffic is dropped
  std::vector<std::string> args;     // extra `flowsim replay` arguments
  std::optional<ShardSpec> shard;
};

struct Axis {
  std::string name;       // scenarios, traffic, asic, rtl, engine, seeds, shards
  bool in_file = false;   // written in the matrix (its labels are part of cell ids)
  std::vector<AxisValue> values;
};

struct Cell {
  std::size_t index = 0;
  std::string id;                 // unique, stable, usable as a folder name
  std::string group;              // shards of one traffic share it (their merged row's id)
  std::vector<std::pair<std::string, std::string>> labels;  // axis name -> value label
  std::filesystem::path scenario;                           // base scenario file
  std::vector<ScenarioEdit> edits;
  bool replaces_traffic = false;
  std::vector<std::string> replay_args;  // after `flowsim replay SCENARIO --out DIR`
  std::optional<ShardSpec> shard;
  std::vector<std::string> wheres;       // matrix places of the cell's axis values
};

struct Matrix {
  std::filesystem::path file;
  std::string name;
  std::string description;
  std::vector<Axis> axes;                // in the fixed order of kAxisOrder
  std::vector<std::string> replay_args;  // for every cell
};

// Whether `flowsim replay` knows an option (e.g. "--rtl"); lets the matrix use options that
// other parts of flowsim add, and reject those it lacks with the matrix line.
using ReplayOptionCheck = std::function<bool(const std::string& option)>;

// Loads and checks `file`; throws net::InputError "FILE:LINE:COL: message" for YAML errors,
// unknown or duplicate keys, missing scenarios, bad values, duplicate labels, and replay
// options that this flowsim does not have.
Matrix load_matrix(const std::filesystem::path& file, const ReplayOptionCheck& known_option);

// The cells, in index order. Throws net::InputError if two cells would get the same id.
std::vector<Cell> expand(const Matrix& matrix);

}  // namespace flowsim::sweep
