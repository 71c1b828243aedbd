// SPDX-License-Identifier: Apache-2.0
// The bytes of one frame, with headroom in front so that pushing a VLAN tag or a PPPoE
// header does not move the whole frame (the same idea as an skb's headroom). Spans and
// header views taken from it are invalidated by any call that changes its size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace flowsim::net {

class PacketBuffer {
 public:
  static constexpr std::size_t kDefaultHeadroom = 32;

  PacketBuffer() = default;
  explicit PacketBuffer(std::span<const std::uint8_t> bytes, std::size_t headroom = kDefaultHeadroom);

  std::span<std::uint8_t> bytes() { return {storage_.data() + head_, size_}; }
  std::span<const std::uint8_t> bytes() const { return {storage_.data() + head_, size_}; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // Replaces the contents, keeping the allocation when it is large enough.
  void assign(std::span<const std::uint8_t> bytes);
  // Opens `n` zeroed bytes at `offset` (0..size()), moving the shorter side.
  void insert(std::size_t offset, std::size_t n);
  // Removes `n` bytes at `offset`; offset + n must be <= size().
  void erase(std::size_t offset, std::size_t n);
  // Truncates or zero-extends at the tail.
  void resize(std::size_t n);

  friend bool operator==(const PacketBuffer& a, const PacketBuffer& b);

 private:
  void reserve_front(std::size_t n);

  std::vector<std::uint8_t> storage_;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace flowsim::net
