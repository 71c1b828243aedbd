// SPDX-License-Identifier: Apache-2.0
// The parser as RTL: rtl/foe_parser.sv Verilated, fed one frame per clock (its first
// hw::datapath::kParserWindowBytes bytes and its length), results collected as valid_o comes
// back after hw::datapath::kParserLatencyCycles.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "model/parser_engine.hpp"

class Vfoe_parser;
class Vfoe_parser_inst;

namespace flowsim::model {

template <class VTop>
class VerilatedBlock;
class RtlInstruments;

// VTop: Vfoe_parser (the plain Verilation, what --rtl runs) or Vfoe_parser_inst (instrumented, for
// --wave and --rtl-coverage; see RtlInstruments).
template <class VTop>
class ParserRtlOf final : public ParserEngine {
 public:
  // `instruments` only with Vfoe_parser_inst.
  explicit ParserRtlOf(RtlInstruments* instruments = nullptr);
  ~ParserRtlOf() override;
  ParserRtlOf(const ParserRtlOf&) = delete;
  ParserRtlOf& operator=(const ParserRtlOf&) = delete;

  // frames.size() + kParserLatencyCycles clock cycles per call. Throws std::invalid_argument if
  // out.size() != frames.size(), std::logic_error if the RTL's output timing is not the spec's
  // latency. Not thread-safe.
  void parse(std::span<const std::span<const std::uint8_t>> frames, std::span<ParsedHeaders> out) override;
  std::string_view name() const override { return "rtl"; }

  // Clock cycles simulated so far (reset included).
  std::uint64_t cycles() const;

 private:
  std::unique_ptr<VerilatedBlock<VTop>> block_;
};

using ParserRtl = ParserRtlOf<Vfoe_parser>;
using ParserRtlInstrumented = ParserRtlOf<Vfoe_parser_inst>;
extern template class ParserRtlOf<Vfoe_parser>;
extern template class ParserRtlOf<Vfoe_parser_inst>;

}  // namespace flowsim::model
