// SPDX-License-Identifier: Apache-2.0
// Follows every injected packet through the router by its fingerprint (see
// testbench/capture/packet_fingerprint.hpp), so that a frame leaving a port, or dropped, is
// known as "packet N of capture F": the router's own frames (ICMP errors, ARP) match nothing.
// Identical fingerprints (an IPv6 retransmission) are matched oldest first. The harness uses
// it for endpoint emulation's causality and NAT learning, and for the output-to-capture map.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <unordered_map>

#include "testbench/capture/endpoint_emulator.hpp"

namespace flowsim::testbench {

class PacketTracker {
 public:
  // Remembers an injected frame.
  void injected(std::span<const std::uint8_t> frame, const capture::PacketTag& tag);
  // The injected packet `frame` came from (and forgets it), or nullopt for a frame the router
  // made itself or one whose fingerprint nothing injected has.
  std::optional<capture::PacketTag> resolve(std::span<const std::uint8_t> frame);
  // Injected and not resolved yet.
  std::uint64_t outstanding() const { return outstanding_; }

 private:
  std::unordered_map<std::uint64_t, std::deque<capture::PacketTag>> pending_;
  std::uint64_t outstanding_ = 0;
};

}  // namespace flowsim::testbench
