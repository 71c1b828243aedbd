// SPDX-License-Identifier: Apache-2.0
#include "engine/device/pppoe_device.hpp"

#include "net/byte_order.hpp"
#include "net/ether_type.hpp"
#include "net/pppoe_header.hpp"

namespace flowsim::engine::device {
namespace {
constexpr std::size_t kTypeAt = 12;
constexpr std::size_t kEth = 14;
constexpr std::uint16_t kPppIpv4 = 0x0021;
constexpr std::uint16_t kPppIpv6 = 0x0057;
}  // namespace

std::optional<PppoeFrame> frame_pppoe(std::span<const std::uint8_t> frame) {
  if (frame.size() < kEth + net::PppoeHeader::kSize ||
      net::load_be16(frame.data() + kTypeAt) != net::ether_type::kPppoeSession) {
    return std::nullopt;
  }
  const auto h = net::ConstPppoeHeader::at(frame, kEth).value();
  if (h.version() != 1 || h.type() != 1 || h.code() != 0 || h.length() < 2) return std::nullopt;
  if (kEth + 6 + std::size_t{h.length()} > frame.size()) return std::nullopt;
  PppoeFrame f;
  f.session = h.session_id();
  f.payload = h.length() - 2u;
  if (h.ppp_protocol() == kPppIpv4) f.ether_type = net::ether_type::kIpv4;
  if (h.ppp_protocol() == kPppIpv6) f.ether_type = net::ether_type::kIpv6;
  return f;
}

void pop_pppoe(net::PacketBuffer& frame, const PppoeFrame& pppoe) {
  net::store_be16(frame.bytes().data() + kTypeAt, pppoe.ether_type);
  frame.erase(kEth, net::PppoeHeader::kSize);
  frame.resize(kEth + pppoe.payload);
}

void push_pppoe(net::PacketBuffer& frame, std::uint16_t session) {
  const std::uint16_t type = net::load_be16(frame.bytes().data() + kTypeAt);
  frame.insert(kEth, net::PppoeHeader::kSize);
  std::uint8_t* p = frame.bytes().data();
  net::store_be16(p + kTypeAt, net::ether_type::kPppoeSession);
  const auto payload = static_cast<std::uint16_t>(frame.size() - kEth - net::PppoeHeader::kSize);
  net::PppoeHeader::at(frame.bytes(), kEth)
      ->set_session(session, static_cast<std::uint16_t>(payload + 2), type == net::ether_type::kIpv6 ? kPppIpv6 : kPppIpv4);
}

}  // namespace flowsim::engine::device
