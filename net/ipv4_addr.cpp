// SPDX-License-Identifier: Apache-2.0
#include "net/ipv4_addr.hpp"

#include <arpa/inet.h>

#include <charconv>

namespace flowsim::net {

std::optional<Ipv4Addr> Ipv4Addr::parse(std::string_view text) {
  std::uint32_t value = 0;
  const char* p = text.data();
  const char* end = text.data() + text.size();
  for (int octet = 0; octet < 4; ++octet) {
    if (octet > 0) {
      if (p == end || *p != '.') return std::nullopt;
      ++p;
    }
    unsigned part = 0;
    const char* start = p;
    auto [next, ec] = std::from_chars(p, end, part);
    // At most 3 digits, and no leading zero: inet_aton() would read "010" as octal 8.
    if (ec != std::errc{} || part > 255 || next - start > 3 || (next - start > 1 && *start == '0')) {
      return std::nullopt;
    }
    value = value << 8 | part;
    p = next;
  }
  if (p != end) return std::nullopt;
  return Ipv4Addr(value);
}

std::string Ipv4Addr::to_string() const {
  return std::to_string(value_ >> 24) + '.' + std::to_string((value_ >> 16) & 0xff) + '.' +
         std::to_string((value_ >> 8) & 0xff) + '.' + std::to_string(value_ & 0xff);
}

std::optional<Ipv4Prefix> Ipv4Prefix::parse(std::string_view text) {
  const auto slash = text.find('/');
  const auto addr = Ipv4Addr::parse(text.substr(0, slash));
  if (!addr) return std::nullopt;
  if (slash == std::string_view::npos) return Ipv4Prefix(*addr, 32);
  const std::string_view len_text = text.substr(slash + 1);
  unsigned length = 0;
  auto [next, ec] = std::from_chars(len_text.data(), len_text.data() + len_text.size(), length);
  if (ec != std::errc{} || next != len_text.data() + len_text.size() || len_text.empty() || length > 32) {
    return std::nullopt;
  }
  return Ipv4Prefix(*addr, length);
}

std::string Ipv4Prefix::to_string() const { return addr_.to_string() + '/' + std::to_string(length_); }

}  // namespace flowsim::net
