// SPDX-License-Identifier: Apache-2.0
// Faults the chip can be told to commit, so that a driver's detection and recovery can be
// tested without broken silicon. A test (or the scenario's `faults:` list, at a simulated
// time) arms one through Asic::inject_fault(); the block that owns the behaviour consults
// DeviceFaults at its hook: the CSR block for register reads, the CPU port for DMA,
// descriptors, the TX engine and the interrupt line, the ENTRY_CTRL dispatch for the entry
// window. A persistent fault lasts until the next soft reset; the others happen once, at
// the next opportunity.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace flowsim::model {

enum class FaultKind : std::uint8_t {
  kRegisterReadsAllOnes,  // persistent: every register read answers 0xffffffff
  kDmaWriteLost,          // the next descriptor write-back (RX or TX) does not reach memory
  kRxDescriptorCorrupt,   // the next RX descriptor is written with impossible values
  kTxRingStall,           // persistent: the TX DMA engine stops taking descriptors
  kInterruptLost,         // the next rising edge of the interrupt line does not happen
  kEntryWriteNotAcked,    // the next ENTRY_CTRL request is neither performed nor acknowledged
  kCount,
};

inline constexpr std::size_t kFaultKindCount = static_cast<std::size_t>(FaultKind::kCount);

std::string_view to_string(FaultKind k);
std::optional<FaultKind> fault_kind_from_string(std::string_view name);

class DeviceFaults {
 public:
  void arm(FaultKind k);
  // Persistent faults, in force until the next soft reset.
  bool reads_all_ones() const { return armed(FaultKind::kRegisterReadsAllOnes); }
  bool tx_stalled() const { return armed(FaultKind::kTxRingStall); }
  // One-shot faults: true (and disarmed) if `k` is armed, at the block's hook.
  bool take(FaultKind k);
  // The soft reset ends the persistent faults; armed one-shots stay armed.
  void on_soft_reset();

  std::uint64_t injected(FaultKind k) const { return injected_[index(k)]; }
  // One-shot faults that actually happened (an armed one waits for its opportunity).
  std::uint64_t committed(FaultKind k) const { return committed_[index(k)]; }

 private:
  static std::size_t index(FaultKind k) { return static_cast<std::size_t>(k); }
  bool armed(FaultKind k) const { return armed_[index(k)] > 0; }

  std::array<unsigned, kFaultKindCount> armed_{};
  std::array<std::uint64_t, kFaultKindCount> injected_{};
  std::array<std::uint64_t, kFaultKindCount> committed_{};
};

}  // namespace flowsim::model
