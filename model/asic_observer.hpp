// SPDX-License-Identifier: Apache-2.0
// What the model tells its environment (the test bench) about packets: every frame that
// leaves a port, is punted to the CPU, or is dropped inside the chip, with a reason. This
// is the tap a logic analyser would give; the driver never sees it.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <systemc>

#include "hw/flowsim_hw.hpp"  // Generated.
#include "model/frame.hpp"

namespace flowsim::model {

enum class ModelDropReason : std::uint8_t {
  kPortDisabled,     // ingress port not enabled by the driver
  kEgressQueueFull,  // tail drop at the egress queue
  kRxRingFull,       // punt with no free RX descriptor
  kCpuPortDown,      // punt while the datapath or the RX ring is not set up
  kTxBadPort,        // TX descriptor naming a port that does not exist
  kTxBadLength,      // TX descriptor with length 0 or larger than a frame can be
  kRxFifoOverflow,   // the ingress port's MAC RX FIFO was full: the pipeline fell behind
  kPuntMeter,        // a punt beyond the CPU port's meter (AsicParams::punt_meter_pps)
  kOversizeFrame,    // a giant: longer than the port's PORT_MTU + 18 bytes, dropped by the MAC
  kIpChecksum,       // GLO_CFG.IP4_CS_DROP: bad IPv4 header checksum
  kL4Checksum,       // GLO_CFG.L4_CS_DROP: bad TCP/UDP checksum
  kTtlZero,          // GLO_CFG.TTL0_DROP: TTL / hop limit 0
  kDeviceReset,      // a DMA transfer aborted by a soft reset or GLO_CFG.EN cleared under it
  kDmaError,         // a DMA read of a TX descriptor or its frame failed on the host bus
  kCount,
};

std::string_view to_string(ModelDropReason r);

class AsicObserver {
 public:
  virtual ~AsicObserver() = default;
  // `start` is when the first bit leaves the port; `frame` is what goes on the wire (no FCS).
  virtual void on_transmit(unsigned port, const sc_core::sc_time& start, std::span<const std::uint8_t> frame,
                           FrameOrigin origin) = 0;
  virtual void on_punt(unsigned port, const sc_core::sc_time& at, std::span<const std::uint8_t> frame,
                       hw::PuntReason reason, std::uint32_t foe_index) = 0;
  // `origin` tells a frame from the wire from one the CPU sent (a router-generated frame
  // dropped at a full egress queue is not a lost input packet).
  virtual void on_drop(unsigned port, const sc_core::sc_time& at, std::span<const std::uint8_t> frame,
                       ModelDropReason reason, FrameOrigin origin) = 0;
};

}  // namespace flowsim::model
