// SPDX-License-Identifier: Apache-2.0
// A scenario as the user wrote it (a YAML file, see scenarios/home_router.yaml): the router's
// ports, routes and neighbours, the ASIC and CPU parameters, and the traffic to replay; how to
// load one, and the part of it the engine gets. The loader has checked every value and
// resolved port names to indices; `line` fields keep the 1-based line of each entry so that
// later errors can still point into the file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "engine/conntrack/conntrack_timeouts.hpp"
#include "engine/engine_config.hpp"
#include "engine/flowtable/flowtable_config.hpp"
#include "model/device_faults.hpp"
#include "model/rtl_twin/rtl_blocks.hpp"
#include "net/ipv4_addr.hpp"
#include "net/ipv6_addr.hpp"
#include "net/mac_addr.hpp"
#include "testbench/scenario/control_event.hpp"

namespace flowsim::scenario {

struct PortSpec {
  std::string name;
  net::MacAddr mac;
  std::vector<net::Ipv4Prefix> ipv4;  // interface addresses with prefix length
  std::vector<net::Ipv6Prefix> ipv6;
  std::uint64_t speed_bps = 10'000'000'000;
  std::uint32_t mtu = 1500;
  int line = 0;
  // A VLAN sub-interface (`link` + `vlan` in the file) or a PPPoE session device (`link` +
  // `pppoe: {session, peer}`): the index of the port it is stacked on and its VLAN id or
  // session id and access concentrator. Such entries are kept in Scenario::vlan_devices, not
  // among the ports.
  std::optional<unsigned> link{};
  std::uint16_t vlan_id = 0;
  std::uint16_t pppoe_session = 0;
  net::MacAddr pppoe_peer{};
};

struct RouteSpec {
  std::variant<net::Ipv4Prefix, net::Ipv6Prefix> prefix;
  std::optional<std::variant<net::Ipv4Addr, net::Ipv6Addr>> via;
  std::string dev;
  unsigned port = 0;  // interface index of `dev`: Scenario::ports, then Scenario::vlan_devices
  int line = 0;
};

struct NeighbourSpec {
  std::variant<net::Ipv4Addr, net::Ipv6Addr> ip;
  net::MacAddr mac;
  std::string dev;
  unsigned port = 0;  // interface index of `dev`: Scenario::ports, then Scenario::vlan_devices
  int line = 0;
};

// A service of the router itself (`services:`): a TCP or UDP port it listens on.
struct ServiceSpec {
  std::uint8_t proto = 6;
  std::uint16_t port = 0;
  int line = 0;
};

struct AsicSpec {
  double clock_mhz = 500;
  unsigned datapath_bytes = 32;
  unsigned rx_ring_size = 256;
  unsigned tx_ring_size = 256;
  std::uint32_t egress_queue_bytes = 262144;
  model::RtlBlocks rtl;            // datapath blocks run as Verilated RTL (rtl: / hash: rtl)
  unsigned table_entries = 16384;  // flow table entries, a power of two in 1024..32768
  unsigned table_ways = 4;         // ways per hash bucket: 1, 2 or 4
  bool learn_mode = false;         // bind_mode: learn (MediaTek unbind→bind) or direct
  double punt_meter_pps = 1e6;     // CPU-port punt rate limit; 0 = none
  // GLO_CFG drop checks the driver turns on (driver::DriverConfig has the defaults' reasons).
  bool drop_bad_ipv4_checksum = true;
  bool drop_bad_l4_checksum = false;
  bool drop_ttl0 = false;
};

struct CpuSpec {
  std::uint64_t ns_per_packet = 2000;
  std::uint32_t irq_coalesce_pkts = 8;
  std::uint32_t irq_coalesce_us = 20;
};

enum class TimingMode { kRecorded, kLineRate };

struct TrafficSpec {
  std::string port_name;
  unsigned port = 0;           // index of `port_name` in Scenario::ports
  std::filesystem::path pcap;  // resolved against the scenario file's directory
  int line = 0;
};

// The `engine:` section: the netfilter sysctls of the router (conntrack and flowtable
// timeouts, accounting, TCP tracking), which kernel generation's flowtable rules apply, and
// the seed of NAT's random port choice.
struct EngineSpec {
  engine::conntrack::ConntrackTimeouts timeouts{};
  bool conntrack_acct = false;
  bool conntrack_checksum = true;
  bool tcp_loose = true;
  bool tcp_be_liberal = false;
  engine::flowtable::FlowtableSemantics flowtable = engine::flowtable::FlowtableSemantics::kOld;
  std::uint64_t nat_seed = engine::EngineConfig{}.nat_seed;
  // `wall_clock_start: "YYYY-MM-DD HH:MM:SS"` (UTC): the wall clock at simulated time 0, for
  // `meta time/hour/day` rules.
  std::uint64_t wall_clock_start_ns = 0;
};

// One entry of `faults:`: the chip commits `kind` (model/device_faults.hpp) `at` after the
// traffic started (simulated time; the first packet's timestamp is 0).
struct FaultSpec {
  std::chrono::nanoseconds at{0};
  model::FaultKind kind = model::FaultKind::kInterruptLost;
  int line = 0;
};

struct Scenario {
  std::filesystem::path file;
  std::string name;
  std::string description;
  std::vector<PortSpec> ports;
  // VLAN sub-interfaces and PPPoE devices written among the ports (`name: eth0.10`, `link:
  // eth0`, `vlan: 10`; `name: pppoe-wan`, `link: eth1`, `pppoe: {session: 1, peer: MAC}`):
  // interfaces after the ports (interface index ports.size() + i), with no wire of their own.
  std::vector<PortSpec> vlan_devices;
  std::vector<RouteSpec> routes;
  std::vector<NeighbourSpec> neighbours;
  std::vector<ServiceSpec> services;
  AsicSpec asic;
  CpuSpec cpu;
  TimingMode timing = TimingMode::kRecorded;
  std::vector<TrafficSpec> traffic;
  // The nft ruleset (text or `nft -j` JSON), resolved against the scenario file's directory;
  // empty: none (a plain router without netfilter).
  std::filesystem::path ruleset;
  int ruleset_line = 0;
  // Devices the ruleset's flowtables list that are not ports (wlan0, wg0, a ninth device):
  // software-only, no traffic of the replay crosses them, nothing of theirs is offloaded.
  std::vector<std::string> software_devices;
  EngineSpec engine;
  // Changes to the router while it runs (`events:`), in time order; `at` is traffic time.
  std::vector<ControlEvent> events;
  std::vector<FaultSpec> faults;  // in file order
};

// Loads and checks `file`. Users write scenarios by hand, so every mistake is reported with
// the place it was made and what would have been accepted, never a default silently used.
// Throws net::InputError whose message is "FILE:LINE:COL: message" (1-based) for YAML syntax
// errors, a second YAML document, unknown or duplicate keys (naming the allowed ones),
// missing required keys, values of the wrong type, bad MAC/IP/prefix text, unknown speeds,
// timing modes or hash implementations, MTUs outside 68..9216, fewer than 2 or more than 8
// ports, bad or duplicate port names, routes/neighbours/traffic naming an unknown port,
// route prefixes with host bits set, gateways not on a subnet of their port, duplicate routes
// or neighbours, pcap and ruleset files that do not exist (relative paths are taken from the
// scenario file's directory), unknown `engine:` settings or values, and a flowtable device
// that is not a port; "FILE: message" if the file cannot be read at all. The ruleset itself
// is parsed too: its errors name the ruleset file, line and column. So are `events:`
// (control_event.hpp): a command that cannot be parsed names its line.
Scenario load_scenario(const std::filesystem::path& file);

// The interfaces, routes, neighbours, ruleset and engine settings in the engine's own terms
// (it must not know about scenario files): port i becomes interface (ifindex) i, VLAN device i
// interface ports.size() + i. The ruleset
// is loaded afresh for each call, so that every engine starts with zero rule counters. Does
// not fail on a loaded scenario unless its ruleset file changed since.
engine::EngineConfig to_engine_config(const Scenario& scenario);

}  // namespace flowsim::scenario
