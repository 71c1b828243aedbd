// SPDX-License-Identifier: Apache-2.0
// Line rate of bound flows (hardware.md §3, §4.3), driven through the ports only: every port
// of the 4 x 10G + 4 x 2.5G board receives back-to-back frames of bound flows (port p's flows
// leave on port p ^ 1, same speed, same size), and at the default parameters nothing is lost
// and every egress port sends at its theoretical rate within 0.1 %: 64-byte frames and IMIX.
// With the core clock slowed until the pipeline cannot keep up, loss appears exactly where
// the MAC RX FIFO overflows (rx_fifo_overflow), and the forwarded rate is the pipeline's.
//
// Frame sizes here are Ethernet frame sizes with FCS, as in RFC 2544: a "64-byte" frame is 60
// bytes in the model (the MAC adds the FCS), 84 bytes on the wire with preamble and IFG.
// IMIX is the "simple IMIX" 7:4:1 of 64, 576 and 1518-byte frames, sent in a fixed 12-frame
// order: mean wire size (7 x 84 + 4 x 596 + 1538) / 12 = 375.83 bytes.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <deque>
#include <map>

#include "hw/flowsim_hw.hpp"  // Generated.
#include "testbench/bench/asic_bench.hpp"
#include "testbench/bench/model_ops.hpp"
#include "testbench/bench/test_frame.hpp"

namespace flowsim::model {
namespace {

using testbench::AsicBench;
using testbench::EntrySpec;

constexpr std::uint64_t k10G = 10'000'000'000, k2_5G = 2'500'000'000;
constexpr unsigned kFlowsPerPort = 4;
constexpr std::array<std::size_t, 12> kImix = {60, 572, 60, 60, 572, 60, 1514, 60, 572, 60, 572, 60};
constexpr std::array<std::size_t, 1> kSmallest = {60};

AsicParams board(double clock_mhz = 500.0) {
  AsicParams p;
  for (int i = 0; i < 4; ++i) p.ports.push_back({k10G, 1500});
  for (int i = 0; i < 4; ++i) p.ports.push_back({k2_5G, 1500});
  p.clock_mhz = clock_mhz;
  return p;
}

std::uint32_t host(unsigned port, unsigned flow) { return 0x0a000000u | port << 8 | (flow + 1); }
std::uint32_t peer(unsigned port) { return 0x0a010000u | port << 8 | 1; }
std::uint16_t dport(unsigned port) { return static_cast<std::uint16_t>(2000 + port); }

// The flows of port p: host(p, f) -> peer(p), UDP, source port picked (as a driver's flows
// would come) so that no bucket of the table needs more than its four ways.
struct Flows {
  std::array<std::array<std::uint16_t, kFlowsPerPort>, 8> sport{};
  std::map<unsigned, unsigned> ways_used;  // bucket -> ways taken
  std::map<std::pair<unsigned, unsigned>, unsigned> index;

