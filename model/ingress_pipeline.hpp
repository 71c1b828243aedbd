// SPDX-License-Identifier: Apache-2.0
// The ingress pipeline: MAC RX serialisation and RX FIFO per port, then parser, hash unit,
// flow-table lookup and the rewrite unit, as one block with computed occupancy (DESIGN.md
// "Timing"). Per packet it charges:
//  - the wire: the frame is received at the port's speed (preamble and IFG included);
//  - the MAC RX FIFO (mac_rx_fifo_bytes per port): a received frame waits there until the
//    pipeline takes it; one that does not fit is dropped (rx_fifo_overflow). This is the
//    pipeline's back-pressure: there is no other buffer in front of it;
//  - the shared pipeline: it starts one packet every max(datapath beats + bubble, lookup
//    occupancy, block initiation intervals) cycles, arbitrated first come first served by the
//    time a frame is ready (its last bit received plus the MAC-to-parser latency);
//  - the block latencies, as a delay annotated on the transaction to the egress queue or the
//    CPU port.
// No SystemC event per frame: a frame's arrival and its hand-off to the pipeline are items
// on the model's calendar (Calendar), handled in time order with the rest of the datapath;
// no allocation once the frame pool and the calendar are warm.
//
// What a frame becomes: a parser exception punts with its reason; otherwise the hash picks a
// bucket and the lookup decides (TB_CFG.BIND_MODE): a miss punts no_flow (direct mode) or
// learns an UNBIND entry (learn mode, MediaTek SEARCH_MISS = FORWARD_BUILD); an UNBIND hit
// counts and punts; a BIND hit is checked by the rewrite unit and either punted with the
// exception's reason or rewritten and sent to IB2.DEST_PORT.
//
// The blocks work on batches: the frames the calendar hands over one after the other, with no
// other item of the chip in between (a run, see CalendarClient::on_run_end), go through the
// parser together, then the hash unit, the lookup and the rewrite unit, each block once per
// batch (a Verilated block is clocked through the whole batch in one call); then each frame
// goes to its egress queue or the CPU port, in the order taken and at its own time. Nothing a
// later frame's lookup depends on can change within a run except the lookups themselves, which
// the lookup block applies in order, so the results equal frame-by-frame processing.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <systemc>
#include <vector>

#include "model/asic_observer.hpp"
#include "model/asic_params.hpp"
#include "model/byte_fifo.hpp"
#include "model/calendar.hpp"
#include "model/core_clock.hpp"
#include "model/flow_table.hpp"
#include "model/frame.hpp"
#include "model/foe_hash_engine.hpp"
#include "model/lookup_engine.hpp"
#include "model/parser_engine.hpp"
#include "model/punt_sink.hpp"
#include "model/rewrite_engine.hpp"

namespace flowsim::model {

class CsrBlock;
class RtlInstruments;

class IngressPipeline {
 public:
  // The blocks' engines (C++ or RTL, see AsicParams::rtl) are the pipeline's own; the lookup's
  // is inside `table`.
  IngressPipeline(const AsicParams& params, Calendar& calendar, CsrBlock& csr, FramePool& pool, FlowTable& table,
                  PuntSink& punt, std::vector<EgressSink*> egress, AsicObserver& observer,
                  std::unique_ptr<ParserEngine> parser, std::unique_ptr<FoeHashEngine> hash,
                  std::unique_ptr<RewriteEngine> rewrite, RtlInstruments* instruments = nullptr);

  // A frame whose first bit arrives on `frame->port` at `at_ps` (absolute; not before the
  // model's present). Takes ownership.
  void receive(Frame* frame, std::uint64_t at_ps);
  void reset();

