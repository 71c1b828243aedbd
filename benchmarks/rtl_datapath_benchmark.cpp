// SPDX-License-Identifier: Apache-2.0
// The ingress datapath blocks alone, as the model's pipeline calls them per batch: parser,
// hash unit, flow-table lookup and rewrite unit on bound 64-byte UDP flows (NAPT, TTL, MACs),
// with every block C++ (BM_DatapathCpp) or every block Verilated RTL (BM_DatapathRtl, what
// `--rtl all` runs), by batch size. Items are packets: items_per_second is packets per wall
// second through the four blocks. The whole chip with RTL blocks is model_benchmark run with
// FLOWSIM_TEST_RTL=all (README, "RTL datapath").
#include <benchmark/benchmark.h>

#include <vector>

#include "model/rtl_twin/datapath_engines.hpp"
#include "net/foe_hash.hpp"
#include "net/packet_buffer.hpp"
#include "testbench/bench/model_ops.hpp"
#include "testbench/bench/test_frame.hpp"

namespace {

using namespace flowsim;

constexpr unsigned kFlows = 256;
constexpr unsigned kEntries = 16384;
constexpr unsigned kWays = 4;

// The four engines with one BIND NAPT entry per flow, and the flows' frames.
struct Datapath {
  model::DatapathEngines engines;
  std::vector<std::vector<std::uint8_t>> frames;

  explicit Datapath(model::RtlBlocks rtl) : engines(model::make_datapath_engines(rtl, kEntries, kWays)) {
    std::vector<unsigned> ways(kEntries / kWays);
    for (std::uint16_t sport = 1000; frames.size() < kFlows; ++sport) {
      testbench::EntrySpec s;
      s.orig = net::FiveTuple::ipv4(net::Ipv4Addr(0x0a000001), net::Ipv4Addr(0x0a010001), 17, sport, 53);
      const unsigned bucket = testbench::entry_index(s.orig, kEntries, kWays) / kWays;
      if (ways[bucket] == kWays) continue;
      s.nat = net::FiveTuple::ipv4(net::Ipv4Addr(0xcb007101), net::Ipv4Addr(0x0a010001), 17, sport, 53);
      s.dest_port = 1;
      engines.lookup->write(bucket * kWays + ways[bucket]++, testbench::encode_entry(s), 1);
      frames.push_back(testbench::udp4_frame(0x0a000001, 0x0a010001, sport, 53, 18));
    }
  }
};

// Parser, hash, lookup and rewrite over batches of state.range(0) frames, round robin over the
// flows; the frames are restored before each batch (the rewrite edits them in place).
void run(benchmark::State& state, model::RtlBlocks rtl) {
  Datapath d(rtl);
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<net::PacketBuffer> buffers(n);
  std::vector<std::span<const std::uint8_t>> spans(n);
  std::vector<model::ParsedHeaders> parsed(n);
  std::vector<net::FoeHashWords> words(n);
  std::vector<std::uint32_t> hashes(n);
  std::vector<model::LookupRequest> requests(n);
  std::vector<model::LookupResult> results(n);
  std::vector<model::RewriteRequest> rewrites(n);
  std::vector<model::RewriteResult> rewritten(n);
  model::RewriteConfig config;
  config.ports = 8;
  config.port_mtu.fill(1500);
  std::size_t next = 0;
  std::int64_t forwarded = 0;
  for (auto _ : state) {
    for (std::size_t i = 0; i < n; ++i) {
      buffers[i].assign(d.frames[next]);
      next = (next + 1) % d.frames.size();
      spans[i] = buffers[i].bytes();
    }
    d.engines.parser->parse(spans, parsed);
    for (std::size_t i = 0; i < n; ++i) {
      words[i] = net::foe_hash_words_ipv4(parsed[i].key[0], parsed[i].key[1], parsed[i].key[2], 0);
    }
    d.engines.hash->compute(words, hashes);
    for (std::size_t i = 0; i < n; ++i) {
      requests[i].key.udp = parsed[i].udp;
      requests[i].key.words = parsed[i].key;
      requests[i].hash = hashes[i];
    }
    d.engines.lookup->lookup(model::LookupConfig{}, requests, results);
    for (std::size_t i = 0; i < n; ++i) rewrites[i] = {&buffers[i], &parsed[i], &results[i].entry};
    d.engines.rewrite->rewrite(config, rewrites, rewritten);
    for (const auto& r : rewritten) forwarded += r.forward;
  }
  const std::int64_t packets = state.iterations() * state.range(0);
  state.SetItemsProcessed(packets);
  state.SetLabel("rtl: " + rtl.to_string() + ", forwarded " + std::to_string(100 * forwarded / std::max<std::int64_t>(1, packets)) + " %");
}

void BM_DatapathCpp(benchmark::State& state) { run(state, model::RtlBlocks::none()); }
BENCHMARK(BM_DatapathCpp)->Arg(1)->Arg(8)->Arg(64)->Arg(256);

void BM_DatapathRtl(benchmark::State& state) { run(state, model::RtlBlocks::all()); }
BENCHMARK(BM_DatapathRtl)->Arg(1)->Arg(8)->Arg(64)->Arg(256);

// One block as RTL, the others C++: where the RTL datapath's time goes. range(1) is the block
// (RtlBlocks::Block: parser, hash, lookup, rewrite).
void BM_DatapathOneBlockRtl(benchmark::State& state) {
  const auto block = static_cast<model::RtlBlocks::Block>(state.range(1));
  model::RtlBlocks rtl;
  rtl.set(block);
  run(state, rtl);
}
BENCHMARK(BM_DatapathOneBlockRtl)->ArgsProduct({{64}, {0, 1, 2, 3}});

}  // namespace
