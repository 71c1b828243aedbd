// SPDX-License-Identifier: Apache-2.0
// Waveforms of the RTL datapath (flowsim replay --wave FILE --wave-window T0:T1): the default
// scenario replayed with every block as RTL and a window around its first packets; the FST file
// is read back with GTKWave's own reader (fstapi, compiled into the Verilator runtime) and must
// hold the four blocks, only value changes inside the window, each block's latency from input
// to output as the spec's, and a packet's trip in order: parser, hash unit, lookup, rewrite.
// (e2e/rtl_wave_identical_outputs checks that the outputs are those of a run without one.)
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "gtkwave/fstapi.h"
#include "hw/flowsim_hw.hpp"  // Generated.
#include "testbench/harness/replay_session.hpp"
#include "testbench/scenario/scenario.hpp"

namespace flowsim {
namespace {

namespace fs = std::filesystem;

// From the first packet the hardware forwards on (13.3 ms: the flows are offloaded first) to
// the end; the bring-up and the first slow-path packets stay out.
constexpr std::uint64_t kFromPs = 10'000'000'000;    // 10 ms
constexpr std::uint64_t kToPs = 2'000'000'000'000;   // 2 s

// Every 1-bit signal's value changes, by "scope.name", read from an FST file.
struct Waveform {
  std::map<std::string, std::vector<std::pair<std::uint64_t, char>>> bits;
  std::vector<std::string> scopes;
  std::uint64_t changes = 0;
  std::uint64_t first_time = UINT64_MAX;
  std::uint64_t last_time = 0;
  signed char timescale = 0;

  // The times at which `signal` goes from 0 to 1.
  std::vector<std::uint64_t> rises(const std::string& signal) const {
    std::vector<std::uint64_t> out;
    const auto it = bits.find(signal);
    if (it == bits.end()) return out;
    char last = '0';
    for (const auto& [t, v] : it->second) {
      if (v == '1' && last != '1') out.push_back(t);
      last = v;
    }
    return out;
  }
};

Waveform read_fst(const fs::path& path) {
  Waveform w;
  void* ctx = fstReaderOpen(path.c_str());
  if (ctx == nullptr) {
    ADD_FAILURE() << path << " is not an FST file";
    return w;
  }
  w.timescale = fstReaderGetTimescale(ctx);
  std::map<fstHandle, std::string> one_bit;
  std::vector<std::string> scope;
  while (const fstHier* h = fstReaderIterateHier(ctx)) {
    if (h->htyp == FST_HT_SCOPE) {
      scope.emplace_back(h->u.scope.name);
      std::string full;
      for (const auto& s : scope) full += (full.empty() ? "" : ".") + s;
      w.scopes.push_back(full);
    } else if (h->htyp == FST_HT_UPSCOPE) {
      scope.pop_back();
    } else if (h->htyp == FST_HT_VAR && h->u.var.length == 1 && !h->u.var.is_alias) {
      // Each model is a top-level scope named as the block (foe_parser, ...) holding its
      // ports; the module's own scope is inside it.
      std::string full;
      for (const auto& s : scope) full += s + ".";
      one_bit[h->u.var.handle] = full + h->u.var.name;
    }
  }
  struct Sink {
    Waveform* w;
    std::map<fstHandle, std::string>* names;
  } sink{&w, &one_bit};
  fstReaderSetFacProcessMaskAll(ctx);
  fstReaderIterBlocks(
      ctx,
      [](void* user, std::uint64_t time, fstHandle handle, const unsigned char* value) {
        auto* s = static_cast<Sink*>(user);
        ++s->w->changes;
        s->w->first_time = std::min(s->w->first_time, time);
        s->w->last_time = std::max(s->w->last_time, time);
        const auto it = s->names->find(handle);
        if (it != s->names->end()) s->w->bits[it->second].emplace_back(time, static_cast<char>(value[0]));
      },
      &sink, nullptr);
  fstReaderClose(ctx);
  return w;
}

TEST(RtlWaves, WindowOfTheDefaultReplayShowsEachBlockAndOnePacketsTrip) {
  const fs::path work = fs::path(FLOWSIM_BINARY_DIR) / "testbench" / "rtl_waves" / "work";
  fs::remove_all(work);
  fs::create_directories(work);
  scenario::Scenario s = scenario::load_scenario(fs::path(FLOWSIM_SOURCE_DIR) / "scenarios" / "home_router.yaml");
  s.asic.rtl = model::RtlBlocks::all();

  testbench::ReplayOptions options;
  options.out_dir = work / "out";
  options.rtl_instruments.wave_path = (work / "datapath.fst").string();
  options.rtl_instruments.wave_from_ps = kFromPs;
  options.rtl_instruments.wave_to_ps = kToPs;
  const testbench::Report report = testbench::run_replay(s, options);
  ASSERT_TRUE(report.accounted());

  const Waveform w = read_fst(work / "datapath.fst");
  EXPECT_EQ(w.timescale, -12);  // picoseconds
  std::string scopes;
  for (const auto& sc : w.scopes) scopes += sc + " ";
  for (const char* block : {"foe_parser", "foe_hash", "foe_lookup", "foe_rewrite"}) {
    EXPECT_NE(std::find(w.scopes.begin(), w.scopes.end(), std::string(block)), w.scopes.end())
        << block << " not among " << scopes;
  }
  ASSERT_GT(w.changes, 0u);
  EXPECT_GE(w.first_time, kFromPs);
  EXPECT_LE(w.last_time, kToPs);

  // Each block's output comes its latency after its input: inputs are drawn at the falling edge
  // before the rising edge that takes them, outputs change at the rising edge `latency` cycles
  // on, so (latency - 1/2) core-clock periods (500 MHz) later.
  const std::uint64_t period = 1'000'000 / s.asic.clock_mhz;
  const auto after = [&](unsigned latency) { return latency * period - period / 2; };
  const auto parser_in = w.rises("foe_parser.valid_i");
  const auto parser_out = w.rises("foe_parser.valid_o");
  const auto hash_in = w.rises("foe_hash.valid_i");
  const auto hash_out = w.rises("foe_hash.valid_o");
  const auto lookup_in = w.rises("foe_lookup.req_valid_i");
  const auto lookup_out = w.rises("foe_lookup.res_valid_o");
  const auto rewrite_in = w.rises("foe_rewrite.valid_i");
  const auto rewrite_out = w.rises("foe_rewrite.valid_o");
  for (const auto* v : {&parser_in, &parser_out, &hash_in, &hash_out, &lookup_in, &lookup_out, &rewrite_in, &rewrite_out}) {
    ASSERT_FALSE(v->empty());
  }
  EXPECT_EQ(parser_out[0] - parser_in[0], after(hw::datapath::kParserLatencyCycles));
  EXPECT_EQ(hash_out[0] - hash_in[0], after(hw::hash::kLatencyCycles));
  EXPECT_EQ(lookup_out[0] - lookup_in[0], after(hw::datapath::kLookupLatencyCycles));
  EXPECT_EQ(rewrite_out[0] - rewrite_in[0], after(hw::datapath::kRewriteLatencyCycles));
  // A packet's trip: each block takes it once the previous one has handed it on.
  EXPECT_GE(hash_in[0], parser_out[0]);
  EXPECT_GE(lookup_in[0], hash_out[0]);
  const auto first_rewrite_after = [&](std::uint64_t t) {
    return *std::lower_bound(rewrite_in.begin(), rewrite_in.end(), t);
  };
  EXPECT_GE(first_rewrite_after(lookup_out[0]), lookup_out[0]);
}

}  // namespace
}  // namespace flowsim
