// SPDX-License-Identifier: Apache-2.0
// The identification field of packets the router makes itself, chosen as Linux chooses it:
// IPv4 (__ip_select_ident, ip_idents_reserve in net/ipv4/route.c) hashes destination,
// source and protocol with a per-boot SipHash key into one of a table of counters; each
// counter advances by one per packet, plus a random jump below the number of jiffies since
// it was last used, so that an observer cannot count another host's packets. IPv6 fragment
// IDs (ipv6_select_ident) are random and nonzero. Linux draws the key, the counters' start
// values and the jumps at random; here they come from one seeded generator, so the same seed
// gives the same IDs and the kernel differential masks these fields.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>

#include "engine/ip/siphash.hpp"
#include "net/ipv4_addr.hpp"
#include "net/ipv4_header.hpp"

namespace flowsim::engine::ip {

class IpIdent {
 public:
  // alloc_large_system_hash("IP idents") gives at least 2048 buckets (more on big machines).
  static constexpr std::size_t kBuckets = 2048;
  // The tick of the jiffies clock that the random jump is measured in (Debian's CONFIG_HZ).
  static constexpr unsigned kHz = 250;

  explicit IpIdent(std::uint64_t seed);

  // __ip_select_ident: the ID of the first of `segs` packets from `src` to `dst` with
  // `protocol`, sent at simulated time `now` (since the router booted).
  std::uint16_t select(net::Ipv4Addr src, net::Ipv4Addr dst, std::uint8_t protocol, std::chrono::nanoseconds now,
                       unsigned segs = 1);

  // ip_select_ident for a packet from a socket that is not connected (the ICMP socket): a
  // header with DF gets ID 0 unless `ignore_df`, any other one an ID from select().
  void select_for(const net::Ipv4Header& ip, std::chrono::nanoseconds now, bool ignore_df = false);

  // ipv6_select_ident: the Fragment header ID of a datagram the router fragments.
  std::uint32_t select_ipv6();

 private:
  std::uint32_t random_u32();
  std::uint32_t random_below(std::uint32_t ceil);

  std::uint64_t rng_;
  SipKey key_;
  std::array<std::uint32_t, kBuckets> idents_{};
  std::array<std::uint32_t, kBuckets> stamps_{};  // jiffies of each counter's last use (0: never)
};

}  // namespace flowsim::engine::ip
