// SPDX-License-Identifier: Apache-2.0
// Why the engine did not forward a packet. Every packet ends forwarded or dropped with exactly
// one of these; the lower_snake names are stable because reports, expected.json files and
// end-to-end tests compare them as text.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace flowsim::engine {

enum class DropReason : std::uint8_t {
  kMalformed,         // runt frame, bad IP version/IHL, IP length longer than the frame
  kNotIp,             // ARP, PPPoE discovery, LLDP...: no handler yet
  kNotForUs,          // dst MAC is another host's, or broadcast/multicast (never forwarded)
  kIpChecksum,        // IPv4 header checksum wrong (Linux ip_rcv_core drops it)
  kTtlExceeded,       // TTL / hop limit <= 1 on a packet that would be forwarded (ICMP sent)
  kNoRoute,           // no route matches the destination
  kNoNeighbour,       // no MAC for the next hop on the egress interface
  kMtuExceeded,       // L3 length above the egress MTU with DF or IPv6 (ICMP sent), or too small an MTU to fragment
  kLocalDelivery,     // addressed to the router itself: taken by its own stack (which may answer)
  kEncapUnsupported,  // 802.1Q / QinQ / PPPoE session: not terminated yet
  kRulesetDrop,       // a `drop` verdict or chain policy of the nft ruleset
  kRulesetReject,     // a `reject` verdict of the nft ruleset (answered with ICMP)
  kConntrackDrop,     // conntrack's own NF_DROP: a new entry's tuple was taken at confirmation
  kNatFailed,         // NAT could not be applied (masquerade without an address, cut-off header)
  kMartianSource,     // source address no host can have: multicast, broadcast, 0/8, loopback (RFC 1812)
  kMartianDestination,  // destination 0/8 or loopback on a wire (ip_route_input_slow)
  kBeyondScope,       // IPv6 link-local source leaving its link (ICMPv6 "beyond scope of source address")
  kDefragInvalid,     // a fragment reassembly refuses (bad end or size, empty, ECN mix, > 64 KiB)
  kDefragOverlap,     // a fragment overlapping data already held (RFC 5722): its queue dies
  kDefragDuplicate,   // a fragment repeating data already held: dropped, its queue kept
  kDefragNoMemory,    // fragments held use more than ipfrag_high_thresh (IPv6: nf_conntrack_frag6_high_thresh)
  kCount,
};

inline constexpr std::size_t kDropReasonCount = static_cast<std::size_t>(DropReason::kCount);

constexpr std::string_view to_string(DropReason r) {
  switch (r) {
    case DropReason::kMalformed: return "malformed";
    case DropReason::kNotIp: return "not_ip";
    case DropReason::kNotForUs: return "not_for_us";
    case DropReason::kIpChecksum: return "ip_checksum";
    case DropReason::kTtlExceeded: return "ttl_exceeded";
    case DropReason::kNoRoute: return "no_route";
    case DropReason::kNoNeighbour: return "no_neighbour";
    case DropReason::kMtuExceeded: return "mtu_exceeded";
    case DropReason::kLocalDelivery: return "local_delivery";
    case DropReason::kEncapUnsupported: return "encap_unsupported";
    case DropReason::kRulesetDrop: return "ruleset_drop";
    case DropReason::kRulesetReject: return "ruleset_reject";
    case DropReason::kConntrackDrop: return "conntrack_drop";
    case DropReason::kNatFailed: return "nat_failed";
    case DropReason::kMartianSource: return "martian_source";
    case DropReason::kMartianDestination: return "martian_destination";
    case DropReason::kBeyondScope: return "beyond_scope";
    case DropReason::kDefragInvalid: return "defrag_invalid";
    case DropReason::kDefragOverlap: return "defrag_overlap";
    case DropReason::kDefragDuplicate: return "defrag_duplicate";
    case DropReason::kDefragNoMemory: return "defrag_no_memory";
    case DropReason::kCount: break;
  }
  return "unknown";
}

// The inverse of to_string, for reading expectations and reports back; nullopt on an
// unknown name.
constexpr std::optional<DropReason> drop_reason_from_string(std::string_view name) {
  for (std::size_t i = 0; i < kDropReasonCount; ++i) {
    const auto r = static_cast<DropReason>(i);
    if (to_string(r) == name) return r;
  }
  return std::nullopt;
}

}  // namespace flowsim::engine
