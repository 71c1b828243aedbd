// SPDX-License-Identifier: Apache-2.0
#include "model/rtl_twin/parser_rtl.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <stdexcept>
#include <string>

#include "Vfoe_parser.h"
#include "Vfoe_parser_inst.h"
#include "model/rtl_twin/verilated_block.hpp"

namespace flowsim::model {
namespace {

constexpr std::size_t kWindow = hw::datapath::kParserWindowBytes;
constexpr std::size_t kLatency = hw::datapath::kParserLatencyCycles;
static_assert(std::endian::native == std::endian::little, "hdr_i is filled by copying the frame's bytes");

}  // namespace

template <class VTop>
ParserRtlOf<VTop>::ParserRtlOf(RtlInstruments* instruments)
    : block_(std::make_unique<VerilatedBlock<VTop>>("foe_parser", instruments)) {}

template <class VTop>
ParserRtlOf<VTop>::~ParserRtlOf() = default;

template <class VTop>
std::uint64_t ParserRtlOf<VTop>::cycles() const { return block_->cycles(); }

template <class VTop>
void ParserRtlOf<VTop>::parse(std::span<const std::span<const std::uint8_t>> frames, std::span<ParsedHeaders> out) {
  if (out.size() != frames.size()) throw std::invalid_argument("ParserRtl::parse: out.size() != frames.size()");
  VTop& top = block_->top();
  static_assert(sizeof(top.hdr_i) == kWindow, "hdr_i is the parser's window");
  const std::size_t n = frames.size();
  if (n == 0) return;
  // Cycle c drives frame c; at its start, the outputs belong to frame c - kLatency. The last
  // cycles only drain the pipeline, so every batch starts and ends with it empty.
  for (std::size_t c = 0; c < n + kLatency; ++c) {
    const bool want_valid = c >= kLatency;
    if (static_cast<bool>(top.valid_o) != want_valid) {
      throw std::logic_error("ParserRtl: valid_o is " + std::to_string(top.valid_o) + " in cycle " +
                             std::to_string(c) + " of a batch; the spec's latency is " + std::to_string(kLatency) +
                             " cycles");
    }
    if (want_valid) {
      ParsedHeaders& h = out[c - kLatency];
      h.exception = top.exception_o;
      h.reason = static_cast<hw::PuntReason>(top.reason_o);
      h.ipv6 = top.ipv6_o;
      h.udp = top.udp_o;
      h.tcp_flags = top.tcp_flags_o;
      h.ttl = top.ttl_o;
      h.vlan_count = top.vlan_count_o;
      h.pppoe = top.pppoe_o;
      h.vid = top.vid_o;
      h.pppoe_sid = top.pppoe_sid_o;
      h.l3_offset = top.l3_offset_o;
      h.l4_offset = top.l4_offset_o;
      h.l3_length = top.l3_length_o;
      for (std::size_t w = 0; w < h.key.size(); ++w) h.key[w] = top.key_o[w];
    }
    if (c < n) {
      const std::span<const std::uint8_t> f = frames[c];
      // Byte i of the frame is bits [8i +: 8] of hdr_i: on a little-endian host that is the
      // frame's bytes in order; the window beyond the frame is 0.
      const std::size_t copy = std::min(f.size(), kWindow);
      auto* window = reinterpret_cast<std::uint8_t*>(top.hdr_i.data());
      std::memcpy(window, f.data(), copy);
      std::memset(window + copy, 0, kWindow - copy);
      top.len_i = static_cast<std::uint32_t>(std::min<std::size_t>(f.size(), 0xffffffffu));
      top.valid_i = 1;
    } else {
      top.valid_i = 0;
    }
    block_->tick();
  }
}

template class ParserRtlOf<Vfoe_parser>;
template class ParserRtlOf<Vfoe_parser_inst>;

}  // namespace flowsim::model
