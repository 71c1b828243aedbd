// SPDX-License-Identifier: Apache-2.0
#include "testbench/capture/conversation_table.hpp"

#include <algorithm>
#include <tuple>

namespace flowsim::capture {
namespace {

constexpr std::uint8_t kTcpFin = 0x01;
constexpr std::uint8_t kTcpSyn = 0x02;
constexpr std::uint8_t kTcpRst = 0x04;
constexpr std::uint8_t kTcpAck = 0x10;
// Fragments whose first fragment is remembered; more means a capture of lost fragments, and
// the oldest are forgotten (a later fragment then falls back to its addresses).
constexpr std::size_t kMaxFragmentIds = 65536;

std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h;
}

std::uint64_t hash_bytes(std::uint64_t h, const std::array<std::uint8_t, 16>& a) {
  std::uint64_t lo = 0, hi = 0;
  for (int i = 0; i < 8; ++i) {
    lo = lo << 8 | a[static_cast<std::size_t>(i)];
    hi = hi << 8 | a[static_cast<std::size_t>(8 + i)];
  }
  return mix(mix(h, lo), hi);
}

PacketKind kind_of_proto(std::uint8_t family, std::uint8_t proto) {
  if (proto == 6) return PacketKind::kTcp;
  if (proto == 17) return PacketKind::kUdp;
  if ((family == 4 && proto == 1) || (family == 6 && proto == 58)) return PacketKind::kIcmpEcho;
  return PacketKind::kOtherIp;
}

}  // namespace

std::size_t ConversationTable::KeyHash::operator()(const Key& k) const {
  std::uint64_t h = hash_bytes(hash_bytes(k.family, k.lo), k.hi);
  return static_cast<std::size_t>(mix(h, std::uint64_t{k.lo_port} << 24 | std::uint64_t{k.hi_port} << 8 | k.proto));
}

std::size_t ConversationTable::FragmentKeyHash::operator()(const FragmentKey& k) const {
  std::uint64_t h = hash_bytes(hash_bytes(k.tuple.family, k.tuple.src), k.tuple.dst);
  return static_cast<std::size_t>(mix(h, std::uint64_t{k.id} << 8 | k.tuple.proto));
}

ConversationTable::Key ConversationTable::key_of(const net::FiveTuple& t, bool& swapped) {
  Key k;
  k.proto = t.proto;
  k.family = t.family;
  swapped = std::tie(t.src, t.src_port) > std::tie(t.dst, t.dst_port);
  k.lo = swapped ? t.dst : t.src;
  k.hi = swapped ? t.src : t.dst;
  k.lo_port = swapped ? t.dst_port : t.src_port;
  k.hi_port = swapped ? t.src_port : t.dst_port;
  return k;
}

Classified ConversationTable::find_or_add(const net::FiveTuple& t, const InspectedPacket& p, std::uint64_t packet,
                                          bool may_open) {
  bool swapped = false;
  const Key key = key_of(t, swapped);
  const bool syn_only = p.kind == PacketKind::kTcp && (p.tcp_flags & (kTcpSyn | kTcpAck)) == kTcpSyn;
  auto it = index_.find(key);
  if (it != index_.end()) {
    Conversation& c = conversations_[it->second];
    const bool forward = t.src == c.initiator.src && t.src_port == c.initiator.src_port;
    // A new SYN on a closed connection's tuple opens a new connection (port reuse).
    if (!(may_open && syn_only && c.closing)) {
      const Direction d = forward ? Direction::kForward : Direction::kReverse;
      ++c.packets[index_of(d)];
      if (p.kind == PacketKind::kTcp && (p.tcp_flags & (kTcpFin | kTcpRst)) != 0) c.closing = true;
      return Classified{c.id, d, false};
    }
  }
  Conversation c;
  c.id = static_cast<std::uint32_t>(conversations_.size());
  c.initiator = t;
  c.first_packet = packet;
  c.kind = p.kind == PacketKind::kIcmpError ? kind_of_proto(t.family, t.proto) : p.kind;
  c.handshake = syn_only && may_open;
  c.closing = p.kind == PacketKind::kTcp && (p.tcp_flags & (kTcpFin | kTcpRst)) != 0;
  c.packets[0] = 1;
  conversations_.push_back(c);
  index_.insert_or_assign(key, c.id);
  return Classified{c.id, Direction::kForward, true};
}

std::optional<Classified> ConversationTable::classify(const InspectedPacket& p, std::uint64_t packet) {
  if (!p.is_ip()) return std::nullopt;
  if (p.kind == PacketKind::kIcmpError) {
    // About a packet of `quoted`'s conversation, travelling back to that packet's sender.
    bool swapped = false;
    const auto it = index_.find(key_of(p.quoted, swapped));
    if (it != index_.end()) {
      Conversation& c = conversations_[it->second];
      const bool quoted_forward = p.quoted.src == c.initiator.src && p.quoted.src_port == c.initiator.src_port;
      const Direction d = quoted_forward ? Direction::kReverse : Direction::kForward;
      ++c.packets[index_of(d)];
      return Classified{c.id, d, false};
    }
    // About a packet the capture does not hold: a conversation opened by that packet.
    Classified cl = find_or_add(p.quoted, p, packet, false);
    Conversation& c = conversations_[cl.conversation];
    c.packets = {0, 1};
    cl.direction = Direction::kReverse;
    return cl;
  }
  FragmentKey fkey;
  if (p.fragment_id != 0 || p.fragment) {
    fkey.tuple = p.tuple;
    fkey.tuple.src_port = fkey.tuple.dst_port = 0;
    fkey.id = p.fragment_id;
  }
  if (p.fragment) {
    if (auto it = fragments_.find(fkey); it != fragments_.end()) {
      Classified cl = it->second;
      ++conversations_[cl.conversation].packets[index_of(cl.direction)];
      cl.first = false;
      return cl;
    }
    return find_or_add(fkey.tuple, p, packet, true);
  }
  const Classified cl = find_or_add(p.tuple, p, packet, true);
  if (p.fragment_id != 0) {
    if (fragments_.size() >= kMaxFragmentIds) fragments_.clear();
    fragments_.insert_or_assign(fkey, cl);
  }
  return cl;
}

}  // namespace flowsim::capture
