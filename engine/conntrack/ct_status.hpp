// SPDX-License-Identifier: Apache-2.0
// Conntrack status bits with the kernel's values (include/uapi/linux/netfilter/
// nf_conntrack_common.h, enum ip_conntrack_status), so that a status word printed in a test
// failure reads the same as one from `conntrack -L -o extended` or a kernel dump.
#pragma once

#include <cstdint>

namespace flowsim::engine::conntrack {

enum CtStatusBit : std::uint32_t {
  kExpected = 1u << 0,
  kSeenReply = 1u << 1,
  kAssured = 1u << 2,
  kConfirmed = 1u << 3,
  kSrcNat = 1u << 4,
  kDstNat = 1u << 5,
  kSeqAdjust = 1u << 6,
  kSrcNatDone = 1u << 7,
  kDstNatDone = 1u << 8,
  kDying = 1u << 9,
  kFixedTimeout = 1u << 10,
  kTemplate = 1u << 11,
  kNatClash = 1u << 12,
  kHelper = 1u << 13,
  kOffload = 1u << 14,
  kHwOffload = 1u << 15,
};

inline constexpr std::uint32_t kNatMask = kSrcNat | kDstNat;

// Direction of a packet relative to the connection (IP_CT_DIR_ORIGINAL / _REPLY).
enum class CtDir : std::uint8_t { kOriginal = 0, kReply = 1 };

constexpr CtDir opposite(CtDir d) { return d == CtDir::kOriginal ? CtDir::kReply : CtDir::kOriginal; }
constexpr unsigned index_of(CtDir d) { return static_cast<unsigned>(d); }

// What conntrack concluded about one packet (enum ip_conntrack_info plus the two outcomes
// that leave the packet without a connection). nft's `ct state` is derived from it.
enum class CtInfo : std::uint8_t {
  kEstablished,       // IP_CT_ESTABLISHED
  kRelated,           // IP_CT_RELATED: an ICMP error about a known connection
  kNew,               // IP_CT_NEW: first packet, or no reply seen yet in the original direction
  kEstablishedReply,  // IP_CT_ESTABLISHED_REPLY
  kRelatedReply,      // IP_CT_RELATED_REPLY
  kUntracked,         // not tracked at all (fragments here: there is no defragmentation)
  kInvalid,           // conntrack refused the packet; it continues without a connection
};

}  // namespace flowsim::engine::conntrack
