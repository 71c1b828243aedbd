// SPDX-License-Identifier: Apache-2.0
#include "driver/rx_ring.hpp"

#include <algorithm>

#include "driver/descriptor.hpp"
#include "hw/flowsim_hw.hpp"  // Generated.

namespace flowsim::driver {

using hw::desc::RxDesc;

RxRing::RxRing(Hal& hal, unsigned ring_index, unsigned size, std::uint32_t buffer_size)
    : hal_(hal),
      ring_index_(ring_index),
      size_(size),
      buffer_size_(buffer_size),
      descs_(hal.alloc_dma(std::size_t{size} * RxDesc::kSize)),
      buffers_(hal.alloc_dma(std::size_t{size} * buffer_size)) {
  for (unsigned i = 0; i < size_; ++i) {
    const Descriptor d(desc(i));
    const std::uint64_t buf = buffers_.bus_addr + std::uint64_t{i} * buffer_size_;
    d.set_word(RxDesc::BufAddrLo::kWord, static_cast<std::uint32_t>(buf));
    d.set_word(RxDesc::BufAddrHi::kWord, static_cast<std::uint32_t>(buf >> 32));
    d.set_word(RxDesc::Len::kWord, RxDesc::Len::kBufLen.make(buffer_size_));
  }
}

std::uint8_t* RxRing::desc(unsigned i) const { return descs_.host + std::size_t{i} * RxDesc::kSize; }

void RxRing::program() {
  using namespace hw::reg;
  hal_.write32(RingBaseLo::offset(ring_index_), static_cast<std::uint32_t>(descs_.bus_addr));
  hal_.write32(RingBaseHi::offset(ring_index_), static_cast<std::uint32_t>(descs_.bus_addr >> 32));
  hal_.write32(RingSize::offset(ring_index_), size_);
  // A ring programmed again after a reset: whatever the device completed before is gone.
  for (unsigned i = 0; i < size_; ++i) {
    const Descriptor d(desc(i));
    d.set_word(RxDesc::Status::kWord, 0);
    d.set_word(RxDesc::Len::kWord, RxDesc::Len::kBufLen.make(buffer_size_));
  }
  next_to_clean_ = 0;
  published_tail_ = size_ - 1;
  hal_.write32(RingTail::offset(ring_index_), published_tail_);
}

bool RxRing::next(RxPacket& out) {
  // The device writes the descriptor by DMA: see what it wrote up to now.
  hal_.sync_for_cpu();
  const Descriptor d(desc(next_to_clean_));
  const std::uint32_t status = d.word(RxDesc::Status::kWord);
  if (!RxDesc::Status::kDone.get(status)) return false;
  const std::uint32_t info = d.word(RxDesc::Info::kWord);
  // The device is not trusted: a length beyond the buffer is never followed.
  const std::uint32_t pkt_len = RxDesc::Len::kPktLen.get(d.word(RxDesc::Len::kWord));
  const std::uint32_t len = std::min(pkt_len, buffer_size_);
  out.bytes = {buffers_.host + std::size_t{next_to_clean_} * buffer_size_, len};
  out.error = pkt_len == 0 || pkt_len > buffer_size_ ? RxDescriptorError::kLength : RxDescriptorError::kNone;
  out.src_port = RxDesc::Info::kSrcPort.get(info);
  out.reason = static_cast<hw::PuntReason>(RxDesc::Info::kReason.get(info));
  out.foe_index = RxDesc::Info::kFoeIndex.get(info);
  out.hash = d.word(RxDesc::Hash::kWord);
  out.truncated = RxDesc::Status::kTruncated.get(status) != 0;
  return true;
}

bool RxRing::pending() const {
  return RxDesc::Status::kDone.get(Descriptor(desc(next_to_clean_)).word(RxDesc::Status::kWord)) != 0;
}

void RxRing::recycle() {
  const Descriptor d(desc(next_to_clean_));
  d.set_word(RxDesc::Status::kWord, 0);
  d.set_word(RxDesc::Len::kWord, RxDesc::Len::kBufLen.make(buffer_size_));
  next_to_clean_ = (next_to_clean_ + 1) & (size_ - 1);
}

void RxRing::publish() {
  const unsigned tail = (next_to_clean_ + size_ - 1) & (size_ - 1);
  if (tail == published_tail_) return;
  published_tail_ = tail;
  hal_.write32(hw::reg::RingTail::offset(ring_index_), tail);
}

}  // namespace flowsim::driver
