// SPDX-License-Identifier: Apache-2.0
#include "testbench/harness/capture_plan.hpp"

#include <algorithm>
#include <stdexcept>

#include "net/byte_order.hpp"
#include "net/input_error.hpp"
#include "testbench/harness/capture_router_fit.hpp"

namespace flowsim::testbench {

CapturePlan plan_capture(scenario::Scenario& s, const CaptureRequest& request) {
  CapturePlan plan;
  plan.options.timing.mode =
      s.timing == scenario::TimingMode::kLineRate ? capture::TimingMode::kLineRate : capture::TimingMode::kRecorded;
  if (request.timing) plan.options.timing = *request.timing;
  for (const auto& p : s.ports) {
    plan.port_names.push_back(p.name);
    plan.options.ports.push_back(capture::PortInfo{p.mac, p.speed_bps, p.mtu});
    for (const auto& a : p.ipv4) {
      capture::IpKey k;
      net::store_be32(k.addr.data(), a.addr().value());
      plan.options.router_addresses.push_back(k);
    }
    for (const auto& a : p.ipv6) {
      capture::IpKey k{a.addr().bytes(), 6};
      plan.options.router_addresses.push_back(k);
    }
  }
  SidePorts ports;
  try {
    ports = side_ports(s, request.lan_port, request.wan_port);
  } catch (const std::invalid_argument& e) {
    throw net::InputError(s.file.string() + ": " + e.what());
  }
  // Oversize is measured against the smaller MTU of the two ports the capture goes through.
  const std::uint32_t mtu = std::min(s.ports[ports.lan].mtu, s.ports[ports.wan].mtu);
  auto index = std::make_shared<capture::CaptureIndex>(capture::index_capture(request.file, request.sides, mtu));
  plan.options.lan_port = ports.lan;
  plan.options.wan_port = ports.wan;
  plan.options.inject_same_side = request.inject_same_side;
  plan.options.fix_checksums = request.fix_checksums;
  plan.options.resegment = request.resegment;
  CaptureReport& r = plan.report;
  r.file = request.file.string();
  r.packets = index->packets;
  r.conversations = index->conversations.size();
  for (const auto& c : index->conversations.all()) r.tcp_handshakes += c.handshake ? 1 : 0;
  r.sides = index->sides.description;
  r.lan_hosts = index->sides.lan_hosts;
  r.wan_hosts = index->sides.wan_hosts;
  r.lan_port = s.ports[ports.lan].name;
  r.wan_port = s.ports[ports.wan].name;
  r.router_changes = fit_router_to_capture(s, *index, ports);
  r.timing = plan.options.timing.describe();
  const capture::CaptureArtefacts& a = index->artefacts;
  r.artefacts = CaptureArtefactReport{a.mtu,
                                      a.largest_ip,
                                      a.bad_ip_checksum.count,
                                      a.bad_ip_checksum.describe(),
                                      a.bad_l4_checksum.count,
                                      a.bad_l4_checksum.describe(),
                                      a.oversize.count,
                                      a.oversize.describe(),
                                      request.fix_checksums,
                                      request.resegment};
  plan.index = std::move(index);
  return plan;
}

}  // namespace flowsim::testbench
