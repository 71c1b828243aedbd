// SPDX-License-Identifier: Apache-2.0
// What the engine is told about the router it plays: interfaces (the position in the vector
// is the ifindex, which is also the ASIC port number), static routes and static neighbours.
// It is plain data, filled by whoever reads the user's configuration (testbench/scenario), so
// that the engine itself never parses files.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "net/ipv4_addr.hpp"
#include "net/ipv6_addr.hpp"
#include "net/mac_addr.hpp"

namespace flowsim::engine {

struct InterfaceConfig {
  std::string name;
  net::MacAddr mac;
  // Interface addresses with their prefix length, like `ip addr add 192.168.1.1/24`: each
  // one also implies a connected route and local (host) entries.
  std::vector<net::Ipv4Prefix> ipv4;
  std::vector<net::Ipv6Prefix> ipv6;
  std::uint32_t mtu = 1500;
};

struct RouteConfig {
  std::variant<net::Ipv4Prefix, net::Ipv6Prefix> prefix;
  // nullopt: the destination is on-link (`ip route add P dev X`).
  std::optional<std::variant<net::Ipv4Addr, net::Ipv6Addr>> gateway;
  unsigned ifindex = 0;
};

struct NeighbourConfig {
  std::variant<net::Ipv4Addr, net::Ipv6Addr> ip;
  net::MacAddr mac;
  unsigned ifindex = 0;
};

struct EngineConfig {
  std::vector<InterfaceConfig> interfaces;
  std::vector<RouteConfig> routes;
  std::vector<NeighbourConfig> neighbours;
};

}  // namespace flowsim::engine
