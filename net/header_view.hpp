// SPDX-License-Identifier: Apache-2.0
// Base of the bounds-checked header views. A view is created only by its type's `at()`,
// which checks that the whole header lies inside the frame, so accessors never read past
// the captured bytes. Views do not own memory: they are invalidated when the frame's
// storage is resized.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "net/byte_order.hpp"

namespace flowsim::net {

class HeaderView {
 public:
  std::uint8_t* data() const { return p_; }

 protected:
  explicit HeaderView(std::uint8_t* p) : p_(p) {}
  static bool fits(std::span<std::uint8_t> frame, std::size_t offset, std::size_t size) {
    return offset <= frame.size() && frame.size() - offset >= size;
  }
  std::uint16_t be16(std::size_t off) const { return load_be16(p_ + off); }
  std::uint32_t be32(std::size_t off) const { return load_be32(p_ + off); }
  void set_be16(std::size_t off, std::uint16_t v) const { store_be16(p_ + off, v); }
  void set_be32(std::size_t off, std::uint32_t v) const { store_be32(p_ + off, v); }

  std::uint8_t* p_;
};

}  // namespace flowsim::net
