// SPDX-License-Identifier: Apache-2.0
#include "testbench/harness/report.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace flowsim::testbench {

std::string Report::to_json() const {
  nlohmann::ordered_json j;
  j["scenario"] = scenario;
  if (!shard.empty()) j["shard"] = shard;
  if (capture) {
    nlohmann::ordered_json c;
    c["file"] = capture->file;
    c["packets"] = capture->packets;
    c["conversations"] = capture->conversations;
    c["tcp_handshakes"] = capture->tcp_handshakes;
    c["sides"] = capture->sides;
    c["lan_port"] = capture->lan_port;
    c["lan_hosts"] = capture->lan_hosts;
    c["wan_port"] = capture->wan_port;
    c["wan_hosts"] = capture->wan_hosts;
    c["router_changes"] = capture->router_changes;
    c["timing"] = capture->timing;
    c["readdressed"] = capture->readdressed;
    c["ideal_hw"] = capture->ideal_hw;
    c["ideal_hit_rate"] = ideal_hit_rate();
    const CaptureArtefactReport& a = capture->artefacts;
    nlohmann::ordered_json art;
    art["mtu"] = a.mtu;
    art["largest_ip_packet"] = a.largest_ip;
    art["bad_ip_checksum"] = a.bad_ip_checksum;
    art["bad_l4_checksum"] = a.bad_l4_checksum;
    art["oversize"] = a.oversize;
    art["fix_checksums"] = a.fix_checksums;
    art["checksums_fixed"] = a.checksums_fixed;
    art["resegment"] = a.resegment;
    art["resegmented"] = a.resegmented;
    art["segments_added"] = a.segments_added;
    c["artefacts"] = std::move(art);
    j["capture"] = std::move(c);
  }
  j["captured"] = captured;
  j["not_injected"] = not_injected;
  j["packets_in"] = packets_in;
  j["forwarded_hw"] = forwarded_hw;
  j["forwarded_sw"] = forwarded_sw;
  j["dropped"] = dropped;
  j["generated_sw"] = generated_sw;
  // Only when there were fragments: reports of runs without any stay as they were.
  if (fragments_sw) j["fragments_sw"] = fragments_sw;
  if (reassembly_held) {
    j["reassembly_held"] = reassembly_held;
    j["reassembly"] = reassembly;
  }
  j["generated_dropped"] = generated_dropped;
  j["accounted"] = accounted();
  j["offload_hit_rate"] = offload_hit_rate();
  j["drops"] = drops;
  j["punts"] = punts;
  j["slow_path"] = slow_path;
  j["sw_fast_path"] = sw_fast_path;
  j["flows"] = flows;
  j["offload_refused"] = offload_refused;
  j["driver"] = driver;
  j["faults"] = faults;
  j["resets"] = resets;
  j["recoveries"] = recoveries;
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
    // The busy interval behind achieved_pps, so that reports of shards can be merged exactly.
    pj["first_tx_ps"] = p.first_tx_ps;
    pj["last_tx_end_ps"] = p.last_tx_end_ps;
    ports_json.push_back(std::move(pj));
  }
  j["simulated_ns"] = simulated_ps / 1000;
  j["driver_irqs"] = driver_irqs;
  j["register_bus_errors"] = register_bus_errors;
  j["dma_errors"] = dma_errors;
  if (!events.empty()) {
    auto& ej = j["events"] = nlohmann::ordered_json::array();
    for (const ReportEvent& e : events) {
      nlohmann::ordered_json x;
      x["at_ns"] = e.at_ns;
      x["command"] = e.command;
      if (!e.error.empty()) x["error"] = e.error;
      ej.push_back(std::move(x));
    }
  }
  j["warnings"] = warnings;
  return j.dump(2) + "\n";
}

