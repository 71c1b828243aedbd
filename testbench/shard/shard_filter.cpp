// SPDX-License-Identifier: Apache-2.0
#include "testbench/shard/shard_filter.hpp"

namespace flowsim::shard {

unsigned shard_of(ConversationKeyer& keyer, std::span<const std::uint8_t> frame, unsigned count) {
  if (count <= 1) return 0;
  const auto key = keyer.key(frame);
  return key ? static_cast<unsigned>(key->hash() % count) : 0;
}

}  // namespace flowsim::shard
