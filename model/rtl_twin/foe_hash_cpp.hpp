// SPDX-License-Identifier: Apache-2.0
// The hash unit as plain C++ (net::foe_hash): the fast default for the model's hash block, and
// the twin that FoeHashRtl is checked against bit for bit.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "model/foe_hash_engine.hpp"

namespace flowsim::model {

class FoeHashCpp final : public FoeHashEngine {
 public:
  // Throws std::invalid_argument if out.size() != in.size().
  void compute(std::span<const net::FoeHashWords> in, std::span<std::uint32_t> out) override;
  std::string_view name() const override { return "cpp"; }
};

}  // namespace flowsim::model
