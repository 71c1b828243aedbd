// SPDX-License-Identifier: Apache-2.0
// What the driver is told at load time (module parameters, in Linux terms).
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

namespace flowsim::driver {

// How flow entries come to exist (TB_CFG.BIND_MODE).
enum class BindMode : std::uint8_t {
  kDirect,  // replace() writes the BIND entry into a way the driver picks
  kLearn,   // MediaTek: replace() parks the entry; the hardware learns the flow (UNBIND) and
            // punts hit_unbind_rate_reached with the index, where the driver then binds it
};

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

  // Flow table. Defaults follow mtk_ppe_start (hardware.md §1.7); the seed is Airoha's.
  BindMode bind_mode = BindMode::kDirect;
  std::uint32_t hash_seed = 0x12345678;
  std::uint16_t bind_rate = 30;             // learn mode: packets before hit_unbind_rate_reached
  bool aging = true;                        // TB_CFG.AGE_EN
  std::uint8_t unbind_age_s = 3;
  std::uint16_t unbind_min_packets = 1000;
  std::uint16_t bind_age_udp_s = 12;        // 15 bits; 0 = never age that class
  std::uint16_t bind_age_non_l4_s = 1;
  std::uint16_t bind_age_tcp_s = 7;
  std::uint16_t bind_age_tcp_fin_s = 1;
  bool mib = true;                          // per-entry counters (TB_CFG/MIB_CFG.EN, IB1.MIB_EN)
  // GLO_CFG drop checks. mtk_ppe_start sets the two checksum drops; Linux itself drops a bad
  // IPv4 header checksum (ip_rcv) but forwards a bad transport checksum and answers TTL 0 with
  // ICMP, so by default only the IPv4 one is on.
  bool drop_bad_ipv4_checksum = true;       // GLO_CFG.IP4_CS_DROP
  bool drop_bad_l4_checksum = false;        // GLO_CFG.L4_CS_DROP
  bool drop_ttl0 = false;                   // GLO_CFG.TTL0_DROP
  bool mib_read_clear = true;               // MIB_CFG.RD_CLR: each read returns deltas
  // Longest wait for ENTRY_CTRL.ACK / MIB_SER_CR.ST; past it the operation is a device error.
  std::chrono::nanoseconds entry_timeout = std::chrono::microseconds(50);
  // Learn mode: one index is looked at most this often (mtk_ppe foe_check_time, HZ / 10).
  std::chrono::nanoseconds learn_check_interval = std::chrono::milliseconds(100);

  // Recovery. The watchdog (Linux's dev_watchdog, shortened to simulated time) checks the
  // device this often — at least twice the interrupt coalescing delay, so that a frame
  // waiting that long is a missed interrupt and not moderation.
  std::chrono::nanoseconds watchdog_interval = std::chrono::milliseconds(1);
  // Frames in the TX ring with no completion for this long: the TX engine hangs.
  std::chrono::nanoseconds tx_timeout = std::chrono::milliseconds(2);
  // Before a reset for a fault that spares the TX engine, frames already in the TX ring get
  // this long to be sent, rather than being abandoned.
  std::chrono::nanoseconds tx_drain_timeout = std::chrono::microseconds(100);
  // Consecutive failed recoveries before the driver gives up (DeviceError).
  unsigned max_failed_recoveries = 3;
};

}  // namespace flowsim::driver
