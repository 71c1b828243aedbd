// SPDX-License-Identifier: Apache-2.0
// DSCP names (see dscp.hpp).
#include "engine/nft/dscp.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>

namespace flowsim::engine::nft {
namespace {

struct DscpName {
  std::string_view name;
  std::uint8_t value;
};

// In nft's order: printing takes the first name of a value (0 is cs0, not df or be).
constexpr std::array<DscpName, 25> kNames = {{
    {"cs0", 0x00},  {"cs1", 0x08},  {"cs2", 0x10},  {"cs3", 0x18},  {"cs4", 0x20},
    {"cs5", 0x28},  {"cs6", 0x30},  {"cs7", 0x38},  {"df", 0x00},   {"be", 0x00},
    {"lephb", 0x01}, {"af11", 0x0a}, {"af12", 0x0c}, {"af13", 0x0e}, {"af21", 0x12},
    {"af22", 0x14}, {"af23", 0x16}, {"af31", 0x1a}, {"af32", 0x1c}, {"af33", 0x1e},
    {"af41", 0x22}, {"af42", 0x24}, {"af43", 0x26}, {"va", 0x2c},   {"ef", 0x2e},
}};

constexpr std::uint8_t kMaxDscp = 63;

}  // namespace

std::optional<std::uint8_t> parse_dscp(std::string_view text) {
  for (const DscpName& n : kNames) {
    if (n.name == text) return n.value;
  }
  int base = 10;
  if (text.starts_with("0x") || text.starts_with("0X")) {
    text.remove_prefix(2);
    base = 16;
  }
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value > kMaxDscp) return std::nullopt;
  return static_cast<std::uint8_t>(value);
}

std::string dscp_name(std::uint8_t value) {
  for (const DscpName& n : kNames) {
    if (n.value == value) return std::string(n.name);
  }
  return fmt::format("0x{:02x}", value);
}

}  // namespace flowsim::engine::nft
