// SPDX-License-Identifier: Apache-2.0
// A NAT target range (struct nf_nat_range2): which addresses and ports a binding may use and
// how the port is picked. Built by the engine from an nft `snat`/`dnat`/`masquerade`
// statement (masquerade: the egress interface's address as a one-address range).
#pragma once

#include <array>
#include <cstdint>

namespace flowsim::engine::nat {

// NF_NAT_RANGE_* flag values.
enum NatRangeFlag : std::uint32_t {
  kMapIps = 1u << 0,
  kProtoSpecified = 1u << 1,
  kProtoRandom = 1u << 2,
  kPersistent = 1u << 3,
  kProtoRandomFully = 1u << 4,
  kProtoOffset = 1u << 5,
  kNetmap = 1u << 6,
};
inline constexpr std::uint32_t kProtoRandomAll = kProtoRandom | kProtoRandomFully;

struct NatRange {
  std::uint32_t flags = 0;
  std::array<std::uint8_t, 16> min_addr{};  // network order; IPv4 in the first four bytes
  std::array<std::uint8_t, 16> max_addr{};
  std::uint16_t min_port = 0;  // or ICMP id
  std::uint16_t max_port = 0;
  std::uint16_t base_port = 0;  // for kProtoOffset
};

enum class ManipType : std::uint8_t { kSrc, kDst };

// A flowsim knob, not a kernel one: when a capture is split into shards replayed by separate
// engines, shard `index` of `count` may only choose source ports (and ICMP ids) in its own
// part of each port class (or of the rule's range), so that no two shards map two
// conversations onto one tuple. The kernel's rules are otherwise kept: the class follows
// the original port (1..511, 600..1023, 1024..65535), the original is kept when it lies in
// the shard's part and is free. {0, 1} is the kernel's behaviour.
struct PortSlice {
  unsigned index = 0;
  unsigned count = 1;
};

}  // namespace flowsim::engine::nat
