// SPDX-License-Identifier: Apache-2.0
// Base of the bounds-checked header views. A view is created only by its type's `at()`,
// which checks that the whole header lies inside the frame, so accessors never read past
// the captured bytes. Views do not own memory: they are invalidated when the frame's
// storage is resized. Each view exists in two flavours: over `std::uint8_t` (the plain
// name, e.g. Ipv4Header: reads and writes) and over `const std::uint8_t` (ConstIpv4Header:
// reads only, for code that is handed a const datagram).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "net/byte_order.hpp"

namespace flowsim::net {

template <typename Byte>
class BasicHeaderView {
  static_assert(std::is_same_v<std::remove_const_t<Byte>, std::uint8_t>, "views are over bytes");

 public:
  Byte* data() const { return p_; }

 protected:
  static constexpr bool kWritable = !std::is_const_v<Byte>;

  explicit BasicHeaderView(Byte* p) : p_(p) {}
  static bool fits(std::span<Byte> frame, std::size_t offset, std::size_t size) {
    return offset <= frame.size() && frame.size() - offset >= size;
  }
  std::uint16_t be16(std::size_t off) const { return load_be16(p_ + off); }
  std::uint32_t be32(std::size_t off) const { return load_be32(p_ + off); }
  void set_be16(std::size_t off, std::uint16_t v) const
    requires kWritable
  {
    store_be16(p_ + off, v);
  }
  void set_be32(std::size_t off, std::uint32_t v) const
    requires kWritable
  {
    store_be32(p_ + off, v);
  }

  Byte* p_;
};

}  // namespace flowsim::net
