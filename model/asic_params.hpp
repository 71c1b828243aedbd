// SPDX-License-Identifier: Apache-2.0
// Construction parameters of the modelled ASIC: what the board and the silicon are, as
// opposed to what the driver programs through registers. Defaults follow the FOE-lite
// proposal in shared/spec/hardware.md §4.2 (500 MHz core, 32 B/cycle datapath).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace flowsim::model {

struct PortParams {
  std::uint64_t speed_bps = 10'000'000'000;
  std::uint32_t mtu = 1500;
};

struct AsicParams {
  std::vector<PortParams> ports;
  double clock_mhz = 500.0;
  unsigned datapath_bytes = 32;
  // Per-block latencies in core cycles (hardware.md §4.2).
  unsigned mac_to_parser_cycles = 12;
  unsigned parser_cycles = 4;
  unsigned hash_cycles = 2;
  unsigned lookup_cycles = 7;
  unsigned lookup_occupancy_cycles = 3;  // whole-table occupancy per packet
  unsigned rewrite_cycles = 4;
  unsigned egress_cycles = 10;
  std::uint32_t egress_queue_bytes = 262144;
  // Host side of the CPU port.
  std::uint64_t dma_latency_ns = 500;    // one DMA read or write transaction
  std::uint64_t reset_busy_ns = 20'000;  // GLO_CFG.BUSY stays set this long after a soft reset
  std::string hash_impl = "cpp";         // "cpp" or "rtl": which twin the hash unit runs
};

}  // namespace flowsim::model
