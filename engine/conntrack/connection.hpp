// SPDX-License-Identifier: Apache-2.0
// One conntrack entry (struct nf_conn): the tuples of both directions, the status bits, the
// protocol state, the absolute expiry time in simulated time, per-direction counters and the
// mark. NAT needs nothing more: like the kernel, a NAT binding is the reply tuple differing
// from the inverted original one.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>

#include "engine/conntrack/ct_status.hpp"
#include "engine/conntrack/tcp_state.hpp"
#include "net/five_tuple.hpp"

namespace flowsim::engine::conntrack {

// Per-direction TCP window tracking data (struct ip_ct_tcp_state).
struct TcpPeer {
  std::uint32_t td_end = 0;     // max of seq + len
  std::uint32_t td_maxend = 0;  // max of ack + max(win, 1)
  std::uint32_t td_maxwin = 0;  // max(win)
  std::uint32_t td_maxack = 0;  // max of ack
  std::uint8_t td_scale = 0;    // window scale factor
  std::uint8_t flags = 0;       // TcpPeerFlag bits
};

// IP_CT_TCP_FLAG_* values.
enum TcpPeerFlag : std::uint8_t {
  kTcpWindowScale = 0x01,
  kTcpSackPerm = 0x02,
  kTcpCloseInit = 0x04,
  kTcpBeLiberal = 0x08,
  kTcpDataUnacknowledged = 0x10,
  kTcpMaxackSet = 0x20,
  kTcpExpChallengeAck = 0x40,
  kTcpSimultaneousOpen = 0x80,
};

// struct ip_ct_tcp.
struct TcpTrack {
  std::array<TcpPeer, 2> seen{};
  TcpState state = TcpState::kNone;
  std::uint8_t last_dir = 0;
  std::uint8_t retrans = 0;
  std::uint8_t last_index = 0;  // TcpIndex of the last in-window packet
  std::uint32_t last_seq = 0;
  std::uint32_t last_ack = 0;
  std::uint32_t last_end = 0;
  std::uint16_t last_win = 0;
  std::uint8_t last_wscale = 0;
  std::uint8_t last_flags = 0;
};

struct CtCounter {
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
};

struct Connection {
  // tuple[0] = ORIGINAL as the first packet arrived, tuple[1] = REPLY as replies arrive
  // (after NAT: the inverse of the translated original). ICMP: src_port = echo id,
  // dst_port = type << 8 | code. Other protocols: ports 0.
  std::array<net::FiveTuple, 2> tuple{};
  std::uint32_t status = 0;  // CtStatusBit
  std::chrono::nanoseconds timeout{0};  // absolute expiry
  TcpTrack tcp;
  std::chrono::nanoseconds udp_stream_ts{0};  // ct->proto.udp.stream_ts
  std::array<CtCounter, 2> counters{};
  std::uint32_t mark = 0;
  std::uint64_t id = 0;  // creation order; dumps list entries in it
  // References besides the table's own: the software flowtable holds one per flow. An entry
  // removed from the table stays allocated until the last reference is dropped.
  unsigned refs = 0;

  std::uint8_t l4proto() const { return tuple[0].proto; }
  std::uint8_t family() const { return tuple[0].family; }
  bool has(std::uint32_t bits) const { return (status & bits) == bits; }
};

}  // namespace flowsim::engine::conntrack
