// SPDX-License-Identifier: Apache-2.0
// The flow-table lookup as RTL: rtl/foe_lookup.sv (with its SRAM banks, rtl/foe_sram.sv)
// Verilated. Lookups are issued whenever the block is ready (one per
// hw::datapath::kLookupIiCycles) and their results collected
// hw::datapath::kLookupLatencyCycles later; entry-window operations take one request slot
// each. The table lives in the RTL's SRAM only.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "model/lookup_engine.hpp"

class Vfoe_lookup;
class Vfoe_lookup_inst;

namespace flowsim::model {

template <class VTop>
class VerilatedBlock;
class RtlInstruments;

// VTop: Vfoe_lookup (the plain Verilation, what --rtl runs) or Vfoe_lookup_inst (instrumented, for
// --wave and --rtl-coverage; see RtlInstruments).
template <class VTop>
class LookupRtlOf final : public LookupEngine {
 public:
  // `entries` a power of two within the spec's limits, `ways` 1, 2 or 4 (the chip validates
  // them). The table starts cleared.
  // `instruments` only with Vfoe_lookup_inst.
  LookupRtlOf(unsigned entries, unsigned ways, RtlInstruments* instruments = nullptr);
  ~LookupRtlOf() override;
  LookupRtlOf(const LookupRtlOf&) = delete;
  LookupRtlOf& operator=(const LookupRtlOf&) = delete;

  // Throws std::invalid_argument if out.size() != in.size(), std::logic_error if a result does
  // not come back exactly kLookupLatencyCycles after its request. Not thread-safe.
  void lookup(const LookupConfig& config, std::span<const LookupRequest> in, std::span<LookupResult> out) override;
  EntryImage read(unsigned index) override;
  void write(unsigned index, const EntryImage& image, std::uint16_t now_s) override;
  void invalidate(unsigned index) override;
  void clear() override;
  unsigned used() const override;
  std::string_view name() const override { return "rtl"; }

  std::uint64_t cycles() const;

 private:
  // One entry-window operation (1 read, 2 write, 3 invalidate); returns op_data_o.
  EntryImage operate(unsigned op, unsigned index, const EntryImage* data, std::uint16_t now_s);
  void wait_ready();

  std::unique_ptr<VerilatedBlock<VTop>> block_;
  std::vector<std::uint64_t> issued_at_;  // cycle of each request of the batch in flight
};

using LookupRtl = LookupRtlOf<Vfoe_lookup>;
using LookupRtlInstrumented = LookupRtlOf<Vfoe_lookup_inst>;
extern template class LookupRtlOf<Vfoe_lookup>;
extern template class LookupRtlOf<Vfoe_lookup_inst>;

}  // namespace flowsim::model
