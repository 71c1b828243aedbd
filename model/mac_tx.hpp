// SPDX-License-Identifier: Apache-2.0
// Egress queue and transmit MAC of one port. Frames reach the queue at annotated times;
// the queue holds the bytes whose transmission has not started and tail-drops beyond its
// capacity; the MAC pads to the Ethernet minimum and serialises at the port speed with
// preamble and inter-frame gap. One SystemC wake-up per frame, none per cycle.
#pragma once

#include <cstdint>
#include <systemc>

#include "model/asic_observer.hpp"
#include "model/byte_fifo.hpp"
#include "model/core_clock.hpp"
#include "model/frame.hpp"
#include "model/punt_sink.hpp"
#include "model/timed_queue.hpp"

namespace flowsim::model {

class CsrBlock;

class MacTx : public sc_core::sc_module, public EgressSink {
 public:
  SC_HAS_PROCESS(MacTx);
  MacTx(sc_core::sc_module_name name, unsigned port, std::uint64_t speed_bps, std::uint32_t queue_bytes,
        sc_core::sc_time latency, FramePool& pool, CsrBlock& csr, AsicObserver& observer);

  void enqueue(Frame* frame, const sc_core::sc_time& delay) override;


 private:
  void on_due();

  unsigned port_;
  std::uint64_t speed_bps_;
  std::uint32_t queue_bytes_;
  sc_core::sc_time latency_;
  FramePool& pool_;
  CsrBlock& csr_;
  AsicObserver& observer_;
  TimedQueue<Frame*> arrivals_;
  sc_core::sc_time busy_until_;
  ByteFifo waiting_;  // queued frames whose first bit has not left yet
};

}  // namespace flowsim::model
