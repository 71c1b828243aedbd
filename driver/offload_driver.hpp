// SPDX-License-Identifier: Apache-2.0
// The offload driver: brings the device up, receives punted frames from the RX ring and
// hands them to the host stack, sends the stack's frames through the TX ring. It touches
// the device only through the Hal. (Flow offload — REPLACE/DESTROY/STATS — arrives with
// its own issue.)
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>

#include "driver/driver_config.hpp"
#include "driver/hal.hpp"
#include "driver/rx_packet.hpp"
#include "driver/rx_ring.hpp"
#include "driver/tx_ring.hpp"

namespace flowsim::driver {

struct DriverStats {
  std::uint64_t irqs = 0;
  std::uint64_t rx_packets = 0;
  std::uint64_t rx_truncated = 0;
  std::uint64_t rx_ring_full_events = 0;  // the device reported punts lost to a full ring
  std::uint64_t tx_packets = 0;
  std::uint64_t tx_ring_full = 0;
  std::uint64_t tx_too_long = 0;
};

class OffloadDriver {
 public:
  using RxHandler = std::function<void(const RxPacket&)>;

  OffloadDriver(Hal& hal, DriverConfig config, RxHandler on_rx);

  // Resets the device, waits for it (DeviceError after config.ready_timeout, or when the
  // ID register is wrong), programs rings, interrupts and ports, and enables the datapath.
  void bring_up();

  // The interrupt service routine: acknowledges the cause, delivers every completed RX
  // descriptor to the handler (which may call transmit()), then rings the TX doorbell.
  void handle_irq();

  // Queues a frame for `port`. kRingFull and kTooLong mean it was not sent.
  TxResult transmit(std::span<const std::uint8_t> frame, unsigned port);
  void flush_tx();

  const DriverStats& stats() const { return stats_; }
  unsigned num_ports() const { return num_ports_; }

 private:
  void wait_not_busy();

  Hal& hal_;
  DriverConfig config_;
  RxHandler on_rx_;
  std::optional<RxRing> rx_;
  std::optional<TxRing> tx_;
  unsigned num_ports_ = 0;
  DriverStats stats_;
};

}  // namespace flowsim::driver
