// SPDX-License-Identifier: Apache-2.0
// Conntrack and flowtable timeouts: the kernel's per-netns sysctls
// (net.netfilter.nf_conntrack_*_timeout*, nf_flowtable_{tcp,udp}_timeout) with their default
// values (nf_conntrack_proto_tcp.c tcp_timeouts, nf_conntrack_proto_udp.c udp_timeouts,
// NF_FLOW_TIMEOUT). A scenario may override any of them, as `sysctl -w` would.
#pragma once

#include <array>
#include <chrono>

#include "engine/conntrack/tcp_state.hpp"

namespace flowsim::engine::conntrack {

struct ConntrackTimeouts {
  using seconds = std::chrono::seconds;

  // Indexed by TcpState, then kTcpTimeoutRetrans and kTcpTimeoutUnack. Slot 0 (NONE) holds
  // the SYN_SENT value, as nf_conntrack_tcp_init_net sets it.
  std::array<seconds, kTcpTimeoutCount> tcp = {
      seconds(120),     // NONE (= SYN_SENT)
      seconds(120),     // SYN_SENT
      seconds(60),      // SYN_RECV
      seconds(432000),  // ESTABLISHED: 5 days
      seconds(120),     // FIN_WAIT
      seconds(60),      // CLOSE_WAIT
      seconds(30),      // LAST_ACK
      seconds(120),     // TIME_WAIT
      seconds(10),      // CLOSE
      seconds(120),     // SYN_SENT2
      seconds(300),     // RETRANS (nf_conntrack_tcp_timeout_max_retrans)
      seconds(300),     // UNACK (nf_conntrack_tcp_timeout_unacknowledged)
  };
  seconds udp_unreplied{30};  // nf_conntrack_udp_timeout
  seconds udp_replied{120};   // nf_conntrack_udp_timeout_stream
  seconds icmp{30};           // nf_conntrack_icmp_timeout
  seconds icmpv6{30};         // nf_conntrack_icmpv6_timeout
  seconds generic{600};       // nf_conntrack_generic_timeout
  seconds tcp_offload{30};    // nf_flowtable_tcp_timeout
  seconds udp_offload{30};    // nf_flowtable_udp_timeout

  seconds tcp_state(TcpState s) const { return tcp[static_cast<std::size_t>(s)]; }
};

}  // namespace flowsim::engine::conntrack
