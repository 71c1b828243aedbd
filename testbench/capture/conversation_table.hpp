// SPDX-License-Identifier: Apache-2.0
// The conversations of a capture: every IP packet belongs to one, in one of its two
// directions. A conversation is a TCP or UDP 5-tuple, an ICMP echo identifier between two
// addresses, or a protocol between two addresses; an ICMP error belongs to the conversation
// of the packet it quotes (travelling back toward that packet's sender), a later fragment to
// the conversation of its first fragment. A TCP SYN after the conversation was closed (FIN or
// RST) starts a new one, as a reused port does in conntrack. The initiator is whoever sent
// the first packet; `handshake` says the capture holds the TCP SYN that opened it.
//
// Deterministic: the same packets in the same order get the same conversation numbers, so a
// second pass over a capture finds the conversations of the first (used by endpoint emulation
// and by sharding a long capture by conversation).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "net/five_tuple.hpp"
#include "testbench/capture/packet_inspector.hpp"

namespace flowsim::capture {

enum class Direction : std::uint8_t { kForward = 0, kReverse = 1 };  // kForward: as the initiator sends

constexpr Direction opposite(Direction d) { return d == Direction::kForward ? Direction::kReverse : Direction::kForward; }
constexpr unsigned index_of(Direction d) { return static_cast<unsigned>(d); }

struct Conversation {
  std::uint32_t id = 0;
  net::FiveTuple initiator;        // the first packet's tuple, as its sender sent it
  std::uint64_t first_packet = 0;  // its packet number in the capture
  PacketKind kind = PacketKind::kOtherIp;
  bool handshake = false;          // TCP opened in the capture (the first packet is a SYN without ACK)
  bool closing = false;            // TCP: a FIN or RST was seen
  std::array<std::uint64_t, 2> packets{};  // per direction
};

struct Classified {
  std::uint32_t conversation = 0;
  Direction direction = Direction::kForward;
  bool first = false;  // the conversation's first packet
};

class ConversationTable {
 public:
  // The conversation of an IP packet (`p.is_ip()`), creating it if new; nullopt for anything
  // else. `packet` is the packet's number in the capture.
  std::optional<Classified> classify(const InspectedPacket& p, std::uint64_t packet);

  const Conversation& at(std::uint32_t id) const { return conversations_.at(id); }
  std::size_t size() const { return conversations_.size(); }
  const std::vector<Conversation>& all() const { return conversations_; }

 private:
  // The two endpoints in a fixed order, so that both directions find the same entry.
  struct Key {
    std::array<std::uint8_t, 16> lo{};
    std::array<std::uint8_t, 16> hi{};
    std::uint16_t lo_port = 0;
    std::uint16_t hi_port = 0;
    std::uint8_t proto = 0;
    std::uint8_t family = 0;
    friend bool operator==(const Key&, const Key&) = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const;
  };
  struct FragmentKey {
    net::FiveTuple tuple;  // addresses and protocol, ports zero
    std::uint32_t id = 0;
    friend bool operator==(const FragmentKey&, const FragmentKey&) = default;
  };
  struct FragmentKeyHash {
    std::size_t operator()(const FragmentKey& k) const;
  };

  static Key key_of(const net::FiveTuple& t, bool& swapped);
  Classified find_or_add(const net::FiveTuple& t, const InspectedPacket& p, std::uint64_t packet, bool may_open);

  std::unordered_map<Key, std::uint32_t, KeyHash> index_;
  std::unordered_map<FragmentKey, Classified, FragmentKeyHash> fragments_;
  std::vector<Conversation> conversations_;
};

}  // namespace flowsim::capture
