// SPDX-License-Identifier: Apache-2.0
// The offload port: what Linux's nf_flow_table_offload hands a driver for a flow in a
// flowtable with `flags offload` (FLOW_CLS_REPLACE / DESTROY / STATS, per direction,
// identified by a cookie; shared/spec/flowtable.md §3). The engine calls it; the driver
// implements it; only testbench/ connects the two. It lives in net/ for the reason Linux
// keeps include/net/flow_offload.h apart from both netfilter and the drivers: it is the
// vocabulary they share, so neither has to include the other. A refusal is not an error: the flow stays
// in the software flowtable ([OFFLOAD] instead of [HW_OFFLOAD]) and the reason is counted.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "net/five_tuple.hpp"
#include "net/mac_addr.hpp"

namespace flowsim::net {

enum class FlowDirection : std::uint8_t { kOriginal = 0, kReply = 1 };

// One direction of an offloaded flow: the match (as the packet arrives) and the actions
// (what it must look like when it leaves). Mirrors nf_flow_rule_match + route actions.
struct OffloadDirection {
  net::FiveTuple match;        // addresses/ports/proto as received (before NAT)
  unsigned ingress_port = 0;   // META ingress_ifindex
  std::optional<std::uint16_t> ingress_vlan;          // popped on ingress
  std::optional<std::uint16_t> ingress_pppoe_session; // popped on ingress
  net::FiveTuple rewrite;      // addresses/ports after NAT (== match when no NAT)
  net::MacAddr src_mac;        // MANGLE ETH src: the egress interface's MAC
  net::MacAddr dst_mac;        // MANGLE ETH dst: the next hop's MAC
  unsigned egress_port = 0;    // REDIRECT
  std::optional<std::uint16_t> egress_vlan;           // VLAN_PUSH
  std::optional<std::uint16_t> egress_pppoe_session;  // PPPOE_PUSH
  std::uint32_t mtu = 1500;    // L3 bytes; larger packets go to software (kernel: tuple mtu)
};

struct OffloadFlow {
  std::uint64_t cookie = 0;  // stable handle across replace/destroy/stats
  std::array<OffloadDirection, 2> dir;  // indexed by FlowDirection
  bool snat = false;
  bool dnat = false;
};

struct OffloadStats {
  std::uint64_t packets = 0;  // since the previous stats call (deltas, as flow_stats_update)
  std::uint64_t bytes = 0;
  std::chrono::nanoseconds last_used{0};  // simulated time of the last hit in hardware
};

enum class OffloadRefusal : std::uint8_t {
  kNone,               // offloaded
  kBucketFull,         // every way of the hash bucket is taken
  kTableFull,          // no free entry at all
  kUnsupported,        // an action the hardware cannot do (e.g. IPv6 NAT)
  kDeviceError,        // the device did not accept or verify the entry
  kCount,
};

constexpr std::string_view to_string(OffloadRefusal r) {
  switch (r) {
    case OffloadRefusal::kNone: return "none";
    case OffloadRefusal::kBucketFull: return "bucket_full";
    case OffloadRefusal::kTableFull: return "table_full";
    case OffloadRefusal::kUnsupported: return "unsupported";
    case OffloadRefusal::kDeviceError: return "device_error";
    case OffloadRefusal::kCount: break;
  }
  return "unknown";
}

class FlowOffload {
 public:
  virtual ~FlowOffload() = default;
  // FLOW_CLS_REPLACE for both directions. kNone when at least one direction is in hardware.
  virtual OffloadRefusal replace(const OffloadFlow& flow) = 0;
  // FLOW_CLS_DESTROY for both directions; unknown cookies are ignored.
  virtual void destroy(std::uint64_t cookie) = 0;
  // FLOW_CLS_STATS for one direction; nullopt when the hardware no longer has the entry
  // (aged out or evicted), which tells the engine to stop treating it as offloaded.
  virtual std::optional<OffloadStats> stats(std::uint64_t cookie, FlowDirection dir) = 0;
};

}  // namespace flowsim::net
