// SPDX-License-Identifier: Apache-2.0
// Construction parameters of the modelled ASIC: what the board and the silicon are, as
// opposed to what the driver programs through registers. Defaults follow the FOE-lite
// proposal in shared/spec/hardware.md §4.2; every block's cost is derived from these
// numbers (no per-cycle events), so throughput limits, queueing and drops emerge from them.
//
// What the defaults give (500 MHz, 2 ns/cycle): the ingress pipeline starts one packet every
// max(ceil(len / 32) + 1 datapath beats, 3 lookup cycles, block initiation intervals) cycles,
// i.e. 166.7 Mpps for 64-byte frames and 10.2 Mpps for 1518-byte ones, against 74.4 Mpps for
// 4 x 10G + 4 x 2.5G at 64 bytes (hardware.md §4.3): the ports, not the core, are the limit
// for bound flows. Latency MAC RX -> egress queue of a bound 64-byte frame = 12 + 4 + 2 + 7 +
// 4 + 10 = 39 cycles (78 ns) after the last bit was received.
#pragma once

#include <cstdint>
#include <vector>

#include "hw/flowsim_hw.hpp"  // Generated.
#include "model/rtl_twin/rtl_blocks.hpp"
#include "model/rtl_twin/rtl_instrument_request.hpp"

namespace flowsim::model {

struct PortParams {
  std::uint64_t speed_bps = 10'000'000'000;
  std::uint32_t mtu = 1500;
};

struct AsicParams {
  std::vector<PortParams> ports;

  // ---- Core clock and datapath.
  double clock_mhz = 500.0;
  unsigned datapath_bytes = 32;          // bytes per cycle (256-bit datapath)
  unsigned datapath_bubble_cycles = 1;   // idle cycles between two packets on the datapath

  // ---- Ingress, per-block latency (cycles) and initiation interval (cycles per packet). The
  // blocks' defaults are the spec's (rtl/spec/flowsim_hw.yaml `datapath`), which the RTL of
  // each block implements.
  std::uint32_t mac_rx_fifo_bytes = 16384;  // per port; a frame that does not fit is dropped
  unsigned mac_to_parser_cycles = 12;
  unsigned parser_cycles = hw::datapath::kParserLatencyCycles;
  unsigned parser_ii_cycles = hw::datapath::kParserIiCycles;
  unsigned hash_cycles = hw::hash::kLatencyCycles;
  unsigned hash_ii_cycles = 1;

  // ---- Flow table (FOE SRAM) and lookup.
  unsigned table_entries = 16384;  // power of two, hw::datapath::kTable{Min,Max}Entries
  unsigned table_ways = 4;         // ways per bucket: 1, 2 or 4
  // SRAM banks read in parallel; a lookup probes the bucket's ways in
  // ceil(table_ways / sram_banks) rounds of sram_read_cycles each. Default: one bank per way,
  // so a bucket is read in one round (hardware.md §4.2).
  unsigned sram_banks = hw::datapath::kSramBanks;
  unsigned sram_read_cycles = 2;  // read latency of one SRAM probe round
  // Latency of a lookup with one probe round: read beat 0 of every way (2), compare (1), read
  // beat 1 of the hit way (2), hand-off (2). Every extra probe round adds sram_read_cycles.
  unsigned lookup_cycles = hw::datapath::kLookupLatencyCycles;
  // Whole-table occupancy per packet, including the write-back (IB1 timestamp or UNBIND
  // counter); every extra probe round adds one cycle.
  unsigned lookup_occupancy_cycles = hw::datapath::kLookupIiCycles;

  // ---- Rewrite and egress.
  unsigned rewrite_cycles = hw::datapath::kRewriteLatencyCycles;
  unsigned rewrite_ii_cycles = hw::datapath::kRewriteIiCycles;
  unsigned egress_cycles = 10;
  std::uint32_t egress_queue_bytes = 262144;  // per port, tail drop

  // ---- Host side of the CPU port.
  std::uint64_t dma_latency_ns = 500;  // one non-posted DMA read (descriptor or TX buffer)
  double dma_gbps = 32.0;              // posted DMA writes (punted frame, write-back) stream at this rate
  // Token-bucket meter in front of the CPU port: punts beyond it are dropped (punt_meter).
  // 1 Mpps as in hardware.md §4.2; the burst absorbs a ring's worth of back-to-back misses.
  double punt_meter_pps = 1'000'000.0;
  unsigned punt_meter_burst = 256;

  std::uint64_t reset_busy_ns = 20'000;  // GLO_CFG.BUSY stays set this long after a soft reset
  // Which datapath blocks run as Verilated RTL instead of their C++ twins (bit-identical).
  RtlBlocks rtl;
  // A waveform and/or coverage of the blocks that run as RTL (none by default).
  RtlInstrumentRequest rtl_instruments;
};

}  // namespace flowsim::model
