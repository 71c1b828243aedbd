// SPDX-License-Identifier: Apache-2.0
// PPPoE session header (RFC 2516) plus the 2-byte PPP protocol that follows it:
// ver/type(1) code(1) session id(2) length(2) | ppp protocol(2). `length` counts the PPP
// protocol field and the payload.
#pragma once

#include <optional>

#include "net/header_view.hpp"

namespace flowsim::net {

template <typename Byte>
class BasicPppoeHeader : public BasicHeaderView<Byte> {
  using Base = BasicHeaderView<Byte>;
  using Base::be16;
  using Base::fits;
  using Base::kWritable;
  using Base::p_;
  using Base::set_be16;

 public:
  static constexpr std::size_t kSize = 8;
  static constexpr std::uint8_t kVersionType = 0x11;  // version 1, type 1
  static std::optional<BasicPppoeHeader> at(std::span<Byte> frame, std::size_t offset) {
    if (!fits(frame, offset, kSize)) return std::nullopt;
    return BasicPppoeHeader(frame.data() + offset);
  }
  std::uint8_t version() const { return p_[0] >> 4; }
  std::uint8_t type() const { return p_[0] & 0x0f; }
  std::uint8_t code() const { return p_[1]; }
  std::uint16_t session_id() const { return be16(2); }
  std::uint16_t length() const { return be16(4); }
  std::uint16_t ppp_protocol() const { return be16(6); }
  void set_length(std::uint16_t v) const
    requires kWritable
  {
    set_be16(4, v);
  }
  // A session data packet (code 0) as Linux's PPPoE channel and nf_flow_encap_push write it.
  void set_session(std::uint16_t session, std::uint16_t length, std::uint16_t ppp_protocol) const
    requires kWritable
  {
    p_[0] = kVersionType;
    p_[1] = 0;
    set_be16(2, session);
    set_be16(4, length);
    set_be16(6, ppp_protocol);
  }

 private:
  using Base::Base;
};

using PppoeHeader = BasicPppoeHeader<std::uint8_t>;
using ConstPppoeHeader = BasicPppoeHeader<const std::uint8_t>;

}  // namespace flowsim::net
