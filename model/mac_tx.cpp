// SPDX-License-Identifier: Apache-2.0
#include "model/mac_tx.hpp"

#include "hw/flowsim_hw.hpp"  // Generated.
#include "model/csr_block.hpp"

namespace flowsim::model {

MacTx::MacTx(sc_core::sc_module_name name, unsigned port, std::uint64_t speed_bps, std::uint32_t queue_bytes,
             sc_core::sc_time latency, FramePool& pool, CsrBlock& csr, AsicObserver& observer)
    : sc_core::sc_module(name),
      port_(port),
      speed_bps_(speed_bps),
      queue_bytes_(queue_bytes),
      latency_(latency),
      pool_(pool),
      csr_(csr),
      observer_(observer),
      arrivals_("arrivals"),
      waiting_(queue_bytes, 60) {
  SC_METHOD(on_due);
  sensitive << arrivals_.event();
  dont_initialize();
}

void MacTx::enqueue(Frame* frame, const sc_core::sc_time& delay) { arrivals_.push(frame, delay + latency_); }

void MacTx::on_due() {
  using hw::reg::PortCfg;
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  Frame* f = nullptr;
  while (arrivals_.pop_due(f)) {
    // The MAC pads short frames with zeros, as every Ethernet MAC does.
    if (f->data.size() < 60) f->data.resize(60);
    const auto bytes = static_cast<std::uint32_t>(f->data.size());
    if (!PortCfg::kEn.get(csr_.value(PortCfg::offset(port_)))) {
      observer_.on_drop(port_, now, f->data.bytes(), ModelDropReason::kPortDisabled);
      csr_.hw_add(hw::reg::PortTxDrops::offset(port_), 1);
    } else if (waiting_.bytes_at(now) + bytes > queue_bytes_) {
      observer_.on_drop(port_, now, f->data.bytes(), ModelDropReason::kEgressQueueFull);
      csr_.hw_add(hw::reg::PortTxDrops::offset(port_), 1);
    } else {
      const sc_core::sc_time start = busy_until_ > now ? busy_until_ : now;
      busy_until_ = start + wire_time(bytes, speed_bps_);
      if (start > now) waiting_.push(start, bytes);
      csr_.hw_add(hw::reg::PortTxPkts::offset(port_), 1);
      csr_.hw_add(hw::reg::PortTxBytes::offset(port_), bytes);
      observer_.on_transmit(port_, start, f->data.bytes(), f->origin);
    }
    pool_.release(f);
  }
}

}  // namespace flowsim::model
