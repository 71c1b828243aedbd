// SPDX-License-Identifier: Apache-2.0
#include "driver/tx_ring.hpp"

#include <cstring>

#include "driver/descriptor.hpp"
#include "hw/flowsim_hw.hpp"  // Generated.

namespace flowsim::driver {

using hw::desc::TxDesc;

TxRing::TxRing(Hal& hal, unsigned ring_index, unsigned size, std::uint32_t buffer_size)
    : hal_(hal),
      ring_index_(ring_index),
      size_(size),
      buffer_size_(buffer_size),
      descs_(hal.alloc_dma(std::size_t{size} * TxDesc::kSize)),
      buffers_(hal.alloc_dma(std::size_t{size} * buffer_size)),
      cookies_(size),
      lengths_(size) {
  for (unsigned i = 0; i < size_; ++i) {
    const Descriptor d(desc(i));
    const std::uint64_t buf = buffers_.bus_addr + std::uint64_t{i} * buffer_size_;
    d.set_word(TxDesc::BufAddrLo::kWord, static_cast<std::uint32_t>(buf));
    d.set_word(TxDesc::BufAddrHi::kWord, static_cast<std::uint32_t>(buf >> 32));
  }
}

std::uint8_t* TxRing::desc(unsigned i) const { return descs_.host + std::size_t{i} * TxDesc::kSize; }

void TxRing::program() {
  using namespace hw::reg;
  hal_.write32(RingBaseLo::offset(ring_index_), static_cast<std::uint32_t>(descs_.bus_addr));
  hal_.write32(RingBaseHi::offset(ring_index_), static_cast<std::uint32_t>(descs_.bus_addr >> 32));
  hal_.write32(RingSize::offset(ring_index_), size_);
  for (unsigned i = 0; i < size_; ++i) Descriptor(desc(i)).set_word(TxDesc::Status::kWord, 0);
  next_to_use_ = next_to_clean_ = published_tail_ = 0;
  hal_.write32(RingTail::offset(ring_index_), 0);
}

unsigned TxRing::reclaim() {
  hal_.sync_for_cpu();  // DONE bits are written by the device's DMA
  unsigned freed = 0;
  while (next_to_clean_ != published_tail_) {
    const Descriptor d(desc(next_to_clean_));
    if (!TxDesc::Status::kDone.get(d.word(TxDesc::Status::kWord))) break;
    d.set_word(TxDesc::Status::kWord, 0);
    next_to_clean_ = (next_to_clean_ + 1) & (size_ - 1);
    ++freed;
  }
  completed_ += freed;
  return freed;
}

bool TxRing::oldest_done() const {
  if (next_to_clean_ == next_to_use_) return true;
  return TxDesc::Status::kDone.get(Descriptor(desc(next_to_clean_)).word(TxDesc::Status::kWord)) != 0;
}

unsigned TxRing::abandon(std::optional<std::uint32_t> hw_head, const Abandoned& abandoned) {
  // HEAD is trusted only if it lies within what was handed over.
  const unsigned handed = (published_tail_ - next_to_clean_) & (size_ - 1);
  if (hw_head && ((*hw_head - next_to_clean_) & (size_ - 1)) > handed) hw_head.reset();
  if (hw_head) {
    next_to_clean_ = *hw_head & (size_ - 1);
  } else {
    reclaim();
  }
  unsigned n = 0;
  for (; next_to_clean_ != next_to_use_; next_to_clean_ = (next_to_clean_ + 1) & (size_ - 1), ++n) {
    const std::size_t i = next_to_clean_;
    abandoned(cookies_[i], {buffers_.host + i * buffer_size_, lengths_[i]});
  }
  published_tail_ = next_to_use_;
  return n;
}

TxResult TxRing::post(std::span<const std::uint8_t> frame, unsigned port, std::uint64_t cookie) {
  if (frame.empty() || frame.size() > buffer_size_) return TxResult::kTooLong;
  if (((next_to_use_ + 1) & (size_ - 1)) == next_to_clean_ && reclaim() == 0) return TxResult::kRingFull;
  const Descriptor d(desc(next_to_use_));
  std::memcpy(buffers_.host + std::size_t{next_to_use_} * buffer_size_, frame.data(), frame.size());
  d.set_word(TxDesc::Len::kWord, TxDesc::Len::kPktLen.make(static_cast<std::uint32_t>(frame.size())));
  d.set_word(TxDesc::Ctrl::kWord, TxDesc::Ctrl::kDestPort.make(port));
  d.set_word(TxDesc::Status::kWord, 0);
  cookies_[next_to_use_] = cookie;
  lengths_[next_to_use_] = static_cast<std::uint32_t>(frame.size());
  next_to_use_ = (next_to_use_ + 1) & (size_ - 1);
  return TxResult::kQueued;
}

void TxRing::publish() {
  if (next_to_use_ == published_tail_) return;
  published_tail_ = next_to_use_;
  hal_.write32(hw::reg::RingTail::offset(ring_index_), published_tail_);
}

}  // namespace flowsim::driver
