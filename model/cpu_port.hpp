// SPDX-License-Identifier: Apache-2.0
// The CPU port: moves punted frames into the host's RX descriptor ring and frames from the
// host's TX ring to the egress ports, by DMA into host memory (a TLM initiator), and
// raises the interrupt line with coalescing. Ring protocol (Intel e1000 style): the
// hardware owns descriptors [HEAD, TAIL); it fills or sends them, sets STATUS.DONE and
// advances HEAD; the driver writes TAIL.
#pragma once

#include <cstdint>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "model/asic_observer.hpp"
#include "model/calendar.hpp"
#include "model/core_clock.hpp"
#include "model/device_faults.hpp"
#include "model/frame.hpp"
#include "model/punt_sink.hpp"
#include "model/timed_queue.hpp"

namespace flowsim::model {

class CsrBlock;

class CpuPort : public sc_core::sc_module, public PuntSink, public InterruptSink {
 public:
  tlm_utils::simple_initiator_socket<CpuPort> dma;
  sc_core::sc_out<bool> irq_o;

  SC_HAS_PROCESS(CpuPort);
  // `dma_latency` is the cost of a non-posted DMA read; posted writes stream at `dma_gbps`.
  // Punts pass a GCRA meter of `meter_pps` (0 = none) with a burst of `meter_burst` frames.
  CpuPort(sc_core::sc_module_name name, Calendar& calendar, CsrBlock& csr, FramePool& pool,
          std::vector<EgressSink*> egress,
          AsicObserver& observer, sc_core::sc_time dma_latency, double dma_gbps, double meter_pps,
          unsigned meter_burst);

  // Meters the punt at its arrival (`at_ps`); a conforming one is queued for the RX ring,
  // which a SystemC process serves at that time (a sync point of the calendar).
  void punt(Frame* frame, const PuntInfo& info, std::uint64_t at_ps) override;
  void raise_irq(std::uint32_t status_bits) override { raise(status_bits); }

  // Called by the chip when the driver writes a register this block owns; `delay` is the
  // write's annotated time after the SystemC clock: the block acts from then.
  void on_tx_tail_written(const sc_core::sc_time& delay) { tx_kick_.notify(delay); }
  void on_irq_registers_written(const sc_core::sc_time& delay) { irq_changed_.notify(delay); }
  // Soft reset: forget ring positions and pending interrupts. A DMA transfer under way is
  // aborted (its frame dropped as device_reset); punts still queued find the port down.
  void reset();
  // Injected faults to commit (DMA write lost, RX descriptor corrupt, TX stall, lost
  // interrupt); none when not set.
  void set_faults(DeviceFaults* faults) { faults_ = faults; }

  std::uint64_t dma_errors() const { return dma_errors_; }

 private:
  struct Punted {
    Frame* frame;
    PuntInfo info;
  };

  void rx_thread();
  void tx_thread();
  void coalesce_timeout();
  void deliver(const Punted& p);
  // Sends the frame of TX descriptor `index`; false when a reset or a disable aborted it.
  bool transmit_one(unsigned index);
  // DMA is on (GLO_CFG.EN) and no reset happened since `epoch` was read.
  bool dma_live(std::uint64_t epoch) const;
  // How long a posted DMA write of `len` bytes occupies the link.
  sc_core::sc_time posted_write_time(unsigned len) const;
  void raise(std::uint32_t status_bits);
  void update_irq();
  void drive_irq();
  bool dma_access(tlm::tlm_command cmd, std::uint64_t addr, std::uint8_t* data, unsigned len,
                  sc_core::sc_time& delay);
  bool dma_read(std::uint64_t addr, std::uint8_t* data, unsigned len, sc_core::sc_time& delay) {
    return dma_access(tlm::TLM_READ_COMMAND, addr, data, len, delay);
  }
  bool dma_write(std::uint64_t addr, const std::uint8_t* data, unsigned len, sc_core::sc_time& delay) {
    return dma_access(tlm::TLM_WRITE_COMMAND, addr, const_cast<std::uint8_t*>(data), len, delay);
  }
  std::uint64_t ring_base(unsigned ring) const;
  std::uint32_t ring_size(unsigned ring) const;

  Calendar& calendar_;
  CsrBlock& csr_;
  FramePool& pool_;
  std::vector<EgressSink*> egress_;
  AsicObserver& observer_;
  sc_core::sc_time dma_latency_;
  double dma_ps_per_byte_;
  std::uint64_t meter_interval_ps_;   // 1 / rate in time-resolution units (ps); 0 = no meter
  std::uint64_t meter_tolerance_ps_;  // (burst - 1) / rate
  std::uint64_t meter_tat_ps_ = 0;    // GCRA theoretical arrival time
  TimedQueue<Punted> punts_;
  sc_core::sc_event tx_kick_;
  sc_core::sc_event coalesce_timer_;
  sc_core::sc_event irq_changed_;
  bool timer_armed_ = false;
  std::uint32_t pending_rx_ = 0;  // delivered since the last RX interrupt
  std::uint32_t rx_head_ = 0;
  std::uint32_t tx_head_ = 0;
  std::uint64_t dma_errors_ = 0;
  // Counts soft resets: a transfer that started under another epoch is aborted.
  std::uint64_t epoch_ = 0;
  DeviceFaults* faults_ = nullptr;
  tlm::tlm_generic_payload trans_;
  std::vector<std::uint8_t> tx_buffer_;
};

}  // namespace flowsim::model
