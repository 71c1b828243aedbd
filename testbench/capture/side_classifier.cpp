// SPDX-License-Identifier: Apache-2.0
#include "testbench/capture/side_classifier.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "net/address_scope.hpp"
#include "net/byte_order.hpp"
#include "net/input_error.hpp"

namespace flowsim::capture {
namespace {

// A MAC address that sends for (or receives for) this many IP addresses is a router's.
constexpr std::size_t kGatewayAddresses = 3;

net::Ipv4Addr v4(const IpKey& ip) { return net::Ipv4Addr(net::load_be32(ip.addr.data())); }
net::Ipv6Addr v6(const IpKey& ip) { return net::Ipv6Addr(ip.addr); }

bool has(const std::vector<net::MacAddr>& list, const std::optional<net::MacAddr>& mac) {
  return mac && std::find(list.begin(), list.end(), *mac) != list.end();
}

std::string mac_list(const std::vector<net::MacAddr>& macs) {
  std::string s;
  for (const auto& m : macs) s += (s.empty() ? "" : ", ") + m.to_string();
  return s;
}

}  // namespace

bool is_private_scope(const IpKey& ip) {
  if (ip.family == 4) {
    const net::Ipv4Addr a = v4(ip);
    return net::is_private(a) || net::is_shared(a) || net::is_link_local(a) || net::is_zeronet(a);
  }
  const net::Ipv6Addr a = v6(ip);
  return net::is_private(a) || net::is_link_local(a) || net::is_unspecified(a);
}

bool in_prefixes(const IpKey& ip, const std::vector<std::variant<net::Ipv4Prefix, net::Ipv6Prefix>>& prefixes) {
  for (const auto& p : prefixes) {
    if (ip.family == 4 && std::holds_alternative<net::Ipv4Prefix>(p) && std::get<net::Ipv4Prefix>(p).contains(v4(ip))) {
      return true;
    }
    if (ip.family == 6 && std::holds_alternative<net::Ipv6Prefix>(p) && std::get<net::Ipv6Prefix>(p).contains(v6(ip))) {
      return true;
    }
  }
  return false;
}

SideDecision classify_sides(const HostTable& hosts, const SideOptions& options, bool macs_are_synthetic,
                            const std::string& capture_name) {
  SideDecision d;
  const auto& all = hosts.all();
  d.host_sides.assign(all.size(), Side::kWan);
  switch (options.mode) {
    case SideMode::kPrefix: {
      std::string list;
      for (const auto& p : options.lan_prefixes) {
        list += (list.empty() ? "" : ", ") + std::visit([](const auto& x) { return x.to_string(); }, p);
      }
      for (std::size_t i = 0; i < all.size(); ++i) {
        d.host_sides[i] = in_prefixes(all[i].ip, options.lan_prefixes) ? Side::kLan : Side::kWan;
      }
      d.description = "by prefix: LAN is " + list + ", everything else WAN";
      break;
    }
    case SideMode::kInterface: {
      std::string list;
      for (std::uint32_t i : options.lan_interfaces) list += (list.empty() ? "" : ", ") + std::to_string(i);
      const auto& lan = options.lan_interfaces;
      for (std::size_t i = 0; i < all.size(); ++i) {
        const bool on_lan = std::find(lan.begin(), lan.end(), all[i].first_interface) != lan.end();
        d.host_sides[i] = on_lan ? Side::kLan : Side::kWan;
      }
      d.description = "by capture interface: hosts first seen on interface " + list + " are LAN, the others WAN";
      break;
    }
    case SideMode::kMac: {
      if (macs_are_synthetic) {
        throw net::InputError(capture_name +
                              ": sides by MAC address need a capture with MAC addresses (this one has none: raw IP "
                              "or a cooked capture); choose them by prefix (--lan)");
      }
      const bool lan_listed = !options.lan_macs.empty();
      for (std::size_t i = 0; i < all.size(); ++i) {
        // A host that never sent is judged by the MAC its packets were sent to.
        const auto& mac = all[i].mac ? all[i].mac : all[i].via;
        const bool listed = has(lan_listed ? options.lan_macs : options.wan_macs, mac);
        d.host_sides[i] = (listed == lan_listed) ? Side::kLan : Side::kWan;
      }
      d.description = lan_listed ? "by MAC: hosts behind " + mac_list(options.lan_macs) + " are LAN, the others WAN"
                                 : "by MAC: hosts behind " + mac_list(options.wan_macs) + " are WAN, the others LAN";
      break;
    }
    case SideMode::kAuto: {
      // A gateway's MAC carries the traffic of many addresses. IPv6 counts by /64, since one
      // host uses several addresses of its own /64 (RFC 8981 temporary addresses), and
      // link-local ones do not count (a router has its own).
      std::map<std::array<std::uint8_t, 6>, std::set<IpKey>> behind;
      if (!macs_are_synthetic) {
        for (const Host& h : all) {
          if (h.ip.family == 6 && is_private_scope(h.ip)) continue;
          IpKey k = h.ip;
          if (k.family == 6) std::fill(k.addr.begin() + 8, k.addr.end(), std::uint8_t{0});
          if (h.mac) behind[h.mac->bytes()].insert(k);
          if (!h.mac && h.via) behind[h.via->bytes()].insert(k);
        }
      }
      std::vector<net::MacAddr> gateways;
      for (const auto& [bytes, ips] : behind) {
        const net::MacAddr mac = net::MacAddr::from_bytes(bytes.data());
        if (ips.size() >= kGatewayAddresses && !mac.is_multicast()) gateways.push_back(mac);
      }
      if (!gateways.empty()) {
        for (std::size_t i = 0; i < all.size(); ++i) {
          const auto& mac = all[i].mac ? all[i].mac : all[i].via;
          d.host_sides[i] = has(gateways, mac) ? Side::kWan : Side::kLan;
        }
        d.description = "automatic: " + mac_list(gateways) + (gateways.size() == 1 ? " is a gateway" : " are gateways") +
                        " (the MAC of several addresses): hosts behind it are WAN, hosts with their own MAC LAN";
        break;
      }
      for (std::size_t i = 0; i < all.size(); ++i) {
        const Host& h = all[i];
        const bool lan = is_private_scope(h.ip) || (h.opened > 0 && h.opened >= h.accepted);
        d.host_sides[i] = lan ? Side::kLan : Side::kWan;
      }
      d.description = "automatic: private addresses and hosts that open conversations are LAN, the others WAN";
      break;
    }
  }
  d.lan_hosts = static_cast<std::size_t>(std::count(d.host_sides.begin(), d.host_sides.end(), Side::kLan));
  d.wan_hosts = d.host_sides.size() - d.lan_hosts;
  return d;
}

}  // namespace flowsim::capture
