// SPDX-License-Identifier: Apache-2.0
#include "testbench/harness/cpu_host.hpp"

#include <chrono>

#include "driver/device_error.hpp"

namespace flowsim::testbench {

CpuHost::CpuHost(sc_core::sc_module_name name, driver::Hal& hal, driver::DriverConfig config,
                 engine::Engine& engine, Ledger& ledger, sc_core::sc_time per_packet_cost)
    : sc_core::sc_module(name),
      irq_i("irq_i"),
      driver_(hal, std::move(config), [this](const driver::RxPacket& p) { on_rx(p); }),
      engine_(engine),
      ledger_(ledger),
      per_packet_cost_(per_packet_cost) {
  SC_THREAD(run);
}

void CpuHost::run() {
  try {
    driver_.bring_up();
  } catch (const driver::DeviceError& e) {
    error_ = std::string("driver bring-up failed: ") + e.what();
    return;
  }
  ready_flag_ = true;
  ready_.notify(sc_core::SC_ZERO_TIME);
  // Level-triggered: the handler runs again while the line stays high.
  for (;;) {
    if (!irq_i.read()) wait(irq_i.posedge_event());
    driver_.handle_irq();
  }
}

void CpuHost::on_rx(const driver::RxPacket& pkt) {
  if (pkt.truncated) {
    // Forwarding a cut frame as if whole would be silent corruption.
    ledger_.drop("punt_truncated");
    return;
  }
  scratch_.assign(pkt.bytes);
  const auto now = std::chrono::nanoseconds(static_cast<std::int64_t>(sc_core::sc_time_stamp().value() / 1000));
  const engine::Verdict v = engine_.process(scratch_, pkt.src_port, now);
  wait(per_packet_cost_);
  if (v.kind == engine::Verdict::Kind::kDrop) {
    ledger_.drop(engine::to_string(v.reason));
    return;
  }
  switch (driver_.transmit(scratch_.bytes(), v.egress_ifindex)) {
    case driver::TxResult::kQueued: break;
    case driver::TxResult::kRingFull: ledger_.drop("tx_ring_full"); break;
    case driver::TxResult::kTooLong: ledger_.drop("tx_too_long"); break;
  }
}

}  // namespace flowsim::testbench
