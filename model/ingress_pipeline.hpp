// SPDX-License-Identifier: Apache-2.0
// The ingress pipeline: MAC RX serialisation per port, then parser, hash unit and flow
// lookup, as one block with computed occupancy. Each frame costs max(datapath beats,
// lookup occupancy) cycles of pipeline time and the sum of the block latencies; frames
// queue behind one another exactly as they would behind a pipeline that can start one
// packet every so many cycles. There is no flow table yet, so every lookup misses and the
// frame is punted to the CPU with its reason.
#pragma once

#include <cstdint>
#include <vector>

#include "model/asic_observer.hpp"
#include "model/asic_params.hpp"
#include "model/core_clock.hpp"
#include "model/frame.hpp"
#include "model/hash_unit.hpp"
#include "model/parser.hpp"
#include "model/punt_sink.hpp"

namespace flowsim::model {

class CsrBlock;

class IngressPipeline {
 public:
  IngressPipeline(const AsicParams& params, CsrBlock& csr, FramePool& pool, PuntSink& punt, AsicObserver& observer);

  // A frame whose first bit arrives on `frame->port` now. Takes ownership.
  void receive(Frame* frame);
  void reset();
  std::string_view hash_impl() const { return hash_.impl_name(); }

 private:
  const AsicParams& params_;
  CoreClock clock_;
  CsrBlock& csr_;
  FramePool& pool_;
  PuntSink& punt_;
  AsicObserver& observer_;
  Parser parser_;
  HashUnit hash_;
  std::vector<sc_core::sc_time> rx_busy_until_;  // per port: the wire is a serial resource
  sc_core::sc_time pipe_free_at_;
};

}  // namespace flowsim::model
