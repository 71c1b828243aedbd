// SPDX-License-Identifier: Apache-2.0
// What endpoint emulation needs to know about one captured frame: where its IP packet starts
// behind any 802.1Q tags or PPPoE session header, who sends it to whom (addresses, ports,
// ICMP echo identifier), what kind of packet it is (TCP with its flags, UDP, ICMP echo, an
// ICMP error and the packet it quotes, neighbour discovery, a fragment), and whether the
// bytes hold all of it. Reads only inside the frame; a frame it cannot make sense of is
// kNotIp or kMalformed, never an error.
#pragma once

#include <cstdint>
#include <span>

#include "net/five_tuple.hpp"

namespace flowsim::capture {

enum class PacketKind : std::uint8_t {
  kNotIp,        // ARP, LLDP, STP, PPPoE discovery...
  kArp,
  kMalformed,    // IP version/length inconsistent with the frame
  kTcp,
  kUdp,
  kIcmpEcho,     // echo request/reply: `tuple` ports hold the identifier on both sides
  kIcmpError,    // destination unreachable, time exceeded...: `quoted` is the packet it is about
  kNeighbourDiscovery,  // ICMPv6 router/neighbour solicitation/advertisement, redirect
  kOtherIp,      // other protocols, other ICMP types, later fragments
};

struct InspectedPacket {
  PacketKind kind = PacketKind::kNotIp;
  std::uint16_t ether_type = 0;   // innermost
  std::uint16_t l3_offset = 0;    // in the frame
  std::uint16_t l3_length = 0;    // IPv4 total length / 40 + IPv6 payload length
  std::uint16_t l4_offset = 0;    // in the frame; 0 if there is no transport header
  std::uint8_t tcp_flags = 0;
  bool icmp_request = false;      // kIcmpEcho: a request (else a reply)
  bool fragment = false;          // a fragment other than the first (no transport header)
  std::uint32_t fragment_id = 0;  // IPv4 ID / IPv6 fragment identification, if a fragment
  // Addresses, protocol (after IPv6 extension headers), ports (TCP/UDP) or echo identifier.
  net::FiveTuple tuple;
  // kIcmpError: the quoted packet's tuple, as that packet travelled (its source is the one
  // the error is sent to).
  net::FiveTuple quoted;
  std::uint16_t quoted_offset = 0;  // of the quoted IP header in the frame

  bool is_ip() const { return kind != PacketKind::kNotIp && kind != PacketKind::kArp && kind != PacketKind::kMalformed; }
};

InspectedPacket inspect(std::span<const std::uint8_t> frame);

// The transport protocol behind IPv6 extension headers and its offset from the start of the
// IPv6 header; `fragment`/`fragment_id` set for a Fragment header with a nonzero offset
// (then there is no transport header: the offset is the end of the chain).
struct Ipv6Transport {
  std::uint8_t proto = 0;
  std::size_t offset = 40;
  bool fragmented = false;
  bool later_fragment = false;
  std::uint32_t fragment_id = 0;
  bool complete = true;  // the chain ended inside the bytes given
};
Ipv6Transport ipv6_transport(std::span<const std::uint8_t> ip);

}  // namespace flowsim::capture
