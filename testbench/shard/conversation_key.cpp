// SPDX-License-Identifier: Apache-2.0
#include "testbench/shard/conversation_key.hpp"

#include <algorithm>
#include <cstring>

#include "net/frame_parser.hpp"
#include "net/ip_proto.hpp"

namespace flowsim::shard {
namespace {

using net::ip_proto::kDccp;
using net::ip_proto::kIcmp;
using net::ip_proto::kIcmpv6;
using net::ip_proto::kSctp;
using net::ip_proto::kTcp;
using net::ip_proto::kUdp;
using net::ip_proto::kUdpLite;

std::uint16_t be16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }
std::uint32_t be32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 |
         static_cast<std::uint32_t>(p[2]) << 8 | p[3];
}

bool is_icmp_error(std::uint8_t proto, std::uint8_t type) {
  if (proto == kIcmp) return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
  return type >= 1 && type <= 4;  // ICMPv6: unreachable, too big, time exceeded, parameter problem
}
// Echo request/reply: the id plays the port in both directions.
bool is_icmp_echo(std::uint8_t proto, std::uint8_t type) {
  return proto == kIcmp ? (type == 8 || type == 0) : (type == 128 || type == 129);
}

ConversationKey canonical(std::uint8_t family, std::uint8_t proto, const std::uint8_t* src, const std::uint8_t* dst,
                          std::uint16_t sport, std::uint16_t dport) {
  ConversationKey k;
  k.family = family;
  k.proto = proto;
  const std::size_t n = family == 4 ? 4 : 16;
  std::memcpy(k.addr_a.data(), src, n);
  std::memcpy(k.addr_b.data(), dst, n);
  k.port_a = sport;
  k.port_b = dport;
  if (std::tie(k.addr_b, k.port_b) < std::tie(k.addr_a, k.port_a)) {
    std::swap(k.addr_a, k.addr_b);
    std::swap(k.port_a, k.port_b);
  }
  return k;
}

// An IP packet (header at `ip`, `len` bytes available) down to its conversation, without
// following ICMP errors (their quoted packet is cut short and its own errors are not keyed).
// `quoted`: inside an ICMP error, where lengths are not checked against the header.
std::optional<ConversationKey> ip_key(const std::uint8_t* ip, std::size_t len, bool quoted, bool* fragment_tail,
                                      std::optional<ConversationKey>* via_error);

std::optional<ConversationKey> l4_key(std::uint8_t family, std::uint8_t proto, const std::uint8_t* src,
                                      const std::uint8_t* dst, const std::uint8_t* l4, std::size_t l4_len, bool quoted,
                                      std::optional<ConversationKey>* via_error) {
  if ((proto == kTcp || proto == kUdp || proto == kSctp || proto == kDccp || proto == kUdpLite) && l4_len >= 4) {
    return canonical(family, proto, src, dst, be16(l4), be16(l4 + 2));
  }
  if ((proto == kIcmp && family == 4) || (proto == kIcmpv6 && family == 6)) {
    if (l4_len >= 8 && is_icmp_echo(proto, l4[0])) return canonical(family, proto, src, dst, be16(l4 + 4), be16(l4 + 4));
    if (!quoted && via_error && l4_len >= 8 && is_icmp_error(proto, l4[0])) {
      *via_error = ip_key(l4 + 8, l4_len - 8, true, nullptr, nullptr);
      if (*via_error) return *via_error;
    }
  }
  // Anything else between two hosts: one conversation per address pair and protocol.
  return canonical(family, proto, src, dst, 0, 0);
}

std::optional<ConversationKey> ip_key(const std::uint8_t* ip, std::size_t len, bool quoted, bool* fragment_tail,
                                      std::optional<ConversationKey>* via_error) {
  if (len < 1) return std::nullopt;
  const unsigned version = ip[0] >> 4;
  if (version == 4) {
    if (len < 20) return std::nullopt;
    const std::size_t ihl = static_cast<std::size_t>(ip[0] & 0x0f) * 4;
    if (ihl < 20 || ihl > len) return std::nullopt;
    const std::uint16_t offset = be16(ip + 6) & 0x1fff;
    if (offset != 0) {
      // A later fragment has no L4 header: its address pair, unless the caller knows the
      // datagram's first fragment.
      if (fragment_tail) *fragment_tail = true;
      return canonical(4, ip[9], ip + 12, ip + 16, 0, 0);
    }
    return l4_key(4, ip[9], ip + 12, ip + 16, ip + ihl, len - ihl, quoted, via_error);
  }
  if (version == 6) {
    if (len < 40) return std::nullopt;
    // Extension headers are not walked: a packet with them is keyed by its address pair
    // and first next-header, the same for every packet of such a conversation.
    const std::uint8_t next = ip[6];
    return l4_key(6, next, ip + 8, ip + 24, ip + 40, len - 40, quoted, via_error);
  }
  return std::nullopt;
}

}  // namespace

std::uint64_t ConversationKey::hash() const {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  auto mix = [&](std::uint8_t b) {
    h ^= b;
    h *= 0x100000001b3ULL;
  };
  mix(family);
  mix(proto);
  for (const std::uint8_t b : addr_a) mix(b);
  mix(static_cast<std::uint8_t>(port_a >> 8));
  mix(static_cast<std::uint8_t>(port_a));
  for (const std::uint8_t b : addr_b) mix(b);
  mix(static_cast<std::uint8_t>(port_b >> 8));
  mix(static_cast<std::uint8_t>(port_b));
  return h;
}

std::optional<ConversationKey> ConversationKeyer::key(std::span<const std::uint8_t> frame) {
  const net::ParsedFrame p = net::parse_frame(frame);
  if (p.error != net::ParseError::kNone) return std::nullopt;
  if (p.l3 != net::L3Kind::kIpv4 && p.l3 != net::L3Kind::kIpv6) return std::nullopt;
  const std::uint8_t* ip = frame.data() + p.l3_offset;
  const std::size_t len = std::min<std::size_t>(frame.size() - p.l3_offset, p.l3_length ? p.l3_length : frame.size());
  bool fragment_tail = false;
  std::optional<ConversationKey> via_error;
  std::optional<ConversationKey> k = ip_key(ip, len, false, &fragment_tail, &via_error);
  if (!k || p.l3 != net::L3Kind::kIpv4 || via_error) return k;
  const std::uint16_t frag = be16(ip + 6);
  const bool more = (frag & 0x2000) != 0;
  if (!more && !fragment_tail) return k;
  const FragmentId id{be32(ip + 12), be32(ip + 16), ip[9], be16(ip + 4)};
  if (!fragment_tail) {
    first_fragments_[id] = *k;  // the first fragment: its 5-tuple holds for the rest
    return k;
  }
  const auto it = first_fragments_.find(id);
  if (it == first_fragments_.end()) return k;  // the first fragment was not (yet) seen
  const ConversationKey first = it->second;
  if (!more) first_fragments_.erase(it);
  return first;
}

}  // namespace flowsim::shard
