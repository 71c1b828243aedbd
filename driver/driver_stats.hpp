// SPDX-License-Identifier: Apache-2.0
// The driver's counters (ethtool -S in Linux terms): the NIC side (interrupts, rings) and the
// flow-offload side, which the FlowOffloader attached to the driver keeps up to date. The
// report prints them; tests assert them.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

// An interface header, not the engine: the offload port the engine calls and the driver
// implements (net::OffloadRefusal indexes the refusal counters).
#include "net/flow_offload.hpp"

namespace flowsim::driver {

inline constexpr std::size_t kRefusalKinds = static_cast<std::size_t>(net::OffloadRefusal::kCount);

struct FlowOffloadCounters {
  std::uint64_t replace_calls = 0;
  std::uint64_t destroy_calls = 0;
  std::uint64_t stats_calls = 0;
  // Flows with at least one direction bound in hardware (learn mode: counted at the bind).
  std::uint64_t flows_offloaded = 0;
  std::uint64_t partial_offloads = 0;  // only one of the two directions found room
  // replace() results other than kNone, by net::OffloadRefusal; and per direction,
  // including the direction that did not fit in a partial offload.
  std::array<std::uint64_t, kRefusalKinds> refused{};
  std::array<std::uint64_t, kRefusalKinds> direction_refused{};
  std::uint64_t entries_written = 0;    // ENTRY_CTRL OP=WRITE acknowledged
  std::uint64_t entries_verified = 0;   // read back identical
  std::uint64_t entries_deleted = 0;    // OP=INVALIDATE acknowledged
  std::uint64_t entries_reclaimed = 0;  // found aged, replaced or FIN in hardware; way taken back
  std::uint64_t learn_parked = 0;       // directions waiting for hit_unbind_rate_reached
  std::uint64_t learn_checks = 0;       // hit_unbind_rate_reached punts looked at
  std::uint64_t learn_throttled = 0;    // ... skipped: same index checked < learn_check_interval ago
  std::uint64_t learn_binds = 0;        // BIND entries written at the index the hardware chose
  std::uint64_t learn_no_match = 0;     // ... whose UNBIND entry matched no parked flow
  std::uint64_t bad_foe_index = 0;      // FOE_INDEX beyond the table in an RX descriptor
  // Every fault of the device, whichever operation saw it, and by kind (DeviceFault).
  std::uint64_t device_errors = 0;
  std::uint64_t ack_timeouts = 0;
  std::uint64_t err_bits = 0;
  std::uint64_t all_ones_reads = 0;
  std::uint64_t verify_mismatches = 0;

  std::uint64_t refusals(net::OffloadRefusal r) const { return refused[static_cast<std::size_t>(r)]; }
};

struct DriverStats {
  std::uint64_t irqs = 0;
  std::uint64_t rx_packets = 0;
  std::uint64_t rx_truncated = 0;
  std::uint64_t rx_ring_full_events = 0;  // the device reported punts lost to a full ring
  std::uint64_t tx_packets = 0;
  std::uint64_t tx_ring_full = 0;
  std::uint64_t tx_too_long = 0;
  std::uint64_t aged_irqs = 0;  // IRQ_STATUS.AGED: the aging scanner invalidated entries
  FlowOffloadCounters offload;
};

}  // namespace flowsim::driver
