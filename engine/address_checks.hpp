// SPDX-License-Identifier: Apache-2.0
// The address sanity checks of the kernel's input path: what ip_route_input_slow does with
// martian IPv4 sources and destinations (RFC 1812 §5.3.7), and ip6_forward's check of the
// source of a packet about to leave by another link (link-local sources are beyond their
// scope there and answered with ICMPv6; unspecified, multicast and loopback ones dropped).
// IPv4 link-local (169.254/16) has no such check in Linux: it is routed like any address.
#pragma once

#include "net/address_scope.hpp"

namespace flowsim::engine {

enum class RouteInputCheck { kRoute, kBroadcastInput, kMartianSource, kMartianDestination };

// ip_route_input_slow's checks before the FIB lookup, in its order (route_localnet = 0).
constexpr RouteInputCheck ipv4_route_input_check(net::Ipv4Addr src, net::Ipv4Addr dst) {
  if (net::is_multicast(src) || net::is_limited_broadcast(src)) return RouteInputCheck::kMartianSource;
  if (net::is_limited_broadcast(dst) || (src.value() == 0 && dst.value() == 0)) return RouteInputCheck::kBroadcastInput;
  if (net::is_zeronet(src)) return RouteInputCheck::kMartianSource;
  if (net::is_zeronet(dst)) return RouteInputCheck::kMartianDestination;
  if (net::is_loopback(dst)) return RouteInputCheck::kMartianDestination;
  if (net::is_loopback(src)) return RouteInputCheck::kMartianSource;
  return RouteInputCheck::kRoute;
}

enum class ForwardSourceCheck { kOk, kMartian, kBeyondScope };

// ip6_forward, for a packet whose route leaves by another interface than it arrived on.
inline ForwardSourceCheck ipv6_forward_source_check(const net::Ipv6Addr& src) {
  if (net::is_unspecified(src) || net::is_multicast(src) || net::is_loopback(src)) return ForwardSourceCheck::kMartian;
  if (net::is_link_local(src)) return ForwardSourceCheck::kBeyondScope;
  return ForwardSourceCheck::kOk;
}

}  // namespace flowsim::engine
