// SPDX-License-Identifier: Apache-2.0
// The error for bad input from outside (pcap files, scenario and rule files, packets):
// its message always names where the problem is (file, line, packet number) and what is
// wrong, so that a user can fix the input without a debugger.
#pragma once

#include <stdexcept>
#include <string>

namespace flowsim::net {

class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace flowsim::net
