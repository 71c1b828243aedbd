// SPDX-License-Identifier: Apache-2.0
// The rewrite unit as RTL: rtl/foe_rewrite.sv Verilated, fed one frame per clock (its first
// hw::datapath::kParserWindowBytes bytes, the parse and the entry); the rewritten bytes come
// back after hw::datapath::kRewriteLatencyCycles and replace the frame's first ones, the frame
// growing or shrinking by what was pushed and popped.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "model/rewrite_engine.hpp"

class Vfoe_rewrite;

namespace flowsim::model {

template <class VTop>
class VerilatedBlock;

class RewriteRtl final : public RewriteEngine {
 public:
  RewriteRtl();
  ~RewriteRtl() override;
  RewriteRtl(const RewriteRtl&) = delete;
  RewriteRtl& operator=(const RewriteRtl&) = delete;

  // in.size() + kRewriteLatencyCycles clock cycles per call. Throws std::invalid_argument if
  // out.size() != in.size(), std::logic_error if the RTL's output timing is not the spec's
  // latency. Not thread-safe.
  void rewrite(const RewriteConfig& config, std::span<const RewriteRequest> in, std::span<RewriteResult> out) override;
  std::string_view name() const override { return "rtl"; }

  std::uint64_t cycles() const;

 private:
  std::unique_ptr<VerilatedBlock<Vfoe_rewrite>> block_;
};

}  // namespace flowsim::model
