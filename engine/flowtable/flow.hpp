// SPDX-License-Identifier: Apache-2.0
// One flow of the software flowtable (struct flow_offload): the conntrack entry it belongs
// to, its two direction tuples (copied from the entry when the flow was added), the cached
// route of each direction, the life-cycle flags and the expiry time. A flow is found by
// either direction's key (struct flow_offload_tuple up to __hash).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <optional>
#include <variant>

#include "engine/conntrack/connection.hpp"
#include "engine/conntrack/tuple_hash.hpp"
#include "net/five_tuple.hpp"
#include "net/ipv4_addr.hpp"
#include "net/ipv6_addr.hpp"
#include "net/mac_addr.hpp"

namespace flowsim::engine::flowtable {

// The lookup key: addresses, ports, protocols and the expected ingress interface. The
// kernel's key holds the real ingress device and the encapsulation ids (VLAN id) popped on
// the way in; here the VLAN device that pair stands for is the interface, which is the same
// key one to one (a VID without a device on that port has no flow).
struct FlowKey {
  net::FiveTuple tuple;
  unsigned iif = 0;
  friend bool operator==(const FlowKey&, const FlowKey&) = default;
};

struct FlowKeyHash {
  std::size_t operator()(const FlowKey& k) const {
    return conntrack::TupleHash{}(k.tuple) ^ (std::size_t{k.iif} * 0x9e3779b97f4a7c15ULL);
  }
};

// What flow_offload_fill_route caches for one direction.
struct FlowRoute {
  unsigned iif = 0;        // where packets of this direction arrive (iifidx)
  unsigned oif = 0;        // where they leave
  std::uint32_t mtu = 1500;  // egress route MTU (L3)
  // Next hop: the gateway of the route, or none for an on-link destination (then the
  // packet's translated destination).
  std::optional<std::variant<net::Ipv4Addr, net::Ipv6Addr>> gateway;
  net::MacAddr src_mac;                // the egress interface's MAC
  std::optional<net::MacAddr> dst_mac;  // the next hop's MAC when the flow was added (for hardware)
  // dev_fill_forward_path's result (nft_dev_forward_path), recorded only when the real device
  // at the bottom of the stack is one of the flowtable's devices: the port packets of this
  // direction arrive on and the VLAN id popped there, the port they leave by and the VLAN id
  // pushed (FLOW_OFFLOAD_XMIT_DIRECT). Without it the flow still takes the software fast path
  // (the VLAN device's own hook and transmit: NEIGH) but no hardware can take it.
  bool direct = false;
  unsigned in_port = 0;
  std::optional<std::uint16_t> in_vlan{};
  std::optional<std::uint16_t> in_pppoe{};  // PPPoE session id popped on the way in
  unsigned out_port = 0;
  std::optional<std::uint16_t> out_vlan{};
  std::optional<std::uint16_t> out_pppoe{};  // PPPoE session id pushed on the way out
};

// NF_FLOW_* flags.
enum FlowFlag : std::uint32_t {
  kFlowSnat = 1u << 0,
  kFlowDnat = 1u << 1,
  kFlowTeardown = 1u << 2,
  kFlowHw = 1u << 3,       // the flowtable offloads to hardware
  kFlowHwDying = 1u << 4,  // DESTROY sent
  kFlowHwDead = 1u << 5,   // DESTROY done
  kFlowClosing = 1u << 8,  // new semantics: FIN/RST seen
};

struct Flow {
  std::uint64_t id = 0;  // the hardware cookie; creation order
  conntrack::Connection* ct = nullptr;
  std::array<net::FiveTuple, 2> tuple{};  // [FLOW_OFFLOAD_DIR_ORIGINAL], [..._REPLY]
  std::array<FlowRoute, 2> route{};
  std::uint32_t flags = 0;
  std::chrono::nanoseconds timeout{0};  // absolute expiry
  bool in_hw = false;                   // hardware accepted the REPLACE (IPS_HW_OFFLOAD)
  std::optional<std::chrono::nanoseconds> last_hw_attempt;

  FlowKey key(unsigned dir) const { return FlowKey{tuple[dir], route[dir].iif}; }
  bool has(std::uint32_t f) const { return (flags & f) != 0; }
};

}  // namespace flowsim::engine::flowtable
