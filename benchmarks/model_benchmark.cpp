// SPDX-License-Identifier: Apache-2.0
// Speed of the SystemC model of the ASIC: bound flows at line rate on all eight ports
// (4 x 10G + 4 x 2.5G, 64-byte frames), through MAC RX, parser, hash, flow table, rewrite and
// MAC TX, as the harness drives it. Items are simulated packets, so items_per_second is
// simulated packets per wall-clock second. SystemC elaborates once per process: the chip is
// built and programmed once, and every benchmark run sends more packets into the same model.
#include <benchmark/benchmark.h>

#include <array>
#include <memory>
#include <systemc>
#include <vector>

#include "hw/flowsim_hw.hpp"  // Generated.
#include "model/calendar.hpp"
#include "testbench/bench/asic_bench.hpp"
#include "testbench/bench/model_ops.hpp"
#include "testbench/bench/test_frame.hpp"

namespace {

using namespace flowsim;

constexpr unsigned kPorts = 8;
constexpr unsigned kFlowsPerPort = 16;

model::AsicParams board() {
  model::AsicParams p;
  for (unsigned i = 0; i < kPorts; ++i) p.ports.push_back({i < 4 ? 10'000'000'000ull : 2'500'000'000ull, 1500});
  return p;
}

// The chip, programmed with one NAPT entry per flow (port p -> p ^ 1), aging off so that no
// scan is pending between runs.
struct Rig {
  testbench::AsicBench bench{board()};
  std::array<std::vector<std::vector<std::uint8_t>>, kPorts> frames;

  Rig() {
    bench.observer.keep_frames = false;
    std::array<unsigned, 4096> ways{};
    std::vector<std::pair<unsigned, testbench::EntryWords>> entries;
    for (unsigned p = 0; p < kPorts; ++p) {
      for (std::uint16_t sport = 1000; frames[p].size() < kFlowsPerPort; ++sport) {
        const std::uint32_t src = 0x0a000000u | p << 8 | 1, dst = 0x0a010000u | p << 8 | 1;
        testbench::EntrySpec s;
        s.orig = net::FiveTuple::ipv4(net::Ipv4Addr(src), net::Ipv4Addr(dst), 17, sport, 53);
        const unsigned bucket = testbench::entry_index(s.orig) / 4;
        if (ways[bucket] == 4) continue;
        s.nat = net::FiveTuple::ipv4(net::Ipv4Addr(0xcb007100u | p), net::Ipv4Addr(dst), 17, sport, 53);
        s.dest_port = p ^ 1;
        s.in_port = p;
        entries.emplace_back(bucket * 4 + ways[bucket]++, testbench::encode_entry(s));
        frames[p].push_back(testbench::udp4_frame(src, dst, sport, 53, 18));
      }
    }
    bench.run([&] {
      testbench::bring_up(bench.hal, kPorts);
      bench.hal.write32(hw::reg::TbCfg::offset(), hw::reg::TbCfg::kMibEn.make(1));
      for (const auto& [index, words] : entries) testbench::write_entry(bench.hal, index, words);
    });
  }
};

Rig& rig() {
  static Rig r;
  return r;
}

// Bound 64-byte flows on every port; each iteration sends a burst of range(0) frames per
// port (serialised at line rate by the MACs) and simulates until the chip is idle again.
void BM_BoundFlowsAllPorts64B(benchmark::State& state) {
  Rig& r = rig();
  const auto burst = static_cast<unsigned>(state.range(0));
  const std::uint64_t before = r.bench.observer.transmit_count;
  // The bench's set-up ran in slices (AsicBench::run), which left the datapath a run limit in
  // the past: without lifting it every calendar drain would stop at its first instant, which
  // no replay does (ReplaySession raises the limit slice by slice).
  r.bench.asic.set_run_limit(model::Calendar::kNever);
  for (auto _ : state) {
    for (unsigned i = 0; i < burst; ++i) {
      for (unsigned p = 0; p < kPorts; ++p) r.bench.asic.receive(p, r.frames[p][i % kFlowsPerPort]);
    }
    sc_core::sc_start();
  }
  const std::uint64_t sent = static_cast<std::uint64_t>(state.iterations()) * burst * kPorts;
  state.SetItemsProcessed(static_cast<std::int64_t>(sent));
  const std::uint64_t forwarded = r.bench.observer.transmit_count - before;
  state.SetLabel("forwarded by hardware: " + std::to_string(100.0 * static_cast<double>(forwarded) /
                                                            static_cast<double>(sent)) + " %");
}
BENCHMARK(BM_BoundFlowsAllPorts64B)->Arg(64)->Arg(1024);

}  // namespace
