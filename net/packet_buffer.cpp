// SPDX-License-Identifier: Apache-2.0
#include "net/packet_buffer.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>

namespace flowsim::net {

PacketBuffer::PacketBuffer(std::span<const std::uint8_t> bytes, std::size_t headroom)
    : storage_(headroom + bytes.size()), head_(headroom), size_(bytes.size()) {
  if (!bytes.empty()) std::memcpy(storage_.data() + head_, bytes.data(), bytes.size());
}

void PacketBuffer::assign(std::span<const std::uint8_t> bytes) {
  if (storage_.size() < kDefaultHeadroom + bytes.size()) storage_.resize(kDefaultHeadroom + bytes.size());
  head_ = kDefaultHeadroom;
  size_ = bytes.size();
  if (!bytes.empty()) std::memcpy(storage_.data() + head_, bytes.data(), bytes.size());
}

void PacketBuffer::reserve_front(std::size_t n) {
  if (head_ >= n) return;
  const std::size_t grow = std::max(n, kDefaultHeadroom);
  storage_.insert(storage_.begin(), grow, 0);
  head_ += grow;
}

void PacketBuffer::insert(std::size_t offset, std::size_t n) {
  assert(offset <= size_);
  if (offset <= size_ - offset) {
    reserve_front(n);
    std::uint8_t* base = storage_.data() + head_;
    std::memmove(base - n, base, offset);
    head_ -= n;
  } else {
    if (storage_.size() < head_ + size_ + n) storage_.resize(head_ + size_ + n);
    std::uint8_t* base = storage_.data() + head_;
    std::memmove(base + offset + n, base + offset, size_ - offset);
  }
  size_ += n;
  std::memset(storage_.data() + head_ + offset, 0, n);
}

void PacketBuffer::erase(std::size_t offset, std::size_t n) {
  assert(offset + n <= size_);
  std::uint8_t* base = storage_.data() + head_;
  if (offset <= size_ - offset - n) {
    std::memmove(base + n, base, offset);
    head_ += n;
  } else {
    std::memmove(base + offset, base + offset + n, size_ - offset - n);
  }
  size_ -= n;
}

void PacketBuffer::resize(std::size_t n) {
  if (storage_.size() < head_ + n) storage_.resize(head_ + n);
  if (n > size_) std::memset(storage_.data() + head_ + size_, 0, n - size_);
  size_ = n;
}

bool operator==(const PacketBuffer& a, const PacketBuffer& b) {
  return std::ranges::equal(a.bytes(), b.bytes());
}

}  // namespace flowsim::net
