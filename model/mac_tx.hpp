// SPDX-License-Identifier: Apache-2.0
// Egress queue and transmit MAC of one port. Frames reach the queue at annotated times
// (items on the model's calendar); the queue holds the bytes whose transmission has not
// started and tail-drops beyond its capacity; the MAC pads to the Ethernet minimum and
// serialises at the port speed with preamble and inter-frame gap. No SystemC event per
// frame, none per cycle.
#pragma once

#include <cstdint>
#include <systemc>

#include "model/asic_observer.hpp"
#include "model/byte_fifo.hpp"
#include "model/calendar.hpp"
#include "model/core_clock.hpp"
#include "model/frame.hpp"
#include "model/punt_sink.hpp"

namespace flowsim::model {

class CsrBlock;

class MacTx : public EgressSink, private CalendarClient {
 public:
  // `latency_ps`: from reaching the egress block to the queue (rewrite and egress cycles).
  MacTx(unsigned port, std::uint64_t speed_bps, std::uint32_t queue_bytes, std::uint64_t latency_ps,
        Calendar& calendar, FramePool& pool, CsrBlock& csr, AsicObserver& observer);

  void enqueue(Frame* frame, std::uint64_t at_ps) override;

 private:
  void on_due(Frame* frame, std::uint64_t now_ps) override;
  // Its queue, its counters and the observer are nothing the ingress pipeline's batch reads.
  bool passes_runs() const override { return true; }

  unsigned port_;
  WireClock wire_;
  std::uint32_t queue_bytes_;
  std::uint64_t latency_ps_;
  Calendar& calendar_;
  FramePool& pool_;
  CsrBlock& csr_;
  AsicObserver& observer_;
  std::uint64_t busy_until_ps_ = 0;
  ByteFifo waiting_;  // queued frames whose first bit has not left yet
};

}  // namespace flowsim::model
