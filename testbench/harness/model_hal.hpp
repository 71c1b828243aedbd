// SPDX-License-Identifier: Apache-2.0
// The HAL backend that makes the SystemC model the driver's device: register accesses are
// TLM-2.0 transactions into the chip's CSR block, costing the host's MMIO time (a read is
// non-posted and stalls, a write is posted); DMA memory comes from HostMemory. Every call
// must come from a SystemC thread (the simulated CPU), because accesses take time.
//
// Loosely timed (TLM-2.0 LT with a quantum keeper): the CPU's time runs ahead of the SystemC
// clock by a local offset that every access adds its cost to, and each transaction carries
// that offset as its annotated delay. The CPU gives the rest of the model the chance to catch
// up (a wait()) only when it must:
//  - a posted write never waits: the device applies it at once, and what it starts (a TX
//    doorbell, a reset's busy time) it schedules from the annotated time;
//  - a read waits only when its value depends on the device's progress, i.e. the register
//    is volatile (rtl/spec/flowsim_hw.yaml) and some other process could act before the
//    CPU's time; so do sync_for_cpu() (before reading what the device wrote by DMA), sleep()
//    and sync();
//  - and at least once per quantum (MmioTiming::quantum).
// The CPU thread must call sync() before it waits on an event (an interrupt) or starts
// something in another process (a traffic generator): until then its time is ahead of the
// SystemC clock, and the others would act as if the CPU were still back there.
// A burst (write_block / read_block, the flow-entry window) is one transaction: one access
// cost plus a per-word transfer time. A bus error (an address nobody answers) reads as all
// ones, as on PCIe, and is counted.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>
#include <vector>

#include "driver/hal.hpp"
#include "testbench/harness/host_memory.hpp"

namespace flowsim::testbench {

struct MmioTiming {
  sc_core::sc_time read = sc_core::sc_time(1, sc_core::SC_US);  // hardware.md §4.2
  sc_core::sc_time write = sc_core::sc_time(100, sc_core::SC_NS);
  // Each word of a burst after the first: 4 bytes at 500 MB/s (PCIe 2.0 x1). With `write` and
  // `read` here, a burst costs what its words cost one by one.
  sc_core::sc_time burst_write_word = sc_core::sc_time(8, sc_core::SC_NS);
  sc_core::sc_time burst_read_word = sc_core::sc_time(8, sc_core::SC_NS);
  // How far the CPU may run ahead of the rest of the model between two synchronisations.
  sc_core::sc_time quantum = sc_core::sc_time(10, sc_core::SC_US);
};

class ModelHal : public sc_core::sc_module, public driver::Hal {
 public:
  tlm_utils::simple_initiator_socket<ModelHal> csr;

  ModelHal(sc_core::sc_module_name name, HostMemory& memory, MmioTiming timing = {});

  std::uint32_t read32(std::uint32_t offset) override;
  void write32(std::uint32_t offset, std::uint32_t value) override;
  void write_block(std::uint32_t offset, std::span<const std::uint32_t> words) override;
  void read_block(std::uint32_t offset, std::span<std::uint32_t> words) override;
  void sync_for_cpu() override;
  void sync() override;
  driver::DmaRegion alloc_dma(std::size_t size) override { return memory_.allocate(size); }
  void sleep(std::chrono::nanoseconds duration) override;
  std::chrono::nanoseconds now() const override;

  std::uint64_t bus_errors() const { return bus_errors_; }
  // Times the CPU waited for the model (synchronisations), for tests and benchmarks.
  std::uint64_t syncs() const { return syncs_; }

 private:
  bool access(tlm::tlm_command cmd, std::uint32_t offset, std::uint32_t* words, std::size_t count,
              const sc_core::sc_time& cost);
  // Waits out the local offset if another process could act before the CPU's time.
  void catch_up_if_needed();
  void wait_local();
  // Whether any of the `words` registers from `offset` is volatile.
  bool any_volatile(std::uint32_t offset, std::size_t words) const;

  HostMemory& memory_;
  MmioTiming timing_;
  tlm_utils::tlm_quantumkeeper keeper_;
  tlm::tlm_generic_payload trans_;
  std::vector<std::uint32_t> volatile_before_;  // by offset / 4: volatile registers below it
  std::uint64_t bus_errors_ = 0;
  std::uint64_t syncs_ = 0;
};

}  // namespace flowsim::testbench
