// SPDX-License-Identifier: Apache-2.0
// Arms the scenario's injected faults in the chip at their simulated times, counted from the
// start of the traffic (the instant the replayer starts, once the driver is up). The chip
// commits each one (model/device_faults.hpp); detecting and recovering is the driver's job.
#pragma once

#include <systemc>
#include <vector>

#include "model/asic.hpp"
#include "testbench/harness/cpu_host.hpp"
#include "testbench/scenario/scenario.hpp"

namespace flowsim::testbench {

class FaultScheduler : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(FaultScheduler);
  FaultScheduler(sc_core::sc_module_name name, std::vector<scenario::FaultSpec> faults, model::Asic& asic,
                 const CpuHost& host);

 private:
  void run();

  std::vector<scenario::FaultSpec> faults_;  // by time
  model::Asic& asic_;
  const CpuHost& host_;
};

}  // namespace flowsim::testbench
