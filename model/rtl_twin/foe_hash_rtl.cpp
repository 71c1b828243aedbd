// SPDX-License-Identifier: Apache-2.0
// FoeHashRtl: drives Vfoe_hash one input per clock and collects hash_o as valid_o comes back,
// checking on every cycle that the output timing is the spec's kLatencyCycles.
#include "model/rtl_twin/foe_hash_rtl.hpp"

#include <stdexcept>
#include <string>

#include "Vfoe_hash.h"
#include "Vfoe_hash_inst.h"
#include "hw/flowsim_hw.hpp"  // Generated.
#include "model/rtl_twin/verilated_block.hpp"

namespace flowsim::model {

template <class VTop>
FoeHashRtlOf<VTop>::FoeHashRtlOf(RtlInstruments* instruments)
    : block_(std::make_unique<VerilatedBlock<VTop>>("foe_hash", instruments)) {
  block_->top().valid_i = 0;
}

template <class VTop>
FoeHashRtlOf<VTop>::~FoeHashRtlOf() = default;

template <class VTop>
std::uint64_t FoeHashRtlOf<VTop>::cycles() const {
  return block_->cycles();
}

template <class VTop>
void FoeHashRtlOf<VTop>::compute(std::span<const net::FoeHashWords> in, std::span<std::uint32_t> out) {
  if (out.size() != in.size()) {
    throw std::invalid_argument("FoeHashRtl::compute: out.size() != in.size()");
  }
  constexpr std::size_t kLatency = hw::hash::kLatencyCycles;
  const std::size_t n = in.size();
  if (n == 0) {
    return;
  }
  VTop& top = block_->top();
  // Cycle c drives input c; at its start, the outputs belong to the input of cycle c - kLatency.
  // The last cycle only drains the pipeline, so every batch starts and ends with it empty.
  for (std::size_t c = 0; c < n + kLatency; ++c) {
    const bool want_valid = c >= kLatency;
    if (static_cast<bool>(top.valid_o) != want_valid) {
      throw std::logic_error("FoeHashRtl: valid_o is " + std::to_string(top.valid_o) + " in cycle " +
                             std::to_string(c) + " of a batch; the spec's latency is " +
                             std::to_string(kLatency) + " cycles");
    }
    if (want_valid) {
      out[c - kLatency] = top.hash_o;
    }
    if (c < n) {
      top.valid_i = 1;
      top.hv1_i = in[c].hv1;
      top.hv2_i = in[c].hv2;
      top.hv3_i = in[c].hv3;
    } else {
      top.valid_i = 0;
    }
    block_->tick();
  }
}

template class FoeHashRtlOf<Vfoe_hash>;
template class FoeHashRtlOf<Vfoe_hash_inst>;

}  // namespace flowsim::model
