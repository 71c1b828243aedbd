// SPDX-License-Identifier: Apache-2.0
// The hardware access layer: everything the driver may do to the device. It is the seam
// that makes driver development without hardware possible — the SystemC model is one
// backend (testbench/harness/model_hal), a real device mapped through UIO/VFIO would be
// another, and TraceHal records every access of whichever it wraps.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>

namespace flowsim::driver {

// Host memory the device can read and write by DMA. `bus_addr` is what the device is
// given; `host` is where the CPU sees the same bytes.
struct DmaRegion {
  std::uint8_t* host = nullptr;
  std::uint64_t bus_addr = 0;
  std::size_t size = 0;
};

class Hal {
 public:
  virtual ~Hal() = default;
  // 32-bit register access at a byte offset into the device's register window. A read the
  // device does not answer returns 0xffffffff, as on PCIe.
  virtual std::uint32_t read32(std::uint32_t offset) = 0;
  virtual void write32(std::uint32_t offset, std::uint32_t value) = 0;
  // Consecutive 32-bit registers from `offset` (a window such as ENTRY_DATA[0..31]) as one
  // burst where the bus allows it (write-combined MMIO, one PCIe TLP): the same accesses in
  // the same order as word by word, in less time. The defaults go word by word.
  virtual void write_block(std::uint32_t offset, std::span<const std::uint32_t> words) {
    for (std::size_t i = 0; i < words.size(); ++i) write32(offset + static_cast<std::uint32_t>(4 * i), words[i]);
  }
  virtual void read_block(std::uint32_t offset, std::span<std::uint32_t> words) {
    for (std::size_t i = 0; i < words.size(); ++i) words[i] = read32(offset + static_cast<std::uint32_t>(4 * i));
  }
  // Before the CPU reads memory that the device writes by DMA (a descriptor's DONE bit), as
  // Linux's dma_sync_single_for_cpu(): what the device wrote up to the CPU's present becomes
  // visible. A loosely-timed model lets the device catch up with a CPU that ran ahead.
  virtual void sync_for_cpu() {}
  // The CPU is about to wait for the device (an interrupt, a timer): bring the device to the
  // CPU's present first. Only a loosely-timed backend has something to do.
  virtual void sync() {}
  // Zero-filled, 64-byte aligned DMA memory that lives as long as the Hal.
  virtual DmaRegion alloc_dma(std::size_t size) = 0;
  // Lets time pass (a polling loop's sleep); on the model this is simulated time.
  virtual void sleep(std::chrono::nanoseconds duration) = 0;
  virtual std::chrono::nanoseconds now() const = 0;
};

}  // namespace flowsim::driver
