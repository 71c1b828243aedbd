// SPDX-License-Identifier: Apache-2.0
#include "model/mac_tx.hpp"

#include "hw/flowsim_hw.hpp"  // Generated.
#include "model/csr_block.hpp"

namespace flowsim::model {

MacTx::MacTx(unsigned port, std::uint64_t speed_bps, std::uint32_t queue_bytes, std::uint64_t latency_ps,
             Calendar& calendar, FramePool& pool, CsrBlock& csr, AsicObserver& observer)
    : port_(port),
      wire_(speed_bps),
      queue_bytes_(queue_bytes),
      latency_ps_(latency_ps),
      calendar_(calendar),
      pool_(pool),
      csr_(csr),
      observer_(observer),
      waiting_(queue_bytes, 60) {}

void MacTx::enqueue(Frame* frame, std::uint64_t at_ps) { calendar_.schedule(at_ps + latency_ps_, *this, frame); }

void MacTx::on_due(Frame* f, std::uint64_t now) {
  using hw::reg::PortCfg;
  // The MAC pads short frames with zeros, as every Ethernet MAC does.
  if (f->data.size() < 60) f->data.resize(60);
  const auto bytes = static_cast<std::uint32_t>(f->data.size());
  if (!PortCfg::kEn.get(csr_.value(PortCfg::offset(port_)))) {
    observer_.on_drop(port_, sc_core::sc_time::from_value(now), f->data.bytes(), ModelDropReason::kPortDisabled, f->origin);
    csr_.hw_add(hw::reg::PortTxDrops::offset(port_), 1);
  } else if (waiting_.bytes_at(now) + bytes > queue_bytes_) {
    observer_.on_drop(port_, sc_core::sc_time::from_value(now), f->data.bytes(), ModelDropReason::kEgressQueueFull, f->origin);
    csr_.hw_add(hw::reg::PortTxDrops::offset(port_), 1);
  } else {
    const std::uint64_t start = busy_until_ps_ > now ? busy_until_ps_ : now;
    busy_until_ps_ = start + wire_.time_ps(bytes);
    if (start > now) waiting_.push(start, bytes);
    csr_.hw_add(hw::reg::PortTxPkts::offset(port_), 1);
    csr_.hw_add(hw::reg::PortTxBytes::offset(port_), bytes);
    observer_.on_transmit(port_, sc_core::sc_time::from_value(start), f->data.bytes(), f->origin);
  }
  pool_.release(f);
}

}  // namespace flowsim::model
