// SPDX-License-Identifier: Apache-2.0
// The software engine: what the Linux kernel does with a packet that reaches the CPU. Today it
// is a plain IPv4/IPv6 router (ip_rcv / ip_forward and their IPv6 twins): validate, find the
// route and the neighbour, decrement TTL, rewrite MACs. Conntrack, the nft ruleset, NAT and
// the software flowtable will sit between validation and routing, as in the kernel's hooks.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "engine/engine_config.hpp"
#include "engine/engine_stats.hpp"
#include "engine/neighbour_table.hpp"
#include "engine/route_table.hpp"
#include "engine/verdict.hpp"
#include "net/frame_parser.hpp"
#include "net/mac_addr.hpp"
#include "net/packet_buffer.hpp"

namespace flowsim::engine {

class Engine {
 public:
  // Builds the tables: connected routes and local addresses from each interface's addresses,
  // then the configured routes (a route for a connected prefix replaces it, like
  // `ip route replace`) and neighbours. Throws std::invalid_argument if a route or neighbour
  // names an interface index that does not exist; user input is expected to have been
  // checked, with file and line, before it gets here (testbench/scenario).
  explicit Engine(EngineConfig config);

  // Processes one Ethernet frame received on `ingress_ifindex` at simulated time `now`.
  // On kForward the frame has been rewritten in place and is ready to leave
  // `egress_ifindex`: Ethernet padding trimmed (the egress MAC pads again), TTL/hop limit
  // decremented with an incremental checksum update, dst MAC = next hop's, src MAC = the
  // egress interface's. On kDrop the frame is left unmodified. Never allocates.
  // Throws std::out_of_range if `ingress_ifindex` is not an interface (a harness bug).
  // Not thread-safe: one engine serves one CPU.
  Verdict process(net::PacketBuffer& frame, unsigned ingress_ifindex, std::chrono::nanoseconds now);

  const EngineStats& stats() const { return stats_; }
  std::size_t interface_count() const { return interfaces_.size(); }
  const RouteTable& routes() const { return routes_; }
  const NeighbourTable& neighbours() const { return neighbours_; }

 private:
  struct Interface {
    net::MacAddr mac;
    std::uint32_t mtu = 1500;
  };

  Verdict decide(net::PacketBuffer& frame, unsigned ingress_ifindex);
  Verdict forward_ipv4(net::PacketBuffer& frame, const net::ParsedFrame& parsed);
  Verdict forward_ipv6(net::PacketBuffer& frame, const net::ParsedFrame& parsed);
  // Shared tail of both families once the route is known: TTL, MTU, neighbour, rewrite.
  template <typename Addr>
  Verdict finish_forward(net::PacketBuffer& frame, const net::ParsedFrame& parsed, const Route& route, const Addr& dst);

  std::vector<Interface> interfaces_;
  // Linux keeps its own addresses and broadcast addresses in a separate `local` table that is
  // consulted before `main`; the same split keeps a user's route from hiding them.
  RouteTable local_;
  RouteTable routes_;
  NeighbourTable neighbours_;
  EngineStats stats_;
};

}  // namespace flowsim::engine
