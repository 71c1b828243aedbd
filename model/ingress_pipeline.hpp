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
#pragma once

#include <cstdint>
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
#include "model/hash_unit.hpp"
#include "model/parser.hpp"
#include "model/punt_sink.hpp"

namespace flowsim::model {

class CsrBlock;

class IngressPipeline {
 public:
  IngressPipeline(const AsicParams& params, Calendar& calendar, CsrBlock& csr, FramePool& pool, FlowTable& table,
                  PuntSink& punt, std::vector<EgressSink*> egress, AsicObserver& observer);

  // A frame whose first bit arrives on `frame->port` at `at_ps` (absolute; not before the
  // model's present). Takes ownership.
  void receive(Frame* frame, std::uint64_t at_ps);
  void reset();
  std::string_view hash_impl() const { return hash_.impl_name(); }

 private:
  // The two calendar stages of a frame: its first bit at the MAC, its last bit received.
  struct Arrival final : CalendarClient {
    explicit Arrival(IngressPipeline& p) : pipeline(p) {}
    void on_due(Frame* frame, std::uint64_t now_ps) override { pipeline.arrive(frame, now_ps); }
    IngressPipeline& pipeline;
  };
  struct Received final : CalendarClient {
    explicit Received(IngressPipeline& p) : pipeline(p) {}
    void on_due(Frame* frame, std::uint64_t now_ps) override { pipeline.process(frame, now_ps); }
    IngressPipeline& pipeline;
  };

  void arrive(Frame* frame, std::uint64_t now);
  void process(Frame* frame, std::uint64_t now);
  void punt(Frame* frame, hw::PuntReason reason, std::uint32_t foe_index, std::uint32_t hash, std::uint64_t at_ps);
  FlowKey key_of(const net::ParsedFrame& p, unsigned port) const;

  const AsicParams& params_;
  CoreClock clock_;
  Calendar& calendar_;
  CsrBlock& csr_;
  FramePool& pool_;
  FlowTable& table_;
  PuntSink& punt_;
  std::vector<EgressSink*> egress_;
  AsicObserver& observer_;
  Parser parser_;
  HashUnit hash_;
  Arrival arrival_{*this};
  Received received_{*this};
  std::vector<WireClock> wire_;                // per port
  std::vector<std::uint64_t> rx_busy_until_;  // per port: the wire is a serial resource
  std::vector<ByteFifo> rx_fifo_;  // per port: frames received, not yet taken by the pipeline
  std::uint64_t pipe_free_at_ = 0;
  // Derived from the parameters once, in picoseconds.
  std::uint64_t mac_to_parser_ps_ = 0;
  std::uint64_t result_latency_ps_ = 0;  // parser + hash + lookup
  unsigned min_occupancy_cycles_ = 0;
};

}  // namespace flowsim::model
