// SPDX-License-Identifier: Apache-2.0
#include "tools/capture_options.hpp"

#include <charconv>
#include <optional>

#include "net/input_error.hpp"
#include "net/ipv4_addr.hpp"
#include "net/ipv6_addr.hpp"
#include "net/mac_addr.hpp"

namespace flowsim::tools {
namespace {

// "250ms", "2s", "1.5" (seconds), "500us", "100ns" -> nanoseconds.
std::optional<std::uint64_t> parse_duration_ns(const std::string& text) {
  double value = 0;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || value < 0) return std::nullopt;
  const std::string unit(p, end);
  double scale = 0;
  if (unit.empty() || unit == "s") scale = 1e9;
  else if (unit == "ms") scale = 1e6;
  else if (unit == "us") scale = 1e3;
  else if (unit == "ns") scale = 1;
  else return std::nullopt;
  return static_cast<std::uint64_t>(value * scale);
}

std::string check_prefix(const std::string& s) {
  if (net::Ipv4Prefix::parse(s) || net::Ipv6Prefix::parse(s)) return "";
  return "'" + s + "' is not an address prefix (e.g. 192.168.0.0/16 or fd00::/8)";
}

std::string check_mac(const std::string& s) {
  return net::MacAddr::parse(s) ? "" : "'" + s + "' is not a MAC address";
}

}  // namespace

CaptureOptions::CaptureOptions(CLI::App& rep) {
  const char* group = "Single capture (endpoint emulation)";
  rep.add_option("--capture", file_,
                 "replay this one capture (pcap, pcapng, gzip) through the router, playing its hosts on both sides; "
                 "without SCENARIO the bundled home router")
      ->group(group);
  rep.add_option("--lan", lan_, "hosts in these prefixes are on the LAN side, all others WAN (comma-separated)")
      ->delimiter(',')
      ->check(check_prefix)
      ->group(group);
  rep.add_option("--lan-interface", lan_interfaces_,
                 "hosts first seen on these pcapng interfaces (0-based) are LAN, the others WAN")
      ->delimiter(',')
      ->group(group);
  rep.add_option("--lan-mac", lan_macs_, "hosts sending from these MACs are LAN, the others WAN")
      ->delimiter(',')
      ->check(check_mac)
      ->group(group);
  rep.add_option("--wan-mac", wan_macs_, "hosts behind these MACs (gateways) are WAN, the others LAN")
      ->delimiter(',')
      ->check(check_mac)
      ->group(group);
  rep.add_option("--lan-port", lan_port_, "the router port of the LAN side (default: the port named lan)")->group(group);
  rep.add_option("--wan-port", wan_port_, "the router port of the WAN side (default: the port named wan)")->group(group);
  rep.add_flag("--same-side", same_side_, "send conversations between two hosts of one side through the router too")
      ->group(group);
  rep.add_flag("--fix-checksums", fix_checksums_,
               "recompute every wrong IPv4 header, TCP, UDP and ICMP checksum before injecting (a capture taken on "
               "a host with checksum offload shows its sent packets' checksums unfilled); as tcprewrite --fixcsum, "
               "but only for packets whose checksum is wrong")
      ->group(group);
  rep.add_flag("--resegment", resegment_,
               "cut TCP packets longer than the port's MTU into segments as TSO/GSO does (sequence numbers, IPv4 "
               "IDs, lengths, flags and checksums per segment); without it they are dropped at the MAC as "
               "oversize_frame (giants). Other protocols above the MTU are left as captured")
      ->group(group);
  rep.add_option("--speed", speed_, "recorded timing, X times faster")->check(CLI::PositiveNumber)->group(group);
  rep.add_option("--pps", pps_, "inject N packets per second")->check(CLI::PositiveNumber)->group(group);
  rep.add_option("--mbps", mbps_, "inject at N Mbit/s")->check(CLI::PositiveNumber)->group(group);
  rep.add_flag("--line-rate", line_rate_, "inject back to back at each port's line rate")->group(group);
  rep.add_option("--loop", loops_, "replay the capture N times, timestamps continuing")
      ->check(CLI::Range(1u, 1000000u))
      ->group(group);
  rep.add_option("--max-gap", max_gap_, "shorten idle gaps longer than T (e.g. 100ms, 2s) to T")
      ->check([](const std::string& s) {
        return parse_duration_ns(s) ? std::string() : "'" + s + "' is not a duration (e.g. 100ms, 2s)";
      })
      ->group(group);
}

std::shared_ptr<const testbench::CapturePlan> CaptureOptions::plan(scenario::Scenario& scenario) const {
  testbench::CaptureRequest r;
  r.file = file_;
  const int modes = !lan_.empty() + !lan_interfaces_.empty() + (!lan_macs_.empty() || !wan_macs_.empty());
  if (modes > 1) throw net::InputError("choose the sides one way: --lan, --lan-interface or --lan-mac/--wan-mac");
  if (!lan_macs_.empty() && !wan_macs_.empty()) throw net::InputError("give --lan-mac or --wan-mac, not both");
  if (!lan_.empty()) {
    r.sides.mode = capture::SideMode::kPrefix;
    for (const auto& p : lan_) {
      if (auto v4 = net::Ipv4Prefix::parse(p)) {
        r.sides.lan_prefixes.emplace_back(*v4);
      } else {
        r.sides.lan_prefixes.emplace_back(*net::Ipv6Prefix::parse(p));
      }
    }
  } else if (!lan_interfaces_.empty()) {
    r.sides.mode = capture::SideMode::kInterface;
    r.sides.lan_interfaces = lan_interfaces_;
  } else if (!lan_macs_.empty() || !wan_macs_.empty()) {
    r.sides.mode = capture::SideMode::kMac;
    for (const auto& m : lan_macs_) r.sides.lan_macs.push_back(*net::MacAddr::parse(m));
    for (const auto& m : wan_macs_) r.sides.wan_macs.push_back(*net::MacAddr::parse(m));
  }
  r.lan_port = lan_port_;
  r.wan_port = wan_port_;
  r.inject_same_side = same_side_;
  r.fix_checksums = fix_checksums_;
  r.resegment = resegment_;
  const int rates = (pps_ > 0) + (mbps_ > 0) + line_rate_ + (speed_ > 0);
  if (rates > 1) throw net::InputError("choose one timing: --speed, --pps, --mbps or --line-rate");
  if (rates > 0 || loops_ > 1 || !max_gap_.empty()) {
    capture::TimingOptions t;
    t.mode = scenario.timing == scenario::TimingMode::kLineRate ? capture::TimingMode::kLineRate
                                                                  : capture::TimingMode::kRecorded;
    if (speed_ > 0) {
      t.mode = capture::TimingMode::kRecorded;
      t.speed = speed_;
    }
    if (pps_ > 0) {
      t.mode = capture::TimingMode::kPps;
      t.pps = pps_;
    }
    if (mbps_ > 0) {
      t.mode = capture::TimingMode::kMbps;
      t.mbps = mbps_;
    }
    if (line_rate_) t.mode = capture::TimingMode::kLineRate;
    t.loops = loops_;
    if (!max_gap_.empty()) t.max_gap_ns = parse_duration_ns(max_gap_);
    r.timing = t;
  }
  return std::make_shared<const testbench::CapturePlan>(testbench::plan_capture(scenario, r));
}

}  // namespace flowsim::tools
