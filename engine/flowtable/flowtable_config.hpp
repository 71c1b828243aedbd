// SPDX-License-Identifier: Apache-2.0
// How the software flowtable behaves: which devices it hooks, whether it offloads to
// hardware and counts, and which kernel generation's teardown rules it follows
// (shared/spec/flowtable.md: "old" = v5.x–v6.13, "new" = v6.14+ with the CLOSING state).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace flowsim::engine::flowtable {

enum class FlowtableSemantics : std::uint8_t {
  kOld,  // FIN/RST tear the flow down at once; teardown always subtracts the offload timeout
  kNew,  // FIN/RST mark the flow CLOSING and it stays on the fast path; SYN on CLOSING tears down
};

struct FlowtableConfig {
  std::string name = "ft";
  std::vector<unsigned> devices;  // ifindices with the ingress hook
  bool hw_offload = false;        // `flags offload`
  bool counter = false;           // `counter`: fast-path packets update conntrack counters
  FlowtableSemantics semantics = FlowtableSemantics::kOld;
  // The flow timeouts (nf_flowtable_{tcp,udp}_timeout) are conntrack sysctls in the kernel
  // and live in conntrack::ConntrackTimeouts here too.
};

}  // namespace flowsim::engine::flowtable
