// SPDX-License-Identifier: Apache-2.0
// The offload driver: brings the device up (rings, interrupts, ports and the flow table's
// configuration), receives punted frames from the RX ring and hands them to the host stack,
// sends the stack's frames through the TX ring. It touches the device only through the Hal.
// Flow offload (REPLACE/DESTROY/STATS) is FlowOffloader's job, on top of this driver: it
// uses the driver's Hal, the table geometry read here, an RX hook and the driver's counters.
// The device is not trusted: a watchdog and checks on everything it writes detect a device
// gone quiet, a hung TX engine, lost write-backs, missed interrupts and impossible
// descriptors; the driver then resets the device and brings it up again (recover()), and
// the listeners account for what the reset discarded and restore what they had installed.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "driver/driver_config.hpp"
#include "driver/driver_stats.hpp"
#include "driver/flow_table_geometry.hpp"
#include "driver/hal.hpp"
#include "driver/rx_packet.hpp"
#include "driver/rx_ring.hpp"
#include "driver/tx_ring.hpp"

namespace flowsim::driver {

class OffloadDriver {
 public:
  using RxHandler = std::function<void(const RxPacket&)>;

  OffloadDriver(Hal& hal, DriverConfig config, RxHandler on_rx);

  // Resets the device, waits for it (DeviceError after config.ready_timeout, or when the
  // ID or CAPS register is wrong), programs the flow table (hash seed, bind mode, bind rate,
  // aging, MIB), rings, interrupts and ports, and enables the datapath. The reset empties
  // the flow table: generation() changes.
  void bring_up();

  // The interrupt service routine: acknowledges the cause, delivers every completed RX
  // descriptor to the RX hook (if any) and then to the handler (which may call transmit()),
  // then rings the TX doorbell. A descriptor with impossible values (RxPacket::error) goes
  // to the handler only, so that it can count the frame as dropped; never to the hook.
  void handle_irq();

  // Called for every received frame before the RX handler, from handle_irq(). The flow
  // offloader's learn path sets it (hit_unbind_rate_reached); the frame still goes up.
  // One hook: setting another replaces it, an empty function removes it.
  void set_rx_hook(RxHandler hook) { rx_hook_ = std::move(hook); }

  // Enables or disables one Ethernet port (ndo_open / ndo_stop: `ip link set DEV up|down`):
  // a disabled port neither receives nor sends.
  void set_port_enabled(unsigned port, bool enabled);

  // Queues a frame for `port`. kRingFull and kTooLong mean it was not sent. `cookie` is
  // handed back if a reset abandons the frame.
  TxResult transmit(std::span<const std::uint8_t> frame, unsigned port, std::uint64_t cookie = 0);
  void flush_tx();

  // ---- recovery ----
  // The periodic check, due at next_watchdog(): reads the device's health, polls completed
  // RX descriptors nobody was interrupted for, and looks for lost write-backs and a hung TX
  // engine. Whatever it finds is a pending reset (reset_pending()).
  void watchdog();
  std::chrono::nanoseconds next_watchdog() const { return next_watchdog_; }
  // A fault seen elsewhere (by the flow offloader) that calls for a reset; the first cause
  // since the last recovery is the one counted.
  void request_reset(ResetCause cause);
  bool reset_pending() const { return pending_reset_.has_value(); }
  // Stops the device, hands every TX frame it did not take to the abandon handler, tells the
  // RX-reset handler that completed-but-unread punts are gone, resets the device and brings
  // it up again, then calls the after-recovery handlers. Throws DeviceError after
  // DriverConfig::max_failed_recoveries failed attempts in a row.
  void recover();
  // Called for every frame a reset abandons in the TX ring, with its transmit() cookie.
  void set_tx_abandon_handler(TxRing::Abandoned handler) { on_tx_abandoned_ = std::move(handler); }
  // Called once per reset, before the RX ring is programmed again.
  void set_rx_reset_handler(std::function<void()> handler) { on_rx_reset_ = std::move(handler); }
  // Called after each successful recovery (the flow offloader re-installs its flows).
  void add_recovery_handler(std::function<void()> handler) { on_recovered_.push_back(std::move(handler)); }

  const DriverStats& stats() const { return stats_; }
  unsigned num_ports() const { return num_ports_; }
  bool is_up() const { return up_; }
  // Bring-ups started so far; a flow offloader forgets its shadow table when this changes,
  // because the soft reset emptied the device's table.
  std::uint64_t generation() const { return generation_; }
  // The flow table as CAPS described it at the last bring-up (entries 0: none).
  const FlowTableGeometry& flow_table() const { return flow_table_; }
  const DriverConfig& config() const { return config_; }
  Hal& hal() const { return hal_; }
  // The flow-offload counters, for the FlowOffloader attached to this driver to update.
  FlowOffloadCounters& offload_counters() { return stats_.offload; }

 private:
  void wait_not_busy();
  void configure();
  void deliver_rx();
  std::chrono::nanoseconds watchdog_period() const;
  // Marks `pkt` with the first impossible value the device wrote into its descriptor.
  void check_descriptor(RxPacket& pkt) const;
  void read_flow_table_caps(std::uint32_t caps);
  void program_flow_table();

  Hal& hal_;
  DriverConfig config_;
  RxHandler on_rx_;
  RxHandler rx_hook_;
  std::optional<RxRing> rx_;
  std::optional<TxRing> tx_;
  unsigned num_ports_ = 0;
  FlowTableGeometry flow_table_;
  bool up_ = false;
  std::uint64_t generation_ = 0;
  DriverStats stats_;

  std::optional<ResetCause> pending_reset_;
  unsigned failed_recoveries_ = 0;
  TxRing::Abandoned on_tx_abandoned_;
  std::function<void()> on_rx_reset_;
  std::vector<std::function<void()>> on_recovered_;
  std::chrono::nanoseconds next_watchdog_ = std::chrono::nanoseconds::max();
  // The watchdog's memory between two runs: where the RX ring waited, and since when the
  // TX ring has made no progress.
  std::optional<unsigned> rx_waiting_at_;
  std::uint64_t tx_completed_seen_ = 0;
  std::chrono::nanoseconds tx_stuck_since_{0};
};

}  // namespace flowsim::driver
