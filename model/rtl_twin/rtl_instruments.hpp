// SPDX-License-Identifier: Apache-2.0
// The instrumented RTL of a run (RtlInstrumentRequest): the blocks that run as RTL are built
// from their instrumented Verilation (prefix V<block>_inst: --trace-fst, --coverage-line,
// --coverage-toggle) in one shared VerilatedContext, so that the parser, hash unit, lookup and
// rewrite unit share one FST file (top-level scopes foe_parser, foe_hash, foe_lookup and
// foe_rewrite, each with the block's ports and its module inside) on one time axis, and one
// coverage file.
//
// The waveform's time is traffic time in picoseconds (0 when the traffic starts, as scenario
// events and conformance files count it): before a block is clocked through a batch, the
// ingress pipeline moves the time to when the batch's first frame reaches that block (at()),
// and each clock cycle then takes one core-clock period. A batch is clocked back to back at
// the block's initiation interval and drained, and the waveform's time never goes back, so a
// block's batch starts at its model time or right after the previous block's batch, whichever
// is later: a single frame's trip is drawn with its blocks in order, each input to output
// exactly the block's latency, at most a few cycles later than the model times it. Entry-window
// operations of the driver are drawn at the lookup's current time. Before the traffic starts
// (bring-up) nothing is dumped.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "model/rtl_twin/rtl_instrument_request.hpp"

class VerilatedContext;
class VerilatedFstC;

namespace flowsim::model {

class RtlInstruments {
 public:
  // `period_ps`: one core-clock cycle. Throws std::invalid_argument if a file cannot be
  // written or the window ends before it starts.
  RtlInstruments(RtlInstrumentRequest request, std::uint64_t period_ps);
  ~RtlInstruments();
  RtlInstruments(const RtlInstruments&) = delete;
  RtlInstruments& operator=(const RtlInstruments&) = delete;

  // The context every instrumented block is built in (owned here, alive as long as this).
  VerilatedContext* context() const { return context_.get(); }
  // The waveform every instrumented block adds its model to, or nullptr.
  VerilatedFstC* fst() const { return fst_.get(); }

  // When the traffic started (traffic time 0) in simulated picoseconds, or nullopt while it
  // has not: asked at each batch until it answers.
  void set_traffic_start(std::function<std::optional<std::uint64_t>()> source) { origin_source_ = std::move(source); }
  // Every block has been built and added its model: the waveform file is opened.
  void all_blocks_added();
  // Closes the waveform and writes the coverage file; to be called while the blocks' models
  // still exist (the chip calls it when it is destroyed, before its blocks go).
  void finish();
  // A block is about to be clocked through a batch whose first frame reaches it at `sim_ps`.
  void at(std::uint64_t sim_ps);
  // Half a clock cycle has been evaluated: dump it if it is in the window, then move on.
  void half_cycle();

  std::uint64_t now_ps() const { return now_ps_; }

 private:
  RtlInstrumentRequest request_;
  std::uint64_t half_ps_;
  std::uint64_t now_ps_ = 0;  // traffic time
  std::optional<std::uint64_t> origin_ps_;
  std::function<std::optional<std::uint64_t>()> origin_source_;
  bool finished_ = false;
  // Declared first, destroyed last: the file and the models refer to the context.
  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<VerilatedFstC> fst_;
};

}  // namespace flowsim::model
