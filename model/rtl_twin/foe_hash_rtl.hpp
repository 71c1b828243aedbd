// SPDX-License-Identifier: Apache-2.0
// The hash unit as RTL: rtl/foe_hash.sv Verilated in plain C++ mode (not --sc). compute()
// streams a batch through the pipeline in a tight clock loop with no SystemC in it, which is
// how Verilated blocks join the model (DESIGN.md).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "model/foe_hash_engine.hpp"

class Vfoe_hash;
class Vfoe_hash_inst;

namespace flowsim::model {

template <class VTop>
class VerilatedBlock;
class RtlInstruments;

// VTop: Vfoe_hash (the plain Verilation, what --rtl runs) or Vfoe_hash_inst (instrumented, for
// --wave and --rtl-coverage; see RtlInstruments).
template <class VTop>
class FoeHashRtlOf final : public FoeHashEngine {
 public:
  // Builds the model and holds it in reset for one cycle. `instruments` only with
  // Vfoe_hash_inst.
  explicit FoeHashRtlOf(RtlInstruments* instruments = nullptr);
  ~FoeHashRtlOf() override;
  FoeHashRtlOf(const FoeHashRtlOf&) = delete;
  FoeHashRtlOf& operator=(const FoeHashRtlOf&) = delete;

  // One input per clock, in.size() + hw::hash::kLatencyCycles cycles per call. Throws
  // std::invalid_argument if out.size() != in.size(), std::logic_error if the RTL's output
  // timing differs from the spec's latency. Not thread-safe.
  void compute(std::span<const net::FoeHashWords> in, std::span<std::uint32_t> out) override;
  std::string_view name() const override { return "rtl"; }

  // Clock cycles simulated so far (reset included).
  std::uint64_t cycles() const;

 private:
  std::unique_ptr<VerilatedBlock<VTop>> block_;
};

using FoeHashRtl = FoeHashRtlOf<Vfoe_hash>;
using FoeHashRtlInstrumented = FoeHashRtlOf<Vfoe_hash_inst>;
extern template class FoeHashRtlOf<Vfoe_hash>;
extern template class FoeHashRtlOf<Vfoe_hash_inst>;

}  // namespace flowsim::model
