// SPDX-License-Identifier: Apache-2.0
// The outcome of one replay: what came in, where every packet went (hardware, software,
// or dropped by a named reason), per port and per punt reason, as JSON and as a readable
// summary. The same inputs give a byte-identical report.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace flowsim::testbench {

struct PortReport {
  std::string name;
  std::uint64_t speed_bps = 0;
  std::uint64_t rx_packets = 0;
  std::uint64_t rx_bytes = 0;
  std::uint64_t tx_packets = 0;
  std::uint64_t tx_bytes = 0;
  std::uint64_t tx_hw = 0;  // forwarded by the hardware fast path
  std::uint64_t tx_sw = 0;  // sent by software through the TX ring
  std::uint64_t first_tx_ps = 0;
  std::uint64_t last_tx_end_ps = 0;  // when the last frame's last bit (and IFG) left
  double theoretical_pps_64b = 0;    // line rate for 64-byte frames
  double theoretical_pps = 0;        // line rate for this port's mean transmitted frame size
  double achieved_pps = 0;           // transmitted packets over the busy interval
};

// What offloads on the capturing host left in a capture, and what the replay did about it.
struct CaptureArtefactReport {
  std::uint32_t mtu = 1500;          // oversize means an IP packet longer than this
  std::uint32_t largest_ip = 0;
  std::uint64_t bad_ip_checksum = 0;  // packets, and "N (#first, ...)"
  std::string bad_ip_checksum_packets;
  std::uint64_t bad_l4_checksum = 0;
  std::string bad_l4_checksum_packets;
  std::uint64_t oversize = 0;
  std::string oversize_packets;
  bool fix_checksums = false;
  bool resegment = false;
  std::uint64_t checksums_fixed = 0;  // injected packets whose checksums were recomputed
  std::uint64_t resegmented = 0;      // packets cut into segments
  std::uint64_t segments_added = 0;   // frames that made beyond one per packet
};

// How a capture was replayed (flowsim replay --capture): its sides and hosts, what was
// changed in the router to reach them, the timing, what endpoint emulation did.
struct CaptureReport {
  std::string file;
  std::uint64_t packets = 0;
  std::uint64_t conversations = 0;
  std::uint64_t tcp_handshakes = 0;  // TCP conversations opened in the capture
  std::string sides;  // how they were chosen
  std::uint64_t lan_hosts = 0;
  std::uint64_t wan_hosts = 0;
  std::string lan_port;
  std::string wan_port;
  std::vector<std::string> router_changes;
  std::string timing;
  std::uint64_t readdressed = 0;  // responder packets re-addressed to the router's NAT mapping
  // Injected packets that a router offloading every conversation at `flow add` would forward
  // in hardware: those after the packet that adds the flow (not SYN, FIN or RST).
  std::uint64_t ideal_hw = 0;
  CaptureArtefactReport artefacts;
};

// A change to the router made while it ran (scenario `events:`, conformance `event` lines).
struct ReportEvent {
  std::uint64_t at_ns = 0;  // traffic time
  std::string command;
  std::string error;  // empty: it succeeded
};

struct Report {
  std::string scenario;
  // The datapath blocks that ran as RTL ("none", "all", "parser,lookup"). Deliberately not in
  // report.json or summary.txt: the RTL blocks are bit-identical to their C++ twins, so the
  // outputs of the two runs compare byte for byte.
  std::string rtl_blocks;
  std::string shard;  // "K/N" when only shard K of N of the traffic's conversations was replayed
  std::uint64_t captured = 0;  // packets read from the captures: packets_in + not injected
  std::map<std::string, std::uint64_t> not_injected;  // captured but never injected, by reason
  std::uint64_t packets_in = 0;  // injected into the router's ports
  std::uint64_t forwarded_hw = 0;
  std::uint64_t forwarded_sw = 0;
  std::uint64_t dropped = 0;
  std::uint64_t generated_sw = 0;  // packets the router itself sent (ICMP errors); not in packets_in
  // IPv4 fragmentation: the fragments beyond the first of each packet the router fragmented
  // (sent, not in forwarded_sw, like generated_sw), and the fragments reassembly held
  // (nf_defrag_ipv4): they went on inside the datagram their last fragment completed
  // (joined), or were lost with their queue (timed_out, killed), or still wait (held).
  std::uint64_t fragments_sw = 0;
  std::uint64_t reassembly_held = 0;  // all of them: joined + timed_out + killed + waiting
  std::map<std::string, std::uint64_t> reassembly;
  std::map<std::string, std::uint64_t> generated_dropped;  // ... and those lost on the way, by reason
  std::map<std::string, std::uint64_t> drops;  // by reason name, sorted for stable output
  std::map<std::string, std::uint64_t> punts;  // by punt reason name
  std::vector<PortReport> ports;
  std::map<std::string, std::uint64_t> slow_path;  // why the engine's fast path was not taken
  std::uint64_t sw_fast_path = 0;                  // of forwarded_sw: by the software flowtable
  // Flows through the flowtable and the offload port (engine side) and the driver's view.
  std::map<std::string, std::uint64_t> flows;
  std::map<std::string, std::uint64_t> offload_refused;  // by refusal reason
  std::map<std::string, std::uint64_t> driver;
  // Injected faults the chip committed, by kind (model/device_faults.hpp), and the driver's
  // resets by the cause it detected, with how many bring-ups after them worked.
  std::map<std::string, std::uint64_t> faults;
  std::map<std::string, std::uint64_t> resets;
  std::uint64_t recoveries = 0;
  std::uint64_t simulated_ps = 0;  // from power-on (driver bring-up included) to the last event
  std::uint64_t driver_irqs = 0;
  std::uint64_t register_bus_errors = 0;
  std::uint64_t dma_errors = 0;
  std::vector<ReportEvent> events;     // in the order they ran
  std::vector<std::string> warnings;  // input problems that did not stop the run, grouped by kind
  std::optional<CaptureReport> capture;  // set for a capture replay

  std::uint64_t not_injected_total() const {
    std::uint64_t n = 0;
    for (const auto& [reason, count] : not_injected) n += count;
    return n;
  }
  // Every captured packet was injected or not injected with a reason, and every injected one
  // was forwarded or dropped with a reason.
  bool accounted() const {
    return packets_in == forwarded_hw + forwarded_sw + dropped + reassembly_held &&
           captured + segments_added() == packets_in + not_injected_total();
  }
  // Frames --resegment made beyond one per captured packet: injected, never captured.
  std::uint64_t segments_added() const { return capture ? capture->artefacts.segments_added : 0; }
  double offload_hit_rate() const {
    return packets_in == 0 ? 0.0 : static_cast<double>(forwarded_hw) / static_cast<double>(packets_in);
  }
  double ideal_hit_rate() const {
    return !capture || packets_in == 0 ? 0.0 : static_cast<double>(capture->ideal_hw) / static_cast<double>(packets_in);
  }
  std::string to_json() const;
  std::string to_text() const;
};

}  // namespace flowsim::testbench
