// SPDX-License-Identifier: Apache-2.0
// The driver's side of the TX descriptor ring: frames are copied into per-descriptor DMA
// buffers at TAIL; the hardware sends [HEAD, TAIL), marking each DONE; the driver reclaims
// DONE descriptors lazily when it needs room.
#pragma once

#include <cstdint>
#include <span>

#include "driver/hal.hpp"

namespace flowsim::driver {

enum class TxResult : std::uint8_t { kQueued, kRingFull, kTooLong };

class TxRing {
 public:
  TxRing(Hal& hal, unsigned ring_index, unsigned size, std::uint32_t buffer_size);

  void program();
  // Queues `frame` for `port`. Nothing reaches the hardware until publish().
  TxResult post(std::span<const std::uint8_t> frame, unsigned port);
  // Rings the doorbell (one TAIL write) if anything was posted since the last one.
  void publish();
  // Frees descriptors the hardware has sent; returns how many.
  unsigned reclaim();
  unsigned in_flight() const { return (next_to_use_ - next_to_clean_) & (size_ - 1); }

 private:
  std::uint8_t* desc(unsigned i) const;

  Hal& hal_;
  unsigned ring_index_;
  unsigned size_;
  std::uint32_t buffer_size_;
  DmaRegion descs_;
  DmaRegion buffers_;
  unsigned next_to_use_ = 0;
  unsigned next_to_clean_ = 0;
  unsigned published_tail_ = 0;
};

}  // namespace flowsim::driver
