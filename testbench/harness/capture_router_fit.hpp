// SPDX-License-Identifier: Apache-2.0
// The router a capture is replayed through, made to fit the capture as a user would set it
// up by hand: every host of the capture must be reachable on its side. A host whose address
// the scenario routes to another port gets a host route on its side's port (through the WAN
// port's gateway for WAN hosts, on-link for LAN hosts), and hosts on a link get a static
// neighbour entry with their captured MAC. Every change is said in words for the report.
#pragma once

#include <string>
#include <vector>

#include "testbench/capture/capture_index.hpp"
#include "testbench/scenario/scenario.hpp"

namespace flowsim::testbench {

// The port of each side: `lan`/`wan` name them; an empty name means the port called "lan"
// (else port 0) and the port of the IPv4 default route (else port 1). Throws
// std::invalid_argument naming an unknown port.
struct SidePorts {
  unsigned lan = 0;
  unsigned wan = 1;
};
SidePorts side_ports(const scenario::Scenario& s, const std::string& lan, const std::string& wan);

// Adds the routes and neighbours; returns what it did, one sentence per kind of change.
std::vector<std::string> fit_router_to_capture(scenario::Scenario& s, const capture::CaptureIndex& index,
                                               SidePorts ports);

}  // namespace flowsim::testbench
