// SPDX-License-Identifier: Apache-2.0
#include "testbench/harness/cpu_host.hpp"

#include <algorithm>
#include <chrono>
#include <iterator>

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
  engine_.set_offload(&offloader_);
  // The replay starts when the CPU is done, not when the SystemC clock is.
  driver_.hal().sync();
  ready_flag_ = true;
  ready_ps_ = sc_core::sc_time_stamp().value();
  ready_.notify(sc_core::SC_ZERO_TIME);
  for (ControlWork& w : after_ready_) post(now() + w.at, std::move(w.work));
  after_ready_.clear();
  if (pause_when_ready_) sc_core::sc_pause();
  for (;;) {
    // The driver's accesses may have run ahead of the SystemC clock (ModelHal is loosely
    // timed); the CPU waits for interrupts, timers and control work from its own time.
    driver_.hal().sync();
    const std::chrono::nanoseconds control_due = control_.empty() ? std::chrono::nanoseconds::max() : control_.front().at;
    const std::chrono::nanoseconds due = std::min(engine_.next_timer(), control_due);
    if (!irq_i.read()) {
      if (due == std::chrono::nanoseconds::max()) {
        wait(irq_i.posedge_event() | control_posted_);
      } else if (due > now()) {
        wait(sc_core::sc_time(static_cast<double>((due - now()).count()), sc_core::SC_NS),
             irq_i.posedge_event() | control_posted_);
      }
    }
    run_control_work();
    if (engine_.next_timer() <= now()) engine_.run_timers(now());
    // Level-triggered: the handler runs again while the line stays high.
    if (irq_i.read()) driver_.handle_irq();
  }
}

void CpuHost::post(std::chrono::nanoseconds at, std::function<void()> work) {
  auto it = control_.end();
  while (it != control_.begin() && std::prev(it)->at > at) --it;
  control_.insert(it, ControlWork{at, std::move(work)});
  control_posted_.notify(sc_core::SC_ZERO_TIME);
}

void CpuHost::post_after_ready(std::chrono::nanoseconds offset, std::function<void()> work) {
  if (ready_flag_) {
    post(now() + offset, std::move(work));
  } else {
    after_ready_.push_back(ControlWork{offset, std::move(work)});
  }
}

void CpuHost::run_control_work() {
  while (!control_.empty() && control_.front().at <= now()) {
    ControlWork w = std::move(control_.front());
    control_.pop_front();
    control_running_ = true;
    w.work();
    control_running_ = false;
  }
}

std::chrono::nanoseconds CpuHost::now() const { return driver_.hal().now(); }

void CpuHost::on_rx(const driver::RxPacket& pkt) {
  if (pkt.truncated) {
    // Forwarding a cut frame as if whole would be silent corruption.
    ledger_.drop("punt_truncated", pkt.bytes);
    return;
  }
  scratch_.assign(pkt.bytes);
  const engine::Verdict v = engine_.process(scratch_, pkt.src_port, now());
  wait(per_packet_cost_);
  // A fragment held for reassembly leaves later inside its datagram (the report counts it).
  if (v.kind == engine::Verdict::Kind::kStolen) {
    ledger_.hold();
    return;
  }
  if (v.kind == engine::Verdict::Kind::kDrop) {
    ledger_.drop(engine::to_string(v.reason), pkt.bytes);
    if (!v.generated) return;
    // The router's own answer (an ICMP error): sent like any frame, counted on the side.
    ++generated_sent_;
  }
  const driver::TxResult r = driver_.transmit(scratch_.bytes(), v.egress_ifindex);
  switch (r) {
    case driver::TxResult::kQueued: break;
    case driver::TxResult::kRingFull:
    case driver::TxResult::kTooLong:
      if (v.generated) {
        --generated_sent_;  // the input packet is already counted as dropped
      } else {
        ledger_.drop(r == driver::TxResult::kRingFull ? "tx_ring_full" : "tx_too_long", pkt.bytes);
      }
      return;
  }
  // The other fragments of a fragmented packet, in order; one refused by the ring is lost
  // like the kernel's fragment its qdisc drops (the packet itself counts as forwarded).
  for (const net::PacketBuffer& f : engine_.extra_frames()) {
    if (driver_.transmit(f.bytes(), v.egress_ifindex) == driver::TxResult::kQueued) {
      ++fragments_sent_;
      ledger_.extra_transmit();
    } else {
      ledger_.warn("a fragment of a fragmented packet was refused by the TX ring");
    }
  }
}

}  // namespace flowsim::testbench
