// SPDX-License-Identifier: Apache-2.0
// Shard K of N (0-based) of a capture's conversations, as `--shard K/N` names it.
#pragma once

#include <charconv>
#include <optional>
#include <string>
#include <string_view>

namespace flowsim::shard {

struct ShardSpec {
  unsigned index = 0;
  unsigned count = 1;

  std::string to_string() const { return std::to_string(index) + "/" + std::to_string(count); }

  // "K/N" with 0 <= K < N; nullopt for anything else.
  static std::optional<ShardSpec> parse(std::string_view text) {
    const std::size_t slash = text.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    ShardSpec s;
    const char* b = text.data();
    const auto [e1, ec1] = std::from_chars(b, b + slash, s.index);
    const auto [e2, ec2] = std::from_chars(b + slash + 1, b + text.size(), s.count);
    if (ec1 != std::errc{} || e1 != b + slash || ec2 != std::errc{} || e2 != b + text.size()) return std::nullopt;
    if (s.count == 0 || s.index >= s.count) return std::nullopt;
    return s;
  }
  friend bool operator==(const ShardSpec&, const ShardSpec&) = default;
};

}  // namespace flowsim::shard
