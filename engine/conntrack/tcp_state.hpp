// SPDX-License-Identifier: Apache-2.0
// Conntrack's TCP states (enum tcp_conntrack) in kernel order, with the names
// /proc/net/nf_conntrack prints; the two extra timeout slots (RETRANS, UNACK) follow them as
// in the kernel's timeout array.
#pragma once

#include <cstdint>
#include <string_view>

namespace flowsim::engine::conntrack {

enum class TcpState : std::uint8_t {
  kNone,
  kSynSent,
  kSynRecv,
  kEstablished,
  kFinWait,
  kCloseWait,
  kLastAck,
  kTimeWait,
  kClose,
  kSynSent2,
  kCount,  // TCP_CONNTRACK_MAX: "invalid" in the transition table
};

inline constexpr std::size_t kTcpStateCount = static_cast<std::size_t>(TcpState::kCount);
// Indices of the timeout array beyond the states (TCP_CONNTRACK_RETRANS, TCP_CONNTRACK_UNACK).
inline constexpr std::size_t kTcpTimeoutRetrans = kTcpStateCount;
inline constexpr std::size_t kTcpTimeoutUnack = kTcpStateCount + 1;
inline constexpr std::size_t kTcpTimeoutCount = kTcpStateCount + 2;

constexpr std::string_view to_string(TcpState s) {
  switch (s) {
    case TcpState::kNone: return "NONE";
    case TcpState::kSynSent: return "SYN_SENT";
    case TcpState::kSynRecv: return "SYN_RECV";
    case TcpState::kEstablished: return "ESTABLISHED";
    case TcpState::kFinWait: return "FIN_WAIT";
    case TcpState::kCloseWait: return "CLOSE_WAIT";
    case TcpState::kLastAck: return "LAST_ACK";
    case TcpState::kTimeWait: return "TIME_WAIT";
    case TcpState::kClose: return "CLOSE";
    case TcpState::kSynSent2: return "SYN_SENT2";
    case TcpState::kCount: break;
  }
  return "UNKNOWN";
}

}  // namespace flowsim::engine::conntrack
