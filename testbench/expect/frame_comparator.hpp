// SPDX-License-Identifier: Apache-2.0
// Compares a frame that left the router with the frame a test expects, allowing only what
// the test allows: don't-care nibbles of the pattern and named masks for fields that
// legitimately vary. The mask vocabulary and its behaviour are those of the kernel
// differential (testbench/kernel/kdiff/compare.py), so a mask means the same in both:
//
//   ipv4.id         the IPv4 ID of a packet the router generates (an ICMP error or echo
//                   reply sent from one of its own addresses): Linux draws it from a keyed
//                   hash and a random increment.
//   ipv6.flowlabel  the flow label of an ICMPv6 error or echo reply the router generates
//                   (net.ipv6.auto_flowlabels hashes the flow with a random key).
//   l4.port         TCP/UDP ports and ICMP echo ids, wherever they appear (outer headers and
//                   the packet quoted by an ICMP error), may differ if they map one to one
//                   over the whole run: NAT's choice of a free port on a clash is random.
//   ipv6.fragid     the Identification of IPv6 fragments may differ if it maps one to one
//                   per address pair.
//
// A masked field is a don't-care, never a licence for a bad checksum: every checksum that
// covers it is carried over from the expected frame by RFC 1624 (so the expectation must
// have been right for its own value) and must then equal the actual one, unless the pattern
// itself leaves that checksum's nibbles open.
#pragma once

#include <bitset>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "testbench/expect/frame_pattern.hpp"

namespace flowsim::expect {

enum class Mask : std::uint8_t { kIpv4Id, kIpv6Flowlabel, kL4Port, kIpv6Fragid, kCount };
using MaskSet = std::bitset<static_cast<std::size_t>(Mask::kCount)>;

std::string_view to_string(Mask mask);
std::optional<Mask> mask_from_name(std::string_view name);
// "ipv4.id, ipv6.flowlabel, l4.port, ipv6.fragid"
std::string mask_vocabulary();
std::string to_string(const MaskSet& masks);
inline MaskSet& add(MaskSet& set, Mask m) { return set.set(static_cast<std::size_t>(m)); }
inline bool has(const MaskSet& set, Mask m) { return set.test(static_cast<std::size_t>(m)); }

struct FieldDiff {
  std::string name;
  std::string actual;
  std::string expected;
};

class FrameComparator {
 public:
  // `router_addresses`: the router's own IPv4/IPv6 addresses in text form, which tell the
  // frames it generated (ipv4.id and ipv6.flowlabel apply to those only).
  explicit FrameComparator(std::set<std::string> router_addresses);

  // Nothing if `actual` equals `expected` but for the pattern's don't-care nibbles and the
  // fields `masks` allow (checksums carried), else the fields that differ, by name. Learns
  // the one-to-one port and fragment-id maps as a side effect (l4.port, ipv6.fragid): call
  // it in the order the frames left.
  std::vector<FieldDiff> compare(std::span<const std::uint8_t> actual, const FramePattern& expected,
                                 const MaskSet& masks);

  // Every field of both frames, the actual value and the expected one; `<<` marks a
  // difference, `(masked)` a field that differs only where a mask or a don't-care nibble
  // allows it. `differing` are the names compare() returned.
  static std::vector<std::string> side_by_side(std::span<const std::uint8_t> actual, const FramePattern& expected,
                                               const std::vector<FieldDiff>& differing);

 private:
  // The one-to-one map between actual and expected values, per (protocol, address).
  class ValueMap {
   public:
    using Key = std::tuple<std::string, std::string, std::string>;
    std::optional<std::string> learn(const Key& key, std::uint64_t actual, std::uint64_t expected);

   private:
    std::map<std::pair<Key, std::uint64_t>, std::uint64_t> a2e_;
    std::map<std::pair<Key, std::uint64_t>, std::uint64_t> e2a_;
  };

  std::set<std::string> router_addresses_;
  ValueMap ports_;
  ValueMap fragids_;
};

}  // namespace flowsim::expect
