// SPDX-License-Identifier: Apache-2.0
// What the engine is told about the router it plays: interfaces (the position in the vector
// is the ifindex, which is also the ASIC port number), static routes and static neighbours,
// the nft ruleset, and the netfilter knobs a Linux box sets with sysctl. It is plain data,
// filled by whoever reads the user's configuration (testbench/scenario), so that the engine
// itself never parses files.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "engine/conntrack/conntrack_timeouts.hpp"
#include "engine/defrag/ipv4_defrag.hpp"
#include "engine/device/pppoe_device.hpp"
#include "engine/device/vlan_device.hpp"
#include "engine/defrag/ipv6_defrag.hpp"
#include "engine/flowtable/flowtable_config.hpp"
#include "engine/nat/nat_range.hpp"
#include "net/ipv4_addr.hpp"
#include "net/ipv6_addr.hpp"
#include "net/mac_addr.hpp"

namespace flowsim::engine {

namespace nft {
class Ruleset;
}

struct InterfaceConfig {
  std::string name;
  net::MacAddr mac;
  // Interface addresses with their prefix length, like `ip addr add 192.168.1.1/24`: each
  // one also implies a connected route and local (host) entries.
  std::vector<net::Ipv4Prefix> ipv4;
  std::vector<net::Ipv6Prefix> ipv6;
  std::uint32_t mtu = 1500;
  // A VLAN sub-interface or a PPPoE session device stacked on a port listed before it
  // (engine/device/vlan_device.hpp, pppoe_device.hpp); neither for a port.
  std::optional<device::VlanLink> vlan{};
  std::optional<device::PppoeLink> pppoe{};
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

// A service of the router itself (sshd on TCP 22, dnsmasq on UDP 53, ...), listening on all
// of its addresses. A packet to it is delivered; one to a port nothing listens on is answered
// as Linux answers it (a TCP RST, an ICMP port unreachable). The service is not played: it
// sends nothing back.
struct ServiceConfig {
  std::uint8_t proto = 6;  // IPPROTO_TCP or IPPROTO_UDP
  std::uint16_t port = 0;
};

struct EngineConfig {
  std::vector<InterfaceConfig> interfaces;
  std::vector<RouteConfig> routes;
  std::vector<NeighbourConfig> neighbours;
  std::vector<ServiceConfig> services;

  // The nft ruleset (evaluated, with its counters, by this engine). nullptr: no netfilter at
  // all, as on a box without nftables rules: no conntrack, no NAT, no flowtable, everything
  // forwarded that can be routed. With a ruleset, conntrack runs on every packet and its
  // first flowtable (if any) is the software flowtable.
  std::shared_ptr<nft::Ruleset> ruleset;
  // net.netfilter.nf_conntrack_*_timeout* and nf_flowtable_{tcp,udp}_timeout.
  conntrack::ConntrackTimeouts conntrack_timeouts{};
  bool conntrack_acct = false;      // nf_conntrack_acct: dumps show packets= bytes=
  bool conntrack_checksum = true;   // nf_conntrack_checksum
  bool tcp_loose = true;            // nf_conntrack_tcp_loose
  bool tcp_be_liberal = false;      // nf_conntrack_tcp_be_liberal
  // net.ipv4.ipfrag_time and ipfrag_high_thresh: IPv4 reassembly before conntrack.
  defrag::DefragConfig ipv4_defrag{};
  // net.netfilter.nf_conntrack_frag6_timeout and _high_thresh: IPv6 reassembly before conntrack.
  defrag::DefragConfig ipv6_defrag = defrag::kIpv6DefragDefaults;
  // Old (v5.x–v6.13) or new (v6.14+, CLOSING state) flowtable teardown rules.
  flowtable::FlowtableSemantics flowtable_semantics = flowtable::FlowtableSemantics::kOld;
  // Seed of NAT's "random" port offsets (get_random_u16 in the kernel): same seed, same ports.
  std::uint64_t nat_seed = 0x666c6f7773696dULL;
  // The part of the source-port space this engine's NAT may choose from, when it replays
  // one shard of a capture (nat/nat_range.hpp); the whole space by default.
  nat::PortSlice nat_port_slice{};
  // Seed of the IP ID generator of the router's own packets (engine/ip/ip_ident.hpp: its
  // SipHash key, counters and jumps, random in the kernel): same seed, same IDs.
  std::uint64_t ip_ident_seed = 0x69705f6964656e74ULL;
  // The wall clock when simulated time is 0, in nanoseconds since the epoch (UTC): what
  // `meta time`, `meta hour` and `meta day` read (plus the simulated time). Fixed, so that a
  // run is the same whenever it is made.
  std::uint64_t wall_clock_start_ns = 0;
};

}  // namespace flowsim::engine