 private:
  // The two calendar stages of a frame: its first bit at the MAC, its last bit received.
  struct Arrival final : CalendarClient {
    explicit Arrival(IngressPipeline& p) : pipeline(p) {}
    void on_due(Frame* frame, std::uint64_t now_ps) override { pipeline.arrive(frame, now_ps); }
    // A frame's reception touches only its port's wire and RX counters, nothing of the batch.
    bool passes_runs() const override { return true; }
    IngressPipeline& pipeline;
  };
  struct Received final : CalendarClient {
    explicit Received(IngressPipeline& p) : pipeline(p) {}
    void on_due(Frame* frame, std::uint64_t now_ps) override { pipeline.take(frame, now_ps); }
    void on_run_end() override { pipeline.run_batch(); }
    // The batch's first result (or drop) is due then: it must be out before the calendar
    // handles anything at that time.
    std::uint64_t run_deadline() const override { return pipeline.batch_deadline_; }
    IngressPipeline& pipeline;
  };

  // A frame the pipeline has taken, with its timing (computed when taken).
  struct Taken {
    Frame* frame;
    std::uint64_t result_at;  // when the lookup's result is known
    std::uint16_t now_s;      // TIMESTAMP when taken, low 16 bits
    std::uint32_t length;     // as received (the MIB counts these bytes)
    std::uint32_t hash;       // filled by the hash stage
    // Dropped: the RX FIFO had no room (never parsed), or a GLO_CFG check failed.
    std::optional<ModelDropReason> drop;
    int parse = -1;           // its slot in each block's batch, where it got that far
    int lookup = -1;
    int rewrite = -1;
  };

  void arrive(Frame* frame, std::uint64_t now);
  // MAC RX FIFO and pipeline slot: the frame joins the batch (to be dropped or processed).
  void take(Frame* frame, std::uint64_t now);
  // Parser, hash, lookup and rewrite over the whole batch, then each frame to its egress
  // queue or the CPU port, in the order taken.
  void run_batch();
  void punt(Frame* frame, hw::PuntReason reason, std::uint32_t foe_index, std::uint32_t hash, std::uint64_t at_ps);

  const AsicParams& params_;
  CoreClock clock_;
  Calendar& calendar_;
  CsrBlock& csr_;
  FramePool& pool_;
  FlowTable& table_;
  PuntSink& punt_;
  std::vector<EgressSink*> egress_;
  AsicObserver& observer_;
  std::unique_ptr<ParserEngine> parser_;
  std::unique_ptr<FoeHashEngine> hash_;
  std::unique_ptr<RewriteEngine> rewrite_;
  // The waveform's clock when RTL blocks are instrumented (RtlInstruments), else null.
  RtlInstruments* instruments_;
  Arrival arrival_{*this};
  Received received_{*this};
  std::vector<WireClock> wire_;                // per port
  std::vector<std::uint64_t> rx_busy_until_;  // per port: the wire is a serial resource
  std::vector<ByteFifo> rx_fifo_;  // per port: frames received, not yet taken by the pipeline
  std::uint64_t pipe_free_at_ = 0;
  // The batch in flight and each block's inputs and outputs, reused so that the per-packet
  // path does not allocate once warm.
  std::vector<Taken> batch_;
  std::uint64_t batch_deadline_ = Calendar::kNever;  // the earliest result_at in batch_
  std::vector<std::span<const std::uint8_t>> frames_;
  std::vector<ParsedHeaders> parsed_;
  std::vector<net::FoeHashWords> hash_in_;
  std::vector<std::uint32_t> hash_out_;
  std::vector<LookupRequest> lookup_in_;
  std::vector<LookupResult> lookup_out_;
  std::vector<RewriteRequest> rewrite_in_;
  std::vector<RewriteResult> rewrite_out_;
  // Derived from the parameters once, in picoseconds.
  std::uint64_t mac_to_parser_ps_ = 0;
  std::uint64_t result_latency_ps_ = 0;  // parser + hash + lookup
  std::uint64_t parser_ps_ = 0;
  std::uint64_t hash_ps_ = 0;
  unsigned min_occupancy_cycles_ = 0;
};

}  // namespace flowsim::model
