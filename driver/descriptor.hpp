// SPDX-License-Identifier: Apache-2.0
// Access to one descriptor in DMA memory as little-endian 32-bit words, the layout the
// generated description gives (hw::desc).
#pragma once

#include <cstdint>

#include "net/byte_order.hpp"

namespace flowsim::driver {

class Descriptor {
 public:
  explicit Descriptor(std::uint8_t* p) : p_(p) {}
  std::uint32_t word(unsigned w) const { return net::load_le32(p_ + 4 * w); }
  void set_word(unsigned w, std::uint32_t v) const { net::store_le32(p_ + 4 * w, v); }

 private:
  std::uint8_t* p_;
};

}  // namespace flowsim::driver
