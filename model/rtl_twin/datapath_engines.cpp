// SPDX-License-Identifier: Apache-2.0
#include "model/rtl_twin/datapath_engines.hpp"

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

template <class Engine, class Cpp, class Rtl, class... Args>
std::unique_ptr<Engine> make(bool rtl, Args... args) {
  if (rtl) return std::make_unique<Rtl>(args...);
  return std::make_unique<Cpp>(args...);
}

}  // namespace

DatapathEngines make_datapath_engines(RtlBlocks rtl, unsigned table_entries, unsigned table_ways) {
  DatapathEngines e;
  e.parser = make<ParserEngine, ParserCpp, ParserRtl>(rtl.has(RtlBlocks::kParser));
  e.hash = make<FoeHashEngine, FoeHashCpp, FoeHashRtl>(rtl.has(RtlBlocks::kHash));
  e.lookup = make<LookupEngine, LookupCpp, LookupRtl>(rtl.has(RtlBlocks::kLookup), table_entries, table_ways);
  e.rewrite = make<RewriteEngine, RewriteCpp, RewriteRtl>(rtl.has(RtlBlocks::kRewrite));
  return e;
}

}  // namespace flowsim::model
