// SPDX-License-Identifier: Apache-2.0
// The offload driver: brings the device up (rings, interrupts, ports and the flow table's
// configuration), receives punted frames from the RX ring and hands them to the host stack,
// sends the stack's frames through the TX ring. It touches the device only through the Hal.
// Flow offload (REPLACE/DESTROY/STATS) is FlowOffloader's job, on top of this driver: it
// uses the driver's Hal, the table geometry read here, an RX hook and the driver's counters.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>

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
  // then rings the TX doorbell.
  void handle_irq();

  // Called for every received frame before the RX handler, from handle_irq(). The flow
  // offloader's learn path sets it (hit_unbind_rate_reached); the frame still goes up.
  // One hook: setting another replaces it, an empty function removes it.
  void set_rx_hook(RxHandler hook) { rx_hook_ = std::move(hook); }

  // Enables or disables one Ethernet port (ndo_open / ndo_stop: `ip link set DEV up|down`):
  // a disabled port neither receives nor sends.
  void set_port_enabled(unsigned port, bool enabled);

  // Queues a frame for `port`. kRingFull and kTooLong mean it was not sent.
  TxResult transmit(std::span<const std::uint8_t> frame, unsigned port);
  void flush_tx();

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
};

}  // namespace flowsim::driver
