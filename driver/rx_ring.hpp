// SPDX-License-Identifier: Apache-2.0
// The driver's side of the RX descriptor ring. Every descriptor keeps its own buffer for
// life. The hardware owns [HEAD, TAIL); the driver keeps TAIL one behind next_to_clean,
// so one descriptor is always the gap that tells a full ring from an empty one.
#pragma once

#include <cstdint>

#include "driver/hal.hpp"
#include "driver/rx_packet.hpp"

namespace flowsim::driver {

class RxRing {
 public:
  // Allocates descriptors and buffers in DMA memory. `size` is a power of two in 2..4096.
  RxRing(Hal& hal, unsigned ring_index, unsigned size, std::uint32_t buffer_size);

  // Writes base, size and tail: after this the hardware may fill the ring.
  void program();
  // The next completed descriptor; false when the hardware has not filled it yet.
  // `out.bytes` stays valid until recycle().
  bool next(RxPacket& out);
  // Re-arms the descriptor returned by next() and advances; the hardware sees it at publish().
  void recycle();
  // Tells the hardware about recycled descriptors (one TAIL write per batch).
  void publish();
  unsigned size() const { return size_; }
  unsigned next_to_clean() const { return next_to_clean_; }
  // The descriptor at next_to_clean carries DONE: a frame is waiting.
  bool pending() const;

 private:
  std::uint8_t* desc(unsigned i) const;

  Hal& hal_;
  unsigned ring_index_;
  unsigned size_;
  std::uint32_t buffer_size_;
  DmaRegion descs_;
  DmaRegion buffers_;
  unsigned next_to_clean_ = 0;
  unsigned published_tail_ = 0;
};

}  // namespace flowsim::driver
