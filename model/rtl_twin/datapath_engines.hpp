// SPDX-License-Identifier: Apache-2.0
// Builds the datapath blocks' engines: for each block, its Verilated RTL twin if the selection
// asks for it, else the C++ twin.
#pragma once

#include <memory>

#include "model/foe_hash_engine.hpp"
#include "model/lookup_engine.hpp"
#include "model/parser_engine.hpp"
#include "model/rewrite_engine.hpp"
#include "model/rtl_twin/rtl_blocks.hpp"

namespace flowsim::model {

struct DatapathEngines {
  std::unique_ptr<ParserEngine> parser;
  std::unique_ptr<FoeHashEngine> hash;
  std::unique_ptr<LookupEngine> lookup;
  std::unique_ptr<RewriteEngine> rewrite;
};

// `table_entries` and `table_ways` as validated by the chip (powers of two in the spec's range,
// ways 1, 2 or 4).
DatapathEngines make_datapath_engines(RtlBlocks rtl, unsigned table_entries, unsigned table_ways);

}  // namespace flowsim::model
