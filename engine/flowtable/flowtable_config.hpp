// SPDX-License-Identifier: Apache-2.0
// How the software flowtable behaves: which devices it hooks, whether it offloads to
// hardware and counts, and which kernel generation's teardown rules it follows
// (shared/spec/flowtable.md: "old" = v5.x–v6.13, "new" = v6.14+ with the CLOSING state).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "net/mac_addr.hpp"

namespace flowsim::engine::flowtable {

enum class FlowtableSemantics : std::uint8_t {
  kOld,  // FIN/RST tear the flow down at once; teardown always subtracts the offload timeout
  kNew,  // FIN/RST mark the flow CLOSING and it stays on the fast path; SYN on CLOSING tears down
};

// A device stacked on a port as the flowtable's ingress hook on that port sees it: frames
// tagged with VLAN `id`, or PPPoE session `id` frames (dev_fill_forward_path's encap).
struct EncapDevice {
  enum class Kind : std::uint8_t { kVlan, kPppoe };
  Kind kind = Kind::kVlan;
  unsigned port = 0;
  std::uint16_t id = 0;
  unsigned ifindex = 0;
  net::MacAddr peer;  // PPPoE: the access concentrator (the next hop of everything sent)
};

struct FlowtableConfig {
  std::string name = "ft";
  std::vector<unsigned> devices;  // ifindices with the ingress hook
  std::vector<EncapDevice> encap_devices;  // every VLAN and PPPoE device of the router
  // The device behind `ifindex` (nullptr for a port), and the port under it.
  const EncapDevice* encap_of(unsigned ifindex) const {
    for (const EncapDevice& e : encap_devices) {
      if (e.ifindex == ifindex) return &e;
    }
    return nullptr;
  }
  unsigned port_of(unsigned ifindex) const {
    const EncapDevice* e = encap_of(ifindex);
    return e != nullptr ? e->port : ifindex;
  }
  // The device for frames of `kind` with `id` on `port`.
  std::optional<unsigned> encap_device(unsigned port, EncapDevice::Kind kind, std::uint16_t id) const {
    for (const EncapDevice& e : encap_devices) {
      if (e.port == port && e.kind == kind && e.id == id) return e.ifindex;
    }
    return std::nullopt;
  }
  bool hw_offload = false;        // `flags offload`
  bool counter = false;           // `counter`: fast-path packets update conntrack counters
  FlowtableSemantics semantics = FlowtableSemantics::kOld;
  // The flow timeouts (nf_flowtable_{tcp,udp}_timeout) are conntrack sysctls in the kernel
  // and live in conntrack::ConntrackTimeouts here too.
};

}  // namespace flowsim::engine::flowtable
