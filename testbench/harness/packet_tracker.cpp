// SPDX-License-Identifier: Apache-2.0
#include "testbench/harness/packet_tracker.hpp"

#include "testbench/capture/packet_fingerprint.hpp"

namespace flowsim::testbench {

void PacketTracker::injected(std::span<const std::uint8_t> frame, const capture::PacketTag& tag) {
  const auto fp = capture::packet_fingerprint(frame);
  if (!fp) return;
  pending_[*fp].push_back(tag);
  ++outstanding_;
}

std::optional<capture::PacketTag> PacketTracker::resolve(std::span<const std::uint8_t> frame) {
  const auto fp = capture::packet_fingerprint(frame);
  if (!fp) return std::nullopt;
  auto it = pending_.find(*fp);
  if (it == pending_.end()) return std::nullopt;
  const capture::PacketTag tag = it->second.front();
  it->second.pop_front();
  if (it->second.empty()) pending_.erase(it);
  --outstanding_;
  return tag;
}

}  // namespace flowsim::testbench
