// SPDX-License-Identifier: Apache-2.0
// Which frames of a capture belong to one shard: those whose conversation key hashes to
// it (key.hash() % N == K), so that a conversation is never split and the assignment is
// the same on every run. Frames outside any conversation (ARP, other EtherTypes,
// unparseable ones) all go to shard 0, so that every frame is in exactly one shard.
#pragma once

#include <cstdint>
#include <span>

#include "testbench/shard/conversation_key.hpp"
#include "testbench/shard/shard_spec.hpp"

namespace flowsim::shard {

// The shard (0..count-1) a frame belongs to; `keyer` carries the capture's fragment state.
unsigned shard_of(ConversationKeyer& keyer, std::span<const std::uint8_t> frame, unsigned count);

// One capture's filter: feed it every frame in capture order.
class ShardFilter {
 public:
  explicit ShardFilter(ShardSpec spec) : spec_(spec) {}
  bool keep(std::span<const std::uint8_t> frame) { return shard_of(keyer_, frame, spec_.count) == spec_.index; }

 private:
  ShardSpec spec_;
  ConversationKeyer keyer_;
};

}  // namespace flowsim::shard
