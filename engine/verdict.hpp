// SPDX-License-Identifier: Apache-2.0
// The engine's decision for one packet: forward it out of an interface (the frame has been
// rewritten in place) or drop it with a named reason. A dropped packet may be answered by
// the router with a packet of its own (an ICMP error: time exceeded, fragmentation needed /
// packet too big, destination unreachable for `reject` or a closed port; a TCP RST; an echo
// reply to a packet delivered to the router itself); then `generated` is set, the frame
// buffer holds that packet, complete with Ethernet header, and `egress_ifindex` says where it
// leaves. The dropped packet still counts as dropped with `reason`; the generated one is an
// extra packet that the caller transmits and counts on the side (EngineStats::generated), so
// that "in = forwarded + dropped" stays exact. An IPv4 fragment nf_defrag_ipv4 keeps until
// its datagram is complete is kStolen (NF_STOLEN): it leaves later, inside that datagram.
// A forwarded packet fragmented on output (ip_do_fragment) leaves as the frame, its first
// fragment, followed by `extra_frames` more (Engine::extra_frames()), counted on the side
// like generated packets.
#pragma once

#include <cstdint>

#include "engine/drop_reason.hpp"

namespace flowsim::engine {

struct Verdict {
  enum class Kind : std::uint8_t { kForward, kDrop, kStolen } kind = Kind::kDrop;
  // kForward: where the frame goes. kDrop with `generated`: where the generated packet goes.
  unsigned egress_ifindex = 0;
  DropReason reason{};     // meaningful for kDrop only
  bool generated = false;  // kDrop only: the frame now holds a packet the router sends
  bool fast_path = false;  // kForward only: the software flowtable forwarded it (no hooks ran)
  std::uint16_t extra_frames = 0;  // kForward only: more fragments of it, in Engine::extra_frames()

  static constexpr Verdict forward(unsigned egress_ifindex, bool fast_path = false) {
    return Verdict{Kind::kForward, egress_ifindex, DropReason{}, false, fast_path, 0};
  }
  static constexpr Verdict drop(DropReason reason) { return Verdict{Kind::kDrop, 0, reason, false, false, 0}; }
  // Held by IPv4 defragmentation until the rest of its datagram arrives.
  static constexpr Verdict stolen() { return Verdict{Kind::kStolen, 0, DropReason{}, false, false, 0}; }
  // Dropped, and answered with the packet now in the frame, to be sent out of `egress_ifindex`.
  static constexpr Verdict drop_and_reply(DropReason reason, unsigned egress_ifindex) {
    return Verdict{Kind::kDrop, egress_ifindex, reason, true, false, 0};
  }

  constexpr bool forwarded() const { return kind == Kind::kForward; }

  friend constexpr bool operator==(const Verdict&, const Verdict&) = default;
};

}  // namespace flowsim::engine
