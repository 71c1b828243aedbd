// SPDX-License-Identifier: Apache-2.0
#include "net/five_tuple.hpp"

#include "net/byte_order.hpp"

namespace flowsim::net {

FiveTuple FiveTuple::ipv4(Ipv4Addr s, Ipv4Addr d, std::uint8_t proto, std::uint16_t sp, std::uint16_t dp) {
  FiveTuple t;
  store_be32(t.src.data(), s.value());
  store_be32(t.dst.data(), d.value());
  t.proto = proto;
  t.src_port = sp;
  t.dst_port = dp;
  t.family = 4;
  return t;
}

FiveTuple FiveTuple::ipv6(const Ipv6Addr& s, const Ipv6Addr& d, std::uint8_t proto, std::uint16_t sp,
                          std::uint16_t dp) {
  FiveTuple t;
  t.src = s.bytes();
  t.dst = d.bytes();
  t.proto = proto;
  t.src_port = sp;
  t.dst_port = dp;
  t.family = 6;
  return t;
}

Ipv4Addr FiveTuple::src_v4() const { return Ipv4Addr(load_be32(src.data())); }
Ipv4Addr FiveTuple::dst_v4() const { return Ipv4Addr(load_be32(dst.data())); }

FiveTuple FiveTuple::reversed() const {
  FiveTuple t = *this;
  t.src = dst;
  t.dst = src;
  t.src_port = dst_port;
  t.dst_port = src_port;
  return t;
}

std::string FiveTuple::to_string() const {
  const std::string s = family == 4 ? src_v4().to_string() : '[' + src_v6().to_string() + ']';
  const std::string d = family == 4 ? dst_v4().to_string() : '[' + dst_v6().to_string() + ']';
  return "proto " + std::to_string(proto) + ' ' + s + ':' + std::to_string(src_port) + " -> " + d + ':' +
         std::to_string(dst_port);
}

}  // namespace flowsim::net
