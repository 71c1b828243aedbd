// SPDX-License-Identifier: Apache-2.0
#include "engine/nat/nat_manip.hpp"

#include <algorithm>
#include <optional>

#include "engine/conntrack/ct_tuple.hpp"
#include "net/byte_order.hpp"
#include "net/checksum.hpp"
#include "net/icmp_header.hpp"
#include "net/ip_proto.hpp"
#include "net/ipv6_ext_headers.hpp"

namespace flowsim::engine::nat {
namespace {

using conntrack::CtDir;

constexpr std::size_t kUdpHeader = 8;
constexpr std::size_t kTcpHeader = 20;

// inet_proto_csum_replace2 on a fully checksummed packet: the 16-bit values enter the sum
// zero-extended to 32 bits, as the kernel's cast to __be32 makes them.
std::uint16_t csum_port(std::uint16_t check, std::uint16_t from, std::uint16_t to) {
  return net::csum_replace4(check, from, to);
}

struct AddrChange {
  std::uint8_t family = 4;
  const std::uint8_t* old_addr = nullptr;
  const std::uint8_t* new_addr = nullptr;
};

// nf_csum_update: the transport checksum's pseudo-header part for the address change.
std::uint16_t csum_address(std::uint16_t check, const AddrChange& a) {
  if (a.family == 4) return net::csum_replace4(check, net::load_be32(a.old_addr), net::load_be32(a.new_addr));
  return net::csum_replace16(check, net::Ipv6Addr::from_bytes(a.old_addr), net::Ipv6Addr::from_bytes(a.new_addr));
}

bool is_icmp_query(std::uint8_t type) {
  switch (type) {
    case 0: case 8: case 13: case 14: case 15: case 16: case 17: case 18: return true;
    default: return false;
  }
}

// l4proto_manip_pkt, dispatched on the connection's protocol as in the kernel.
bool manip_l4(std::span<std::uint8_t> p, std::size_t hdroff, const net::FiveTuple& target, ManipType type,
              const AddrChange& addr) {
  const bool src = type == ManipType::kSrc;
  switch (target.proto) {
    case net::ip_proto::kTcp: {
      // Conntrack guarantees 8 bytes; inside an ICMP error the checksum may be cut off.
      const std::size_t hdrsize = p.size() >= hdroff + kTcpHeader ? kTcpHeader : 8;
      if (p.size() < hdroff + hdrsize) return false;
      std::uint8_t* h = p.data() + hdroff;
      std::uint8_t* portptr = h + (src ? 0 : 2);
      const std::uint16_t oldport = net::load_be16(portptr);
      const std::uint16_t newport = src ? target.src_port : target.dst_port;
      net::store_be16(portptr, newport);
      if (hdrsize < kTcpHeader) return true;
      std::uint16_t check = net::load_be16(h + 16);
      check = csum_address(check, addr);
      check = csum_port(check, oldport, newport);
      net::store_be16(h + 16, check);
      return true;
    }
    case net::ip_proto::kUdp: {
      if (p.size() < hdroff + kUdpHeader) return false;
      std::uint8_t* h = p.data() + hdroff;
      std::uint8_t* portptr = h + (src ? 0 : 2);
      const std::uint16_t newport = src ? target.src_port : target.dst_port;
      std::uint16_t check = net::load_be16(h + 6);
      if (check != 0) {  // zero: no checksum, and it stays zero
        check = csum_address(check, addr);
        check = csum_port(check, net::load_be16(portptr), newport);
        if (check == 0) check = 0xffff;  // CSUM_MANGLED_0
        net::store_be16(h + 6, check);
      }
      net::store_be16(portptr, newport);
      return true;
    }
    case net::ip_proto::kIcmp: {
      if (p.size() < hdroff + 8) return false;
      std::uint8_t* h = p.data() + hdroff;
      if (!is_icmp_query(h[0])) return true;
      const std::uint16_t id = net::load_be16(h + 4);
      net::store_be16(h + 2, csum_port(net::load_be16(h + 2), id, target.src_port));
      net::store_be16(h + 4, target.src_port);
      return true;
    }
    case net::ip_proto::kIcmpv6: {
      if (p.size() < hdroff + 8) return false;
      std::uint8_t* h = p.data() + hdroff;
      std::uint16_t check = csum_address(net::load_be16(h + 2), addr);
      if (h[0] == net::icmpv6_type::kEchoRequest || h[0] == net::icmpv6_type::kEchoReply) {
        check = csum_port(check, net::load_be16(h + 4), target.src_port);
        net::store_be16(h + 4, target.src_port);
      }
      net::store_be16(h + 2, check);
      return true;
    }
    default:
      return true;
  }
}

std::uint8_t manip_bits(ManipType type, CtDir dir) {
  std::uint32_t bit = type == ManipType::kSrc ? conntrack::kSrcNat : conntrack::kDstNat;
  if (dir == CtDir::kReply) bit ^= conntrack::kNatMask;
  return static_cast<std::uint8_t>(bit);
}

ManipType flipped(ManipType t) { return t == ManipType::kSrc ? ManipType::kDst : ManipType::kSrc; }

}  // namespace

bool manip_packet(std::span<std::uint8_t> p, std::size_t ip_offset, std::uint8_t family, const net::FiveTuple& target,
                  ManipType type) {
  const bool src = type == ManipType::kSrc;
  if (family == 4) {
    if (p.size() < ip_offset + 20) return false;
    std::uint8_t* ip = p.data() + ip_offset;
    const std::size_t hdroff = ip_offset + std::size_t{ip[0] & 0x0fu} * 4;
    std::uint8_t* field = ip + (src ? 12 : 16);
    const std::uint8_t* value = src ? target.src.data() : target.dst.data();
    if (!manip_l4(p, hdroff, target, type, AddrChange{4, field, value})) return false;
    const std::uint32_t old_addr = net::load_be32(field);
    const std::uint32_t new_addr = net::load_be32(value);
    net::store_be16(ip + 10, net::csum_replace4(net::load_be16(ip + 10), old_addr, new_addr));
    net::store_be32(field, new_addr);
    return true;
  }
  if (p.size() < ip_offset + 40) return false;
  std::uint8_t* ip = p.data() + ip_offset;
  std::uint8_t* field = ip + (src ? 8 : 24);
  const std::uint8_t* value = src ? target.src.data() : target.dst.data();
  const std::optional<net::Ipv6Transport> l4 = net::ipv6_skip_exthdr(p.subspan(ip_offset));
  if (l4 && !l4->later_fragment() && !manip_l4(p, ip_offset + l4->offset, target, type, AddrChange{6, field, value})) {
    return false;
  }
  std::copy_n(value, 16, field);
  return true;
}

bool nat_packet(std::span<std::uint8_t> datagram, std::uint8_t family, const conntrack::Connection& ct, CtDir dir,
                ManipType type) {
  if (!(ct.status & manip_bits(type, dir))) return true;
  const std::optional<net::FiveTuple> target = conntrack::invert_tuple(ct.tuple[conntrack::index_of(opposite(dir))]);
  if (!target) return true;
  return manip_packet(datagram, 0, family, *target, type);
}

bool icmp_reply_translation(std::span<std::uint8_t> d, std::uint8_t family, const conntrack::Connection& ct,
                            CtDir dir, ManipType type) {
  std::size_t hdrlen = 0;
  if (family == 4) {
    hdrlen = std::size_t{d[0] & 0x0fu} * 4;
    if (d.size() < hdrlen + 8 + 20) return false;
    if (net::internet_checksum(d.subspan(hdrlen)) != 0) return false;
    if (d[hdrlen] == net::icmp_type::kRedirect) {
      if ((ct.status & (conntrack::kSrcNatDone | conntrack::kDstNatDone)) !=
          (conntrack::kSrcNatDone | conntrack::kDstNatDone)) {
        return false;
      }
      if (ct.status & conntrack::kNatMask) return false;
    }
  } else {
    const std::optional<net::Ipv6Transport> l4 = net::ipv6_skip_exthdr(d);
    if (!l4) return false;
    hdrlen = l4->offset;
    if (d.size() < hdrlen + 8 + 40) return false;
    if (net::l4_checksum(net::Ipv6Addr::from_bytes(d.data() + 8), net::Ipv6Addr::from_bytes(d.data() + 24),
                         net::ip_proto::kIcmpv6, d.subspan(hdrlen)) != 0) {
      return false;
    }
    if (d[hdrlen] == net::icmpv6_type::kRedirect) {
      if ((ct.status & (conntrack::kSrcNatDone | conntrack::kDstNatDone)) !=
          (conntrack::kSrcNatDone | conntrack::kDstNatDone)) {
        return false;
      }
      if (ct.status & conntrack::kNatMask) return false;
    }
  }
  if (!(ct.status & manip_bits(type, dir))) return true;

  const net::FiveTuple& other = ct.tuple[conntrack::index_of(opposite(dir))];
  // The quoted packet travelled the other way: undo the opposite manipulation on it.
  if (!manip_packet(d, hdrlen + 8, family, other, flipped(type))) return false;
  std::uint8_t* icmp = d.data() + hdrlen;
  net::store_be16(icmp + 2, 0);
  if (family == 4) {
    net::store_be16(icmp + 2, net::internet_checksum(d.subspan(hdrlen)));
  } else {
    net::store_be16(icmp + 2, net::l4_checksum(net::Ipv6Addr::from_bytes(d.data() + 8),
                                               net::Ipv6Addr::from_bytes(d.data() + 24), net::ip_proto::kIcmpv6,
                                               d.subspan(hdrlen)));
  }
  std::optional<net::FiveTuple> target = conntrack::invert_tuple(other);
  if (!target) {
    // An ICMP connection whose type has no inverse cannot be tracked, so this is not reached;
    // keep the kernel's "proto 0 means don't invert the per-proto part" for safety.
    target = other;
    std::swap(target->src, target->dst);
  }
  target->proto = family == 4 ? net::ip_proto::kIcmp : net::ip_proto::kIcmpv6;
  return manip_packet(d, 0, family, *target, type);
}

}  // namespace flowsim::engine::nat
