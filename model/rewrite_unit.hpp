// SPDX-License-Identifier: Apache-2.0
// The rewrite unit (action block, hardware.md §4.2): what a hit on a BIND entry does to the
// frame. First the exceptions that send the packet to the CPU instead (never silently
// forwarded or dropped), then, in the Linux fast path's order (shared/spec/flowtable.md
// §1.2, §2.3): pop the ingress VLAN/PPPoE the entry matched, NAT (IPv4 HNAPT: ORIG -> NEW),
// TTL / hop-limit decrement, MAC rewrite, VLAN / PPPoE push. Checksums are updated
// incrementally exactly as Linux does (net/checksum.hpp), never recomputed, so the output
// keeps the input's checksum representation.
#pragma once

#include <cstdint>
#include <optional>

#include "hw/flowsim_hw.hpp"  // Generated.
#include "model/flow_table.hpp"
#include "net/frame_parser.hpp"
#include "net/packet_buffer.hpp"

namespace flowsim::model {

class RewriteUnit {
 public:
  // The exception of a BIND hit that the rewrite unit itself detects, in this order:
  // IB1.VLAN_LAYER beyond 2 -> hit_bind_vlan_violation; TTL / hop limit <= 1 with IB1.TTL_DEC
  // -> hit_ttl_1; L3 length above the entry's MTU (when not 0) or `port_mtu` (the egress
  // port's PORT_MTU) -> exceed_mtu. nullopt: the packet is forwarded.
  static std::optional<hw::PuntReason> check(const net::ParsedFrame& parsed, const EntryImage& entry,
                                             std::uint32_t port_mtu);

  // Rewrites `frame` (parsed as `parsed`, an IPv4 or IPv6 TCP/UDP packet that passed check())
  // for the entry. Bytes after the L3 packet (Ethernet padding) are kept; the MAC pads short
  // results. Does not allocate while the buffer's headroom (32 bytes) covers the push.
  static void rewrite(net::PacketBuffer& frame, const net::ParsedFrame& parsed, const EntryImage& entry);
};

}  // namespace flowsim::model
