// SPDX-License-Identifier: Apache-2.0
// One replay, end to end: builds the board for a scenario — the ASIC model, host memory,
// the model-backed HAL, the CPU running the real driver and the engine, the replayer —
// runs the simulation until every packet has settled, and returns the report. SystemC
// elaborates once per process, so this runs at most once per process.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <ostream>

#include "testbench/harness/report.hpp"
#include "testbench/scenario/scenario.hpp"
#include "testbench/shard/shard_spec.hpp"

namespace flowsim::testbench {

struct Progress {
  double simulated_ms = 0;
  std::uint64_t packets_in = 0;
  std::uint64_t forwarded_hw = 0;
};

struct ReplayOptions {
  std::optional<std::filesystem::path> out_dir;  // pcaps and report; none = no files
  std::ostream* register_trace = nullptr;        // every driver register access, if set
  // How long the simulation goes on after the last packet has settled, so that packets
  // the router generates late (and flows' hardware state) settle too.
  std::chrono::nanoseconds drain{std::chrono::milliseconds(10)};
  // Replay only this shard of the traffic's conversations (testbench/shard: a conversation is
  // never split), with NAT choosing source ports in the shard's part of the port space, so
  // that the shards' outputs merge without clashes. None: all of the traffic.
  std::optional<shard::ShardSpec> shard;
  // Called between simulation slices (about every simulated millisecond).
  std::function<void(const Progress&)> on_progress;
};

// Throws net::InputError for bad input (unreadable or truncated capture) and
// driver::DeviceError when the driver cannot bring the device up.
Report run_replay(const scenario::Scenario& scenario, const ReplayOptions& options);

}  // namespace flowsim::testbench
