// SPDX-License-Identifier: Apache-2.0
// FoeHashRtl: drives Vfoe_hash one input per clock and collects hash_o as valid_o comes back,
// checking on every cycle that the output timing is the spec's kLatencyCycles.
#include "model/rtl_twin/foe_hash_rtl.hpp"

#include <stdexcept>
#include <string>

#include "Vfoe_hash.h"
#include "hw/flowsim_hw.hpp"  // Generated.
#include "verilated.h"

namespace flowsim::model {

FoeHashRtl::FoeHashRtl() {
  // A new VerilatedContext makes itself the thread's current one, so a Verilated model built
  // later without an explicit context would attach to ours and dangle once we are gone
  // (TOOLCHAIN.md trap 7). Give the thread back the context it had.
  VerilatedContext* const previous = Verilated::threadContextp();
  context_ = std::make_unique<VerilatedContext>();
  top_ = std::make_unique<Vfoe_hash>(context_.get(), "foe_hash");
  Verilated::threadContextp(previous);

  top_->clk_i = 0;
  top_->rst_ni = 0;
  top_->valid_i = 0;
  top_->eval();
  tick();  // rst_ni is low at this edge
  top_->rst_ni = 1;
  top_->eval();
}

FoeHashRtl::~FoeHashRtl() {
  top_->final();
  top_.reset();
  context_.reset();
}

void FoeHashRtl::tick() {
  top_->clk_i = 0;
  top_->eval();
  context_->timeInc(1);
  top_->clk_i = 1;
  top_->eval();
  context_->timeInc(1);
  ++cycles_;
}

void FoeHashRtl::compute(std::span<const net::FoeHashWords> in, std::span<std::uint32_t> out) {
  if (out.size() != in.size()) {
    throw std::invalid_argument("FoeHashRtl::compute: out.size() != in.size()");
  }
  constexpr std::size_t kLatency = hw::hash::kLatencyCycles;
  const std::size_t n = in.size();
  if (n == 0) {
    return;
  }
  // Cycle c drives input c; at its start, the outputs belong to the input of cycle c - kLatency.
  // The last cycle only drains the pipeline, so every batch starts and ends with it empty.
  for (std::size_t c = 0; c < n + kLatency; ++c) {
    const bool want_valid = c >= kLatency;
    if (static_cast<bool>(top_->valid_o) != want_valid) {
      throw std::logic_error("FoeHashRtl: valid_o is " + std::to_string(top_->valid_o) + " in cycle " +
                             std::to_string(c) + " of a batch; the spec's latency is " +
                             std::to_string(kLatency) + " cycles");
    }
    if (want_valid) {
      out[c - kLatency] = top_->hash_o;
    }
    if (c < n) {
      top_->valid_i = 1;
      top_->hv1_i = in[c].hv1;
      top_->hv2_i = in[c].hv2;
      top_->hv3_i = in[c].hv3;
    } else {
      top_->valid_i = 0;
    }
    tick();
  }
}

}  // namespace flowsim::model
