// SPDX-License-Identifier: Apache-2.0
#include "model/rtl_twin/datapath_engines.hpp"

#include <stdexcept>

#include "model/rtl_twin/foe_hash_cpp.hpp"
#include "model/rtl_twin/foe_hash_rtl.hpp"
#include "model/rtl_twin/lookup_cpp.hpp"
#include "model/rtl_twin/lookup_rtl.hpp"
#include "model/rtl_twin/parser_cpp.hpp"
#include "model/rtl_twin/parser_rtl.hpp"
#include "model/rtl_twin/rewrite_cpp.hpp"
#include "model/rtl_twin/rewrite_rtl.hpp"

namespace flowsim::model {
namespace {

// The C++ twin, the plain RTL, or the instrumented RTL in `instruments`.
template <class Engine, class Cpp, class Rtl, class RtlInstrumented, class... Args>
std::unique_ptr<Engine> make(bool rtl, RtlInstruments* instruments, Args... args) {
  if (!rtl) return std::make_unique<Cpp>(args...);
  if (instruments != nullptr) return std::make_unique<RtlInstrumented>(args..., instruments);
  return std::make_unique<Rtl>(args...);
}

}  // namespace

DatapathEngines make_datapath_engines(RtlBlocks rtl, unsigned table_entries, unsigned table_ways,
                                      const RtlInstrumentRequest& instrument, std::uint64_t clock_period_ps) {
  DatapathEngines e;
  if (instrument.any()) {
    if (!rtl.any()) {
      throw std::invalid_argument("a waveform or RTL coverage needs datapath blocks that run as RTL (--rtl)");
    }
    e.instruments = std::make_unique<RtlInstruments>(instrument, clock_period_ps);
  }
  RtlInstruments* const in = e.instruments.get();
  e.parser = make<ParserEngine, ParserCpp, ParserRtl, ParserRtlInstrumented>(rtl.has(RtlBlocks::kParser), in);
  e.hash = make<FoeHashEngine, FoeHashCpp, FoeHashRtl, FoeHashRtlInstrumented>(rtl.has(RtlBlocks::kHash), in);
  e.lookup = make<LookupEngine, LookupCpp, LookupRtl, LookupRtlInstrumented>(rtl.has(RtlBlocks::kLookup), in,
                                                                             table_entries, table_ways);
  e.rewrite = make<RewriteEngine, RewriteCpp, RewriteRtl, RewriteRtlInstrumented>(rtl.has(RtlBlocks::kRewrite), in);
  if (in != nullptr) in->all_blocks_added();
  return e;
}

}  // namespace flowsim::model
