// SPDX-License-Identifier: Apache-2.0
#include "model/asic_observer.hpp"

namespace flowsim::model {

std::string_view to_string(ModelDropReason r) {
  switch (r) {
    case ModelDropReason::kPortDisabled: return "port_disabled";
    case ModelDropReason::kEgressQueueFull: return "egress_queue_full";
    case ModelDropReason::kRxRingFull: return "rx_ring_full";
    case ModelDropReason::kCpuPortDown: return "cpu_port_down";
    case ModelDropReason::kTxBadPort: return "tx_bad_port";
    case ModelDropReason::kTxBadLength: return "tx_bad_length";
    case ModelDropReason::kRxFifoOverflow: return "rx_fifo_overflow";
    case ModelDropReason::kPuntMeter: return "punt_meter";
    case ModelDropReason::kOversizeFrame: return "oversize_frame";
    // The engine drops bad IPv4 header checksums under the same name (ip_rcv's csum_error):
    // a report counts them together, whoever dropped them.
    case ModelDropReason::kIpChecksum: return "ip_checksum";
    case ModelDropReason::kL4Checksum: return "l4_checksum";
    case ModelDropReason::kTtlZero: return "ttl_zero";
    case ModelDropReason::kDeviceReset: return "device_reset";
    case ModelDropReason::kDmaError: return "dma_error";
    case ModelDropReason::kCount: break;
  }
  return "unknown";
}

}  // namespace flowsim::model
