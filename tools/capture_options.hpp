// SPDX-License-Identifier: Apache-2.0
// `flowsim replay [SCENARIO] --capture FILE ...`: the options of a single-capture replay
// (sides, ports, timing), added to the replay subcommand. Without a scenario the bundled home
// router is used. See README "Running your own traffic".
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "testbench/harness/capture_plan.hpp"
#include "testbench/scenario/scenario.hpp"

namespace flowsim::tools {

class CaptureOptions {
 public:
  explicit CaptureOptions(CLI::App& replay);

  bool selected() const { return !file_.empty(); }
  // Reads the capture and fits `scenario` to it. Throws net::InputError.
  std::shared_ptr<const testbench::CapturePlan> plan(scenario::Scenario& scenario) const;

 private:
  std::string file_;
  std::vector<std::string> lan_;
  std::vector<std::uint32_t> lan_interfaces_;
  std::vector<std::string> lan_macs_;
  std::vector<std::string> wan_macs_;
  std::string lan_port_;
  std::string wan_port_;
  bool same_side_ = false;
  bool fix_checksums_ = false;
  bool resegment_ = false;
  double speed_ = 0;
  double pps_ = 0;
  double mbps_ = 0;
  bool line_rate_ = false;
  unsigned loops_ = 1;
  std::string max_gap_;
};

}  // namespace flowsim::tools
