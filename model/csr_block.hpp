// SPDX-License-Identifier: Apache-2.0
// The CSR block: the chip's register file, a TLM-2.0 target on the host bus. It is the only
// place that decodes register offsets; it knows them from the generated description
// (rtl/spec/flowsim_hw.yaml). Access rules (RO, RW, W1C, WO) are applied here; the blocks
// see values and are told about writes through CsrListener. A bad access gets a TLM error
// response and is counted, never an assert.
//
// Loosely timed: an access takes effect when it arrives; its annotated delay (how far the
// initiator runs ahead of the SystemC clock) is passed to the listener, so that what a write
// starts (a DMA, a reset's busy time) is scheduled from the initiator's time. A burst (data
// length 4n, n consecutive registers) is n accesses in address order in one transaction; it
// is refused whole if any of its words has no register.
#pragma once

#include <cstdint>
#include <span>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>
#include <vector>

#include "model/device_faults.hpp"

namespace flowsim::model {

class CsrListener {
 public:
  virtual ~CsrListener() = default;
  // After a bus write took effect; `value` is the register's new content. `delay`: the
  // write's annotated time, after the SystemC clock (TLM-2.0 LT).
  virtual void on_csr_write(std::uint32_t offset, std::uint32_t value, const sc_core::sc_time& delay) = 0;
  // Before a bus read is served, so that live registers (timestamp) can be refreshed for the
  // read's annotated time.
  virtual void on_csr_read(std::uint32_t offset, const sc_core::sc_time& delay) = 0;
};

class CsrBlock : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<CsrBlock> in;

  CsrBlock(sc_core::sc_module_name name, CsrListener& listener, sc_core::sc_time access_latency);

  std::uint32_t value(std::uint32_t offset) const {
    const int i = index_of(offset);
    return i < 0 ? 0 : values_[static_cast<std::size_t>(i)];
  }
  // Hardware-side update, bypassing the bus access rules (status bits, counters, HEAD).
  void hw_set(std::uint32_t offset, std::uint32_t value) {
    const int i = index_of(offset);
    if (i >= 0) values_[static_cast<std::size_t>(i)] = value;
  }
  void hw_add(std::uint32_t offset, std::uint32_t delta) {
    const int i = index_of(offset);
    if (i >= 0) values_[static_cast<std::size_t>(i)] += delta;
  }
  // The `count` registers from `offset`, which must be consecutive in the map (a window such
  // as ENTRY_DATA[0..31]); empty if they are not. For blocks that move a window at once.
  std::span<std::uint32_t> window(std::uint32_t offset, std::size_t count);
  // Every register back to its reset value.
  void reset();
  // The listener is told about bus writes (reads) of the registers it asked for here, and
  // only those: the others are plain storage, so a burst into a data window costs no calls.
  void watch_writes(std::uint32_t offset);
  void watch_reads(std::uint32_t offset);
  // Injected faults to honour (register_reads_all_ones); none when not set.
  void set_faults(const DeviceFaults* faults) { faults_ = faults; }
  std::uint64_t bus_errors() const { return bus_errors_; }

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  void read_one(int index, std::uint32_t offset, unsigned char* data, const sc_core::sc_time& delay);
  void write_one(int index, std::uint32_t offset, const unsigned char* data, const sc_core::sc_time& delay);
  int index_of(std::uint32_t offset) const {
    if (offset % 4 != 0 || offset / 4 >= index_.size()) return -1;
    return index_[offset / 4];
  }

  CsrListener& listener_;
  sc_core::sc_time access_latency_;
  std::vector<std::uint32_t> values_;  // by register index in hw::kRegisters
  std::vector<int> index_;             // offset / 4 -> register index, or -1
  std::vector<std::uint8_t> watched_;  // by register index: kWatchWrites | kWatchReads
  // By register index: how many registers from it on, at consecutive offsets, are plain
  // read/write storage (rw, watched by nobody): a burst over them is a copy.
  std::vector<std::uint32_t> plain_run_;
  void compute_plain_runs();
  std::uint64_t bus_errors_ = 0;
  const DeviceFaults* faults_ = nullptr;
};

}  // namespace flowsim::model