std::string Report::to_text() const {
  std::string s;
  s += fmt::format("flowsim replay: {}{}\n", scenario,
                   shard.empty() ? "" : fmt::format("  shard {} of the conversations", shard));
  s += fmt::format("simulated time  {:.3f} ms\n\n", static_cast<double>(simulated_ps) / 1e9);
  if (capture) {
    s += fmt::format("capture   {}: {} packets, {} conversations ({} TCP handshakes)\n", capture->file,
                     capture->packets, capture->conversations, capture->tcp_handshakes);
    s += fmt::format("sides     {}\n", capture->sides);
    s += fmt::format("          {} LAN hosts on port {}, {} WAN hosts on port {}\n", capture->lan_hosts,
                     capture->lan_port, capture->wan_hosts, capture->wan_port);
    for (const auto& c : capture->router_changes) s += fmt::format("router    {}\n", c);
    s += fmt::format("timing    {}; {} packets re-addressed to the router's NAT\n", capture->timing,
                     capture->readdressed);
    const CaptureArtefactReport& a = capture->artefacts;
    if (a.bad_ip_checksum + a.bad_l4_checksum != 0) {
      s += fmt::format("artefacts wrong checksums (checksum offload?): IPv4 header {}, TCP/UDP/ICMP {}; {}\n",
                       a.bad_ip_checksum_packets, a.bad_l4_checksum_packets,
                       a.fix_checksums ? fmt::format("--fix-checksums recomputed them ({} packets)",
                                                     a.checksums_fixed)
                                       : std::string("injected as captured (--fix-checksums recomputes them)"));
    }
    if (a.oversize != 0) {
      s += fmt::format("artefacts IP packets above the MTU of {} (segmentation offload?): {}, the largest {} bytes; {}\n",
                       a.mtu, a.oversize_packets, a.largest_ip,
                       a.resegment ? fmt::format("--resegment cut {} TCP packets into {} segments", a.resegmented,
                                                 a.resegmented + a.segments_added)
                                   : std::string("injected as captured (--resegment cuts TCP ones into segments)"));
    }
    s += fmt::format("hit rate  ideal {:.1f} % (every packet after `flow add` in hardware), achieved {:.1f} %\n\n",
                     100.0 * ideal_hit_rate(), 100.0 * offload_hit_rate());
  }
  if (captured != packets_in || !not_injected.empty()) {
    s += fmt::format("{:<24}{:>10}\n", "captured", captured);
    if (segments_added() != 0) s += fmt::format("{:<24}{:>10}\n", "  segments added", segments_added());
    s += fmt::format("{:<24}{:>10}\n", "  not injected", not_injected_total());
    for (const auto& [reason, n] : not_injected) s += fmt::format("    {:<20}{:>10}\n", reason, n);
  }
  s += fmt::format("{:<24}{:>10}\n", "packets in", packets_in);
  s += fmt::format("{:<24}{:>10}   offload hit rate {:.1f} %\n", "  forwarded by hardware", forwarded_hw,
                   100.0 * offload_hit_rate());
  s += fmt::format("{:<24}{:>10}\n", "  forwarded by software", forwarded_sw);
  s += fmt::format("{:<24}{:>10}\n", "  dropped", dropped);
  for (const auto& [reason, n] : drops) s += fmt::format("    {:<20}{:>10}\n", reason, n);
  if (reassembly_held) {
    s += fmt::format("{:<24}{:>10}\n", "  held for reassembly", reassembly_held);
    for (const auto& [what, n] : reassembly) s += fmt::format("    {:<20}{:>10}\n", what, n);
  }
  const char* identity = reassembly_held ? "OK (in = hw + sw + dropped + held)" : "OK (in = hw + sw + dropped)";
  const char* with_capture =
      segments_added() != 0
          ? (reassembly_held ? "OK (captured + segments added = in + not injected; in = hw + sw + dropped + held)"
                             : "OK (captured + segments added = in + not injected; in = hw + sw + dropped)")
          : (reassembly_held ? "OK (captured = in + not injected; in = hw + sw + dropped + held)"
                             : "OK (captured = in + not injected; in = hw + sw + dropped)");
  s += fmt::format("{:<24}{}\n", "accounting",
                   accounted() ? (captured != packets_in ? with_capture : identity)
                               : fmt::format("MISMATCH: {} captured, {} not injected, {} in, {} accounted for", captured,
                                             not_injected_total(), packets_in,
                                             forwarded_hw + forwarded_sw + dropped + reassembly_held));
  if (generated_sw) s += fmt::format("{:<24}{:>10}\n", "generated by router", generated_sw);
  if (fragments_sw) s += fmt::format("{:<24}{:>10}\n", "extra fragments sent", fragments_sw);
  if (!generated_dropped.empty()) {
    s += "generated, not sent, by reason\n";
    for (const auto& [reason, n] : generated_dropped) s += fmt::format("    {:<20}{:>10}\n", reason, n);
  }
  if (!punts.empty()) {
    s += "\npunted to CPU (slow path), by reason\n";
    for (const auto& [reason, n] : punts) s += fmt::format("    {:<20}{:>10}\n", reason, n);
  }
  // Achieved is transmitted packets over the port's busy interval (first frame out to the
  // end of the last); theoretical is line rate at the port's mean transmitted frame size.
  if (!slow_path.empty()) {
    s += fmt::format("\nsoftware fast path (flowtable) {:>8} packets; slow path by reason\n", sw_fast_path);
    for (const auto& [reason, n] : slow_path) s += fmt::format("    {:<20}{:>10}\n", reason, n);
  }
  if (!flows.empty()) {
    s += "\nflows\n";
    for (const auto& [what, n] : flows) s += fmt::format("    {:<20}{:>10}\n", what, n);
    for (const auto& [why, n] : offload_refused) s += fmt::format("    refused {:<12}{:>10}\n", why, n);
  }
  if (!faults.empty()) {
    s += "\ndevice faults injected (committed)\n";
    for (const auto& [kind, n] : faults) s += fmt::format("    {:<24}{:>6}\n", kind, n);
  }
  if (!resets.empty()) {
    s += fmt::format("\ndevice resets by detected cause (recovered {})\n", recoveries);
    for (const auto& [cause, n] : resets) s += fmt::format("    {:<24}{:>6}\n", cause, n);
  }
  s += "\nport       rx pkts   tx pkts    tx hw    tx sw  line rate @64B  theoretical pps    achieved pps\n";
  for (const auto& p : ports) {
    s += fmt::format("{:<8}{:>10}{:>10}{:>9}{:>9}  {:>9.3f} Mpps  {:>15.0f} {:>15.0f}\n", p.name, p.rx_packets,
                     p.tx_packets, p.tx_hw, p.tx_sw, p.theoretical_pps_64b / 1e6, p.theoretical_pps, p.achieved_pps);
  }
  if (register_bus_errors || dma_errors) {
    s += fmt::format("\nbus errors: {} register, {} DMA\n", register_bus_errors, dma_errors);
  }
  if (!events.empty()) {
    s += "\nevents (changes to the router while it ran)\n";
    for (const ReportEvent& e : events) {
      s += fmt::format("  {:>12.6f} s  {}{}\n", static_cast<double>(e.at_ns) / 1e9, e.command,
                       e.error.empty() ? "" : "   FAILED: " + e.error);
    }
  }
  if (!warnings.empty()) {
    s += "\nwarnings\n";
    for (const auto& w : warnings) s += "  " + w + "\n";
  }
  return s;
}

}  // namespace flowsim::testbench
