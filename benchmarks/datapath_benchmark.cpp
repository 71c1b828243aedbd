// SPDX-License-Identifier: Apache-2.0
// Per-packet costs of the datapath pieces that every replayed packet goes through: frame
// parsing, the flow hash (C++ twin and Verilated RTL, by batch size) and the software
// engine's forwarding path. Items are packets (or hashes); run with
// --benchmark_format=json for machine-readable output.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <vector>

#include "engine/engine.hpp"
#include "model/rtl_twin/foe_hash_cpp.hpp"
#include "model/rtl_twin/foe_hash_rtl.hpp"
#include "net/foe_hash.hpp"
#include "net/frame_parser.hpp"
#include "net/packet_buffer.hpp"
#include "testbench/pcap/pcap_reader.hpp"
#include "testbench/scenario/scenario.hpp"

namespace {

using namespace flowsim;

const std::filesystem::path kSource = FLOWSIM_SOURCE_DIR;

std::vector<pcap::PcapRecord> lan_trace() {
  std::vector<pcap::PcapRecord> out;
  pcap::PcapReader reader(kSource / "traces/default/lan.pcap");
  pcap::PcapRecord r;
  while (reader.next(r)) out.push_back(r);
  return out;
}

std::vector<net::FoeHashWords> hash_inputs(std::size_t n) {
  std::vector<net::FoeHashWords> in(n);
  std::uint32_t x = 12345;
  for (auto& w : in) {
    x = x * 1664525u + 1013904223u;
    w = {x, x ^ 0x9e3779b9u, x * 3u};
  }
  return in;
}

// Parse every frame of the default LAN trace, round robin.
void BM_ParseFrame(benchmark::State& state) {
  const auto frames = lan_trace();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(net::parse_frame(frames[i].bytes));
    i = (i + 1) % frames.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseFrame);

// The flow hash as the model's hash unit computes it, C++ twin, batch of state.range(0).
void BM_FoeHashCpp(benchmark::State& state) {
  model::FoeHashCpp engine;
  const auto in = hash_inputs(static_cast<std::size_t>(state.range(0)));
  std::vector<std::uint32_t> out(in.size());
  for (auto _ : state) {
    engine.compute(in, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_FoeHashCpp)->Arg(1)->Arg(64)->Arg(1024);

// The same hash through the Verilated RTL: one input per clock, latency paid per batch.
void BM_FoeHashRtl(benchmark::State& state) {
  model::FoeHashRtl engine;
  const auto in = hash_inputs(static_cast<std::size_t>(state.range(0)));
  std::vector<std::uint32_t> out(in.size());
  for (auto _ : state) {
    engine.compute(in, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_FoeHashRtl)->Arg(1)->Arg(64)->Arg(1024);

// The software slow path of the default home router on the LAN trace (routing, TTL,
// MAC rewrite; drops included, as they occur in the trace).
void BM_EngineProcess(benchmark::State& state) {
  const auto frames = lan_trace();
  engine::Engine eng(scenario::to_engine_config(scenario::load_scenario(kSource / "scenarios/home_router.yaml")));
  net::PacketBuffer buf;
  std::size_t i = 0;
  std::int64_t forwarded = 0;
  for (auto _ : state) {
    buf.assign(frames[i].bytes);
    forwarded += eng.process(buf, 0, std::chrono::nanoseconds(0)).forwarded();
    i = (i + 1) % frames.size();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("forwarded " + std::to_string(100 * forwarded / std::max<std::int64_t>(1, state.iterations())) +
                 " %");
}
BENCHMARK(BM_EngineProcess);

}  // namespace
