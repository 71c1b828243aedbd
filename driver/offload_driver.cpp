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

// RX_DESC.INFO.FOE_INDEX is 15 bits wide, so a larger table could not name its entries.
constexpr unsigned kMaxTableSizeLog2 = 15;
constexpr std::uint16_t kMaxAgeDelta = 0x7fff;  // BIND_AGE0/1 deltas are 15 bits

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
  for (const std::uint16_t age : {config_.bind_age_udp_s, config_.bind_age_non_l4_s, config_.bind_age_tcp_s,
                                  config_.bind_age_tcp_fin_s}) {
    if (age > kMaxAgeDelta) throw std::invalid_argument("bind aging deltas are at most 32767 s");
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

void OffloadDriver::read_flow_table_caps(std::uint32_t caps) {
  using hw::reg::Caps;
  flow_table_ = {};
  const unsigned log2 = Caps::kTableSizeLog2.get(caps);
  if (log2 == 0) return;  // no flow table: a plain NIC; every offload is refused
  const unsigned ways = Caps::kTableWays.get(caps);
  if (log2 > kMaxTableSizeLog2 || (ways != 1 && ways != 2 && ways != 4) || ways > (1u << log2)) {
    throw DeviceError("implausible flow table in CAPS " + hex(caps) + ": 2^" + std::to_string(log2) +
                      " entries, " + std::to_string(ways) + " ways");
  }
  flow_table_.entries = 1u << log2;
  flow_table_.ways = ways;
  flow_table_.ipv6_nat = Caps::kIpv6Nat.get(caps) != 0;
}

// Written while GLO_CFG.EN is still 0: HASH_SEED must not change under live entries.
void OffloadDriver::program_flow_table() {
  using namespace hw::reg;
  const DriverConfig& c = config_;
  hal_.write32(HashSeed::offset(), c.hash_seed);
  hal_.write32(TbCfg::offset(), TbCfg::kBindMode.make(c.bind_mode == BindMode::kLearn) |
                                    TbCfg::kAgeEn.make(c.aging) | TbCfg::kMibEn.make(c.mib));
  hal_.write32(BindRate::offset(), BindRate::kBind.make(c.bind_rate));
  hal_.write32(UnbindAge::offset(),
               UnbindAge::kDelta.make(c.unbind_age_s) | UnbindAge::kMinPackets.make(c.unbind_min_packets));
  hal_.write32(BindAge0::offset(),
               BindAge0::kDeltaUdp.make(c.bind_age_udp_s) | BindAge0::kDeltaNonL4.make(c.bind_age_non_l4_s));
  hal_.write32(BindAge1::offset(),
               BindAge1::kDeltaTcp.make(c.bind_age_tcp_s) | BindAge1::kDeltaTcpFin.make(c.bind_age_tcp_fin_s));
  hal_.write32(MibCfg::offset(), MibCfg::kEn.make(c.mib) | MibCfg::kRdClr.make(c.mib_read_clear));
}

void OffloadDriver::bring_up() {
  using namespace hw::reg;
  up_ = false;
  const std::uint32_t id = hal_.read32(Id::offset());
  if (id != Id::kResetValue) {
    throw DeviceError("unexpected device: ID register reads " + hex(id) + ", expected " + hex(Id::kResetValue));
  }
  // The reset empties the flow table: whatever a flow offloader remembers is gone.
  ++generation_;
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
  read_flow_table_caps(caps);
  if (flow_table_.entries != 0) program_flow_table();

  rx_.emplace(hal_, kRxRing, config_.rx_ring_size, config_.rx_buffer_size);
  tx_.emplace(hal_, kTxRing, config_.tx_ring_size, config_.tx_buffer_size);
  rx_->program();
  tx_->program();

  hal_.write32(IrqCoalesce::offset(), IrqCoalesce::kMaxPkts.make(config_.irq_coalesce_pkts) |
                                          IrqCoalesce::kMaxDelayUs.make(config_.irq_coalesce_us));
  hal_.write32(IrqStatus::offset(), ~0u);
  // AGED only counts (the shadow table is reconciled lazily, by stats() and full buckets),
  // but it makes hardware aging visible in the driver's statistics.
  const bool aged_irq = flow_table_.entries != 0 && config_.aging;
  hal_.write32(IrqMask::offset(), IrqStatus::kRxDone.mask() | IrqStatus::kRxRingFull.mask() |
                                      (aged_irq ? IrqStatus::kAged.mask() : 0));
  for (unsigned p = 0; p < config_.port_mtu.size(); ++p) {
    hal_.write32(PortMtu::offset(p), config_.port_mtu[p]);
    hal_.write32(PortCfg::offset(p), PortCfg::kEn.make(1));
  }
  hal_.write32(GloCfg::offset(), GloCfg::kEn.make(1) | GloCfg::kIp4CsDrop.make(config_.drop_bad_ipv4_checksum) |
                                     GloCfg::kL4CsDrop.make(config_.drop_bad_l4_checksum) |
                                     GloCfg::kTtl0Drop.make(config_.drop_ttl0));
  up_ = true;
}

void OffloadDriver::handle_irq() {
  using hw::reg::IrqStatus;
  ++stats_.irqs;
  const std::uint32_t status = hal_.read32(IrqStatus::offset());
  if (status == 0xffffffffu) return;  // device gone; nothing to acknowledge
  hal_.write32(IrqStatus::offset(), status);
  if (status & IrqStatus::kRxRingFull.mask()) ++stats_.rx_ring_full_events;
  if (status & IrqStatus::kAged.mask()) ++stats_.aged_irqs;
  if (!rx_) return;
  // Bounded by the ring size: a device that keeps setting DONE cannot keep us here.
  RxPacket pkt;
  for (unsigned n = 0; n < rx_->size() && rx_->next(pkt); ++n) {
    ++stats_.rx_packets;
    if (pkt.truncated) ++stats_.rx_truncated;
    if (rx_hook_) rx_hook_(pkt);
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

void OffloadDriver::set_port_enabled(unsigned port, bool enabled) {
  if (port >= num_ports_) return;
  hal_.write32(hw::reg::PortCfg::offset(port), hw::reg::PortCfg::kEn.make(enabled));
}

void OffloadDriver::flush_tx() {
  if (tx_) tx_->publish();
}

}  // namespace flowsim::driver
