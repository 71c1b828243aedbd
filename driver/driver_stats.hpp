// SPDX-License-Identifier: Apache-2.0
// The driver's counters (ethtool -S in Linux terms): the NIC side (interrupts, rings) and the
// flow-offload side, which the FlowOffloader attached to the driver keeps up to date. The
// report prints them; tests assert them.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

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
  std::uint64_t flows_reinstalled = 0;  // written again after a device recovery
  std::uint64_t reinstall_failed = 0;   // ... with no direction finding room (left to the engine)
  // Every fault of the device, whichever operation saw it, and by kind (DeviceFault).
  std::uint64_t device_errors = 0;
  std::uint64_t ack_timeouts = 0;
  std::uint64_t err_bits = 0;
  std::uint64_t all_ones_reads = 0;
  std::uint64_t verify_mismatches = 0;

  std::uint64_t refusals(net::OffloadRefusal r) const { return refused[static_cast<std::size_t>(r)]; }
};

// Why the driver reset the device and brought it up again.
enum class ResetCause : std::uint8_t {
  kDeviceGone,          // a control register read 0xffffffff
  kBadDescriptor,       // the device wrote an RX descriptor with impossible values
  kRxWriteBackLost,     // RING_HEAD passed an RX descriptor that never became DONE
  kTxWriteBackLost,     // RING_HEAD passed a TX descriptor that never became DONE
  kTxHang,              // frames in the TX ring, no completion for DriverConfig::tx_timeout
  kMissedInterrupt,     // completed RX descriptors waited a watchdog period with no interrupt
  kEntryAckTimeout,     // ENTRY_CTRL or MIB_SER_CR never acknowledged an operation
  kRequested,           // asked for, not detected: an administrator's reset (devlink reload)
  kCount,
};
inline constexpr std::size_t kResetCauseCount = static_cast<std::size_t>(ResetCause::kCount);

constexpr std::string_view to_string(ResetCause c) {
  switch (c) {
    case ResetCause::kDeviceGone: return "device_gone";
    case ResetCause::kBadDescriptor: return "bad_descriptor";
    case ResetCause::kRxWriteBackLost: return "rx_write_back_lost";
    case ResetCause::kTxWriteBackLost: return "tx_write_back_lost";
    case ResetCause::kTxHang: return "tx_hang";
    case ResetCause::kMissedInterrupt: return "missed_interrupt";
    case ResetCause::kEntryAckTimeout: return "entry_ack_timeout";
    case ResetCause::kRequested: return "requested";
    case ResetCause::kCount: break;
  }
  return "unknown";
}

struct DriverStats {
  std::uint64_t irqs = 0;
  std::uint64_t rx_packets = 0;
  std::uint64_t rx_truncated = 0;
  std::uint64_t rx_bad_descriptors = 0;  // refused: impossible values (RxDescriptorError)
  std::uint64_t rx_ring_full_events = 0;  // the device reported punts lost to a full ring
  std::uint64_t tx_packets = 0;
  std::uint64_t tx_ring_full = 0;
  std::uint64_t tx_too_long = 0;
  std::uint64_t aged_irqs = 0;  // IRQ_STATUS.AGED: the aging scanner invalidated entries
  // Recovery: the watchdog's runs, frames it found waiting without an interrupt, resets by
  // their first cause, bring-ups after them that worked, frames abandoned in the TX ring.
  std::uint64_t watchdog_runs = 0;
  std::uint64_t polled_without_irq = 0;
  std::array<std::uint64_t, kResetCauseCount> resets{};
  std::uint64_t recoveries = 0;
  std::uint64_t tx_abandoned = 0;
  std::uint64_t total_resets() const {
    std::uint64_t n = 0;
    for (const std::uint64_t r : resets) n += r;
    return n;
  }
  FlowOffloadCounters offload;
};

}  // namespace flowsim::driver
