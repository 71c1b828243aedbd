// SPDX-License-Identifier: Apache-2.0
// How one indirect flow-table or MIB operation went wrong. The driver treats the device as
// untrusted: every one of these becomes a counted device_error and a refusal (the flow stays
// in software), never a hang and never an exception on the packet path.
#pragma once

#include <cstdint>
#include <string_view>

namespace flowsim::driver {

enum class DeviceFault : std::uint8_t {
  kNone,
  kAckTimeout,      // ENTRY_CTRL.ACK (or MIB_SER_CR.ST clear) not seen within the timeout
  kErr,             // ENTRY_CTRL.ERR: the device refused the operation
  kAllOnes,         // a control register read 0xffffffff: the device is gone
  kVerifyMismatch,  // the entry read back differs from the one written
};

constexpr std::string_view to_string(DeviceFault f) {
  switch (f) {
    case DeviceFault::kNone: return "none";
    case DeviceFault::kAckTimeout: return "ack_timeout";
    case DeviceFault::kErr: return "err";
    case DeviceFault::kAllOnes: return "all_ones";
    case DeviceFault::kVerifyMismatch: return "verify_mismatch";
  }
  return "unknown";
}

}  // namespace flowsim::driver
