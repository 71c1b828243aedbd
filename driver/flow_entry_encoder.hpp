// SPDX-License-Identifier: Apache-2.0
// From what the kernel hands a driver for one direction of a flow (FLOW_CLS_REPLACE, here
// net::OffloadDirection) to the flow entry the hardware needs — mtk_foe_entry_prepare +
// _set_ipv4_tuple / _set_ipv6_tuple / _set_vlan / _set_pppoe / mtk_flow_set_output_device,
// for the FOE-lite layout (hw::desc::FoeEntry). Also the identity rules the driver uses to
// recognise its entries when it reads them back (mtk_flow_entry_match).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "driver/flow_entry.hpp"
#include "net/flow_offload.hpp"
#include "net/foe_hash.hpp"

namespace flowsim::driver {

struct EncodeOptions {
  unsigned num_ports = 0;  // CAPS.NUM_PORTS: ingress and egress ports must exist
  bool mib = true;         // set IB1.MIB_EN
  bool ipv6_nat = false;   // CAPS.IPV6_NAT
};

// The BIND entry for one direction: IPv4 HNAPT when the direction rewrites addresses or
// ports, IPv4 ROUTE when not, IPv6 5-tuple ROUTE; TTL_DEC always (the fast path routes);
// IB1.TIMESTAMP 0, which the device replaces by the current time at the write. nullopt
// when the entry cannot express it (IPv6 NAT, not TCP/UDP, a port the device lacks, a VID
// beyond 12 bits, MTU 0); `why` then says which.
std::optional<FlowEntry> encode_flow_entry(const net::OffloadDirection& d, const EncodeOptions& options,
                                           std::string* why = nullptr);

// The hash unit's input for the direction's match tuple (the original tuple as received).
inline net::FoeHashWords flow_hash_words(const net::OffloadDirection& d, std::uint32_t seed) {
  return net::foe_hash_words(d.match, seed);
}

// The words that make up an entry's identity (IB1 for UDP/TYPE/STATE, the type's key words,
// MATCH, IN_PPPOE), in ascending order: what stats() and the bucket check read back.
std::span<const unsigned> identity_words(const FlowEntry& e);
// Same identity: IB1.UDP and TYPE, the key words, MATCH and, when matched, IN_PPPOE.
bool same_identity(const FlowEntry& a, const FlowEntry& b);
// Learn mode: does the hardware's UNBIND entry `learned` hold the tuple of the parked entry
// `parked`? IB1.UDP, the address family of TYPE and the key words, as mtk_flow_entry_match;
// the hardware does not know the NAT type or the actions.
bool learned_matches(const FlowEntry& parked, const FlowEntry& learned);
// IB1.STATE of an entry.
std::uint32_t entry_state(const FlowEntry& e);
// IB1 with the hardware-maintained TIMESTAMP removed: what a verify compares.
bool same_written_image(const FlowEntry& written, const FlowEntry& read_back);

}  // namespace flowsim::driver
