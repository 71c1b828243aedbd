// SPDX-License-Identifier: Apache-2.0
// Costs of the software engine with the home router's ruleset: packets of an established,
// offloaded connection on the software flowtable fast path versus the same packets on the
// slow path (conntrack, ruleset, NAT, routing), and the setup of new connections (conntrack
// entry, masquerade binding, confirmation, flow add). Items are packets, or connections for
// the setup benchmark; run with --benchmark_format=json for machine-readable output.
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "engine/engine.hpp"
#include "engine/test_frames.hpp"
#include "net/packet_buffer.hpp"

namespace {

using namespace flowsim;
using namespace flowsim::engine::testing;
using namespace std::chrono_literals;

const Ipv4L4Spec kWeb{.dst_mac = kRouterWanMac, .src_mac = kGatewayMac, .src = v4("198.51.100.10"),
                      .dst = v4("203.0.113.2"), .ttl = 52};

// A masqueraded TCP connection after its handshake, and a mix of its data packets in both
// directions (1460-byte segments one way, ACKs the other).
struct Established {
  engine::Engine engine;
  std::vector<std::pair<std::vector<std::uint8_t>, unsigned>> frames;

  explicit Established(engine::EngineConfig config) : engine(std::move(config)) {
    TcpConversation tcp({}, kWeb, 40000, 443);
    net::PacketBuffer f;
    for (auto [frame, port] : {std::pair{tcp.from_client(kSyn), kLan}, std::pair{tcp.from_server(kSyn | kAck), kWan},
                               std::pair{tcp.from_client(kAck), kLan}}) {
      f.assign(frame);
      engine.process(f, port, 1s);
    }
    for (int i = 0; i < 16; ++i) {
      frames.emplace_back(tcp.from_server(kAck, 1460), kWan);
      if (i % 2 == 1) frames.emplace_back(tcp.from_client(kAck), kLan);
    }
  }
};

void run_established(benchmark::State& state, Established& e) {
  net::PacketBuffer buf;
  std::size_t i = 0;
  std::int64_t fast = 0;
  for (auto _ : state) {
    const auto& [frame, port] = e.frames[i];
    buf.assign(frame);
    fast += e.engine.process(buf, port, 2s).fast_path;
    i = (i + 1) % e.frames.size();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("fast path " + std::to_string(100 * fast / std::max<std::int64_t>(1, state.iterations())) + " %");
}

// Steady state of an offloaded connection: every packet takes the software fast path.
void BM_SoftwareFastPath(benchmark::State& state) {
  Established e(home_router_config(kHomeRouterRules));
  run_established(state, e);
}
BENCHMARK(BM_SoftwareFastPath);

// The same packets when the ruleset never offloads: conntrack, the chains, NAT, routing.
void BM_SlowPathEstablished(benchmark::State& state) {
  Established e(home_router_config(without_lines(kHomeRouterRules, "flow add")));
  run_established(state, e);
}
BENCHMARK(BM_SlowPathEstablished);

// New UDP connections from the LAN, each with its first answer: conntrack entry, masquerade
// binding, confirmation, and the flow added by `ct state established flow add @ft`. Every
// 32768 connections the simulated clock jumps 31 s and the timers expire them all (not timed),
// so that the tables stay small.
void BM_NewConnectionSetup(benchmark::State& state) {
  engine::Engine engine(home_router_config(kHomeRouterRules));
  const Ipv4L4Spec dns{.dst_mac = kRouterWanMac, .src_mac = kGatewayMac, .src = v4("198.51.100.53"),
                       .dst = v4("203.0.113.2")};
  constexpr std::uint16_t kBatch = 32768;
  std::vector<std::vector<std::uint8_t>> queries, answers;
  for (std::uint16_t i = 0; i < kBatch; ++i) {
    const auto port = static_cast<std::uint16_t>(20000 + i);
    queries.push_back(udp4_frame({.dst = v4("198.51.100.53")}, {.sport = port}));
    answers.push_back(udp4_frame(dns, {.sport = 53, .dport = port}));
  }
  net::PacketBuffer buf;
  std::chrono::nanoseconds now = 1s;
  std::size_t i = 0;
  for (auto _ : state) {
    buf.assign(queries[i]);
    engine.process(buf, kLan, now);
    buf.assign(answers[i]);
    engine.process(buf, kWan, now);
    if (++i == kBatch) {
      state.PauseTiming();
      i = 0;
      now += 62s;  // past the flows' and the entries' timeouts
      while (engine.next_timer() <= now) engine.run_timers(engine.next_timer());
      now += 31s;
      while (engine.next_timer() <= now) engine.run_timers(engine.next_timer());
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("flows " + std::to_string(engine.flowtable()->stats().flows_added));
}
BENCHMARK(BM_NewConnectionSetup);

}  // namespace
