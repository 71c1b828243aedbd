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
// One SystemC wake-up per received frame, none per cycle; no allocation once the frame pool
// and the queues are warm.
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
#include "model/core_clock.hpp"
#include "model/flow_table.hpp"
#include "model/frame.hpp"
#include "model/hash_unit.hpp"
#include "model/parser.hpp"
#include "model/punt_sink.hpp"
#include "model/timed_queue.hpp"

namespace flowsim::model {

class CsrBlock;

class IngressPipeline : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(IngressPipeline);
  IngressPipeline(sc_core::sc_module_name name, const AsicParams& params, CsrBlock& csr, FramePool& pool,
                  FlowTable& table, PuntSink& punt, std::vector<EgressSink*> egress, AsicObserver& observer);

  // A frame whose first bit arrives on `frame->port` now. Takes ownership.
  void receive(Frame* frame);
  void reset();
  std::string_view hash_impl() const { return hash_.impl_name(); }

 private:
  void on_received();
  void process(Frame* frame, const sc_core::sc_time& now);
  void punt(Frame* frame, hw::PuntReason reason, std::uint32_t foe_index, std::uint32_t hash,
            const sc_core::sc_time& delay);
  FlowKey key_of(const net::ParsedFrame& p, unsigned port) const;

  const AsicParams& params_;
  CoreClock clock_;
  CsrBlock& csr_;
  FramePool& pool_;
  FlowTable& table_;
  PuntSink& punt_;
  std::vector<EgressSink*> egress_;
  AsicObserver& observer_;
  Parser parser_;
  HashUnit hash_;
  TimedQueue<Frame*> received_;                  // frames by the time their last bit arrived
  std::vector<sc_core::sc_time> rx_busy_until_;  // per port: the wire is a serial resource
  std::vector<ByteFifo> rx_fifo_;  // per port: frames received, not yet taken by the pipeline
  sc_core::sc_time pipe_free_at_;
  // Derived from the parameters once.
  unsigned lookup_latency_cycles_ = 0;
  unsigned min_occupancy_cycles_ = 0;
  unsigned result_latency_cycles_ = 0;  // parser + hash + lookup
};

}  // namespace flowsim::model
