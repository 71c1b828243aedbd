// SPDX-License-Identifier: Apache-2.0
// Why a packet that reached the flowtable hook went the slow path (conntrack, ruleset,
// routing) instead of the software flowtable fast path: the checks of
// nf_flow_offload_ip_hook and friends that answer NF_ACCEPT. Stable lower_snake names, for
// reports and tests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace flowsim::engine {

enum class SlowPathReason : std::uint8_t {
  kNoFlowtable,     // no flowtable, or the ingress device is not in its device list
  kNotOffloadable,  // not TCP/UDP, IPv4 options or fragment, IPv6 extension header, cut-off header
  kTtl,             // TTL / hop limit <= 1: the slow path answers with ICMP
  kNoFlow,          // no flow for this tuple (yet): new connections, ICMP of known ones...
  kFlowTeardown,    // the flow is being torn down, or its conntrack entry is dying
  kMtu,             // larger than the flow's MTU: the slow path fragments or sends ICMP
  kTcpFinRst,       // FIN or RST (old semantics: the flow is torn down)
  kSynOnClosing,    // SYN on a CLOSING flow (new semantics: the flow is torn down)
  kCount,
};

inline constexpr std::size_t kSlowPathReasonCount = static_cast<std::size_t>(SlowPathReason::kCount);

constexpr std::string_view to_string(SlowPathReason r) {
  switch (r) {
    case SlowPathReason::kNoFlowtable: return "no_flowtable";
    case SlowPathReason::kNotOffloadable: return "not_offloadable";
    case SlowPathReason::kTtl: return "ttl";
    case SlowPathReason::kNoFlow: return "no_flow";
    case SlowPathReason::kFlowTeardown: return "flow_teardown";
    case SlowPathReason::kMtu: return "mtu";
    case SlowPathReason::kTcpFinRst: return "tcp_fin_rst";
    case SlowPathReason::kSynOnClosing: return "syn_on_closing";
    case SlowPathReason::kCount: break;
  }
  return "unknown";
}

}  // namespace flowsim::engine
