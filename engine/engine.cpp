// SPDX-License-Identifier: Apache-2.0
#include "engine/engine.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "net/checksum.hpp"
#include "net/ether_type.hpp"
#include "net/ethernet_header.hpp"
#include "net/ipv4_header.hpp"
#include "net/ipv6_header.hpp"

namespace flowsim::engine {
namespace {

// RFC 8200 §5: every IPv6 link carries at least 1280 bytes, and Linux clamps the forwarding
// MTU to it (ip6_forward).
constexpr std::uint32_t kIpv6MinMtu = 1280;

constexpr std::uint16_t ether(net::EtherType t) { return static_cast<std::uint16_t>(t); }

bool is_multicast(net::Ipv4Addr a) { return (a.value() >> 28) == 0xe; }
bool is_multicast(const net::Ipv6Addr& a) { return a.bytes()[0] == 0xff; }

std::string prefix_text(const std::variant<net::Ipv4Prefix, net::Ipv6Prefix>& p) {
  return std::visit([](const auto& x) { return x.to_string(); }, p);
}

std::string address_text(const std::variant<net::Ipv4Addr, net::Ipv6Addr>& a) {
  return std::visit([](const auto& x) { return x.to_string(); }, a);
}

}  // namespace

Engine::Engine(EngineConfig config) {
  const std::size_t n = config.interfaces.size();
  interfaces_.reserve(n);
  for (unsigned ifindex = 0; ifindex < n; ++ifindex) {
    const InterfaceConfig& ifc = config.interfaces[ifindex];
    interfaces_.push_back(Interface{ifc.mac, ifc.mtu});
    // fib_add_ifaddr: a local host entry per address, a broadcast entry for the subnet's
    // broadcast address when the prefix is shorter than /31, and a connected route unless
    // the address is a /32.
    for (const net::Ipv4Prefix& a : ifc.ipv4) {
      local_.add(net::Ipv4Prefix(a.addr(), 32), Route{std::nullopt, ifindex});
      if (a.length() < 31) {
        local_.add(net::Ipv4Prefix(net::Ipv4Addr(a.addr().value() | ~a.mask()), 32), Route{std::nullopt, ifindex});
      }
      if (a.length() < 32) routes_.add(a, Route{std::nullopt, ifindex});
    }
    // addrconf: the address itself, the subnet-router anycast address (RFC 4291 §2.6.1,
    // joined by a forwarding router for prefixes shorter than /127) and the prefix route.
    for (const net::Ipv6Prefix& a : ifc.ipv6) {
      local_.add(net::Ipv6Prefix(a.addr(), 128), Route{std::nullopt, ifindex});
      if (a.length() < 127) {
        std::array<std::uint8_t, 16> anycast = a.addr().bytes();
        for (unsigned bit = a.length(); bit < 128; ++bit) {
          anycast[bit / 8] = static_cast<std::uint8_t>(anycast[bit / 8] & ~(0x80u >> (bit % 8)));
        }
        local_.add(net::Ipv6Prefix(net::Ipv6Addr(anycast), 128), Route{std::nullopt, ifindex});
      }
      if (a.length() < 128) routes_.add(a, Route{std::nullopt, ifindex});
    }
  }
  // The limited broadcast address is always local (ip_route_input_slow's brd_input).
  local_.add(net::Ipv4Prefix(net::Ipv4Addr(0xffffffff), 32), Route{std::nullopt, 0});

  for (const RouteConfig& r : config.routes) {
    if (r.ifindex >= n) {
      throw std::invalid_argument("route " + prefix_text(r.prefix) + ": interface index " + std::to_string(r.ifindex) +
                                  " does not exist (" + std::to_string(n) + " interfaces)");
    }
    std::visit([&](const auto& p) { routes_.add(p, Route{r.gateway, r.ifindex}); }, r.prefix);
  }
  for (const NeighbourConfig& nb : config.neighbours) {
    if (nb.ifindex >= n) {
      throw std::invalid_argument("neighbour " + address_text(nb.ip) + ": interface index " +
                                  std::to_string(nb.ifindex) + " does not exist (" + std::to_string(n) +
                                  " interfaces)");
    }
    neighbours_.add(nb.ifindex, nb.ip, nb.mac);
  }
  stats_.received_by_ifindex.assign(n, 0);
  stats_.forwarded_by_ifindex.assign(n, 0);
}

Verdict Engine::process(net::PacketBuffer& frame, unsigned ingress_ifindex, std::chrono::nanoseconds /*now*/) {
  // `now` will drive conntrack and flowtable timeouts; plain routing has no timers.
  if (ingress_ifindex >= interfaces_.size()) {
    throw std::out_of_range("Engine::process: ingress interface index " + std::to_string(ingress_ifindex) +
                            " does not exist");
  }
  ++stats_.received;
  ++stats_.received_by_ifindex[ingress_ifindex];
  const Verdict v = decide(frame, ingress_ifindex);
  if (v.forwarded()) {
    ++stats_.forwarded;
    ++stats_.forwarded_by_ifindex[v.egress_ifindex];
  } else {
    ++stats_.drops[static_cast<std::size_t>(v.reason)];
  }
  return v;
}

Verdict Engine::decide(net::PacketBuffer& frame, unsigned ingress_ifindex) {
  const std::span<std::uint8_t> bytes = frame.bytes();
  auto eth = net::EthernetHeader::at(bytes);
  if (!eth) return Verdict::drop(DropReason::kMalformed);

  // No VLAN or PPPoE device exists yet, so Linux would hand such a frame to no protocol at
  // all; the outer ethertype decides, whatever is inside.
  const std::uint16_t outer_type = eth->ether_type();
  if (outer_type == ether(net::EtherType::kVlan) || outer_type == ether(net::EtherType::kQinQ) ||
      outer_type == ether(net::EtherType::kPppoeSession)) {
    return Verdict::drop(DropReason::kEncapUnsupported);
  }
  if (outer_type != ether(net::EtherType::kIpv4) && outer_type != ether(net::EtherType::kIpv6)) {
    return Verdict::drop(DropReason::kNotIp);
  }

  // eth_type_trans + ip_rcv_core: a unicast frame for another MAC is PACKET_OTHERHOST and
  // dropped before any IP processing. Broadcast/multicast frames may be delivered locally
  // but ip_forward/ip6_forward never forward anything but PACKET_HOST; with no local stack
  // the outcome is the same drop, so they count here too.
  const net::MacAddr dst_mac = eth->dst();
  if (dst_mac.is_multicast() || dst_mac != interfaces_[ingress_ifindex].mac) {
    return Verdict::drop(DropReason::kNotForUs);
  }

  if (outer_type == ether(net::EtherType::kIpv4)) {
    // ip_rcv_core checks the header checksum before the total length against the frame, so
    // a header that is readable but wrong counts as a checksum error first.
    if (auto ip = net::Ipv4Header::at(bytes, net::EthernetHeader::kSize)) {
      if (net::internet_checksum(bytes.subspan(net::EthernetHeader::kSize, ip->header_length())) != 0) {
        return Verdict::drop(DropReason::kIpChecksum);
      }
    }
  }
  const net::ParsedFrame parsed = net::parse_frame(bytes);
  if (parsed.error != net::ParseError::kNone) return Verdict::drop(DropReason::kMalformed);
  return parsed.l3 == net::L3Kind::kIpv4 ? forward_ipv4(frame, parsed) : forward_ipv6(frame, parsed);
}

Verdict Engine::forward_ipv4(net::PacketBuffer& frame, const net::ParsedFrame& parsed) {
  const net::Ipv4Addr dst = net::Ipv4Header::at(frame.bytes(), parsed.l3_offset)->dst();
  if (local_.lookup(dst) != nullptr) return Verdict::drop(DropReason::kLocalDelivery);
  // A multicast group with our unicast MAC: Linux delivers it only to a joined group and
  // forwards it only with a multicast router; neither exists here.
  if (is_multicast(dst)) return Verdict::drop(DropReason::kNotForUs);
  const Route* route = routes_.lookup(dst);
  if (route == nullptr) return Verdict::drop(DropReason::kNoRoute);
  return finish_forward(frame, parsed, *route, dst);
}

Verdict Engine::forward_ipv6(net::PacketBuffer& frame, const net::ParsedFrame& parsed) {
  const net::Ipv6Addr dst = net::Ipv6Header::at(frame.bytes(), parsed.l3_offset)->dst();
  if (local_.lookup(dst) != nullptr) return Verdict::drop(DropReason::kLocalDelivery);
  if (is_multicast(dst)) return Verdict::drop(DropReason::kNotForUs);
  const Route* route = routes_.lookup(dst);
  if (route == nullptr) return Verdict::drop(DropReason::kNoRoute);
  return finish_forward(frame, parsed, *route, dst);
}

template <typename Addr>
Verdict Engine::finish_forward(net::PacketBuffer& frame, const net::ParsedFrame& parsed, const Route& route,
                               const Addr& dst) {
  // ip_forward / ip6_forward order: the route is already known; then TTL, then MTU, then (in
  // ip_finish_output2 / ip6_finish_output2) the neighbour.
  if (parsed.ttl <= 1) return Verdict::drop(DropReason::kTtlExceeded);

  const Interface& egress = interfaces_[route.ifindex];
  constexpr bool kIsV4 = std::is_same_v<Addr, net::Ipv4Addr>;
  const std::uint32_t mtu = kIsV4 ? egress.mtu : std::max(egress.mtu, kIpv6MinMtu);
  // For IPv4 without DF Linux would fragment instead; fragmentation is not implemented, so
  // both cases drop for now (ICMP "fragmentation needed" / "packet too big" comes later).
  if (parsed.l3_length > mtu) return Verdict::drop(DropReason::kMtuExceeded);

  std::optional<net::MacAddr> next_hop_mac =
      route.gateway ? neighbours_.lookup(route.ifindex, *route.gateway) : neighbours_.lookup(route.ifindex, dst);
  if (!next_hop_mac) return Verdict::drop(DropReason::kNoNeighbour);

  // ip_rcv_core's pskb_trim_rcsum: the packet is the IP datagram, Ethernet padding is gone.
  // Shrinking never reallocates.
  frame.resize(std::size_t{parsed.l3_offset} + parsed.l3_length);
  const std::span<std::uint8_t> bytes = frame.bytes();
  if constexpr (kIsV4) {
    auto ip = net::Ipv4Header::at(bytes, parsed.l3_offset);
    ip->set_ttl(static_cast<std::uint8_t>(ip->ttl() - 1));
    // Incremental, as ip_decrease_ttl and the hardware rewrite do: O(1), and on a header
    // whose checksum was valid (checked above) it equals a full recompute (tested).
    ip->set_checksum(net::ipv4_ttl_decrement_checksum(ip->checksum()));
  } else {
    auto ip = net::Ipv6Header::at(bytes, parsed.l3_offset);
    ip->set_hop_limit(static_cast<std::uint8_t>(ip->hop_limit() - 1));
  }
  auto eth = net::EthernetHeader::at(bytes);
  eth->set_dst(*next_hop_mac);
  eth->set_src(egress.mac);
  return Verdict::forward(route.ifindex);
}

}  // namespace flowsim::engine
