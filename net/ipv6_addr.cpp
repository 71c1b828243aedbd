// SPDX-License-Identifier: Apache-2.0
#include "net/ipv6_addr.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstdio>
#include <cstring>

#include "net/byte_order.hpp"

namespace flowsim::net {

std::optional<Ipv6Addr> Ipv6Addr::parse(std::string_view text) {
  // inet_pton() reads a C string: a NUL inside the view would end the text early.
  if (text.size() >= INET6_ADDRSTRLEN || text.find('\0') != std::string_view::npos) return std::nullopt;
  char buf[INET6_ADDRSTRLEN] = {};
  std::memcpy(buf, text.data(), text.size());
  std::array<std::uint8_t, 16> bytes{};
  if (inet_pton(AF_INET6, buf, bytes.data()) != 1) return std::nullopt;
  return Ipv6Addr(bytes);
}

Ipv6Addr Ipv6Addr::from_bytes(const std::uint8_t* p) {
  std::array<std::uint8_t, 16> bytes{};
  std::memcpy(bytes.data(), p, bytes.size());
  return Ipv6Addr(bytes);
}

void Ipv6Addr::write_to(std::uint8_t* p) const { std::memcpy(p, bytes_.data(), bytes_.size()); }

std::uint32_t Ipv6Addr::word(unsigned i) const { return load_be32(bytes_.data() + 4 * i); }

std::string Ipv6Addr::to_string() const {
  // glibc's inet_ntop() writes the deprecated IPv4-compatible form for ::/96 ("::2:3"
  // becomes "::0.2.0.3"); RFC 5952 keeps hex there and dotted quads only for ::ffff:0:0/96.
  if (word(0) == 0 && word(1) == 0 && word(2) == 0 && (word(3) >> 16) != 0) {
    char buf[16] = {};
    std::snprintf(buf, sizeof buf, "::%x:%x", word(3) >> 16, word(3) & 0xffff);
    return buf;
  }
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(AF_INET6, bytes_.data(), buf, sizeof buf);
  return buf;
}

std::optional<Ipv6Prefix> Ipv6Prefix::parse(std::string_view text) {
  const auto slash = text.find('/');
  const auto addr = Ipv6Addr::parse(text.substr(0, slash));
  if (!addr) return std::nullopt;
  if (slash == std::string_view::npos) return Ipv6Prefix(*addr, 128);
  const std::string_view len_text = text.substr(slash + 1);
  unsigned length = 0;
  auto [next, ec] = std::from_chars(len_text.data(), len_text.data() + len_text.size(), length);
  if (ec != std::errc{} || next != len_text.data() + len_text.size() || len_text.empty() || length > 128) {
    return std::nullopt;
  }
  return Ipv6Prefix(*addr, length);
}

bool Ipv6Prefix::contains(const Ipv6Addr& a) const {
  unsigned bits = length_;
  for (std::size_t i = 0; i < 16 && bits > 0; ++i) {
    const unsigned take = bits >= 8 ? 8 : bits;
    const std::uint8_t mask = static_cast<std::uint8_t>(0xff00 >> take);
    if ((a.bytes()[i] ^ addr_.bytes()[i]) & mask) return false;
    bits -= take;
  }
  return true;
}

std::string Ipv6Prefix::to_string() const { return addr_.to_string() + '/' + std::to_string(length_); }

}  // namespace flowsim::net
