// SPDX-License-Identifier: Apache-2.0
// The driver's side of the TX descriptor ring: frames are copied into per-descriptor DMA
// buffers at TAIL; the hardware sends [HEAD, TAIL), marking each DONE; the driver reclaims
// DONE descriptors lazily when it needs room.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "driver/hal.hpp"

namespace flowsim::driver {

enum class TxResult : std::uint8_t { kQueued, kRingFull, kTooLong };

class TxRing {
 public:
  TxRing(Hal& hal, unsigned ring_index, unsigned size, std::uint32_t buffer_size);

  // Writes base, size and tail; every descriptor is the driver's again (none in flight).
  void program();
  // Queues `frame` for `port`. Nothing reaches the hardware until publish(). `cookie` is
  // the caller's, handed back if the frame is abandoned (like an skb in the ring).
  TxResult post(std::span<const std::uint8_t> frame, unsigned port, std::uint64_t cookie = 0);
  // Rings the doorbell (one TAIL write) if anything was posted since the last one.
  void publish();
  // Frees descriptors the hardware has sent; returns how many.
  unsigned reclaim();
  unsigned in_flight() const { return (next_to_use_ - next_to_clean_) & (size_ - 1); }
  // Of those, the ones the device was told about (TAIL written): only these can be stuck in it.
  unsigned handed_to_device() const { return (published_tail_ - next_to_clean_) & (size_ - 1); }
  // Descriptors freed since the ring was made: progress that a ring index cannot show (after
  // a multiple of the ring size it is back where it was).
  std::uint64_t completed() const { return completed_; }
  // With the device stopped: the descriptors before `hw_head` (the device's RING_HEAD) were
  // sent, even if a write-back was lost; the others never will be and go to `abandoned`
  // with their frame. Without a HEAD (the device does not answer) the DONE bits decide.
  // Afterwards nothing is in flight.
  using Abandoned = std::function<void(std::uint64_t cookie, std::span<const std::uint8_t> frame)>;
  unsigned abandon(std::optional<std::uint32_t> hw_head, const Abandoned& abandoned);
  // The oldest frame in flight carries DONE, or nothing is in flight.
  bool oldest_done() const;
  unsigned next_to_clean() const { return next_to_clean_; }

 private:
  std::uint8_t* desc(unsigned i) const;

  Hal& hal_;
  unsigned ring_index_;
  unsigned size_;
  std::uint32_t buffer_size_;
  DmaRegion descs_;
  DmaRegion buffers_;
  std::vector<std::uint64_t> cookies_;
  std::vector<std::uint32_t> lengths_;
  unsigned next_to_use_ = 0;
  unsigned next_to_clean_ = 0;
  unsigned published_tail_ = 0;
  std::uint64_t completed_ = 0;
};

}  // namespace flowsim::driver
