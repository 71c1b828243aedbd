// SPDX-License-Identifier: Apache-2.0
// The rewrite unit as RTL: rtl/foe_rewrite.sv Verilated, fed one frame per clock (its first
// bytes as far as the unit may change them, the parse and the entry); the new L2 header and the
// rewritten first L3 bytes come back after hw::datapath::kRewriteLatencyCycles and replace the
// frame's, the frame growing or shrinking by what was pushed and popped.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "model/rewrite_engine.hpp"

class Vfoe_rewrite;
class Vfoe_rewrite_inst;

namespace flowsim::model {

template <class VTop>
class VerilatedBlock;
class RtlInstruments;

// VTop: Vfoe_rewrite (the plain Verilation, what --rtl runs) or Vfoe_rewrite_inst (instrumented, for
// --wave and --rtl-coverage; see RtlInstruments).
template <class VTop>
class RewriteRtlOf final : public RewriteEngine {
 public:
  // `instruments` only with Vfoe_rewrite_inst.
  explicit RewriteRtlOf(RtlInstruments* instruments = nullptr);
  ~RewriteRtlOf() override;
  RewriteRtlOf(const RewriteRtlOf&) = delete;
  RewriteRtlOf& operator=(const RewriteRtlOf&) = delete;

  // in.size() + kRewriteLatencyCycles clock cycles per call. Throws std::invalid_argument if
  // out.size() != in.size(), std::logic_error if the RTL's output timing is not the spec's
  // latency. Not thread-safe.
  void rewrite(const RewriteConfig& config, std::span<const RewriteRequest> in, std::span<RewriteResult> out) override;
  std::string_view name() const override { return "rtl"; }

  std::uint64_t cycles() const;

 private:
  std::unique_ptr<VerilatedBlock<VTop>> block_;
};

using RewriteRtl = RewriteRtlOf<Vfoe_rewrite>;
using RewriteRtlInstrumented = RewriteRtlOf<Vfoe_rewrite_inst>;
extern template class RewriteRtlOf<Vfoe_rewrite>;
extern template class RewriteRtlOf<Vfoe_rewrite_inst>;

}  // namespace flowsim::model
