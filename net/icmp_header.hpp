// SPDX-License-Identifier: Apache-2.0
// ICMP (RFC 792) and ICMPv6 (RFC 4443) share this 8-byte layout: type(1) code(1)
// checksum(2) rest-of-header(4) (echo id/sequence, or unused/MTU for errors). The type and
// code numbers the router uses are named here once (Linux include/uapi/linux/icmp.h,
// icmpv6.h).
#pragma once

#include <optional>

#include "net/header_view.hpp"

namespace flowsim::net {

namespace icmp_type {
inline constexpr std::uint8_t kEchoReply = 0;
inline constexpr std::uint8_t kDestUnreachable = 3;
inline constexpr std::uint8_t kSourceQuench = 4;
inline constexpr std::uint8_t kRedirect = 5;
inline constexpr std::uint8_t kEchoRequest = 8;
inline constexpr std::uint8_t kTimeExceeded = 11;
inline constexpr std::uint8_t kParameterProblem = 12;
inline constexpr std::uint8_t kTimestamp = 13;
inline constexpr std::uint8_t kInfoRequest = 15;
inline constexpr std::uint8_t kAddressMaskRequest = 17;
inline constexpr std::uint8_t kMax = 18;  // NR_ICMP_TYPES: types above are unknown
}  // namespace icmp_type

namespace icmp_code {
inline constexpr std::uint8_t kNetUnreachable = 0;
inline constexpr std::uint8_t kHostUnreachable = 1;
inline constexpr std::uint8_t kPortUnreachable = 3;
inline constexpr std::uint8_t kFragNeeded = 4;
inline constexpr std::uint8_t kAdminProhibited = 13;
inline constexpr std::uint8_t kTtlExceeded = 0;       // time exceeded in transit
inline constexpr std::uint8_t kFragTimeExceeded = 1;  // fragment reassembly time exceeded
}  // namespace icmp_code

namespace icmpv6_type {
inline constexpr std::uint8_t kDestUnreachable = 1;
inline constexpr std::uint8_t kPacketTooBig = 2;
inline constexpr std::uint8_t kTimeExceeded = 3;
inline constexpr std::uint8_t kParameterProblem = 4;
inline constexpr std::uint8_t kInfoMask = 0x80;  // ICMPV6_INFOMSG_MASK: informational, not an error
inline constexpr std::uint8_t kEchoRequest = 128;
inline constexpr std::uint8_t kEchoReply = 129;
inline constexpr std::uint8_t kRedirect = 137;
inline constexpr std::uint8_t kNodeInfoQuery = 139;
}  // namespace icmpv6_type

namespace icmpv6_code {
inline constexpr std::uint8_t kBeyondScope = 2;  // destination unreachable: beyond scope of source address
}  // namespace icmpv6_code

// ICMP errors (icmp_is_err / ICMPV6_INFOMSG_MASK clear): never answered with another error,
// and carry the offending packet.
constexpr bool icmp_is_error(std::uint8_t type) {
  return type == icmp_type::kDestUnreachable || type == icmp_type::kSourceQuench || type == icmp_type::kRedirect ||
         type == icmp_type::kTimeExceeded || type == icmp_type::kParameterProblem;
}
constexpr bool icmpv6_is_error(std::uint8_t type) { return (type & icmpv6_type::kInfoMask) == 0; }

template <typename Byte>
class BasicIcmpHeader : public BasicHeaderView<Byte> {
  using Base = BasicHeaderView<Byte>;
  using Base::be16;
  using Base::be32;
  using Base::fits;
  using Base::kWritable;
  using Base::p_;
  using Base::set_be16;
  using Base::set_be32;

 public:
  static constexpr std::size_t kSize = 8;
  static std::optional<BasicIcmpHeader> at(std::span<Byte> frame, std::size_t offset) {
    if (!fits(frame, offset, kSize)) return std::nullopt;
    return BasicIcmpHeader(frame.data() + offset);
  }
  std::uint8_t type() const { return p_[0]; }
  std::uint8_t code() const { return p_[1]; }
  std::uint16_t checksum() const { return be16(2); }
  std::uint16_t echo_id() const { return be16(4); }
  std::uint16_t echo_sequence() const { return be16(6); }
  std::uint32_t rest() const { return be32(4); }

  void set_type(std::uint8_t v) const
    requires kWritable
  {
    p_[0] = v;
  }
  void set_code(std::uint8_t v) const
    requires kWritable
  {
    p_[1] = v;
  }
  void set_checksum(std::uint16_t v) const
    requires kWritable
  {
    set_be16(2, v);
  }
  void set_echo_id(std::uint16_t v) const
    requires kWritable
  {
    set_be16(4, v);
  }
  void set_rest(std::uint32_t v) const
    requires kWritable
  {
    set_be32(4, v);
  }

 private:
  using Base::Base;
};

using IcmpHeader = BasicIcmpHeader<std::uint8_t>;
using ConstIcmpHeader = BasicIcmpHeader<const std::uint8_t>;

}  // namespace flowsim::net
