// SPDX-License-Identifier: Apache-2.0
// An Ethernet MAC address as a value type.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace flowsim::net {

class MacAddr {
 public:
  constexpr MacAddr() = default;
  constexpr explicit MacAddr(const std::array<std::uint8_t, 6>& bytes) : bytes_(bytes) {}

  // Parses "02:00:5e:10:00:01" (also '-' separated); nullopt on anything else.
  static std::optional<MacAddr> parse(std::string_view text);
  static MacAddr from_bytes(const std::uint8_t* p);

  void write_to(std::uint8_t* p) const;
  const std::array<std::uint8_t, 6>& bytes() const { return bytes_; }
  std::string to_string() const;
  bool is_multicast() const { return (bytes_[0] & 1) != 0; }

  friend constexpr bool operator==(const MacAddr&, const MacAddr&) = default;
  friend constexpr auto operator<=>(const MacAddr&, const MacAddr&) = default;

 private:
  std::array<std::uint8_t, 6> bytes_{};
};

}  // namespace flowsim::net