  Flows() {
    for (unsigned p = 0; p < 8; ++p) {
      std::uint16_t candidate = 1000;
      for (unsigned f = 0; f < kFlowsPerPort; ++f) {
        for (;; ++candidate) {
          const unsigned bucket = testbench::entry_index(tuple(p, f, candidate)) / 4;
          if (ways_used[bucket] < 4) {
            sport[p][f] = candidate;
            index[{p, f}] = bucket * 4 + ways_used[bucket]++;
            ++candidate;
            break;
          }
        }
      }
    }
  }
  static net::FiveTuple tuple(unsigned p, unsigned f, std::uint16_t sp) {
    return net::FiveTuple::ipv4(net::Ipv4Addr(host(p, f)), net::Ipv4Addr(peer(p)), 17, sp, dport(p));
  }
};

const Flows& flows() {
  static const Flows f;
  return f;
}

// Writes a NAPT entry for every flow of every port in `ports` (port p -> p ^ 1).
void bind_all(AsicBench& b, const std::vector<unsigned>& ports) {
  for (const unsigned p : ports) {
    for (unsigned f = 0; f < kFlowsPerPort; ++f) {
      const std::uint16_t sp = flows().sport[p][f];
      EntrySpec s;
      s.orig = Flows::tuple(p, f, sp);
      s.nat = net::FiveTuple::ipv4(net::Ipv4Addr(0xcb007100u | p), net::Ipv4Addr(peer(p)), 17, sp, dport(p));
      s.dmac = net::MacAddr({0x02, 0, 0, 0, 0x09, static_cast<std::uint8_t>(p ^ 1)});
      s.smac = net::MacAddr({0x02, 0, 0, 0, 0x00, static_cast<std::uint8_t>(p ^ 1)});
      s.dest_port = p ^ 1;
      s.in_port = p;
      testbench::write_entry(b.hal, flows().index.at({p, f}), testbench::encode_entry(s));
    }
  }
}

struct Traffic {
  std::vector<unsigned> ports;
  std::span<const std::size_t> sizes;  // frame sizes in order, repeated
  std::vector<std::uint64_t> frames_per_port;
};

// Keeps every port's wire busy: frames are handed to receive() a little ahead of when the
// port is free (the MAC serialises them back to back), never more than `ahead` in advance,
// so that the frame pool stays small.
void send(AsicBench& b, const Traffic& t) {
  std::vector<std::vector<std::vector<std::uint8_t>>> frames(t.ports.size());
  for (std::size_t i = 0; i < t.ports.size(); ++i) {
    const unsigned p = t.ports[i];
    for (unsigned f = 0; f < kFlowsPerPort; ++f) {
      for (const std::size_t size : t.sizes) {
        frames[i].push_back(testbench::udp4_frame(host(p, f), peer(p), flows().sport[p][f], dport(p), size - 42));
      }
    }
  }
  const sc_core::sc_time ahead(20, sc_core::SC_US), step(10, sc_core::SC_US);
  std::vector<sc_core::sc_time> wire_free(t.ports.size(), sc_core::sc_time_stamp());
  std::vector<std::uint64_t> sent(t.ports.size(), 0);
  for (bool more = true; more;) {
    more = false;
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    for (std::size_t i = 0; i < t.ports.size(); ++i) {
      const unsigned p = t.ports[i];
      while (sent[i] < t.frames_per_port[i] && wire_free[i] < now + ahead) {
        // Flow changes every frame; the size pattern repeats per flow.
        const std::size_t n = sent[i];
        const auto& f = frames[i][(n % kFlowsPerPort) * t.sizes.size() + (n / kFlowsPerPort) % t.sizes.size()];
        b.asic.receive(p, f);
        wire_free[i] = std::max(wire_free[i], now) + wire_time(f.size(), b.asic.params().ports[p].speed_bps);
        ++sent[i];
      }
      more = more || sent[i] < t.frames_per_port[i];
    }
    if (more) wait(step);
  }
}

double mean_wire_bytes(std::span<const std::size_t> sizes) {
  double sum = 0;
  for (const std::size_t s : sizes) sum += static_cast<double>(wire_bytes(s));
  return sum / static_cast<double>(sizes.size());
}

// Every port sends for `duration`; at the default clock nothing is lost and each egress port
// achieves its theoretical rate.
void expect_line_rate(std::span<const std::size_t> sizes, double duration_s) {
  AsicBench b(board());
  Traffic t;
  t.sizes = sizes;
  for (unsigned p = 0; p < 8; ++p) {
    t.ports.push_back(p);
    const double pps = static_cast<double>(b.asic.params().ports[p].speed_bps) / (8.0 * mean_wire_bytes(sizes));
    // Whole rounds of flows x sizes, so the mix on every port is exact.
    const std::uint64_t round = kFlowsPerPort * sizes.size();
    t.frames_per_port.push_back(static_cast<std::uint64_t>(pps * duration_s) / round * round);
  }
  b.run([&] {
    testbench::bring_up(b.hal, 8);
    bind_all(b, t.ports);
    send(b, t);
    b.hal.sleep(std::chrono::microseconds(50));
  });
  EXPECT_TRUE(b.observer.dropped.empty()) << b.observer.dropped.size() << " drops, first: "
                                          << to_string(b.observer.dropped.front().drop);
  EXPECT_TRUE(b.observer.punted.empty());
  for (unsigned port = 0; port < 8; ++port) {
    std::vector<const testbench::ObservedFrame*> out;
    for (const auto& f : b.observer.transmitted) {
      if (f.port == port) out.push_back(&f);
    }
    const std::uint64_t speed = b.asic.params().ports[port].speed_bps;
    ASSERT_EQ(out.size(), t.frames_per_port[port ^ 1]) << "port " << port;
    const sc_core::sc_time busy = out.back()->time + wire_time(out.back()->bytes.size(), speed) - out.front()->time;
    const double achieved = static_cast<double>(out.size()) / busy.to_seconds();
    const double theoretical = static_cast<double>(speed) / (8.0 * mean_wire_bytes(sizes));
    EXPECT_NEAR(achieved / theoretical, 1.0, 0.001) << "port " << port << ": " << achieved << " pps";
  }
}

TEST(LineRate, SmallestFramesOnEveryPortAreForwardedWithoutLoss) {
  expect_line_rate(kSmallest, 500e-6);  // 4 x 14.88 + 4 x 3.72 = 74.4 Mpps
}

TEST(LineRate, ImixOnEveryPortIsForwardedWithoutLoss) {
  // Store and forward of mixed sizes leaves the last frames of the run queued behind the big
  // ones before them (1454 byte times: 4.7 us at 2.5G); over 20 ms that end effect is 0.02 %.
  expect_line_rate(kImix, 20e-3);  // 4 x 3.33 + 4 x 0.83 = 16.6 Mpps
}

// One 10G port of 64-byte frames into a pipeline clocked at 40 MHz: 3 cycles = 75 ns per
// packet against 67.2 ns on the wire. The RX FIFO (16 KiB = 273 minimum-size frames) fills
// and the first loss is the frame that finds it full, computed here in closed form.
TEST(Backpressure, SlowCoreClockOverflowsTheRxFifoExactlyWhereItFills) {
  AsicParams p = board(40.0);
  AsicBench b(p);
  constexpr std::uint64_t kFrames = 4000;
  sc_core::sc_time t0;
  b.run([&] {
    testbench::bring_up(b.hal, 8);
    bind_all(b, {0});
    t0 = sc_core::sc_time_stamp();
    const auto frame = testbench::udp4_frame(host(0, 0), peer(0), flows().sport[0][0], dport(0), 18);
    for (std::uint64_t i = 0; i < kFrames; ++i) b.asic.receive(0, frame);  // back to back on the wire
    b.hal.sleep(std::chrono::microseconds(400));
  });
  const std::uint64_t wire_ps = 67'200, slot_ps = 75'000, m2p_ps = 12 * 25'000, fifo_frames = 16384 / 60;
  // Before any loss, frame j starts in the pipeline at t0 + wire + m2p + j * slot; frame i
  // (fully received at t0 + (i + 1) * wire) finds the frames j < i that have not started yet.
  std::uint64_t first = 0;
  for (std::uint64_t i = 1;; ++i) {
    const std::uint64_t started = i * wire_ps < m2p_ps ? 0 : (i * wire_ps - m2p_ps) / slot_ps + 1;
    if (i - std::min(i, started) >= fifo_frames) {
      first = i;
      break;
    }
  }
  // The same queue for every frame: the loss pattern after the first drop.
  std::uint64_t expected_drops = 0, pipe_free = 0;
  std::deque<std::uint64_t> fifo;
  for (std::uint64_t i = 0; i < kFrames; ++i) {
    const std::uint64_t done = (i + 1) * wire_ps;
    while (!fifo.empty() && fifo.front() <= done) fifo.pop_front();
    if (fifo.size() >= fifo_frames) {
      ++expected_drops;
      continue;
    }
    const std::uint64_t start = std::max(done + m2p_ps, pipe_free);
    pipe_free = start + slot_ps;
    fifo.push_back(start);
  }
  ASSERT_FALSE(b.observer.dropped.empty());
  for (const auto& d : b.observer.dropped) EXPECT_EQ(d.drop, ModelDropReason::kRxFifoOverflow);
  // A frame is dropped when its last bit is in: frame i at t0 + (i + 1) * 67.2 ns.
  const sc_core::sc_time first_drop = b.observer.dropped.front().time - t0;
  EXPECT_EQ(first_drop, sc_core::sc_time(static_cast<double>((first + 1) * wire_ps), sc_core::SC_PS));
  EXPECT_EQ(first, 2587u);  // i - 1 - floor((67.2 i - 300) / 75) >= 273
  EXPECT_EQ(b.observer.dropped.size(), expected_drops);
  EXPECT_EQ(b.observer.transmitted.size(), kFrames - expected_drops);
  EXPECT_TRUE(b.observer.punted.empty());
}

// Every port at line rate into a 50 MHz core (16.7 Mpps for 64-byte frames, against 74.4
// offered): the excess is lost at the RX FIFOs, only there, and only once one is full; what
// goes through leaves at exactly the pipeline's rate.
TEST(Backpressure, SlowCoreClockForwardsAtThePipelineRateAndDropsTheRest) {
  AsicBench b(board(50.0));
  Traffic t;
  t.sizes = kSmallest;
  for (unsigned p = 0; p < 8; ++p) {
    t.ports.push_back(p);
    t.frames_per_port.push_back(p < 4 ? 8000 : 2000);  // 538 us on every port
  }
  sc_core::sc_time t0;
  b.run([&] {
    testbench::bring_up(b.hal, 8);
    bind_all(b, t.ports);
    t0 = sc_core::sc_time_stamp();
    send(b, t);
    b.hal.sleep(std::chrono::microseconds(200));
  });
  std::uint64_t offered = 0;
  for (const auto n : t.frames_per_port) offered += n;
  ASSERT_FALSE(b.observer.dropped.empty());
  for (const auto& d : b.observer.dropped) EXPECT_EQ(d.drop, ModelDropReason::kRxFifoOverflow);
  EXPECT_EQ(b.observer.dropped.size() + b.observer.transmitted.size(), offered);
  EXPECT_TRUE(b.observer.punted.empty());
  // No FIFO can overflow before it has received 274 frames (16 KiB / 60 B + 1) at 10G.
  EXPECT_GE(b.observer.dropped.front().time - t0, sc_core::sc_time(274 * 67.2, sc_core::SC_NS));
  std::vector<sc_core::sc_time> starts;
  for (const auto& f : b.observer.transmitted) starts.push_back(f.time);
  std::sort(starts.begin(), starts.end());
  const double rate = static_cast<double>(starts.size() - 1) / (starts.back() - starts.front()).to_seconds();
  EXPECT_NEAR(rate / (50e6 / 3), 1.0, 0.001) << rate << " pps";
}

// Latency of one bound 64-byte frame, last bit in to first bit out: MAC to parser 12, parser
// 4, hash 2, lookup 7, rewrite 4, egress 10 = 39 cycles (78 ns at 500 MHz, hardware.md §4.3).
sc_core::sc_time bound_frame_latency(AsicParams p) {
  AsicBench b(std::move(p));
  sc_core::sc_time t0;
  b.run([&] {
    testbench::bring_up(b.hal, 8);
    bind_all(b, {0});
    t0 = sc_core::sc_time_stamp();
    b.asic.receive(0, testbench::udp4_frame(host(0, 0), peer(0), flows().sport[0][0], dport(0), 18));
    b.hal.sleep(std::chrono::microseconds(1));
  });
  EXPECT_EQ(b.observer.transmitted.size(), 1u);
  return b.observer.transmitted.empty() ? sc_core::SC_ZERO_TIME
                                        : b.observer.transmitted[0].time - t0 - wire_time(60, k10G);
}

TEST(Timing, BoundFrameLatencyIsTheSumOfTheBlockLatencies) {
  EXPECT_EQ(bound_frame_latency(board()), sc_core::sc_time(78, sc_core::SC_NS));
}

TEST(Timing, ProbingWaysOneAtATimeAddsSramLatencyPerWay) {
  AsicParams p = board();
  p.sram_banks = 1;  // one SRAM for all four ways: four probe rounds of 2 cycles
  EXPECT_EQ(bound_frame_latency(p), sc_core::sc_time(78 + 3 * 2 * 2, sc_core::SC_NS));
}

// The calendar (model/calendar.hpp): frames handed over ahead of time with their due times
// leave exactly when they would have had they been received one by one, and the whole run of
// them costs the datapath a few SystemC wake-ups, not one (or three) per frame.
TEST(Calendar, FramesInjectedAheadLeaveAtTheirOwnTimesFromAFewWakeUps) {
  AsicBench b(board());
  constexpr std::uint64_t kFrames = 10000, kWirePs = 67'200, kLatencyPs = 78'000;
  std::uint64_t t0 = 0, drains = 0;
  b.run([&] {
    testbench::bring_up(b.hal, 8);
    bind_all(b, {0});
    t0 = b.asic.now_ps() + 1'000'000;
    const auto frame = testbench::udp4_frame(host(0, 0), peer(0), flows().sport[0][0], dport(0), 18);
    drains = b.asic.calendar().drains();
    for (std::uint64_t i = 0; i < kFrames; ++i) b.asic.inject(0, frame, t0 + i * kWirePs);
    b.hal.sleep(std::chrono::milliseconds(1));
    drains = b.asic.calendar().drains() - drains;
  });
  ASSERT_EQ(b.observer.transmitted.size(), kFrames);
  for (std::uint64_t i = 0; i < kFrames; ++i) {
    ASSERT_EQ(b.observer.transmitted[i].time.value(), t0 + (i + 1) * kWirePs + kLatencyPs) << "frame " << i;
  }
  EXPECT_LE(drains, 3u);
  EXPECT_EQ(b.asic.calendar().late_items(), 0u);
  EXPECT_TRUE(b.observer.dropped.empty());
}

// A causal replay decides during the run: when a frame has left the router, the frame that
// answers it is injected (from the observer, inside the datapath) at that time plus a gap,
// and it is handled at exactly that time.
TEST(Calendar, AFrameInjectedWhenAnotherLeavesIsHandledAtItsOwnTime) {
  AsicBench b(board());
  constexpr std::uint64_t kGapPs = 10'000'000, kWirePs = 67'200, kLatencyPs = 78'000;
  const auto request = testbench::udp4_frame(host(0, 0), peer(0), flows().sport[0][0], dport(0), 18);
  const auto answer = testbench::udp4_frame(host(1, 0), peer(1), flows().sport[1][0], dport(1), 18);
  std::vector<std::uint64_t> answered_at;
  b.observer.on_transmit_hook = [&](unsigned port, const sc_core::sc_time& start, std::span<const std::uint8_t>) {
    if (port != 1) return;  // a request left towards its peer: the peer answers after the gap
    answered_at.push_back(start.value() + kGapPs);
    b.asic.inject(1, answer, answered_at.back());
  };
  b.run([&] {
    testbench::bring_up(b.hal, 8);
    bind_all(b, {0, 1});
    const std::uint64_t t0 = b.asic.now_ps() + 1'000'000;
    for (std::uint64_t i = 0; i < 3; ++i) b.asic.inject(0, request, t0 + i * 2'000'000);
    b.hal.sleep(std::chrono::microseconds(100));
  });
  ASSERT_EQ(answered_at.size(), 3u);
  std::vector<std::uint64_t> answers_out;
  for (const auto& f : b.observer.transmitted) {
    if (f.port == 0) answers_out.push_back(f.time.value());
  }
  ASSERT_EQ(answers_out.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(answers_out[i], answered_at[i] + kWirePs + kLatencyPs);
  EXPECT_EQ(b.asic.calendar().late_items(), 0u);
}

}  // namespace
}  // namespace flowsim::model
