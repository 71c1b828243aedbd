// SPDX-License-Identifier: Apache-2.0
// IPv6 addresses and prefixes as value types (network-order bytes).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace flowsim::net {

class Ipv6Addr {
 public:
  constexpr Ipv6Addr() = default;
  constexpr explicit Ipv6Addr(const std::array<std::uint8_t, 16>& bytes) : bytes_(bytes) {}

  // Any RFC 4291 text form ("2001:db8::1"); nullopt on anything else.
  static std::optional<Ipv6Addr> parse(std::string_view text);
  static Ipv6Addr from_bytes(const std::uint8_t* p);

  void write_to(std::uint8_t* p) const;
  const std::array<std::uint8_t, 16>& bytes() const { return bytes_; }
  // The address as four host-order 32-bit words, most significant first (the hash's input).
  std::uint32_t word(unsigned i) const;
  std::string to_string() const;  // RFC 5952 canonical form

  friend constexpr bool operator==(const Ipv6Addr&, const Ipv6Addr&) = default;
  friend constexpr auto operator<=>(const Ipv6Addr&, const Ipv6Addr&) = default;

 private:
  std::array<std::uint8_t, 16> bytes_{};
};

class Ipv6Prefix {
 public:
  constexpr Ipv6Prefix() = default;
  constexpr Ipv6Prefix(const Ipv6Addr& addr, unsigned length) : addr_(addr), length_(length) {}

  // "2001:db8::/32" or a bare address (= /128).
  static std::optional<Ipv6Prefix> parse(std::string_view text);

  const Ipv6Addr& addr() const { return addr_; }
  unsigned length() const { return length_; }
  bool contains(const Ipv6Addr& a) const;
  std::string to_string() const;

  friend bool operator==(const Ipv6Prefix&, const Ipv6Prefix&) = default;

 private:
  Ipv6Addr addr_;
  unsigned length_ = 0;
};

}  // namespace flowsim::net
