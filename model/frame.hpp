// SPDX-License-Identifier: Apache-2.0
// A frame travelling through the model as a transaction, and the pool that recycles them
// so that the per-packet path does not allocate once the pool is warm.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "net/packet_buffer.hpp"

namespace flowsim::model {

enum class FrameOrigin : std::uint8_t { kWire, kCpu };

struct Frame {
  net::PacketBuffer data;
  unsigned port = 0;  // ingress port for kWire, egress port for kCpu
  FrameOrigin origin = FrameOrigin::kWire;
};

class FramePool {
 public:
  Frame* acquire() {
    if (free_.empty()) {
      all_.push_back(std::make_unique<Frame>());
      return all_.back().get();
    }
    Frame* f = free_.back();
    free_.pop_back();
    return f;
  }
  void release(Frame* f) { free_.push_back(f); }
  std::size_t in_use() const { return all_.size() - free_.size(); }

 private:
  std::vector<std::unique_ptr<Frame>> all_;
  std::vector<Frame*> free_;
};

}  // namespace flowsim::model
