// SPDX-License-Identifier: Apache-2.0
#include "driver/offload_driver.hpp"

#include <algorithm>
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
  configure();
}

std::chrono::nanoseconds OffloadDriver::watchdog_period() const {
  return std::max(config_.watchdog_interval, 2 * std::chrono::nanoseconds(std::chrono::microseconds(config_.irq_coalesce_us)));
}

void OffloadDriver::configure() {
  using namespace hw::reg;
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

  // The rings live as long as the driver; a bring-up after a reset programs them again.
  if (!rx_) rx_.emplace(hal_, kRxRing, config_.rx_ring_size, config_.rx_buffer_size);
  if (!tx_) tx_.emplace(hal_, kTxRing, config_.tx_ring_size, config_.tx_buffer_size);
  if (tx_->in_flight() != 0) {
    stats_.tx_abandoned += tx_->abandon(std::nullopt, on_tx_abandoned_ ? on_tx_abandoned_ : [](std::uint64_t, std::span<const std::uint8_t>) {});
  }
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
  rx_waiting_at_.reset();
  tx_completed_seen_ = tx_->completed();
  tx_stuck_since_ = hal_.now();
  next_watchdog_ = hal_.now() + watchdog_period();
}

void OffloadDriver::handle_irq() {
  using hw::reg::IrqStatus;
  ++stats_.irqs;
  const std::uint32_t status = hal_.read32(IrqStatus::offset());
  if (status == 0xffffffffu) {  // device gone: nothing to acknowledge
    request_reset(ResetCause::kDeviceGone);
    return;
  }
  hal_.write32(IrqStatus::offset(), status);
  if (status & IrqStatus::kRxRingFull.mask()) ++stats_.rx_ring_full_events;
  if (status & IrqStatus::kAged.mask()) ++stats_.aged_irqs;
  deliver_rx();
}

void OffloadDriver::deliver_rx() {
  if (!rx_ || !up_) return;
  // Bounded by the ring size: a device that keeps setting DONE cannot keep us here.
  RxPacket pkt;
  for (unsigned n = 0; n < rx_->size() && rx_->next(pkt); ++n) {
    ++stats_.rx_packets;
    check_descriptor(pkt);
    if (pkt.error != RxDescriptorError::kNone) {
      ++stats_.rx_bad_descriptors;
      // Nothing else it wrote can be believed either.
      request_reset(ResetCause::kBadDescriptor);
    } else {
      if (pkt.truncated) ++stats_.rx_truncated;
      if (rx_hook_) rx_hook_(pkt);
    }
    on_rx_(pkt);
    rx_->recycle();
    // Ring the TX doorbell every few frames so that the TX ring drains while we work.
    if (n % kTxBatch == kTxBatch - 1) flush_tx();
  }
  rx_->publish();
  flush_tx();
  rx_waiting_at_.reset();
}

void OffloadDriver::watchdog() {
  using namespace hw::reg;
  const std::chrono::nanoseconds now = hal_.now();
  next_watchdog_ = now + watchdog_period();
  if (!up_ || pending_reset_) return;
  ++stats_.watchdog_runs;

  // RX (one register read at most: RING_HEAD, which also tells a device gone quiet). A frame that has waited a whole period (at least twice the coalescing delay) was
  // never announced: poll it. Moderation without a time limit holds frames back on
  // purpose; otherwise the device lost an interrupt.
  if (rx_->pending()) {
    if (rx_waiting_at_ == rx_->next_to_clean()) {
      ++stats_.polled_without_irq;
      const bool unbounded_moderation = config_.irq_coalesce_us == 0 && config_.irq_coalesce_pkts > 1;
      hal_.write32(IrqStatus::offset(), IrqStatus::kRxDone.mask());
      deliver_rx();
      if (!unbounded_moderation) request_reset(ResetCause::kMissedInterrupt);
      return;
    }
    rx_waiting_at_ = rx_->next_to_clean();
  } else {
    rx_waiting_at_.reset();
    // HEAD and DONE are written at one instant: HEAD beyond a descriptor that is not DONE
    // means its write-back never reached memory.
    const std::uint32_t head = hal_.read32(RingHead::offset(kRxRing));
    if (head == 0xffffffffu) {
      request_reset(ResetCause::kDeviceGone);
      return;
    }
    if ((head & (rx_->size() - 1)) != rx_->next_to_clean()) {
      request_reset(ResetCause::kRxWriteBackLost);
      return;
    }
  }

  // TX: a hang is the device holding descriptors it was told about without completing any
  // for tx_timeout. Progress is counted, not read off the ring index (which comes back to
  // the same value after a ring's worth of frames); frames posted but not yet announced are
  // the CPU's, not the device's.
  tx_->reclaim();
  if (tx_->handed_to_device() == 0 || tx_->completed() != tx_completed_seen_) {
    tx_completed_seen_ = tx_->completed();
    tx_stuck_since_ = now;
    return;
  }
  const std::uint32_t head = hal_.read32(RingHead::offset(kTxRing));
  if (head == 0xffffffffu) {
    request_reset(ResetCause::kDeviceGone);
  } else if ((head & (config_.tx_ring_size - 1)) != tx_->next_to_clean()) {
    request_reset(ResetCause::kTxWriteBackLost);
  } else if (now - tx_stuck_since_ >= config_.tx_timeout) {
    request_reset(ResetCause::kTxHang);
  }
}

