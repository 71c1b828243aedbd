// SPDX-License-Identifier: Apache-2.0
// The flow-offload ASIC, top level: MAC ports, the ingress pipeline (parser, hash, flow
// table lookup, rewrite), the aging scanner, egress MACs, the CPU port and the CSR block,
// wired as in shared/DESIGN.md. Its outside is what a board has: Ethernet ports (`receive`,
// and the observer for what leaves), a register target on the host bus, a DMA initiator
// into host memory and an interrupt line. It routes register writes to the block that owns
// the register (the CSR block itself only stores values).
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <systemc>
#include <vector>

#include "model/aging_engine.hpp"
#include "model/asic_observer.hpp"
#include "model/asic_params.hpp"
#include "model/calendar.hpp"
#include "model/cpu_port.hpp"
#include "model/csr_block.hpp"
#include "model/device_faults.hpp"
#include "model/flow_table.hpp"
#include "model/frame.hpp"
#include "model/ingress_pipeline.hpp"
#include "model/mac_tx.hpp"
#include "model/rtl_twin/datapath_engines.hpp"

namespace flowsim::model {

class Asic : public sc_core::sc_module, private CsrListener {
 public:
  sc_core::sc_out<bool> irq_o;

  SC_HAS_PROCESS(Asic);
  // Throws std::invalid_argument for impossible parameters (no ports, more than the
  // register map has, zero speed or clock, a table geometry the registers cannot describe).
  Asic(sc_core::sc_module_name name, AsicParams params, AsicObserver& observer);
  // Finishes the RTL's waveform and coverage files, if any, while the blocks still exist.
  ~Asic() override;

  // The host-bus register target and the DMA initiator, to be bound by the board.
  tlm_utils::simple_target_socket<CsrBlock>& csr_socket() { return csr_.in; }
  tlm_utils::simple_initiator_socket<CpuPort>& dma_socket() { return cpu_port_.dma; }

  // The first bit of `frame` arrives on `port` at absolute simulated time `at_ps`
  // (picoseconds; a time before the model's present means now). The bytes are copied into a
  // pooled frame, once. Callable ahead of time from any SystemC process (a replayer hands
  // over a batch of frames with their due times, then waits) and during the run from an
  // AsicObserver callback (a causal replay injects the answer to a frame that just left):
  // every frame is handled at its own time, in time order, on the model's calendar.
  // Throws std::out_of_range for a port the chip does not have.
  void inject(unsigned port, std::span<const std::uint8_t> frame, std::uint64_t at_ps);
  // The first bit of `frame` arrives on `port` now.
  void receive(unsigned port, std::span<const std::uint8_t> frame) { inject(port, frame, calendar_.now_ps()); }

  // The model's present in picoseconds (ahead of sc_time_stamp() inside the datapath).
  std::uint64_t now_ps() const { return calendar_.now_ps(); }
  // For a test bench that runs sc_start() in slices: the datapath handles nothing due after
  // `until_ps` (the slice's end) before the next call (Calendar::set_run_limit).
  void set_run_limit(std::uint64_t until_ps) { calendar_.set_run_limit(until_ps); }
  // The time of the chip's last activity: the later of the SystemC clock and the last
  // datapath item handled. It is where a run that stops when nothing is left to do ends.
  std::uint64_t last_activity_ps() const {
    return std::max<std::uint64_t>(sc_core::sc_time_stamp().value(), calendar_.last_due_ps());
  }
  const Calendar& calendar() const { return calendar_; }

  const AsicParams& params() const { return params_; }
  // Register values, for reports and tests that inspect the chip like a logic analyser.
  std::uint32_t register_value(std::uint32_t offset) const { return csr_.value(offset); }
  std::uint64_t bus_errors() const { return csr_.bus_errors(); }
  std::uint64_t dma_errors() const { return cpu_port_.dma_errors(); }
  // The datapath blocks that run as RTL.
  RtlBlocks rtl_blocks() const { return params_.rtl; }
  // The instrumented RTL's waveform and coverage (AsicParams::rtl_instruments), or null.
  RtlInstruments* rtl_instruments() const { return engines_.instruments.get(); }

  // Arms a fault (device_faults.hpp) for the driver to detect and recover from: from a test,
  // or from the scenario's `faults:` list at a simulated time.
  void inject_fault(FaultKind kind) { faults_.arm(kind); }
  const DeviceFaults& faults() const { return faults_; }

 private:
  void on_csr_write(std::uint32_t offset, std::uint32_t value, const sc_core::sc_time& delay) override;
  void on_csr_read(std::uint32_t offset, const sc_core::sc_time& delay) override;
  // `delay`: the soft reset's time after the SystemC clock (its BUSY time counts from there).
  void start_reset(const sc_core::sc_time& delay = sc_core::SC_ZERO_TIME);
  void finish_reset();
  static AsicParams validated(AsicParams params);

  AsicParams params_;
  DeviceFaults faults_;
  CoreClock clock_;
  FramePool pool_;
  Calendar calendar_;
  CsrBlock csr_;
  std::vector<std::unique_ptr<MacTx>> mac_tx_;
  CpuPort cpu_port_;
  DatapathEngines engines_;  // handed to the flow table and the pipeline, which own them
  FlowTable flow_table_;
  AgingEngine aging_;
  IngressPipeline pipeline_;
  sc_core::sc_event reset_done_;
};

}  // namespace flowsim::model
