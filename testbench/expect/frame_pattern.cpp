// SPDX-License-Identifier: Apache-2.0
#include "testbench/expect/frame_pattern.hpp"

#include <fmt/format.h>

namespace flowsim::expect {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<FramePattern> FramePattern::parse(std::string_view text, std::string* error) {
  FramePattern p;
  bool high = true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == ':' || c == '.') continue;
    const int v = hex_value(c);
    if (v < 0 && c != '*') {
      if (error) *error = fmt::format("'{}' at character {} is neither a hex digit nor '*'", c, i + 1);
      return std::nullopt;
    }
    const std::uint8_t care = c == '*' ? 0 : 0x0f;
    const std::uint8_t value = c == '*' ? 0 : static_cast<std::uint8_t>(v);
    if (high) {
      p.bytes.push_back(static_cast<std::uint8_t>(value << 4));
      p.care.push_back(static_cast<std::uint8_t>(care << 4));
    } else {
      p.bytes.back() |= value;
      p.care.back() |= care;
    }
    high = !high;
  }
  if (!high) {
    if (error) *error = "odd number of hex digits (a frame is whole bytes)";
    return std::nullopt;
  }
  if (p.bytes.empty()) {
    if (error) *error = "empty frame";
    return std::nullopt;
  }
  return p;
}

FramePattern FramePattern::exact(std::span<const std::uint8_t> frame) {
  FramePattern p;
  p.bytes.assign(frame.begin(), frame.end());
  p.care.assign(frame.size(), 0xff);
  return p;
}

void FramePattern::pad_to(std::size_t min_size) {
  while (bytes.size() < min_size) {
    bytes.push_back(0);
    care.push_back(0xff);
  }
}

std::vector<std::uint8_t> FramePattern::filled_from(std::span<const std::uint8_t> actual) const {
  std::vector<std::uint8_t> out(bytes.size());
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const std::uint8_t a = i < actual.size() ? actual[i] : 0;
    out[i] = static_cast<std::uint8_t>((bytes[i] & care[i]) | (a & ~care[i]));
  }
  return out;
}

bool FramePattern::all_care(std::size_t off, std::size_t size) const {
  for (std::size_t i = off; i < off + size && i < care.size(); ++i) {
    if (care[i] != 0xff) return false;
  }
  return true;
}

bool FramePattern::matches(std::span<const std::uint8_t> actual) const {
  if (actual.size() != bytes.size()) return false;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (((actual[i] ^ bytes[i]) & care[i]) != 0) return false;
  }
  return true;
}

std::string FramePattern::to_string() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    out += (care[i] & 0xf0) ? kDigits[bytes[i] >> 4] : '*';
    out += (care[i] & 0x0f) ? kDigits[bytes[i] & 0x0f] : '*';
  }
  return out;
}

}  // namespace flowsim::expect
