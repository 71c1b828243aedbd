// SPDX-License-Identifier: Apache-2.0
// Runs one conformance file (testbench/expect/expectation_script.hpp) against the model, the
// driver and the engine: its statements are carried out in simulated time (frames injected,
// events applied, counters and dumps checked at the cursor), the scenario's own traffic is
// replayed alongside, and at the end every frame that left a checked port is compared, in
// order, with what the file expects. Every comparison is a case of the result.
#pragma once

#include <filesystem>
#include <functional>
#include <ostream>

#include "model/rtl_twin/rtl_instrument_request.hpp"
#include "testbench/conformance/conformance_result.hpp"
#include "testbench/expect/expectation_script.hpp"
#include "testbench/scenario/scenario.hpp"

namespace flowsim::conformance {

struct ConformanceOptions {
  std::filesystem::path out_dir;           // pcaps, report.json, conntrack.txt, ruleset.txt
  std::ostream* register_trace = nullptr;  // every driver register access, if set
  // Changes to the scenario after loading (e.g. which blocks run as RTL).
  std::function<void(scenario::Scenario&)> adjust_scenario;
  // A waveform and/or coverage of the datapath blocks that run as RTL.
  model::RtlInstrumentRequest rtl_instruments;
};

// Throws net::InputError, before simulating anything, when the file refers to what the
// scenario does not have (a port, a punt reason), naming the file and line. A run that
// cannot complete (the device does not come up, a capture is unreadable) returns a result
// with `error` set.
ConformanceResult run_conformance(const expect::Script& script, const ConformanceOptions& options);

}  // namespace flowsim::conformance
