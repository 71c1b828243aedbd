// SPDX-License-Identifier: Apache-2.0
// Which datapath blocks run as Verilated RTL instead of their C++ twins. Only the blocks listed
// here have an RTL twin; every other block of the model is C++ only, and a new C++ block needs
// no entry here. Header-only, so that configuration code (scenarios, the command line) can name
// blocks without linking the Verilated models.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace flowsim::model {

class RtlBlocks {
 public:
  enum Block : unsigned { kParser, kHash, kLookup, kRewrite };
  // Names in scenarios and on the command line, in pipeline order, indexed by Block.
  static constexpr std::array<std::string_view, 4> kNames = {"parser", "hash", "lookup", "rewrite"};

  constexpr RtlBlocks() = default;
  static constexpr RtlBlocks none() { return RtlBlocks(0); }
  static constexpr RtlBlocks all() { return RtlBlocks((1u << kNames.size()) - 1); }

  // The block called `name`, or nullopt.
  static constexpr std::optional<Block> block_named(std::string_view name) {
    for (unsigned i = 0; i < kNames.size(); ++i) {
      if (kNames[i] == name) return static_cast<Block>(i);
    }
    return std::nullopt;
  }
  // "all", "none" or a comma-separated list of block names; nullopt if a name is unknown or
  // empty.
  static constexpr std::optional<RtlBlocks> parse(std::string_view text) {
    if (text == "all") return all();
    if (text == "none") return none();
    RtlBlocks out;
    for (;;) {
      const std::size_t comma = text.find(',');
      const auto b = block_named(text.substr(0, comma));
      if (!b) return std::nullopt;
      out.set(*b);
      if (comma == std::string_view::npos) return out;
      text = text.substr(comma + 1);
    }
  }
  // "none", "all", or the names in pipeline order, comma-separated.
  std::string to_string() const {
    if (*this == none()) return "none";
    if (*this == all()) return "all";
    std::string out;
    for (unsigned i = 0; i < kNames.size(); ++i) {
      if (!has(static_cast<Block>(i))) continue;
      if (!out.empty()) out += ',';
      out += kNames[i];
    }
    return out;
  }
  // The block names, comma and space separated, for messages.
  static std::string names() {
    std::string out;
    for (std::string_view n : kNames) out += (out.empty() ? "" : ", ") + std::string(n);
    return out;
  }

  constexpr bool has(Block b) const { return (bits_ >> b) & 1u; }
  constexpr bool any() const { return bits_ != 0; }
  constexpr void set(Block b, bool rtl = true) { bits_ = rtl ? bits_ | (1u << b) : bits_ & ~(1u << b); }

  friend constexpr bool operator==(RtlBlocks, RtlBlocks) = default;

 private:
  constexpr explicit RtlBlocks(unsigned bits) : bits_(bits) {}
  unsigned bits_ = 0;
};

}  // namespace flowsim::model
