// SPDX-License-Identifier: Apache-2.0
// The hardware access layer: everything the driver may do to the device. It is the seam
// that makes driver development without hardware possible — the SystemC model is one
// backend (testbench/harness/model_hal), a real device mapped through UIO/VFIO would be
// another, and TraceHal records every access of whichever it wraps.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

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
  // Zero-filled, 64-byte aligned DMA memory that lives as long as the Hal.
  virtual DmaRegion alloc_dma(std::size_t size) = 0;
  // Lets time pass (a polling loop's sleep); on the model this is simulated time.
  virtual void sleep(std::chrono::nanoseconds duration) = 0;
  virtual std::chrono::nanoseconds now() const = 0;
};

}  // namespace flowsim::driver
