// SPDX-License-Identifier: Apache-2.0
#include "testbench/scenario/sim_time.hpp"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <system_error>

namespace flowsim::scenario {
namespace {

struct Unit {
  std::string_view name;
  double ps;
};
constexpr std::array<Unit, 5> kUnits = {{{"ps", 1}, {"ns", 1e3}, {"us", 1e6}, {"ms", 1e9}, {"s", 1e12}}};

}  // namespace

std::optional<std::uint64_t> parse_time_ps(std::string_view text) {
  std::size_t unit_at = text.size();
  while (unit_at > 0 && std::isalpha(static_cast<unsigned char>(text[unit_at - 1]))) --unit_at;
  const std::string_view unit = text.substr(unit_at);
  std::string_view number = text.substr(0, unit_at);
  while (!number.empty() && number.back() == ' ') number.remove_suffix(1);
  double v = 0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), v);
  if (number.empty() || ec != std::errc{} || end != number.data() + number.size() || !std::isfinite(v) || v < 0) {
    return std::nullopt;
  }
  for (const Unit& u : kUnits) {
    if (u.name == unit) {
      const double ps = std::round(v * u.ps);
      if (ps > 1.8e19) return std::nullopt;  // beyond 64-bit picoseconds (213 days)
      return static_cast<std::uint64_t>(ps);
    }
  }
  return std::nullopt;
}

std::string format_time_ps(std::uint64_t ps) {
  if (ps == 0) return "0s";
  for (auto it = kUnits.rbegin(); it != kUnits.rend(); ++it) {
    const auto unit = static_cast<std::uint64_t>(it->ps);
    if (ps % unit == 0) return fmt::format("{}{}", ps / unit, it->name);
  }
  return fmt::format("{}ps", ps);
}

std::string describe_time_ps(std::uint64_t ps) {
  for (auto it = kUnits.rbegin(); it != kUnits.rend(); ++it) {
    if (static_cast<double>(ps) >= it->ps || it->name == "ps") {
      return fmt::format("{:.3f} {}", static_cast<double>(ps) / it->ps, it->name);
    }
  }
  return fmt::format("{} ps", ps);
}

}  // namespace flowsim::scenario
