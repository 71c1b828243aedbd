// SPDX-License-Identifier: Apache-2.0
// Which side of the router each host of a capture is on, chosen the ways tcpprep chooses
// client and server: by address prefix (`--lan 192.168.0.0/16,fd00::/8`), by the pcapng
// interface a host's packets were captured on, by MAC address (`--lan-mac` / `--wan-mac`),
// or automatically. Automatic: if some MAC address fronts several IP addresses, it is a
// gateway and the hosts behind it are on the WAN, the hosts with their own MAC on the LAN
// (a capture taken on a LAN segment); otherwise private addresses (RFC 1918, shared, link
// local, unique local) and hosts that open more conversations than they accept are on the
// LAN. The decision is stated in words for the report.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "net/ipv4_addr.hpp"
#include "net/ipv6_addr.hpp"
#include "net/mac_addr.hpp"
#include "testbench/capture/host_table.hpp"

namespace flowsim::capture {

enum class Side : std::uint8_t { kLan = 0, kWan = 1 };

constexpr const char* to_string(Side s) { return s == Side::kLan ? "lan" : "wan"; }

enum class SideMode : std::uint8_t { kAuto, kPrefix, kInterface, kMac };

struct SideOptions {
  SideMode mode = SideMode::kAuto;
  std::vector<std::variant<net::Ipv4Prefix, net::Ipv6Prefix>> lan_prefixes{};  // kPrefix
  std::vector<std::uint32_t> lan_interfaces{};                               // kInterface
  std::vector<net::MacAddr> lan_macs{};  // kMac: senders with these MACs are on the LAN...
  std::vector<net::MacAddr> wan_macs{};  // ...or with these on the WAN (one of the two lists)
};

struct SideDecision {
  std::vector<Side> host_sides;  // parallel to HostTable::all()
  std::string description;       // how the sides were chosen, for the report
  std::size_t lan_hosts = 0;
  std::size_t wan_hosts = 0;
};

// Decides the side of every host. Throws net::InputError if MAC mode is asked of a capture
// whose MACs are made up (raw IP, cooked captures), naming the capture.
SideDecision classify_sides(const HostTable& hosts, const SideOptions& options, bool macs_are_synthetic,
                            const std::string& capture_name);

bool is_private_scope(const IpKey& ip);
bool in_prefixes(const IpKey& ip, const std::vector<std::variant<net::Ipv4Prefix, net::Ipv6Prefix>>& prefixes);

}  // namespace flowsim::capture
