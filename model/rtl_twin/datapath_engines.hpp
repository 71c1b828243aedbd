// SPDX-License-Identifier: Apache-2.0
// Builds the datapath blocks' engines: for each block, its Verilated RTL twin if the selection
// asks for it, else the C++ twin. With a waveform or coverage requested, the RTL blocks are the
// instrumented Verilation, sharing the run's RtlInstruments.
#pragma once

#include <cstdint>
#include <memory>

#include "model/foe_hash_engine.hpp"
#include "model/lookup_engine.hpp"
#include "model/parser_engine.hpp"
#include "model/rewrite_engine.hpp"
#include "model/rtl_twin/rtl_blocks.hpp"
#include "model/rtl_twin/rtl_instrument_request.hpp"
#include "model/rtl_twin/rtl_instruments.hpp"

namespace flowsim::model {

struct DatapathEngines {
  // Declared first, destroyed last: the instrumented blocks live in its context. Null without
  // a waveform or coverage request.
  std::unique_ptr<RtlInstruments> instruments;
  std::unique_ptr<ParserEngine> parser;
  std::unique_ptr<FoeHashEngine> hash;
  std::unique_ptr<LookupEngine> lookup;
  std::unique_ptr<RewriteEngine> rewrite;
};

// `table_entries` and `table_ways` as validated by the chip (powers of two in the spec's range,
// ways 1, 2 or 4); `clock_period_ps` is the waveform's clock. Throws std::invalid_argument if a
// waveform or coverage is requested while no block runs as RTL, or a file cannot be written.
DatapathEngines make_datapath_engines(RtlBlocks rtl, unsigned table_entries, unsigned table_ways,
                                      const RtlInstrumentRequest& instrument = {},
                                      std::uint64_t clock_period_ps = 2000);

}  // namespace flowsim::model
