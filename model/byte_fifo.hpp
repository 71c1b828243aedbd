// SPDX-License-Identifier: Apache-2.0
// The occupancy of a store-and-forward buffer whose frames leave at known times (a MAC RX
// FIFO, an egress queue): frames are pushed with the time they leave (integer picoseconds),
// and the bytes still held at `now` are computed when asked, so no event is needed per
// departure. A fixed ring
// sized for the most frames the buffer can hold, so that it never allocates after
// construction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace flowsim::model {

class ByteFifo {
 public:
  // Room for `capacity_bytes` of frames of at least `min_frame` bytes each.
  ByteFifo(std::uint32_t capacity_bytes, std::uint32_t min_frame) : slots_(capacity_bytes / min_frame + 1) {}

  // Bytes of the frames that have not left by `now_ps` (drops those that have).
  std::uint32_t bytes_at(std::uint64_t now_ps) {
    while (size_ > 0 && slots_[head_].leaves_ps <= now_ps) {
      bytes_ -= slots_[head_].bytes;
      head_ = (head_ + 1) % slots_.size();
      --size_;
    }
    return bytes_;
  }
  // Adds a frame of `bytes` that leaves at `leaves_ps`, no earlier than the frames already held.
  // The caller has checked the capacity with bytes_at(); a frame beyond the ring is refused.
  bool push(std::uint64_t leaves_ps, std::uint32_t bytes) {
    if (size_ == slots_.size()) return false;
    slots_[(head_ + size_) % slots_.size()] = Slot{leaves_ps, bytes};
    ++size_;
    bytes_ += bytes;
    return true;
  }
  void clear() { head_ = size_ = 0, bytes_ = 0; }

 private:
  struct Slot {
    std::uint64_t leaves_ps;
    std::uint32_t bytes;
  };
  std::vector<Slot> slots_;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
  std::uint32_t bytes_ = 0;
};

}  // namespace flowsim::model
