// SPDX-License-Identifier: Apache-2.0
#include "testbench/harness/report.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace flowsim::testbench {

std::string Report::to_json() const {
  nlohmann::ordered_json j;
  j["scenario"] = scenario;
  j["hash_impl"] = hash_impl;
  j["packets_in"] = packets_in;
  j["forwarded_hw"] = forwarded_hw;
  j["forwarded_sw"] = forwarded_sw;
  j["dropped"] = dropped;
  j["accounted"] = accounted();
  j["offload_hit_rate"] = offload_hit_rate();
  j["drops"] = drops;
  j["punts"] = punts;
  auto& ports_json = j["ports"] = nlohmann::ordered_json::array();
  for (const auto& p : ports) {
    nlohmann::ordered_json pj;
    pj["name"] = p.name;
    pj["speed_bps"] = p.speed_bps;
    pj["rx_packets"] = p.rx_packets;
    pj["rx_bytes"] = p.rx_bytes;
    pj["tx_packets"] = p.tx_packets;
    pj["tx_bytes"] = p.tx_bytes;
    pj["tx_hw"] = p.tx_hw;
    pj["tx_sw"] = p.tx_sw;
    pj["theoretical_pps_64b"] = p.theoretical_pps_64b;
    pj["theoretical_pps"] = p.theoretical_pps;
    pj["achieved_pps"] = p.achieved_pps;
    ports_json.push_back(std::move(pj));
  }
  j["simulated_ns"] = simulated_ps / 1000;
  j["driver_irqs"] = driver_irqs;
  j["register_bus_errors"] = register_bus_errors;
  j["dma_errors"] = dma_errors;
  j["warnings"] = warnings;
  return j.dump(2) + "\n";
}

std::string Report::to_text() const {
  std::string s;
  s += fmt::format("flowsim replay: {}  (hash unit: {})\n", scenario, hash_impl);
  s += fmt::format("simulated time  {:.3f} ms\n\n", static_cast<double>(simulated_ps) / 1e9);
  s += fmt::format("{:<24}{:>10}\n", "packets in", packets_in);
  s += fmt::format("{:<24}{:>10}   offload hit rate {:.1f} %\n", "  forwarded by hardware", forwarded_hw,
                   100.0 * offload_hit_rate());
  s += fmt::format("{:<24}{:>10}\n", "  forwarded by software", forwarded_sw);
  s += fmt::format("{:<24}{:>10}\n", "  dropped", dropped);
  for (const auto& [reason, n] : drops) s += fmt::format("    {:<20}{:>10}\n", reason, n);
  s += fmt::format("{:<24}{}\n", "accounting", accounted() ? "OK (in = hw + sw + dropped)"
                                                     : fmt::format("MISMATCH: {} in, {} accounted for", packets_in,
                                                                   forwarded_hw + forwarded_sw + dropped));
  if (!punts.empty()) {
    s += "\npunted to CPU (slow path), by reason\n";
    for (const auto& [reason, n] : punts) s += fmt::format("    {:<20}{:>10}\n", reason, n);
  }
  // Achieved is transmitted packets over the port's busy interval (first frame out to the
  // end of the last); theoretical is line rate at the port's mean transmitted frame size.
  s += "\nport       rx pkts   tx pkts    tx hw    tx sw  line rate @64B  theoretical pps    achieved pps\n";
  for (const auto& p : ports) {
    s += fmt::format("{:<8}{:>10}{:>10}{:>9}{:>9}  {:>9.3f} Mpps  {:>15.0f} {:>15.0f}\n", p.name, p.rx_packets,
                     p.tx_packets, p.tx_hw, p.tx_sw, p.theoretical_pps_64b / 1e6, p.theoretical_pps, p.achieved_pps);
  }
  if (register_bus_errors || dma_errors) {
    s += fmt::format("\nbus errors: {} register, {} DMA\n", register_bus_errors, dma_errors);
  }
  if (!warnings.empty()) {
    s += "\nwarnings\n";
    for (const auto& w : warnings) s += "  " + w + "\n";
  }
  return s;
}

}  // namespace flowsim::testbench
