// SPDX-License-Identifier: Apache-2.0
#include "testbench/scenario/scenario.hpp"

#include <memory>

#include "engine/nft/ruleset.hpp"

namespace flowsim::scenario {

engine::EngineConfig to_engine_config(const Scenario& scenario) {
  engine::EngineConfig config;
  config.interfaces.reserve(scenario.ports.size());
  for (const PortSpec& p : scenario.ports) {
    config.interfaces.push_back(engine::InterfaceConfig{p.name, p.mac, p.ipv4, p.ipv6, p.mtu});
  }
  for (const PortSpec& v : scenario.vlan_devices) {
    engine::InterfaceConfig itf{v.name, v.mac, v.ipv4, v.ipv6, v.mtu};
    if (v.pppoe_session != 0) {
      itf.pppoe = engine::device::PppoeLink{*v.link, v.pppoe_session, v.pppoe_peer};
    } else {
      itf.vlan = engine::device::VlanLink{*v.link, v.vlan_id};
    }
    config.interfaces.push_back(std::move(itf));
  }
  for (const RouteSpec& r : scenario.routes) {
    config.routes.push_back(engine::RouteConfig{r.prefix, r.via, r.port});
  }
  for (const NeighbourSpec& n : scenario.neighbours) {
    config.neighbours.push_back(engine::NeighbourConfig{n.ip, n.mac, n.port});
  }
  for (const ServiceSpec& svc : scenario.services) {
    config.services.push_back(engine::ServiceConfig{svc.proto, svc.port});
  }
  if (!scenario.ruleset.empty()) {
    config.ruleset = std::make_shared<engine::nft::Ruleset>(engine::nft::Ruleset::load(scenario.ruleset));
  }
  const EngineSpec& e = scenario.engine;
  config.conntrack_timeouts = e.timeouts;
  config.conntrack_acct = e.conntrack_acct;
  config.conntrack_checksum = e.conntrack_checksum;
  config.tcp_loose = e.tcp_loose;
  config.tcp_be_liberal = e.tcp_be_liberal;
  config.flowtable_semantics = e.flowtable;
  config.nat_seed = e.nat_seed;
  config.wall_clock_start_ns = e.wall_clock_start_ns;
  // One seed makes the whole run reproducible: the IP ID generator takes its own stream of it.
  config.ip_ident_seed = e.nat_seed ^ engine::EngineConfig{}.ip_ident_seed;
  return config;
}

}  // namespace flowsim::scenario
