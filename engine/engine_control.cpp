// SPDX-License-Identifier: Apache-2.0
// The engine's control plane: what happens to routes, neighbours, conntrack and the
// flowtables when the router's configuration changes while it runs (engine.hpp, "Changes to
// the running router"). Kept apart from the per-packet path in engine.cpp.
#include <algorithm>
#include <string>

#include "engine/engine.hpp"
#include "engine/nft/ruleset.hpp"

namespace flowsim::engine {
namespace {

using std::chrono::nanoseconds;
using Gateway = std::optional<std::variant<net::Ipv4Addr, net::Ipv6Addr>>;

// Host bits cleared: `ip route` compares prefixes as networks.
std::variant<net::Ipv4Prefix, net::Ipv6Prefix> network_of(const std::variant<net::Ipv4Prefix, net::Ipv6Prefix>& p) {
  if (const auto* v4 = std::get_if<net::Ipv4Prefix>(&p)) {
    return net::Ipv4Prefix(net::Ipv4Addr(v4->addr().value() & v4->mask()), v4->length());
  }
  const auto& v6 = std::get<net::Ipv6Prefix>(p);
  std::array<std::uint8_t, 16> b = v6.addr().bytes();
  for (unsigned bit = v6.length(); bit < 128; ++bit) b[bit / 8] = static_cast<std::uint8_t>(b[bit / 8] & ~(0x80u >> (bit % 8)));
  return net::Ipv6Prefix(net::Ipv6Addr(b), v6.length());
}

}  // namespace

void Engine::add_connected_routes(unsigned ifindex) {
  const Interface& itf = interfaces_[ifindex];
  for (const net::Ipv4Prefix& a : itf.ipv4) {
    if (a.length() < 32) routes_.add(a, Route{std::nullopt, ifindex});
  }
  for (const net::Ipv6Prefix& a : itf.ipv6) {
    if (a.length() < 128) routes_.add(a, Route{std::nullopt, ifindex});
  }
}

// The main table as the interfaces' addresses and the configured routes make it, without
// the routes of interfaces that are down (fib_disable_ip removes them).
void Engine::rebuild_routes() {
  routes_ = RouteTable();
  for (unsigned i = 0; i < interfaces_.size(); ++i) {
    if (link_up_[i]) add_connected_routes(i);
  }
  for (const RouteConfig& r : configured_routes_) {
    if (!link_up_[r.ifindex]) continue;
    std::visit([&](const auto& p) { routes_.add(p, Route{r.gateway, r.ifindex}); }, r.prefix);
  }
}

std::size_t Engine::revalidate_flows(nanoseconds now) {
  if (!flowtable_) return 0;
  return flowtable_->teardown_if(
      [&](const flowtable::Flow& flow) {
        for (unsigned d = 0; d < 2; ++d) {
          const flowtable::FlowRoute& cached = flow.route[d];
          // Direction d leaves toward the other direction's source (its translated destination).
          const net::FiveTuple& toward = flow.tuple[1 - d];
          const Route* now_route = toward.family == 4 ? routes_.lookup(toward.src_v4()) : routes_.lookup(toward.src_v6());
          if (now_route == nullptr || now_route->ifindex != cached.oif || now_route->gateway != cached.gateway) {
            return true;
          }
          // What the hardware rewrites the destination MAC with (the DIRECT transmit path);
          // the software path looks the neighbour up for every packet.
          if (flow.has(flowtable::kFlowHw) && cached.dst_mac) {
            const std::optional<net::MacAddr> mac =
                cached.gateway ? next_hop_mac(cached.oif, *cached.gateway)
                               : (toward.family == 4 ? next_hop_mac(cached.oif, toward.src_v4())
                                                     : next_hop_mac(cached.oif, toward.src_v6()));
            if (mac != cached.dst_mac) return true;
          }
        }
        return false;
      },
      now);
}

void Engine::set_link(unsigned ifindex, bool up, nanoseconds now) {
  if (link_up_.at(ifindex) == up) return;
  link_up_[ifindex] = up;
  // vlan_device_event / pppoe_device_event: the devices stacked on a port go down and up
  // with it (a PPPoE session would end with its link; here it comes back with it).
  for (const flowtable::EncapDevice& e : encap_devices_) {
    if (e.port == ifindex) set_link(e.ifindex, up, now);
  }
  rebuild_routes();
  if (!flowtable_) return;
  if (!up) flowtable_->cleanup(ifindex, now);
  revalidate_flows(now);
}

std::size_t Engine::delete_conntrack(const conntrack::CtFilter& filter, nanoseconds) {
  if (!conntrack_) return 0;
  return conntrack_->kill_if([&](const conntrack::Connection& ct) { return filter.matches(ct); });
}

std::optional<std::string> Engine::change_route(RouteOp op, const RouteConfig& route, nanoseconds now) {
  const auto key = network_of(route.prefix);
  const auto it = std::find_if(configured_routes_.begin(), configured_routes_.end(),
                               [&](const RouteConfig& r) { return network_of(r.prefix) == key; });
  const bool exists = it != configured_routes_.end();
  switch (op) {
    case RouteOp::kAdd:
      if (exists) return "RTNETLINK answers: File exists";
      configured_routes_.push_back(route);
      break;
    case RouteOp::kChange:
      if (!exists) return "RTNETLINK answers: No such file or directory";
      *it = route;
      break;
    case RouteOp::kReplace:
      if (exists) {
        *it = route;
      } else {
        configured_routes_.push_back(route);
      }
      break;
    case RouteOp::kDelete:
      if (!exists) return "RTNETLINK answers: No such process";
      configured_routes_.erase(it);
      break;
  }
  rebuild_routes();
  revalidate_flows(now);
  return std::nullopt;
}

void Engine::set_neighbour(const NeighbourConfig& neighbour, nanoseconds now) {
  neighbours_.add(neighbour.ifindex, neighbour.ip, neighbour.mac);
  revalidate_flows(now);
}

std::optional<std::string> Engine::delete_neighbour(const NeighbourConfig& neighbour, nanoseconds now) {
  if (!neighbours_.remove(neighbour.ifindex, neighbour.ip)) return "RTNETLINK answers: No such file or directory";
  revalidate_flows(now);
  return std::nullopt;
}

void Engine::replace_ruleset(std::shared_ptr<nft::Ruleset> ruleset, nanoseconds now) {
  if (flowtable_) {
    flowtable_->cleanup(std::nullopt, now);
    retired_flowtable_stats_ += flowtable_->stats();
  }
  flowtable_.reset();
  flowtable_spec_ = nullptr;
  ruleset_ = std::move(ruleset);
  if (!ruleset_ || !conntrack_) return;
  build_flowtable();
  if (flowtable_) flowtable_->set_offload(offload_);
}

std::optional<std::string> Engine::remove_flowtable_device(unsigned ifindex, nanoseconds now) {
  if (!flowtable_ || !flowtable_->unhook(ifindex)) {
    return "Error: Could not process rule: No such file or directory (" + interfaces_.at(ifindex).name +
           " is not a device of the flowtable)";
  }
  flowtable_->cleanup(ifindex, now);
  return std::nullopt;
}

}  // namespace flowsim::engine
