// SPDX-License-Identifier: Apache-2.0
#include "driver/offload_driver.hpp"

#include <cstdio>
#include <stdexcept>
#include <string>

#include "driver/device_error.hpp"
#include "hw/flowsim_hw.hpp"  // Generated.

namespace flowsim::driver {
namespace {

constexpr unsigned kRxRing = 0;
constexpr unsigned kTxRing = 1;
constexpr unsigned kTxBatch = 16;

bool valid_ring_size(unsigned n) { return n >= 2 && n <= 4096 && (n & (n - 1)) == 0; }

std::string hex(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

}  // namespace

OffloadDriver::OffloadDriver(Hal& hal, DriverConfig config, RxHandler on_rx)
    : hal_(hal), config_(std::move(config)), on_rx_(std::move(on_rx)) {
  if (!valid_ring_size(config_.rx_ring_size) || !valid_ring_size(config_.tx_ring_size)) {
    throw std::invalid_argument("ring sizes must be powers of two in 2..4096");
  }
}

void OffloadDriver::wait_not_busy() {
  using hw::reg::GloCfg;
  const auto deadline = hal_.now() + config_.ready_timeout;
  for (;;) {
    const std::uint32_t glo = hal_.read32(GloCfg::offset());
    // All ones is what a read of an absent device returns, never a ready device.
    if (glo != 0xffffffffu && !GloCfg::kBusy.get(glo)) return;
    if (hal_.now() >= deadline) {
      throw DeviceError("device not ready: GLO_CFG.BUSY still set after " +
                        std::to_string(config_.ready_timeout.count() / 1000) + " us (GLO_CFG = " + hex(glo) + ")");
    }
    hal_.sleep(config_.poll_interval);
  }
}

void OffloadDriver::bring_up() {
  using namespace hw::reg;
  const std::uint32_t id = hal_.read32(Id::offset());
  if (id != Id::kResetValue) {
    throw DeviceError("unexpected device: ID register reads " + hex(id) + ", expected " + hex(Id::kResetValue));
  }
  hal_.write32(GloCfg::offset(), GloCfg::kSoftReset.make(1));
  wait_not_busy();

  const std::uint32_t caps = hal_.read32(Caps::offset());
  num_ports_ = Caps::kNumPorts.get(caps);
  if (num_ports_ == 0 || num_ports_ > PortCfg::kCount || Caps::kNumRings.get(caps) < 2) {
    throw DeviceError("implausible CAPS register " + hex(caps));
  }
  if (config_.port_mtu.size() > num_ports_) {
    throw DeviceError("configuration names " + std::to_string(config_.port_mtu.size()) + " ports, device has " +
                      std::to_string(num_ports_));
  }

  rx_.emplace(hal_, kRxRing, config_.rx_ring_size, config_.rx_buffer_size);
  tx_.emplace(hal_, kTxRing, config_.tx_ring_size, config_.tx_buffer_size);
  rx_->program();
  tx_->program();

  hal_.write32(IrqCoalesce::offset(), IrqCoalesce::kMaxPkts.make(config_.irq_coalesce_pkts) |
                                          IrqCoalesce::kMaxDelayUs.make(config_.irq_coalesce_us));
  hal_.write32(IrqStatus::offset(), ~0u);
  hal_.write32(IrqMask::offset(), IrqStatus::kRxDone.mask() | IrqStatus::kRxRingFull.mask());
  for (unsigned p = 0; p < config_.port_mtu.size(); ++p) {
    hal_.write32(PortMtu::offset(p), config_.port_mtu[p]);
    hal_.write32(PortCfg::offset(p), PortCfg::kEn.make(1));
  }
  hal_.write32(GloCfg::offset(), GloCfg::kEn.make(1));
}

void OffloadDriver::handle_irq() {
  using hw::reg::IrqStatus;
  ++stats_.irqs;
  const std::uint32_t status = hal_.read32(IrqStatus::offset());
  if (status == 0xffffffffu) return;  // device gone; nothing to acknowledge
  hal_.write32(IrqStatus::offset(), status);
  if (status & IrqStatus::kRxRingFull.mask()) ++stats_.rx_ring_full_events;
  if (!rx_) return;
  // Bounded by the ring size: a device that keeps setting DONE cannot keep us here.
  RxPacket pkt;
  for (unsigned n = 0; n < rx_->size() && rx_->next(pkt); ++n) {
    ++stats_.rx_packets;
    if (pkt.truncated) ++stats_.rx_truncated;
    on_rx_(pkt);
    rx_->recycle();
    // Ring the TX doorbell every few frames so that the TX ring drains while we work.
    if (n % kTxBatch == kTxBatch - 1) flush_tx();
  }
  rx_->publish();
  flush_tx();
}

TxResult OffloadDriver::transmit(std::span<const std::uint8_t> frame, unsigned port) {
  if (!tx_) return TxResult::kRingFull;
  const TxResult r = tx_->post(frame, port);
  switch (r) {
    case TxResult::kQueued: ++stats_.tx_packets; break;
    case TxResult::kRingFull: ++stats_.tx_ring_full; break;
    case TxResult::kTooLong: ++stats_.tx_too_long; break;
  }
  return r;
}

void OffloadDriver::flush_tx() {
  if (tx_) tx_->publish();
}

}  // namespace flowsim::driver
