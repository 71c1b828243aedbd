// SPDX-License-Identifier: Apache-2.0
// TEST ONLY: the driver configuration the driver's tests bring the ASIC model up with (no
// interrupt coalescing, so that each test sees every completion at once; small rings), and
// the two hosts their flows run between.
#pragma once

#include <cstdint>

#include "driver/driver_config.hpp"

namespace flowsim::driver::testing {

inline constexpr std::uint32_t kLanHost = 0xc0a8010a;  // 192.168.1.10
inline constexpr std::uint32_t kServer = 0x5db8d822;   // 93.184.216.34

inline DriverConfig bench_config(unsigned rx_ring_size = 64, unsigned tx_ring_size = 16) {
  DriverConfig c;
  c.rx_ring_size = rx_ring_size;
  c.tx_ring_size = tx_ring_size;
  c.irq_coalesce_pkts = 0;
  c.irq_coalesce_us = 0;
  c.port_mtu = {1500, 1500, 1500};
  return c;
}

}  // namespace flowsim::driver::testing