void OffloadDriver::request_reset(ResetCause cause) {
  if (!pending_reset_) pending_reset_ = cause;
}

void OffloadDriver::recover() {
  using namespace hw::reg;
  const ResetCause cause = pending_reset_.value_or(ResetCause::kDeviceGone);
  pending_reset_.reset();
  ++stats_.resets[static_cast<std::size_t>(cause)];
  // The TX engine still works after most faults: let it send what the ring holds.
  if (tx_ && cause != ResetCause::kDeviceGone && cause != ResetCause::kTxHang &&
      cause != ResetCause::kTxWriteBackLost) {
    flush_tx();
    const std::chrono::nanoseconds deadline = hal_.now() + config_.tx_drain_timeout;
    while ((tx_->reclaim(), tx_->in_flight() != 0) && hal_.now() < deadline) hal_.sleep(config_.poll_interval);
  }
  up_ = false;
  // Stop the DMA engines first: a transfer under way is aborted and none starts, so RING_HEAD
  // and the DONE bits stop moving; then what the device took from the TX ring is known.
  hal_.write32(GloCfg::offset(), 0);
  if (tx_) {
    const std::uint32_t head = hal_.read32(RingHead::offset(kTxRing));
    const std::optional<std::uint32_t> hw_head =
        head == 0xffffffffu ? std::nullopt : std::optional<std::uint32_t>(head);
    stats_.tx_abandoned +=
        tx_->abandon(hw_head, on_tx_abandoned_ ? on_tx_abandoned_ : [](std::uint64_t, std::span<const std::uint8_t>) {});
  }
  if (on_rx_reset_) on_rx_reset_();
  try {
    // A device that stopped answering reads may answer again after its reset: reset first,
    // then check who it is.
    hal_.write32(GloCfg::offset(), GloCfg::kSoftReset.make(1));
    wait_not_busy();
    bring_up();
  } catch (const DeviceError&) {
    if (++failed_recoveries_ >= config_.max_failed_recoveries) throw;
    request_reset(cause);
    return;
  }
  failed_recoveries_ = 0;
  ++stats_.recoveries;
  for (const auto& handler : on_recovered_) handler();
}

void OffloadDriver::check_descriptor(RxPacket& pkt) const {
  if (pkt.error != RxDescriptorError::kNone) return;
  if (pkt.src_port >= num_ports_) {
    pkt.error = RxDescriptorError::kSrcPort;
  } else if (std::find(hw::kPuntReasons.begin(), hw::kPuntReasons.end(), pkt.reason) == hw::kPuntReasons.end()) {
    pkt.error = RxDescriptorError::kReason;
  }
}

TxResult OffloadDriver::transmit(std::span<const std::uint8_t> frame, unsigned port, std::uint64_t cookie) {
  if (!tx_ || !up_) return TxResult::kRingFull;
  const TxResult r = tx_->post(frame, port, cookie);
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
  if (!tx_) return;
  // Work handed to an idle device: a hang can only be counted from now (a CPU busy for longer
  // than tx_timeout before this doorbell is not the device's delay).
  if (tx_->handed_to_device() == 0 && tx_->in_flight() != 0) tx_stuck_since_ = hal_.now();
  tx_->publish();
}

}  // namespace flowsim::driver
