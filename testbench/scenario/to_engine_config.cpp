// SPDX-License-Identifier: Apache-2.0
#include "testbench/scenario/scenario.hpp"

namespace flowsim::scenario {

engine::EngineConfig to_engine_config(const Scenario& scenario) {
  engine::EngineConfig config;
  config.interfaces.reserve(scenario.ports.size());
  for (const PortSpec& p : scenario.ports) {
    config.interfaces.push_back(engine::InterfaceConfig{p.name, p.mac, p.ipv4, p.ipv6, p.mtu});
  }
  for (const RouteSpec& r : scenario.routes) {
    config.routes.push_back(engine::RouteConfig{r.prefix, r.via, r.port});
  }
  for (const NeighbourSpec& n : scenario.neighbours) {
    config.neighbours.push_back(engine::NeighbourConfig{n.ip, n.mac, n.port});
  }
  return config;
}

}  // namespace flowsim::scenario
