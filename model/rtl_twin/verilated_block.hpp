// SPDX-License-Identifier: Apache-2.0
// Ownership and clocking of one Verilated block (plain C++ mode, not --sc): the model, held in
// reset for one cycle at construction, ticked one clock cycle at a time from a tight loop with
// no SystemC in it (DESIGN.md: Verilated blocks are ticked in batches inside one SystemC
// process). Every RTL twin's adapter owns one.
//
// A block from the plain Verilation owns its VerilatedContext. A block from the instrumented
// one (V<block>_inst, see RtlInstruments) may be built in the run's RtlInstruments instead: it
// then lives in their context, adds itself to their waveform, and each half clock cycle is
// handed to them to dump. The plain Verilation has none of this compiled in.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>

#include "model/rtl_twin/rtl_instruments.hpp"
#include "verilated.h"

namespace flowsim::model {

// Verilated with --trace-fst (and --coverage): the instrumented Verilation.
template <class VTop>
concept InstrumentedModel = requires(VTop& top, VerilatedFstC* fst) { top.trace(fst, 99); };

template <class VTop>
class VerilatedBlock {
 public:
  // `name` is the instance name inside the context (waveform scopes and coverage use it).
  // `instruments` only for an instrumented model.
  explicit VerilatedBlock(const char* name, RtlInstruments* instruments = nullptr) : instruments_(instruments) {
    if constexpr (InstrumentedModel<VTop>) {
      if (instruments_ != nullptr) {
        top_ = std::make_unique<VTop>(instruments_->context(), name);
        if (instruments_->fst() != nullptr) top_->trace(instruments_->fst(), 99);
      }
    } else if (instruments_ != nullptr) {
      throw std::logic_error("VerilatedBlock: a model without instrumentation cannot be instrumented");
    }
    if (!top_) {
      // A new VerilatedContext makes itself the thread's current one, so a Verilated model
      // built later without an explicit context would attach to ours and dangle once we are
      // gone (TOOLCHAIN.md trap 7). Give the thread back the context it had.
      VerilatedContext* const previous = Verilated::threadContextp();
      context_ = std::make_unique<VerilatedContext>();
      top_ = std::make_unique<VTop>(context_.get(), name);
      Verilated::threadContextp(previous);
    }

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

  // The run's instruments, if this block is instrumented.
  RtlInstruments* instruments() const { return instruments_; }

  // One clock cycle: the inputs set before it are sampled at its rising edge, and the
  // registered outputs read after it belong to that edge.
  void tick() {
    top_->clk_i = 0;
    top_->eval();
    half_cycle_done();
    top_->clk_i = 1;
    top_->eval();
    half_cycle_done();
    ++cycles_;
  }

  // Clock cycles simulated so far (reset included).
  std::uint64_t cycles() const { return cycles_; }

 private:
  void half_cycle_done() {
    if constexpr (InstrumentedModel<VTop>) {
      if (instruments_ != nullptr) {
        instruments_->half_cycle();
        return;
      }
    }
    context_->timeInc(1);
  }

  RtlInstruments* instruments_;
  // Declared before the model, destroyed after it: the model refers to its context.
  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<VTop> top_;
  std::uint64_t cycles_ = 0;
};

}  // namespace flowsim::model
