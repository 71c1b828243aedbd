// SPDX-License-Identifier: Apache-2.0
// A device that does not behave (wrong ID, never ready, impossible values read back):
// the driver reports it with what it expected and what it saw, and never hangs on it.
#pragma once

#include <stdexcept>

namespace flowsim::driver {

class DeviceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace flowsim::driver
