// SPDX-License-Identifier: Apache-2.0
// Inputs for the RTL-versus-C++ equivalence tests. Every frame of the committed
// traces, and random frames from a fixed seed that reach every branch of the parser: 0..3
// VLAN tags, PPPoE (good and bad), IPv4 (options, fragments, bad versions and lengths), IPv6
// (extension headers, bad lengths), TCP (data offsets, flags), UDP, ICMP, other protocols,
// padding, truncation at any byte and flipped bytes, plus well-formed TCP/UDP flows for the
// blocks behind the parser.
#pragma once

#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace flowsim::model::testing {

struct TraceFrame {
  std::string where;  // "traces/default/lan.pcap #3"
  std::vector<std::uint8_t> bytes;
};

// Every record of every Ethernet capture under traces/ (sorted by path); a capture of another
// link type is skipped and its path added to `skipped`.
std::vector<TraceFrame> committed_trace_frames(std::vector<std::string>* skipped = nullptr);

class RandomFrames {
 public:
  explicit RandomFrames(std::uint32_t seed) : rng_(seed) {}

  // A frame of any shape the parser must classify, well-formed or not.
  std::vector<std::uint8_t> any();
  // A well-formed Ethernet / [802.1Q x0..2] / [PPPoE] / IPv4 or IPv6 / TCP or UDP frame the
  // parser accepts (no options, fragments or extension headers), with random fields.
  std::vector<std::uint8_t> flow(bool ipv6, bool udp, unsigned vlans, bool pppoe);

  std::mt19937& rng() { return rng_; }
  std::uint32_t below(std::uint32_t n) { return n == 0 ? 0 : static_cast<std::uint32_t>(rng_() % n); }
  bool chance(unsigned percent) { return below(100) < percent; }

 private:
  struct Shape;
  std::vector<std::uint8_t> build(const Shape& s);

  std::mt19937 rng_;
};

}  // namespace flowsim::model::testing
