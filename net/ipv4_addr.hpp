// SPDX-License-Identifier: Apache-2.0
// IPv4 addresses and prefixes as value types. The value is kept in host order so that
// comparisons and prefix masks are plain integer operations.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace flowsim::net {

class Ipv4Addr {
 public:
  constexpr Ipv4Addr() = default;
  constexpr explicit Ipv4Addr(std::uint32_t host_order) : value_(host_order) {}

  // Dotted quad only ("192.0.2.1"); nullopt on anything else.
  static std::optional<Ipv4Addr> parse(std::string_view text);

  constexpr std::uint32_t value() const { return value_; }
  std::string to_string() const;

  friend constexpr bool operator==(Ipv4Addr, Ipv4Addr) = default;
  friend constexpr auto operator<=>(Ipv4Addr, Ipv4Addr) = default;

 private:
  std::uint32_t value_ = 0;
};

class Ipv4Prefix {
 public:
  constexpr Ipv4Prefix() = default;
  // Host bits of `addr` are kept (an interface address is a prefix with host bits).
  constexpr Ipv4Prefix(Ipv4Addr addr, unsigned length) : addr_(addr), length_(length) {}

  // "10.0.0.0/8" or a bare address (= /32); nullopt on a bad address or length > 32.
  static std::optional<Ipv4Prefix> parse(std::string_view text);

  constexpr Ipv4Addr addr() const { return addr_; }
  constexpr unsigned length() const { return length_; }
  constexpr std::uint32_t mask() const { return length_ == 0 ? 0 : ~std::uint32_t{0} << (32 - length_); }
  constexpr bool contains(Ipv4Addr a) const { return ((a.value() ^ addr_.value()) & mask()) == 0; }
  std::string to_string() const;

  friend constexpr bool operator==(Ipv4Prefix, Ipv4Prefix) = default;

 private:
  Ipv4Addr addr_;
  unsigned length_ = 0;
};

}  // namespace flowsim::net
