// SPDX-License-Identifier: Apache-2.0
// The host's DMA-able memory as the device sees it: a TLM target that serves the model's
// DMA initiator from regions the driver allocated through the HAL. Bus addresses start
// above 4 GiB so that a driver that forgets the high address word fails visibly.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "driver/hal.hpp"

namespace flowsim::testbench {

class HostMemory : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<HostMemory> in;

  explicit HostMemory(sc_core::sc_module_name name);

  driver::DmaRegion allocate(std::size_t size);
  std::uint64_t bad_accesses() const { return bad_accesses_; }

 private:
  struct Region {
    std::unique_ptr<std::uint8_t[]> bytes;
    std::size_t size;
  };
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);

  std::map<std::uint64_t, Region> regions_;  // by bus address
  std::uint64_t next_bus_addr_ = 0x1'0000'0000ull;
  std::uint64_t bad_accesses_ = 0;
};

}  // namespace flowsim::testbench
