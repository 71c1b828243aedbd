// SPDX-License-Identifier: Apache-2.0
// The HAL backend that makes the SystemC model the driver's device: register accesses are
// TLM-2.0 transactions into the chip's CSR block, costing the host's MMIO time (a read is
// non-posted and stalls, a write is posted); DMA memory comes from HostMemory. Every call
// must come from a SystemC thread (the simulated CPU), because accesses take time.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "driver/hal.hpp"
#include "testbench/harness/host_memory.hpp"

namespace flowsim::testbench {

struct MmioTiming {
  sc_core::sc_time read = sc_core::sc_time(1, sc_core::SC_US);    // hardware.md §4.2
  sc_core::sc_time write = sc_core::sc_time(100, sc_core::SC_NS);
};

class ModelHal : public sc_core::sc_module, public driver::Hal {
 public:
  tlm_utils::simple_initiator_socket<ModelHal> csr;

  ModelHal(sc_core::sc_module_name name, HostMemory& memory, MmioTiming timing = {});

  std::uint32_t read32(std::uint32_t offset) override;
  void write32(std::uint32_t offset, std::uint32_t value) override;
  driver::DmaRegion alloc_dma(std::size_t size) override { return memory_.allocate(size); }
  void sleep(std::chrono::nanoseconds duration) override;
  std::chrono::nanoseconds now() const override;

  std::uint64_t bus_errors() const { return bus_errors_; }

 private:
  bool access(tlm::tlm_command cmd, std::uint32_t offset, std::uint32_t& value, sc_core::sc_time cost);

  HostMemory& memory_;
  MmioTiming timing_;
  tlm::tlm_generic_payload trans_;
  std::uint64_t bus_errors_ = 0;
};

}  // namespace flowsim::testbench
