// SPDX-License-Identifier: Apache-2.0
// Ownership and clocking of one Verilated block (plain C++ mode, not --sc): the model with its
// own VerilatedContext, held in reset for one cycle at construction, ticked one clock cycle at
// a time from a tight loop with no SystemC in it (DESIGN.md: Verilated blocks are ticked in
// batches inside one SystemC process). Every RTL twin's adapter owns one.
#pragma once

#include <cstdint>
#include <memory>

#include "verilated.h"

namespace flowsim::model {

template <class VTop>
class VerilatedBlock {
 public:
  // `name` is the instance name inside the context (waveform scopes use it).
  explicit VerilatedBlock(const char* name) {
    // A new VerilatedContext makes itself the thread's current one, so a Verilated model built
    // later without an explicit context would attach to ours and dangle once we are gone
    // (TOOLCHAIN.md trap 7). Give the thread back the context it had.
    VerilatedContext* const previous = Verilated::threadContextp();
    context_ = std::make_unique<VerilatedContext>();
    top_ = std::make_unique<VTop>(context_.get(), name);
    Verilated::threadContextp(previous);

    top_->clk_i = 0;
    top_->rst_ni = 0;
    top_->eval();
    tick();  // rst_ni is low at this edge
    top_->rst_ni = 1;
    top_->eval();
  }
  ~VerilatedBlock() {
    top_->final();
    top_.reset();
    context_.reset();
  }
  VerilatedBlock(const VerilatedBlock&) = delete;
  VerilatedBlock& operator=(const VerilatedBlock&) = delete;

  VTop& top() { return *top_; }
  const VTop& top() const { return *top_; }

  // One clock cycle: the inputs set before it are sampled at its rising edge, and the
  // registered outputs read after it belong to that edge.
  void tick() {
    top_->clk_i = 0;
    top_->eval();
    context_->timeInc(1);
    top_->clk_i = 1;
    top_->eval();
    context_->timeInc(1);
    ++cycles_;
  }

  // Clock cycles simulated so far (reset included).
  std::uint64_t cycles() const { return cycles_; }

 private:
  // Declared first, destroyed last: the model refers to its context.
  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<VTop> top_;
  std::uint64_t cycles_ = 0;
};

}  // namespace flowsim::model
