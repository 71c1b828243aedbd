// SPDX-License-Identifier: Apache-2.0
// `flowsim replay --capture FILE`: one capture, its hosts played on both sides of the
// router. Planning reads the capture once (its hosts, conversations and their sides), picks
// the router's LAN and WAN ports, fits the router to the capture (capture_router_fit.hpp)
// and says all of it for the report; the capture replayer then plays it.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "testbench/capture/capture_index.hpp"
#include "testbench/capture/endpoint_emulator.hpp"
#include "testbench/capture/replay_clock.hpp"
#include "testbench/capture/side_classifier.hpp"
#include "testbench/harness/report.hpp"
#include "testbench/scenario/scenario.hpp"

namespace flowsim::testbench {

struct CaptureRequest {
  std::filesystem::path file;
  capture::SideOptions sides;
  std::string lan_port;  // port names; empty: the port named "lan" / "wan" (see capture_router_fit.hpp)
  std::string wan_port;
  bool inject_same_side = false;  // send same-side conversations through the router anyway
  bool fix_checksums = false;     // see capture::EmulationOptions
  bool resegment = false;
  // Timing instead of the scenario's `timing:`.
  std::optional<capture::TimingOptions> timing;
};

struct CapturePlan {
  std::shared_ptr<const capture::CaptureIndex> index;
  capture::EmulationOptions options;
  CaptureReport report;  // what planning decided; the replay adds its figures
  std::vector<std::string> port_names;  // the scenario's, by port index
};

// Reads the capture and changes `scenario` to fit it. Throws net::InputError for an
// unreadable or corrupt capture, or a port name the scenario does not have.
CapturePlan plan_capture(scenario::Scenario& scenario, const CaptureRequest& request);

}  // namespace flowsim::testbench
