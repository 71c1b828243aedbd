// SPDX-License-Identifier: Apache-2.0
// The interface of the model's hash block: a batch of hash-unit inputs in, their 32-bit hashes
// out. Two implementations exist (model/rtl_twin): the C++ reference and the Verilated RTL, so a
// scenario can run the hash unit as RTL without the hash block knowing which it has.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "net/foe_hash.hpp"

namespace flowsim::model {

class FoeHashEngine {
 public:
  virtual ~FoeHashEngine() = default;

  // out[i] = net::foe_hash(in[i]) for every i; out.size() must equal in.size(). A batch is one
  // burst into the hash pipeline, so one call per packet batch, not per packet.
  virtual void compute(std::span<const net::FoeHashWords> in, std::span<std::uint32_t> out) = 0;
  // A short name for reports ("cpp", "rtl").
  virtual std::string_view name() const = 0;
};

}  // namespace flowsim::model
