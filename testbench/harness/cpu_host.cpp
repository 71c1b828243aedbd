// SPDX-License-Identifier: Apache-2.0
#include "testbench/harness/cpu_host.hpp"

#include <algorithm>
#include <chrono>
#include <iterator>

#include "driver/device_error.hpp"

namespace flowsim::testbench {
namespace {

// transmit() cookies: a reset that abandons a frame must know which books it belongs in.
constexpr std::uint64_t kForwardedFrame = 0;
constexpr std::uint64_t kGeneratedFrame = 1;
constexpr std::uint64_t kExtraFragment = 2;  // a fragment beyond a packet's first
// sc_time holds 2^64 ps; a timer days away is waited for in steps.
constexpr std::chrono::nanoseconds kLongestWait = std::chrono::hours(24);

}  // namespace

CpuHost::CpuHost(sc_core::sc_module_name name, driver::Hal& hal, driver::DriverConfig config,
                 engine::Engine& engine, Ledger& ledger, sc_core::sc_time per_packet_cost)
    : sc_core::sc_module(name),
      irq_i("irq_i"),
      driver_(hal, std::move(config), [this](const driver::RxPacket& p) { on_rx(p); }),
      engine_(engine),
      ledger_(ledger),
      per_packet_cost_(per_packet_cost) {
  // What a device reset discards is counted, never lost: frames the device did not take from
  // the TX ring, and punts it completed that were not read yet.
  driver_.set_tx_abandon_handler([this](std::uint64_t cookie, std::span<const std::uint8_t> frame) {
    if (cookie == kGeneratedFrame) {
      ledger_.drop_generated("device_reset", frame);
    } else if (cookie == kExtraFragment) {
      // Not sent after all: neither an extra fragment sent nor (alone) a lost packet.
      --fragments_sent_;
      ledger_.extra_abandoned();
    } else {
      ledger_.drop("device_reset");
    }
  });
  driver_.set_rx_reset_handler([this] { ledger_.abandon_punts("device_reset"); });
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
    const std::chrono::nanoseconds due = std::min({engine_.next_timer(), control_due, driver_.next_watchdog()});
    if (!irq_i.read()) {
      if (due == std::chrono::nanoseconds::max()) {
        wait(irq_i.posedge_event() | control_posted_);
      } else if (due > now()) {
        // Far timers are waited for in steps the simulated time range can hold.
        const std::chrono::nanoseconds step = std::min(due - now(), kLongestWait);
        wait(sc_core::sc_time(static_cast<double>(step.count()), sc_core::SC_NS),
             irq_i.posedge_event() | control_posted_);
      }
    }
    run_control_work();
    if (engine_.next_timer() <= now()) engine_.run_timers(now());
    if (driver_.next_watchdog() <= now()) driver_.watchdog();
    // Level-triggered: the handler runs again while the line stays high.
    if (irq_i.read()) driver_.handle_irq();
    // A fault seen by the handler, the watchdog or the flow offloader: reset and bring the
    // device up again. Only a device that will not come back ends the run.
    while (driver_.reset_pending()) {
      try {
        driver_.recover();
      } catch (const driver::DeviceError& e) {
        error_ = std::string("device recovery failed: ") + e.what();
        return;
      }
    }
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
  ledger_.take_punt();
  if (pkt.error != driver::RxDescriptorError::kNone) {
    // The device wrote a descriptor no device may write: nothing in it can be believed.
    ledger_.drop("rx_bad_descriptor");
    return;
  }
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
    // The router's own answer (an ICMP error) is sent like any frame but counted on the
    // side: it is not one of the input packets.
    if (!v.generated) return;
  }
  const driver::TxResult r =
      driver_.transmit(scratch_.bytes(), v.egress_ifindex, v.generated ? kGeneratedFrame : kForwardedFrame);
  if (r != driver::TxResult::kQueued) {
    const std::string_view reason = r == driver::TxResult::kRingFull ? "tx_ring_full" : "tx_too_long";
    if (v.generated) {
      ledger_.drop_generated(reason, scratch_.bytes());
    } else {
      ledger_.drop(reason, pkt.bytes);
    }
    return;
  }
  if (v.generated) ledger_.expect_generated(scratch_.bytes());
  // The other fragments of a fragmented packet, in order; one refused by the ring is lost
  // like the kernel's fragment its qdisc drops (the packet itself counts as forwarded).
  for (const net::PacketBuffer& f : engine_.extra_frames()) {
    if (driver_.transmit(f.bytes(), v.egress_ifindex, kExtraFragment) == driver::TxResult::kQueued) {
      ++fragments_sent_;
      ledger_.extra_transmit();
    } else {
      ledger_.warn("a fragment of a fragmented packet was refused by the TX ring");
    }
  }
}

}  // namespace flowsim::testbench
