// SPDX-License-Identifier: Apache-2.0
#include "model/rtl_twin/rewrite_rtl.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <stdexcept>
#include <string>

#include "Vfoe_rewrite.h"
#include "Vfoe_rewrite_inst.h"
#include "model/rtl_twin/verilated_block.hpp"

namespace flowsim::model {
namespace {

constexpr std::size_t kLatency = hw::datapath::kRewriteLatencyCycles;
constexpr std::size_t kMacs = 12;
constexpr std::size_t kEthHeader = 14;
static_assert(std::endian::native == std::endian::little, "the windows are filled by copying bytes");

}  // namespace

template <class VTop>
RewriteRtlOf<VTop>::RewriteRtlOf(RtlInstruments* instruments)
    : block_(std::make_unique<VerilatedBlock<VTop>>("foe_rewrite", instruments)) {}

template <class VTop>
RewriteRtlOf<VTop>::~RewriteRtlOf() = default;

template <class VTop>
std::uint64_t RewriteRtlOf<VTop>::cycles() const { return block_->cycles(); }

template <class VTop>
void RewriteRtlOf<VTop>::rewrite(const RewriteConfig& config, std::span<const RewriteRequest> in,
                         std::span<RewriteResult> out) {
  if (out.size() != in.size()) throw std::invalid_argument("RewriteRtl::rewrite: out.size() != in.size()");
  const std::size_t n = in.size();
  if (n == 0) return;
  VTop& top = block_->top();
  // The widths of the RTL's ports: the window it reads (the longest L2 header and the L3 bytes
  // it may change), the new L2 header and those L3 bytes.
  constexpr std::size_t kWindow = sizeof(top.hdr_i);
  constexpr std::size_t kL3Head = sizeof(top.l3_o);
  static_assert(sizeof(top.entry_i) == sizeof(EntryImage) && sizeof(top.l2_o) >= kEthHeader + 16);
  top.ports_i = config.ports;
  for (std::size_t p = 0; p < config.port_mtu.size(); ++p) top.port_mtu_i[p] = config.port_mtu[p];
  for (std::size_t c = 0; c < n + kLatency; ++c) {
    const bool want_valid = c >= kLatency;
    if (static_cast<bool>(top.valid_o) != want_valid) {
      throw std::logic_error("RewriteRtl: valid_o is " + std::to_string(top.valid_o) + " in cycle " +
                             std::to_string(c) + " of a batch; the spec's latency is " + std::to_string(kLatency) +
                             " cycles");
    }
    if (want_valid) {
      const RewriteRequest& req = in[c - kLatency];
      RewriteResult& r = out[c - kLatency];
      r.forward = top.forward_o;
      r.reason = static_cast<hw::PuntReason>(top.reason_o);
      r.dest_port = top.dest_port_o;
      if (r.forward) {
        // The L2 header (14 + pop bytes) becomes l2_o's 14 + push, the L3 packet's first bytes
        // (as many as the frame has, up to kL3Head) l3_o's; the rest of the frame follows
        // unchanged. Resizing at the MACs moves only the short side.
        net::PacketBuffer& frame = *req.frame;
        const std::size_t pop = top.pop_o;
        const std::size_t push = top.push_o;
        const std::size_t l3_bytes = std::min(frame.size() - (kEthHeader + pop), kL3Head);
        if (push > pop) frame.insert(kMacs, push - pop);
        if (pop > push) frame.erase(kMacs, pop - push);
        std::uint8_t* const bytes = frame.bytes().data();
        std::memcpy(bytes, top.l2_o.data(), kEthHeader + push);
        std::memcpy(bytes + kEthHeader + push, top.l3_o.data(), l3_bytes);
      }
    }
    if (c < n) {
      const RewriteRequest& req = in[c];
      const auto bytes = req.frame->bytes();
      const std::size_t copy = std::min(bytes.size(), kWindow);
      auto* window = reinterpret_cast<std::uint8_t*>(top.hdr_i.data());
      std::memcpy(window, bytes.data(), copy);
      std::memset(window + copy, 0, kWindow - copy);
      std::memcpy(top.entry_i.data(), req.entry->data(), sizeof(EntryImage));
      const ParsedHeaders& h = *req.headers;
      top.ipv6_i = h.ipv6;
      top.udp_i = h.udp;
      top.ttl_i = h.ttl;
      top.l3_offset_i = static_cast<std::uint8_t>(h.l3_offset);
      top.l3_length_i = h.l3_length;
      top.valid_i = 1;
    } else {
      top.valid_i = 0;
    }
    block_->tick();
  }
}

template class RewriteRtlOf<Vfoe_rewrite>;
template class RewriteRtlOf<Vfoe_rewrite_inst>;

}  // namespace flowsim::model
