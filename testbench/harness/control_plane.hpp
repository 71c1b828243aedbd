// SPDX-License-Identifier: Apache-2.0
// Carries out a change to the running router (scenario/control_event.hpp) on its CPU, the
// way the kernel and the driver would: a link taken down is stopped in the device (its port
// disabled) and in the kernel (routes gone, flows through it torn down); routes, neighbours,
// conntrack and the ruleset change in the engine, whose flowtable destroys the hardware
// flows that no longer hold. Must run on the simulated CPU (CpuHost::post): the driver's
// register accesses take simulated time.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "driver/offload_driver.hpp"
#include "engine/engine.hpp"
#include "testbench/scenario/control_event.hpp"

namespace flowsim::testbench {

// What happened to one event, for reports and conformance results.
struct EventOutcome {
  std::string command;
  int line = 0;
  std::uint64_t at_ps = 0;  // traffic time when it ran
  std::string error;        // the command's error; empty when it succeeded
  bool from_scenario = false;  // the scenario's `events:` (else posted by the test bench)
};

// Applies `event` at simulated time `now`; returns the command's error, if any (the router
// is then unchanged).
std::optional<std::string> apply_control_event(const scenario::ControlEvent& event, engine::Engine& engine,
                                               driver::OffloadDriver& driver, std::chrono::nanoseconds now);

}  // namespace flowsim::testbench
