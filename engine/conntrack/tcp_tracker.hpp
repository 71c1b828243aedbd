// SPDX-License-Identifier: Apache-2.0
// Conntrack's TCP tracker (net/netfilter/nf_conntrack_proto_tcp.c, v6.1–v6.13): the state
// transition table, the window tracking of tcp_in_window, and the timeout a packet leaves the
// entry with. Ported function by function, because the states and timeouts it produces are
// what /proc/net/nf_conntrack shows and what decides when a flow may be offloaded
// (ESTABLISHED + ASSURED), and the tests compare those byte for byte.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>

#include "engine/conntrack/connection.hpp"
#include "engine/conntrack/conntrack_timeouts.hpp"

namespace flowsim::engine::conntrack {

// The parts of a TCP segment the tracker reads.
struct TcpSegment {
  std::uint8_t flags = 0;  // FIN 0x01 SYN 0x02 RST 0x04 PSH 0x08 ACK 0x10 URG 0x20 ECE 0x40 CWR 0x80
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint16_t window = 0;
  std::span<const std::uint8_t> options;  // the doff*4 - 20 option bytes
  std::uint32_t payload_length = 0;       // bytes after the TCP header, inside the IP datagram
};

// Tunables of the tracker (net.netfilter.nf_conntrack_tcp_*).
struct TcpTrackerConfig {
  bool loose = true;       // nf_conntrack_tcp_loose: pick up connections mid-stream
  bool be_liberal = false;  // nf_conntrack_tcp_be_liberal
  unsigned max_retrans = 3;  // nf_conntrack_tcp_max_retrans
};

enum class TcpVerdict : std::uint8_t {
  kAccept,         // tracked; entry updated
  kIgnore,         // accepted; timeout and counters untouched (sIG, out-of-window, SYN resent)
  kInvalid,        // -NF_ACCEPT: the packet continues without a connection
  kAcceptAndKill,  // accepted; the entry must be removed (RST before any reply)
  kReopen,         // -NF_REPEAT: remove the entry and look the packet up again
};

class TcpTracker {
 public:
  // tcp_error's flag check: combinations of FIN/SYN/RST/ACK/URG a stack may send.
  static bool flags_valid(std::uint8_t flags);

  // tcp_new: initialises `ct.tcp` for an unconfirmed entry; false if no connection may
  // start with this segment (then the packet is invalid).
  static bool on_new(Connection& ct, const TcpSegment& seg, const TcpTrackerConfig& config);

  // nf_conntrack_tcp_packet after tcp_error/tcp_new: moves the state, checks the window,
  // sets ASSURED and refreshes `ct.timeout` to `now` + the state's timeout.
  static TcpVerdict on_packet(Connection& ct, CtDir dir, const TcpSegment& seg, std::chrono::nanoseconds now,
                              const ConntrackTimeouts& timeouts, const TcpTrackerConfig& config);
};

}  // namespace flowsim::engine::conntrack
