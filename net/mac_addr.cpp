// SPDX-License-Identifier: Apache-2.0
#include "net/mac_addr.hpp"

#include <cstdio>
#include <cstring>

namespace flowsim::net {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<MacAddr> MacAddr::parse(std::string_view text) {
  if (text.size() != 17) return std::nullopt;
  std::array<std::uint8_t, 6> bytes{};
  for (std::size_t i = 0; i < 6; ++i) {
    const std::size_t at = i * 3;
    const int hi = hex_digit(text[at]);
    const int lo = hex_digit(text[at + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    if (i < 5 && text[at + 2] != ':' && text[at + 2] != '-') return std::nullopt;
    bytes[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return MacAddr(bytes);
}

MacAddr MacAddr::from_bytes(const std::uint8_t* p) {
  std::array<std::uint8_t, 6> bytes{};
  std::memcpy(bytes.data(), p, bytes.size());
  return MacAddr(bytes);
}

void MacAddr::write_to(std::uint8_t* p) const { std::memcpy(p, bytes_.data(), bytes_.size()); }

std::string MacAddr::to_string() const {
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", bytes_[0], bytes_[1], bytes_[2],
                bytes_[3], bytes_[4], bytes_[5]);
  return buf;
}

}  // namespace flowsim::net
