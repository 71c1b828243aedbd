// SPDX-License-Identifier: Apache-2.0
#include "model/device_faults.hpp"

namespace flowsim::model {

std::string_view to_string(FaultKind k) {
  switch (k) {
    case FaultKind::kRegisterReadsAllOnes: return "register_reads_all_ones";
    case FaultKind::kDmaWriteLost: return "dma_write_lost";
    case FaultKind::kRxDescriptorCorrupt: return "rx_descriptor_corrupt";
    case FaultKind::kTxRingStall: return "tx_ring_stall";
    case FaultKind::kInterruptLost: return "interrupt_lost";
    case FaultKind::kEntryWriteNotAcked: return "entry_write_not_acked";
    case FaultKind::kCount: break;
  }
  return "unknown";
}

std::optional<FaultKind> fault_kind_from_string(std::string_view name) {
  for (std::size_t i = 0; i < kFaultKindCount; ++i) {
    const auto k = static_cast<FaultKind>(i);
    if (to_string(k) == name) return k;
  }
  return std::nullopt;
}

void DeviceFaults::arm(FaultKind k) {
  ++injected_[index(k)];
  const bool persistent = k == FaultKind::kRegisterReadsAllOnes || k == FaultKind::kTxRingStall;
  if (persistent) {
    armed_[index(k)] = 1;
    ++committed_[index(k)];
  } else {
    ++armed_[index(k)];
  }
}

bool DeviceFaults::take(FaultKind k) {
  if (armed_[index(k)] == 0) return false;
  --armed_[index(k)];
  ++committed_[index(k)];
  return true;
}

void DeviceFaults::on_soft_reset() {
  armed_[index(FaultKind::kRegisterReadsAllOnes)] = 0;
  armed_[index(FaultKind::kTxRingStall)] = 0;
}

}  // namespace flowsim::model
