// SPDX-License-Identifier: Apache-2.0
// What the driver is told at load time (module parameters, in Linux terms).
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

namespace flowsim::driver {

struct DriverConfig {
  unsigned rx_ring_size = 256;              // descriptors, power of two
  unsigned tx_ring_size = 256;
  std::uint32_t rx_buffer_size = 10240;     // holds a 9216-byte jumbo frame with tags
  std::uint32_t tx_buffer_size = 10240;
  std::uint32_t irq_coalesce_pkts = 8;      // 0 = an interrupt per packet
  std::uint32_t irq_coalesce_us = 20;
  std::vector<std::uint32_t> port_mtu;      // one per port to enable, in port order
  std::chrono::nanoseconds ready_timeout = std::chrono::milliseconds(1);
  std::chrono::nanoseconds poll_interval = std::chrono::microseconds(1);
};

}  // namespace flowsim::driver
