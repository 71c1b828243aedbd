// SPDX-License-Identifier: Apache-2.0
// The fast path's packet rewrite (nf_flow_table_ip.c nf_flow_nat_ip / nf_flow_nat_ipv6,
// nf_flow_snat_* / nf_flow_dnat_*): SNAT port then address, then DNAT port then address, the
// new values taken from the other direction's tuple, each step with its own incremental
// checksum update (UDP: zero stays zero, a result of zero becomes 0xffff after each step).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "engine/flowtable/flow.hpp"

namespace flowsim::engine::flowtable {

// `l3` starts at the IP header; `l4_offset` is the transport header's offset in it. `dir`
// is 0 (ORIGINAL) or 1 (REPLY). The headers must be present (the lookup checked).
void flow_nat_ipv4(std::span<std::uint8_t> l3, std::size_t l4_offset, const Flow& flow, unsigned dir);
void flow_nat_ipv6(std::span<std::uint8_t> l3, std::size_t l4_offset, const Flow& flow, unsigned dir);

}  // namespace flowsim::engine::flowtable
