// SPDX-License-Identifier: Apache-2.0
// The rewrite unit's interface (action block, hardware.md §4.2): what a hit on a BIND entry
// does to the frame. First the exceptions that send the packet to the CPU instead, in this
// order: IB2.DEST_PORT is no Ethernet port -> hit_bind_force_cpu; IB1.VLAN_LAYER beyond 2 ->
// hit_bind_vlan_violation; TTL / hop limit <= 1 with IB1.TTL_DEC -> hit_ttl_1; L3 length above
// the entry's MTU (when not 0) or the egress port's PORT_MTU -> exceed_mtu. Otherwise, in the
// Linux fast path's order (shared/spec/flowtable.md §1.2, §2.3): pop the ingress VLAN/PPPoE,
// NAT (IPv4 HNAPT: ORIG -> NEW), TTL / hop-limit decrement, MAC rewrite, VLAN / PPPoE push.
// Checksums are updated incrementally exactly as Linux does (net/checksum.hpp), never
// recomputed. Implementations (model/rtl_twin): the C++ twin and the Verilated
// rtl/foe_rewrite.sv.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "hw/flowsim_hw.hpp"  // Generated.
#include "model/lookup_engine.hpp"
#include "model/parser_engine.hpp"
#include "net/packet_buffer.hpp"

namespace flowsim::model {

struct RewriteRequest {
  // The frame, rewritten in place when it is forwarded. Bytes after the L3 packet (Ethernet
  // padding) are kept; the MAC pads short results.
  net::PacketBuffer* frame = nullptr;
  const ParsedHeaders* headers = nullptr;  // the parse of *frame: TCP/UDP, no exception
  const EntryImage* entry = nullptr;       // the BIND entry it hit
};

struct RewriteResult {
  bool forward = false;
  hw::PuntReason reason{};  // when not forwarded
  std::uint8_t dest_port = 0;  // when forwarded: IB2.DEST_PORT

  friend bool operator==(const RewriteResult&, const RewriteResult&) = default;
};

// The registers the rewrite unit reads, as they are while a batch runs.
struct RewriteConfig {
  unsigned ports = 0;  // Ethernet ports present; DEST_PORT beyond them means the CPU
  std::array<std::uint32_t, hw::reg::PortMtu::kCount> port_mtu{};  // PORT_MTU per port
};

class RewriteEngine {
 public:
  virtual ~RewriteEngine() = default;

  // out[i] = what happens to in[i]; out.size() must equal in.size(). Does not allocate while a
  // frame's headroom (net::PacketBuffer::kDefaultHeadroom) covers the push.
  virtual void rewrite(const RewriteConfig& config, std::span<const RewriteRequest> in,
                       std::span<RewriteResult> out) = 0;
  // A short name for reports ("cpp", "rtl").
  virtual std::string_view name() const = 0;
};

}  // namespace flowsim::model
