// SPDX-License-Identifier: Apache-2.0
#include "testbench/harness/fault_scheduler.hpp"

#include <algorithm>

namespace flowsim::testbench {

FaultScheduler::FaultScheduler(sc_core::sc_module_name name, std::vector<scenario::FaultSpec> faults,
                               model::Asic& asic, const CpuHost& host)
    : sc_core::sc_module(name), faults_(std::move(faults)), asic_(asic), host_(host) {
  std::stable_sort(faults_.begin(), faults_.end(),
                   [](const scenario::FaultSpec& a, const scenario::FaultSpec& b) { return a.at < b.at; });
  if (!faults_.empty()) SC_THREAD(run);
}

void FaultScheduler::run() {
  if (!host_.ready()) wait(host_.ready_event());
  const sc_core::sc_time start = sc_core::sc_time_stamp();
  for (const scenario::FaultSpec& f : faults_) {
    const sc_core::sc_time due = start + sc_core::sc_time(static_cast<double>(f.at.count()), sc_core::SC_NS);
    if (due > sc_core::sc_time_stamp()) wait(due - sc_core::sc_time_stamp());
    asic_.inject_fault(f.kind);
  }
}

}  // namespace flowsim::testbench
