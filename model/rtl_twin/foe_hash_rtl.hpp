// SPDX-License-Identifier: Apache-2.0
// The hash unit as RTL: rtl/foe_hash.sv Verilated in plain C++ mode (not --sc), owned together
// with its own VerilatedContext. compute() streams a batch through the pipeline in a tight
// clock loop with no SystemC in it, which is how Verilated blocks join the model (DESIGN.md).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "model/foe_hash_engine.hpp"

class VerilatedContext;
class Vfoe_hash;

namespace flowsim::model {

class FoeHashRtl final : public FoeHashEngine {
 public:
  // Builds the model and holds it in reset for one cycle.
  FoeHashRtl();
  ~FoeHashRtl() override;
  FoeHashRtl(const FoeHashRtl&) = delete;
  FoeHashRtl& operator=(const FoeHashRtl&) = delete;

  // One input per clock, in.size() + hw::hash::kLatencyCycles cycles per call. Throws
  // std::invalid_argument if out.size() != in.size(), std::logic_error if the RTL's output
  // timing differs from the spec's latency. Not thread-safe.
  void compute(std::span<const net::FoeHashWords> in, std::span<std::uint32_t> out) override;
  std::string_view name() const override { return "rtl"; }

  // Clock cycles simulated so far (reset included).
  std::uint64_t cycles() const { return cycles_; }

 private:
  void tick();

  // Declared first, destroyed last: the model refers to its context.
  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<Vfoe_hash> top_;
  std::uint64_t cycles_ = 0;
};

}  // namespace flowsim::model
