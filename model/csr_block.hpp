// SPDX-License-Identifier: Apache-2.0
// The CSR block: the chip's register file, a TLM-2.0 target on the host bus. It is the only
// place that decodes register offsets; it knows them from the generated description
// (rtl/spec/flowsim_hw.yaml). Access rules (RO, RW, W1C, WO) are applied here; the blocks
// see values and are told about writes through CsrListener. A bad access gets a TLM error
// response and is counted, never an assert.
#pragma once

#include <cstdint>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>
#include <vector>

namespace flowsim::model {

class CsrListener {
 public:
  virtual ~CsrListener() = default;
  // After a bus write took effect; `value` is the register's new content.
  virtual void on_csr_write(std::uint32_t offset, std::uint32_t value) = 0;
  // Before a bus read is served, so that live registers (timestamp) can be refreshed.
  virtual void on_csr_read(std::uint32_t offset) = 0;
};

class CsrBlock : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<CsrBlock> in;

  CsrBlock(sc_core::sc_module_name name, CsrListener& listener, sc_core::sc_time access_latency);

  std::uint32_t value(std::uint32_t offset) const;
  // Hardware-side update, bypassing the bus access rules (status bits, counters, HEAD).
  void hw_set(std::uint32_t offset, std::uint32_t value);
  void hw_add(std::uint32_t offset, std::uint32_t delta) { hw_set(offset, value(offset) + delta); }
  // Every register back to its reset value.
  void reset();
  std::uint64_t bus_errors() const { return bus_errors_; }

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  int index_of(std::uint32_t offset) const;

  CsrListener& listener_;
  sc_core::sc_time access_latency_;
  std::vector<std::uint32_t> values_;  // by register index in hw::kRegisters
  std::vector<int> index_;             // offset / 4 -> register index, or -1
  std::uint64_t bus_errors_ = 0;
};

}  // namespace flowsim::model
