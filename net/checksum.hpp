// SPDX-License-Identifier: Apache-2.0
// Internet checksums (RFC 1071) and their incremental updates (RFC 1624 eqn. 3), computed
// exactly as Linux does (include/net/checksum.h, include/net/ip.h) so that rewritten
// packets keep the representation the kernel would produce. All 16-bit values here are the
// numeric value of the big-endian field (what load_be16 returns).
#pragma once

#include <cstdint>
#include <span>

#include "net/ipv4_addr.hpp"
#include "net/ipv6_addr.hpp"

namespace flowsim::net {

// One's-complement sum of `bytes` (as big-endian 16-bit words, odd tail padded with zero)
// added to `sum`; not folded.
std::uint32_t checksum_add(std::span<const std::uint8_t> bytes, std::uint32_t sum = 0);

// Folds a 32-bit partial sum to 16 bits with end-around carry and complements it
// (Linux csum_fold).
constexpr std::uint16_t checksum_fold(std::uint32_t sum) {
  sum = (sum & 0xffff) + (sum >> 16);
  sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

// The checksum over `bytes`; over data that already holds a correct checksum it returns 0.
inline std::uint16_t internet_checksum(std::span<const std::uint8_t> bytes) {
  return checksum_fold(checksum_add(bytes));
}

// Pseudo-header partial sums for TCP/UDP (RFC 793, RFC 8200 §8.1).
std::uint32_t pseudo_header_sum(Ipv4Addr src, Ipv4Addr dst, std::uint8_t proto, std::uint32_t l4_length);
std::uint32_t pseudo_header_sum(const Ipv6Addr& src, const Ipv6Addr& dst, std::uint8_t proto,
                                std::uint32_t l4_length);

// Checksum field value for a TCP/UDP/ICMPv6 segment `l4` whose own checksum field is zero
// or already included (then the result is 0 for a correct segment).
std::uint16_t l4_checksum(Ipv4Addr src, Ipv4Addr dst, std::uint8_t proto, std::span<const std::uint8_t> l4);
std::uint16_t l4_checksum(const Ipv6Addr& src, const Ipv6Addr& dst, std::uint8_t proto,
                          std::span<const std::uint8_t> l4);

// Incremental updates (Linux csum_replace2/4 and inet_proto_csum_replace16 for fully
// checksummed packets): the new checksum after a field changes from `from` to `to`.
constexpr std::uint16_t csum_fold_add(std::uint16_t check, std::uint32_t sum) {
  return checksum_fold(sum + static_cast<std::uint16_t>(~check));
}
constexpr std::uint16_t csum_replace2(std::uint16_t check, std::uint16_t from, std::uint16_t to) {
  return csum_fold_add(check, std::uint32_t{static_cast<std::uint16_t>(~from)} + to);
}
constexpr std::uint16_t csum_replace4(std::uint16_t check, std::uint32_t from, std::uint32_t to) {
  const std::uint32_t nfrom = ~from;
  return csum_fold_add(check, (nfrom >> 16) + (nfrom & 0xffff) + (to >> 16) + (to & 0xffff));
}
std::uint16_t csum_replace16(std::uint16_t check, const Ipv6Addr& from, const Ipv6Addr& to);

// The IPv4 header checksum after TTL is decremented by one (Linux ip_decrease_ttl): adds
// 0x0100 with end-around carry; a result of 0xffff is stored as 0x0000.
constexpr std::uint16_t ipv4_ttl_decrement_checksum(std::uint16_t check) {
  std::uint32_t sum = std::uint32_t{check} + 0x0100;
  sum = (sum & 0xffff) + (sum >> 16);
  return sum == 0xffff ? 0 : static_cast<std::uint16_t>(sum);
}

// UDP over IPv4: a zero checksum means "not computed" and must stay zero; a computed one
// that becomes zero is sent as 0xffff (Linux CSUM_MANGLED_0).
constexpr std::uint16_t udp_checksum_mangled(std::uint16_t check) { return check == 0 ? 0xffff : check; }

}  // namespace flowsim::net
