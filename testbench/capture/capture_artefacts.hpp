// SPDX-License-Identifier: Apache-2.0
// What a capture taken on a host with offloads shows that never was on a wire: checksums left
// for the NIC to fill in (checksum offload: the capture sees them wrong, usually partial) and
// IP packets larger than the link's MTU (segmentation offload: the capture sees the big
// segment the stack handed to the NIC). Found while the capture is indexed; reported in the
// report's `capture` section. --fix-checksums recomputes the checksums of injected frames
// (as tcprewrite --fixcsum does).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "testbench/capture/packet_inspector.hpp"

namespace flowsim::capture {

struct Artefacts {
  bool bad_ip_checksum = false;  // IPv4 header checksum wrong
  bool bad_l4_checksum = false;  // TCP/UDP/ICMP checksum wrong (UDP over IPv4 without one is fine)
  bool oversize = false;         // IP packet longer than `mtu`
};

// `frame` holds the whole packet (not cut by a snaplen).
Artefacts find_artefacts(std::span<const std::uint8_t> frame, const InspectedPacket& p, std::uint32_t mtu);

// How many packets of a capture show one kind of artefact, and the first of them by number.
struct ArtefactTally {
  static constexpr std::size_t kFirst = 5;
  std::uint64_t count = 0;
  std::vector<std::uint64_t> first;
  void add(std::uint64_t packet) {
    ++count;
    if (first.size() < kFirst) first.push_back(packet);
  }
  // "3 (#4, #7, #9)", "12 (#1, #2, #3, #4, #5, ...)".
  std::string describe() const;
};

struct CaptureArtefacts {
  std::uint32_t mtu = 1500;  // what `oversize` is measured against
  ArtefactTally bad_ip_checksum;
  ArtefactTally bad_l4_checksum;
  ArtefactTally oversize;
  std::uint32_t largest_ip = 0;  // the longest IP packet (bytes)
  void add(std::uint64_t packet, const Artefacts& a, std::uint32_t ip_length);
};

// Recomputes the IPv4 header checksum and the TCP/UDP/ICMP/ICMPv6 checksum of the packet.
void fix_checksums(std::span<std::uint8_t> frame, const InspectedPacket& p);

}  // namespace flowsim::capture
