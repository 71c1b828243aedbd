// SPDX-License-Identifier: Apache-2.0
#include "engine/flowtable/flow_nat.hpp"

#include <algorithm>

#include "net/byte_order.hpp"
#include "net/checksum.hpp"
#include "net/ip_proto.hpp"
#include "net/ipv4_header.hpp"
#include "net/ipv6_header.hpp"

namespace flowsim::engine::flowtable {
namespace {

constexpr std::uint8_t kTcp = net::ip_proto::kTcp;
constexpr std::uint8_t kUdp = net::ip_proto::kUdp;

std::size_t check_offset(std::uint8_t proto) { return proto == kTcp ? 16 : 6; }

// nf_flow_nat_port: inet_proto_csum_replace2 (16-bit values zero-extended, hence replace4).
void nat_port(std::uint8_t* l4, std::uint8_t proto, std::uint16_t port, std::uint16_t new_port) {
  std::uint8_t* check = l4 + check_offset(proto);
  const std::uint16_t c = net::load_be16(check);
  if (proto == kTcp) {
    net::store_be16(check, net::csum_replace4(c, port, new_port));
  } else if (proto == kUdp && c != 0) {
    const std::uint16_t n = net::csum_replace4(c, port, new_port);
    net::store_be16(check, n == 0 ? 0xffff : n);
  }
}

// Port rewrite of one side; `src` selects the source port field.
void rewrite_port(std::uint8_t* l4, std::uint8_t proto, bool src, std::uint16_t new_port) {
  std::uint8_t* field = l4 + (src ? 0 : 2);
  const std::uint16_t port = net::load_be16(field);
  net::store_be16(field, new_port);
  nat_port(l4, proto, port, new_port);
}

// nf_flow_nat_ip_l4 for IPv4: the pseudo-header part of the transport checksum.
void nat_l4_addr4(std::uint8_t* l4, std::uint8_t proto, std::uint32_t addr, std::uint32_t new_addr) {
  std::uint8_t* check = l4 + check_offset(proto);
  const std::uint16_t c = net::load_be16(check);
  if (proto == kTcp) {
    net::store_be16(check, net::csum_replace4(c, addr, new_addr));
  } else if (proto == kUdp && c != 0) {
    const std::uint16_t n = net::csum_replace4(c, addr, new_addr);
    net::store_be16(check, n == 0 ? 0xffff : n);
  }
}

void nat_l4_addr6(std::uint8_t* l4, std::uint8_t proto, const net::Ipv6Addr& addr, const net::Ipv6Addr& new_addr) {
  std::uint8_t* check = l4 + check_offset(proto);
  const std::uint16_t c = net::load_be16(check);
  if (proto == kTcp) {
    net::store_be16(check, net::csum_replace16(c, addr, new_addr));
  } else if (proto == kUdp && c != 0) {
    const std::uint16_t n = net::csum_replace16(c, addr, new_addr);
    net::store_be16(check, n == 0 ? 0xffff : n);
  }
}

// The four rewrites, as (which header field, new value from which tuple field). ORIGINAL+SNAT:
// source := REPLY.dst; REPLY+SNAT: destination := ORIGINAL.src; ORIGINAL+DNAT: destination :=
// REPLY.src; REPLY+DNAT: source := ORIGINAL.dst.
struct Rewrite {
  bool source_field;
  bool from_dst;  // take the other tuple's destination (else its source)
};
Rewrite snat_rewrite(unsigned dir) { return dir == 0 ? Rewrite{true, true} : Rewrite{false, false}; }
Rewrite dnat_rewrite(unsigned dir) { return dir == 0 ? Rewrite{false, false} : Rewrite{true, true}; }

template <typename ApplyAddr>
void nat_both(std::span<std::uint8_t> l3, std::size_t l4_offset, const Flow& flow, unsigned dir, ApplyAddr&& addr) {
  std::uint8_t* l4 = l3.data() + l4_offset;
  const std::uint8_t proto = flow.tuple[0].proto;
  const net::FiveTuple& other = flow.tuple[1 - dir];
  auto step = [&](Rewrite r) {
    rewrite_port(l4, proto, r.source_field, r.from_dst ? other.dst_port : other.src_port);
    addr(l4, proto, r.source_field, r.from_dst ? other.dst : other.src);
  };
  if (flow.has(kFlowSnat)) step(snat_rewrite(dir));
  if (flow.has(kFlowDnat)) step(dnat_rewrite(dir));
}

}  // namespace

void flow_nat_ipv4(std::span<std::uint8_t> l3, std::size_t l4_offset, const Flow& flow, unsigned dir) {
  nat_both(l3, l4_offset, flow, dir,
           [&](std::uint8_t* l4, std::uint8_t proto, bool source_field, const std::array<std::uint8_t, 16>& value) {
             const auto ip = net::Ipv4Header::at(l3, 0).value();
             const std::uint32_t addr = (source_field ? ip.src() : ip.dst()).value();
             const std::uint32_t new_addr = net::load_be32(value.data());
             if (source_field) {
               ip.set_src(net::Ipv4Addr(new_addr));
             } else {
               ip.set_dst(net::Ipv4Addr(new_addr));
             }
             ip.set_checksum(net::csum_replace4(ip.checksum(), addr, new_addr));
             nat_l4_addr4(l4, proto, addr, new_addr);
           });
}

void flow_nat_ipv6(std::span<std::uint8_t> l3, std::size_t l4_offset, const Flow& flow, unsigned dir) {
  nat_both(l3, l4_offset, flow, dir,
           [&](std::uint8_t* l4, std::uint8_t proto, bool source_field, const std::array<std::uint8_t, 16>& value) {
             const auto ip = net::Ipv6Header::at(l3, 0).value();
             const net::Ipv6Addr addr = source_field ? ip.src() : ip.dst();
             const net::Ipv6Addr new_addr(value);
             if (source_field) {
               ip.set_src(new_addr);
             } else {
               ip.set_dst(new_addr);
             }
             nat_l4_addr6(l4, proto, addr, new_addr);
           });
}

}  // namespace flowsim::engine::flowtable
