// SPDX-License-Identifier: Apache-2.0
// An expected frame as a person writes it in a conformance file: hex digits, with `*` for a
// nibble whose value does not matter (a checksum that follows a masked field, a payload byte
// the test does not care about). Frames shorter than Ethernet's 60-byte minimum are compared
// as the MAC sends them, padded with zeros.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace flowsim::expect {

struct FramePattern {
  std::vector<std::uint8_t> bytes;  // don't-care nibbles hold 0
  std::vector<std::uint8_t> care;   // per byte: the bits that must match (0xff, 0xf0, 0x0f or 0)

  // Parses hex digits and `*` (upper or lower case; spaces, `:` and `.` between them are
  // ignored so that a frame can be written in readable groups). Returns nullopt and sets
  // `error` for anything else, an odd number of nibbles or an empty frame.
  static std::optional<FramePattern> parse(std::string_view text, std::string* error);
  // Every bit of `frame` must match.
  static FramePattern exact(std::span<const std::uint8_t> frame);

  // Zero bytes appended up to `min_size`, all of which must match (Ethernet padding).
  void pad_to(std::size_t min_size);
  // The bytes with every don't-care bit taken from `actual` (0 where `actual` is shorter).
  std::vector<std::uint8_t> filled_from(std::span<const std::uint8_t> actual) const;
  // Whether every bit of bytes [off, off + size) must match.
  bool all_care(std::size_t off, std::size_t size) const;
  bool matches(std::span<const std::uint8_t> actual) const;
  // Hex, `*` for don't-care nibbles.
  std::string to_string() const;
};

}  // namespace flowsim::expect
