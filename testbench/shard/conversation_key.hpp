// SPDX-License-Identifier: Apache-2.0
// The conversation a frame belongs to, for splitting a capture into shards that can be
// replayed apart: both directions of a 5-tuple give the same key (the endpoints are put in
// a canonical order), an ICMP/ICMPv6 error gets the key of the conversation it reports on
// (from the header it quotes), an ICMP echo request and its reply share one by id, and the
// later fragments of an IPv4 datagram get their first fragment's key. Frames outside any
// conversation (ARP, other EtherTypes, unparseable frames) have none.
//
// The key is in the capture's own address space: a per-port trace whose WAN side was
// written with the router's NAT mapping has its two sides in different conversations.
// (When the capture replay of issue 9 brings its own conversation classifier, this is the
// one place to switch to it.)
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <tuple>

namespace flowsim::shard {

struct ConversationKey {
  std::uint8_t family = 4;  // 4 or 6
  std::uint8_t proto = 0;
  // Endpoints in canonical order (a <= b as (address, port)); IPv4 in the first 4 bytes.
  std::array<std::uint8_t, 16> addr_a{};
  std::array<std::uint8_t, 16> addr_b{};
  std::uint16_t port_a = 0;  // TCP/UDP port, ICMP echo id, or 0
  std::uint16_t port_b = 0;

  // FNV-1a (64 bit) over the fields in a fixed byte order: the same on every platform and
  // in every version, so a shard assignment never moves.
  std::uint64_t hash() const;
  friend bool operator==(const ConversationKey&, const ConversationKey&) = default;
  friend auto operator<=>(const ConversationKey&, const ConversationKey&) = default;
};

// Keys frames in capture order; it remembers the key of each IPv4 datagram's first fragment
// until its last one, so it is stateful: feed it one capture's frames in order.
class ConversationKeyer {
 public:
  std::optional<ConversationKey> key(std::span<const std::uint8_t> frame);

 private:
  using FragmentId = std::tuple<std::uint32_t, std::uint32_t, std::uint8_t, std::uint16_t>;  // src, dst, proto, id
  std::map<FragmentId, ConversationKey> first_fragments_;
};

}  // namespace flowsim::shard
