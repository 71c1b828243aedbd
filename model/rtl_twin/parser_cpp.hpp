// SPDX-License-Identifier: Apache-2.0
// The parser as plain C++: net::parse_frame plus the hardware's exception rules (the punt
// reasons of rtl/spec/flowsim_hw.yaml), shaped into ParsedHeaders. The model's default parser
// and the twin that ParserRtl is checked against bit for bit.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "model/parser_engine.hpp"

namespace flowsim::model {

class ParserCpp final : public ParserEngine {
 public:
  // The parse of one frame.
  static ParsedHeaders parse_one(std::span<const std::uint8_t> frame);

  // Throws std::invalid_argument if out.size() != frames.size().
  void parse(std::span<const std::span<const std::uint8_t>> frames, std::span<ParsedHeaders> out) override;
  std::string_view name() const override { return "cpp"; }
};

}  // namespace flowsim::model
