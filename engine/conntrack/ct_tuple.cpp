// SPDX-License-Identifier: Apache-2.0
#include "engine/conntrack/ct_tuple.hpp"

#include <cstdio>

namespace flowsim::engine::conntrack {
namespace {

// The answer type of an ICMP query (icmp_invert_tuple's invmap), 0xff if none.
std::uint8_t icmp_inverse_type(std::uint8_t type) {
  switch (type) {
    case 8: return 0;    // echo -> echo reply
    case 0: return 8;
    case 13: return 14;  // timestamp
    case 14: return 13;
    case 15: return 16;  // information
    case 16: return 15;
    case 17: return 18;  // address mask
    case 18: return 17;
    default: return 0xff;
  }
}

std::uint8_t icmpv6_inverse_type(std::uint8_t type) {
  switch (type) {
    case 128: return 129;  // echo request -> reply
    case 129: return 128;
    case 139: return 140;  // node information query -> reply
    case 140: return 139;
    default: return 0xff;
  }
}

std::string address_text(const std::array<std::uint8_t, 16>& a, std::uint8_t family) {
  char buf[48];
  if (family == 4) {
    std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
  } else {
    // %pI6: eight groups of four hex digits, never compressed.
    std::snprintf(buf, sizeof buf, "%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x", a[0],
                  a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15]);
  }
  return buf;
}

}  // namespace

std::optional<net::FiveTuple> invert_tuple(const net::FiveTuple& t) {
  net::FiveTuple r = t;
  r.src = t.dst;
  r.dst = t.src;
  if (t.proto == net::ip_proto::kIcmp || t.proto == net::ip_proto::kIcmpv6) {
    const std::uint8_t inv =
        t.proto == net::ip_proto::kIcmp ? icmp_inverse_type(icmp_type_of(t)) : icmpv6_inverse_type(icmp_type_of(t));
    if (inv == 0xff) return std::nullopt;
    r.src_port = t.src_port;  // the id is the same both ways
    r.dst_port = static_cast<std::uint16_t>(inv << 8 | icmp_code_of(t));
  } else {
    r.src_port = t.dst_port;
    r.dst_port = t.src_port;
  }
  return r;
}

std::string tuple_text(const net::FiveTuple& t) {
  std::string s = "src=" + address_text(t.src, t.family) + " dst=" + address_text(t.dst, t.family) + ' ';
  switch (t.proto) {
    case net::ip_proto::kIcmp:
    case net::ip_proto::kIcmpv6:
      s += "type=" + std::to_string(icmp_type_of(t)) + " code=" + std::to_string(icmp_code_of(t)) +
           " id=" + std::to_string(t.src_port) + ' ';
      break;
    case net::ip_proto::kTcp:
    case net::ip_proto::kUdp:
      // DCCP, SCTP and UDP-Lite have ports too, but are tracked generically here (no ports).
      s += "sport=" + std::to_string(t.src_port) + " dport=" + std::to_string(t.dst_port) + ' ';
      break;
    default:
      break;
  }
  return s;
}

const char* l4proto_name(std::uint8_t proto) {
  switch (proto) {
    case net::ip_proto::kIcmp: return "icmp";
    case net::ip_proto::kTcp: return "tcp";
    case net::ip_proto::kUdp: return "udp";
    case 33: return "dccp";
    case 47: return "gre";
    case 132: return "sctp";
    case 136: return "udplite";
    case net::ip_proto::kIcmpv6: return "icmpv6";
    default: return "unknown";
  }
}

}  // namespace flowsim::engine::conntrack
