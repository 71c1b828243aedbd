// SPDX-License-Identifier: Apache-2.0
// The router's own IP stack, past the INPUT hook (ip_local_deliver_finish /
// ip6_input_finish): what a datagram addressed to the router gets back. ICMP and ICMPv6 echo
// requests are answered (icmp_echo / icmpv6_echo_reply); a TCP segment to a port nothing
// listens on is answered with a RST (tcp_v4_send_reset / tcp_v6_send_reset), a UDP datagram
// with "port unreachable" (__udp4_lib_rcv / __udp6_lib_rcv), an unknown protocol with
// "protocol unreachable" (IPv4) or a parameter problem pointing at the next header field
// (IPv6). The router's services (sshd, dnsmasq, ...) are declared, not played: a packet to
// one is delivered and answered by nobody here. Checksums are verified as the protocols do
// (a bad one is dropped silently). Not modelled: IP options, raw sockets, broadcast
// services.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "engine/engine_config.hpp"

namespace flowsim::engine::local {

enum class LocalAction : std::uint8_t {
  kConsumed,           // delivered (to a service, to ICMP) or discarded: no answer
  kEchoReply,          // an echo reply is built
  kIcmpError,          // send an ICMP / ICMPv6 error about the datagram (type, code, info)
  kReset,              // a TCP RST is built
};

// What the destination address of a locally delivered datagram is to the router.
enum class LocalDest : std::uint8_t {
  kUnicast,    // one of its addresses
  kBroadcast,  // IPv4 limited or subnet broadcast
  kAnycast,    // IPv6 subnet-router anycast
};

struct LocalAnswer {
  LocalAction action = LocalAction::kConsumed;
  // kIcmpError: what to send (the error itself is built by the caller, which knows the route).
  std::uint8_t icmp_type = 0;
  std::uint8_t icmp_code = 0;
  std::uint32_t icmp_info = 0;
};

class LocalStack {
 public:
  explicit LocalStack(std::vector<ServiceConfig> services);

  // The answer to `datagram` (IP header first, ending with the IP payload), delivered to
  // the router. `l4proto` and `l4_offset` locate the transport header behind any IPv6
  // extension headers. A broadcast destination gets nothing back (no error, no RST, and
  // no echo reply: icmp_echo_ignore_broadcasts); an anycast one gets an echo reply from
  // `anycast_src` (the address routing picks, anycast_src_echo_reply = 0) but no error.
  // kEchoReply / kReset: `out` holds the reply datagram. Never allocates once `out` has
  // grown to the largest reply.
  LocalAnswer receive(std::span<const std::uint8_t> datagram, std::uint8_t family, std::uint8_t l4proto,
                      std::size_t l4_offset, LocalDest dest, const std::array<std::uint8_t, 16>& anycast_src,
                      std::vector<std::uint8_t>& out) const;

  bool listening(std::uint8_t proto, std::uint16_t port) const;

 private:
  std::vector<ServiceConfig> services_;
};

// icmp_echo / icmpv6_echo_reply: the reply to the echo request in `request` from `src` (the
// address it was sent to, or for IPv6 anycast the one routing picks), with its TOS / traffic
// class, id, sequence and data; TTL / hop limit 64, IPv4 ID 0 without DF (the caller sets
// the ID from the per-destination generator, engine/ip/ip_ident.hpp), flow label 0.
void build_echo_reply(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> request, std::uint8_t family,
                      std::size_t l4_offset, const std::uint8_t* src);

}  // namespace flowsim::engine::local
