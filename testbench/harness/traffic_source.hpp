// SPDX-License-Identifier: Apache-2.0
// What the replay session asks of whatever injects the traffic (the per-port replayer or the
// capture replayer): whether it is done, and the input error that stopped it, if any.
#pragma once

#include <string>

namespace flowsim::testbench {

class TrafficSource {
 public:
  virtual ~TrafficSource() = default;
  virtual bool done() const = 0;
  virtual const std::string& error() const = 0;
};

}  // namespace flowsim::testbench
