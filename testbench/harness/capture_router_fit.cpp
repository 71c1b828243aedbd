// SPDX-License-Identifier: Apache-2.0
#include "testbench/harness/capture_router_fit.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <stdexcept>

#include "engine/route_table.hpp"
#include "net/address_scope.hpp"
#include "net/byte_order.hpp"

namespace flowsim::testbench {
namespace {

using Address = std::variant<net::Ipv4Addr, net::Ipv6Addr>;

Address address_of(const capture::IpKey& ip) {
  if (ip.family == 4) return net::Ipv4Addr(net::load_be32(ip.addr.data()));
  return net::Ipv6Addr(ip.addr);
}

std::string text(const Address& a) {
  return std::visit([](const auto& x) { return x.to_string(); }, a);
}

engine::RouteTable route_table(const scenario::Scenario& s) {
  engine::RouteTable rt;
  for (unsigned i = 0; i < s.ports.size(); ++i) {
    for (const auto& a : s.ports[i].ipv4) {
      if (a.length() < 32) rt.add(a, engine::Route{std::nullopt, i});
    }
    for (const auto& a : s.ports[i].ipv6) {
      if (a.length() < 128) rt.add(a, engine::Route{std::nullopt, i});
    }
  }
  for (const auto& r : s.routes) std::visit([&](const auto& p) { rt.add(p, engine::Route{r.via, r.port}); }, r.prefix);
  return rt;
}

bool is_router_address(const scenario::Scenario& s, const Address& a) {
  for (const auto& p : s.ports) {
    if (const auto* v4 = std::get_if<net::Ipv4Addr>(&a)) {
      for (const auto& x : p.ipv4) {
        if (x.addr() == *v4) return true;
      }
    } else {
      for (const auto& x : p.ipv6) {
        if (x.addr() == std::get<net::Ipv6Addr>(a)) return true;
      }
    }
  }
  return false;
}

std::optional<unsigned> port_named(const scenario::Scenario& s, const std::string& name) {
  for (unsigned i = 0; i < s.ports.size(); ++i) {
    if (s.ports[i].name == name) return i;
  }
  return std::nullopt;
}

}  // namespace

SidePorts side_ports(const scenario::Scenario& s, const std::string& lan, const std::string& wan) {
  auto named = [&](const std::string& name) {
    if (auto i = port_named(s, name)) return *i;
    std::string names;
    for (const auto& p : s.ports) names += (names.empty() ? "" : ", ") + p.name;
    throw std::invalid_argument("no port named '" + name + "' (the ports are " + names + ")");
  };
  SidePorts ports;
  ports.lan = !lan.empty() ? named(lan) : port_named(s, "lan").value_or(0);
  if (!wan.empty()) {
    ports.wan = named(wan);
  } else if (auto w = port_named(s, "wan")) {
    ports.wan = *w;
  } else {
    ports.wan = ports.lan == 0 ? 1 : 0;
    for (const auto& r : s.routes) {
      const auto* p = std::get_if<net::Ipv4Prefix>(&r.prefix);
      if (p != nullptr && p->length() == 0) ports.wan = r.port;
    }
  }
  if (ports.lan == ports.wan) {
    throw std::invalid_argument("the LAN and WAN sides need two different ports (both are '" + s.ports[ports.lan].name +
                                "')");
  }
  return ports;
}

std::vector<std::string> fit_router_to_capture(scenario::Scenario& s, const capture::CaptureIndex& index,
                                               SidePorts ports) {
  const engine::RouteTable rt = route_table(s);
  // The WAN port's gateways: WAN hosts the scenario does not route there go through them.
  std::optional<Address> gateway4, gateway6;
  for (const auto& r : s.routes) {
    if (r.port != ports.wan || !r.via) continue;
    if (const auto* p = std::get_if<net::Ipv4Prefix>(&r.prefix); p != nullptr && p->length() == 0) gateway4 = *r.via;
    if (const auto* p = std::get_if<net::Ipv6Prefix>(&r.prefix); p != nullptr && p->length() == 0) gateway6 = *r.via;
  }
  auto has_neighbour = [&](const Address& ip, unsigned port) {
    return std::any_of(s.neighbours.begin(), s.neighbours.end(),
                       [&](const scenario::NeighbourSpec& n) { return n.ip == ip && n.port == port; });
  };
  std::map<unsigned, std::vector<std::string>> routes_added;
  std::size_t neighbours_added = 0, router_addresses = 0;
  std::map<std::array<std::uint8_t, 6>, std::size_t> wan_macs;  // the WAN side's most common MAC
  const auto& hosts = index.hosts.all();
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    const capture::Host& h = hosts[i];
    if (capture::is_group_address(h.ip)) continue;
    const Address ip = address_of(h.ip);
    // Loopback addresses never reach a wire (a capture of `lo`): nothing to route.
    if (std::visit([](const auto& a) { return net::is_loopback(a); }, ip)) continue;
    if (is_router_address(s, ip)) {
      ++router_addresses;
      continue;
    }
    const capture::Side side = index.sides.host_sides[i];
    const unsigned port = side == capture::Side::kLan ? ports.lan : ports.wan;
    if (side == capture::Side::kWan && h.mac) ++wan_macs[h.mac->bytes()];
    const bool link_local = h.ip.family == 6 && net::is_link_local(std::get<net::Ipv6Addr>(ip));
    std::optional<Address> via;
    if (!link_local) {
      const engine::Route* r = std::visit([&](const auto& a) { return rt.lookup(a); }, ip);
      if (r == nullptr || r->ifindex != port) {
        if (side == capture::Side::kWan) via = h.ip.family == 4 ? gateway4 : gateway6;
        scenario::RouteSpec spec;
        if (h.ip.family == 4) {
          spec.prefix = net::Ipv4Prefix(std::get<net::Ipv4Addr>(ip), 32);
        } else {
          spec.prefix = net::Ipv6Prefix(std::get<net::Ipv6Addr>(ip), 128);
        }
        spec.via = via;
        spec.dev = s.ports[port].name;
        spec.port = port;
        s.routes.push_back(spec);
        routes_added[port].push_back(text(ip));
      } else {
        via = r->gateway;
      }
    }
    if (!via && !has_neighbour(ip, port)) {
      s.neighbours.push_back(scenario::NeighbourSpec{ip, capture::host_mac(h), s.ports[port].name, port, 0});
      ++neighbours_added;
    }
  }
  // A WAN gateway without a neighbour entry answers with the MAC the WAN hosts came from.
  for (const auto& gw : {gateway4, gateway6}) {
    if (!gw || has_neighbour(*gw, ports.wan)) continue;
    net::MacAddr mac = net::MacAddr::from_bytes(std::array<std::uint8_t, 6>{0x02, 0x00, 0x00, 0x00, 0xfe, 0xfe}.data());
    std::size_t best = 0;
    for (const auto& [bytes, n] : wan_macs) {
      if (n > best) {
        best = n;
        mac = net::MacAddr::from_bytes(bytes.data());
      }
    }
    s.neighbours.push_back(scenario::NeighbourSpec{*gw, mac, s.ports[ports.wan].name, ports.wan, 0});
    ++neighbours_added;
  }
  std::vector<std::string> notes;
  for (const auto& [port, list] : routes_added) {
    notes.push_back(fmt::format("{} host route{} on {} (first: {}{})", list.size(), list.size() == 1 ? "" : "s",
                                s.ports[port].name, list.front(), port == ports.wan && (gateway4 || gateway6) ? ", via the gateway" : ""));
  }
  if (neighbours_added) notes.push_back(fmt::format("{} static neighbour{} with the captured MACs", neighbours_added,
                                                    neighbours_added == 1 ? "" : "s"));
  if (router_addresses) {
    notes.push_back(fmt::format("{} captured address{} of the router itself: packets to {} are for the router",
                                router_addresses, router_addresses == 1 ? " is one" : "es are ones",
                                router_addresses == 1 ? "it" : "them"));
  }
  return notes;
}

}  // namespace flowsim::testbench
