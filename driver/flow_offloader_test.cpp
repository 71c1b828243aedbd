// SPDX-License-Identifier: Apache-2.0
// Flow offload against the ASIC model — no mock: the exact register traffic of one offload
// (TraceHal), verified read-back, bucket and table exhaustion found by brute force with the
// driver's own hash, refusals, hardware forwarding with MIB stats and last-used times, aging,
// learn mode (unbind -> bind at the index the hardware chose), and a device that misbehaves
// (a HAL wrapper over the real backend that corrupts what the device answers).
#include "driver/flow_offloader.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "driver/test_driver_config.hpp"
#include "driver/test_flows.hpp"
#include "driver/trace_hal.hpp"
#include "hw/flowsim_hw.hpp"  // Generated.
#include "net/foe_hash.hpp"
#include "testbench/bench/asic_bench.hpp"
#include "testbench/bench/test_frame.hpp"

namespace flowsim::driver {
namespace {

using net::FlowDirection;
using net::OffloadFlow;
using net::OffloadRefusal;
using testbench::AsicBench;
using testing::ipv4_flow;
using testing::ipv6_flow;
using testing::bench_config;
using testing::kLanHost;
using testing::kServer;

model::AsicParams small_table(unsigned entries) {
  model::AsicParams p = testbench::default_bench_params();
  p.table_entries = entries;
  return p;
}

std::string hex(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

// "W ENTRY_DATA[3] 0x..." for each register access of a trace, without time and offset.
std::vector<std::string> accesses(const std::string& trace) {
  std::vector<std::string> out;
  std::istringstream in(trace);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string time, unit, dir, offset, name, value;
    f >> time >> unit >> dir;
    if (dir == "DMA") continue;
    f >> offset >> name >> value;
    out.push_back(dir + " " + name + " " + value);
  }
  return out;
}

// What one verified entry write looks like on the bus: 32 data words, the WRITE command,
// one poll that sees ACK; the READ command, one poll, 32 data reads.
void expect_verified_write(std::vector<std::string>& out, unsigned index, const std::array<std::uint32_t, 32>& w) {
  using hw::reg::EntryCtrl;
  for (unsigned i = 0; i < 32; ++i) out.push_back("W ENTRY_DATA[" + std::to_string(i) + "] " + hex(w[i]));
  const auto ctrl = EntryCtrl::kOp.make(EntryCtrl::kOpWrite) | EntryCtrl::kIndex.make(index);
  out.push_back("W ENTRY_CTRL " + hex(EntryCtrl::kReq.make(1) | ctrl));
  out.push_back("R ENTRY_CTRL " + hex(EntryCtrl::kAck.make(1) | ctrl));
  const auto read = EntryCtrl::kOp.make(EntryCtrl::kOpRead) | EntryCtrl::kIndex.make(index);
  out.push_back("W ENTRY_CTRL " + hex(EntryCtrl::kReq.make(1) | read));
  out.push_back("R ENTRY_CTRL " + hex(EntryCtrl::kAck.make(1) | read));
  for (unsigned i = 0; i < 32; ++i) out.push_back("R ENTRY_DATA[" + std::to_string(i) + "] " + hex(w[i]));
}

// The bucket the hardware looks up for a tuple, computed as the driver must: net::foe_hash
// with the seed the driver programmed.
unsigned bucket_of(const net::FiveTuple& t, unsigned buckets, std::uint32_t seed = DriverConfig{}.hash_seed) {
  return net::foe_hash(net::foe_hash_words(t, seed)) & (buckets - 1);
}

// UDP flows from distinct LAN ports whose original directions all hash into one bucket and
// whose reply directions all hash into another: brute force, as an attacker filling a bucket
// would. (For fixed addresses the FOE hash maps (original, reply) into few bucket pairs, so
// such sets are common; both directions in the *same* bucket never happen for these.)
std::vector<OffloadFlow> colliding_flows(unsigned n, unsigned buckets) {
  std::vector<OffloadFlow> out;
  std::pair<unsigned, unsigned> pair;
  for (std::uint32_t sport = 1; sport < 65536 && out.size() < n; ++sport) {
    for (std::uint32_t lport = 1024; lport < 65536 && out.size() < n; ++lport) {
      OffloadFlow f = ipv4_flow(out.size() + 1, kLanHost, static_cast<std::uint16_t>(lport), kServer,
                                static_cast<std::uint16_t>(sport), 17);
      const std::pair<unsigned, unsigned> p{bucket_of(f.dir[0].match, buckets), bucket_of(f.dir[1].match, buckets)};
      if (out.empty()) pair = p;
      if (p == pair) out.push_back(f);
    }
  }
  return out;
}

std::uint32_t tb_used(Hal& hal) { return hal.read32(hw::reg::TbUsed::offset()); }

// ---- exact traffic ---------------------------------------------------------------------------

TEST(FlowOffloader, OffloadsANaptFlowWithExactEntryWordsAndVerifiesThem) {
  AsicBench b;
  std::ostringstream trace;
  TraceHal traced(b.hal, trace);
  OffloadDriver drv(traced, bench_config(), [](const RxPacket&) {});
  FlowOffloader off(drv);
  const OffloadFlow flow = ipv4_flow(7, kLanHost, 51234, kServer, 443);
  OffloadRefusal r = OffloadRefusal::kDeviceError;
  b.run([&] {
    drv.bring_up();
    trace.str("");
    r = off.replace(flow);
  });
  ASSERT_EQ(r, OffloadRefusal::kNone) << off.last_error();
  ASSERT_EQ(off.geometry().entries, 16384u);
  ASSERT_EQ(off.geometry().ways, 4u);
  // Each direction goes to way 0 of its bucket: the table is empty.
  const unsigned orig = 4 * bucket_of(flow.dir[0].match, 4096);
  const unsigned reply = 4 * bucket_of(flow.dir[1].match, 4096);
  ASSERT_NE(orig, reply);
  EXPECT_EQ(off.entry_index(7, FlowDirection::kOriginal), orig);
  EXPECT_EQ(off.entry_index(7, FlowDirection::kReply), reply);

  std::array<std::uint32_t, 32> reply_words{};
  reply_words[0] = 0x20180000;   // IB1: BIND, TTL_DEC, MIB_EN, HNAPT, TCP
  reply_words[1] = kServer;      // ORIG_SIP 93.184.216.34
  reply_words[2] = 0xcb007105;   // ORIG_DIP 203.0.113.5 (the WAN address)
  reply_words[3] = 0x01bbc822;   // 443 -> 51234
  reply_words[4] = kServer;      // NEW_SIP unchanged
  reply_words[5] = kLanHost;     // NEW_DIP 192.168.1.10: the NAT undone
  reply_words[6] = 0x01bbc822;
  reply_words[15] = 0x00000002;  // DEST_PORT 2 (LAN)
  reply_words[16] = 0x02000000;  // DMAC 02:00:00:00:01:64 (LAN host)
  reply_words[17] = 0x00000164;
  reply_words[18] = 0x02000000;  // SMAC 02:00:00:00:01:01 (LAN interface)
  reply_words[19] = 0x00000101;
  reply_words[22] = 0x00000011;  // MATCH: IN_PORT 1 (WAN), valid
  reply_words[24] = 0x000005dc;  // MTU 1500
  std::vector<std::string> expected;
  // IB1.TIMESTAMP reads back 0: the device stamps the write with TIMESTAMP, still 0 s.
  expect_verified_write(expected, orig, testing::napt_original_words());
  expect_verified_write(expected, reply, reply_words);
  EXPECT_EQ(accesses(trace.str()), expected) << trace.str();

  const FlowOffloadCounters& c = drv.stats().offload;
  EXPECT_EQ(c.entries_written, 2u);
  EXPECT_EQ(c.entries_verified, 2u);
  EXPECT_EQ(c.flows_offloaded, 1u);
  EXPECT_EQ(c.device_errors, 0u);
  EXPECT_EQ(b.asic.register_value(hw::reg::TbUsed::offset()), 2u);
}

TEST(FlowOffloader, DestroyInvalidatesBothEntries) {
  AsicBench b;
  std::ostringstream trace;
  TraceHal traced(b.hal, trace);
  OffloadDriver drv(traced, bench_config(), [](const RxPacket&) {});
  FlowOffloader off(drv);
  const OffloadFlow flow = ipv4_flow(7, kLanHost, 51234, kServer, 443);
  b.run([&] {
    drv.bring_up();
    ASSERT_EQ(off.replace(flow), OffloadRefusal::kNone);
    trace.str("");
    off.destroy(7);
    off.destroy(8);  // unknown cookie: nothing
  });
  using hw::reg::EntryCtrl;
  std::vector<std::string> expected;
  for (const auto& d : flow.dir) {
    const auto inv = EntryCtrl::kOp.make(EntryCtrl::kOpInvalidate) | EntryCtrl::kIndex.make(4 * bucket_of(d.match, 4096));
    expected.push_back("W ENTRY_CTRL " + hex(EntryCtrl::kReq.make(1) | inv));
    expected.push_back("R ENTRY_CTRL " + hex(EntryCtrl::kAck.make(1) | inv));
  }
  EXPECT_EQ(accesses(trace.str()), expected) << trace.str();
  EXPECT_EQ(drv.stats().offload.entries_deleted, 2u);
  EXPECT_EQ(off.entries_in_use(), 0u);
  EXPECT_EQ(off.flows(), 0u);
  EXPECT_EQ(b.asic.register_value(hw::reg::TbUsed::offset()), 0u);
}

// ---- refusals --------------------------------------------------------------------------------

TEST(FlowOffloader, CollidingFlowIsRefusedBucketFullUntilADestroy) {
  AsicBench b(small_table(1024));  // 256 buckets x 4 ways: collisions are cheap to find
  OffloadDriver drv(b.hal, bench_config(), [](const RxPacket&) {});
  FlowOffloader off(drv);
  const std::vector<OffloadFlow> flows = colliding_flows(5, 256);
  ASSERT_EQ(flows.size(), 5u);
  const unsigned orig_bucket = bucket_of(flows[0].dir[0].match, 256);
  const unsigned reply_bucket = bucket_of(flows[0].dir[1].match, 256);
  std::vector<OffloadRefusal> results;
  std::vector<std::optional<unsigned>> fifth;
  b.run([&] {
    drv.bring_up();
    for (const auto& f : flows) results.push_back(off.replace(f));
    off.destroy(flows[0].cookie);
    results.push_back(off.replace(flows[4]));
    for (const auto d : {FlowDirection::kOriginal, FlowDirection::kReply}) fifth.push_back(off.entry_index(5, d));
  });
  // Four flows fill the four ways of both buckets; the fifth finds none in either.
  EXPECT_EQ(results, (std::vector<OffloadRefusal>{OffloadRefusal::kNone, OffloadRefusal::kNone,
                                                  OffloadRefusal::kNone, OffloadRefusal::kNone,
                                                  OffloadRefusal::kBucketFull, OffloadRefusal::kNone}));
  // After the destroy it takes the ways the first flow had.
  EXPECT_EQ(fifth, (std::vector<std::optional<unsigned>>{4 * orig_bucket, 4 * reply_bucket}));
  const FlowOffloadCounters& c = drv.stats().offload;
  EXPECT_EQ(c.refusals(OffloadRefusal::kBucketFull), 1u);
  EXPECT_EQ(c.direction_refused[static_cast<std::size_t>(OffloadRefusal::kBucketFull)], 2u);
  EXPECT_EQ(c.flows_offloaded, 5u);
  EXPECT_EQ(c.entries_deleted, 2u);
  EXPECT_EQ(c.device_errors, 0u);
  EXPECT_EQ(off.entries_in_use(), 8u);
}

TEST(FlowOffloader, FullTableIsRefusedTableFull) {
  constexpr unsigned kEntries = 1024, kBuckets = 256;
  AsicBench b(small_table(kEntries));
  OffloadDriver drv(b.hal, bench_config(), [](const RxPacket&) {});
  FlowOffloader off(drv);
  // Flows that fill every way exactly, picked with the hardware hash: both directions of each
  // must fit in what is left of their buckets.
  std::vector<unsigned> left(kBuckets, 4);
  std::vector<OffloadFlow> fill;
  std::optional<OffloadFlow> spare;
  for (std::uint32_t n = 0; n < 50'000'000 && (fill.size() < kEntries / 2 || !spare); ++n) {
    const auto lport = static_cast<std::uint16_t>(1024 + n % 60000);
    const auto sport = static_cast<std::uint16_t>(1 + n / 60000);
    OffloadFlow f = ipv4_flow(fill.size() + 1, kLanHost, lport, kServer, sport, 17);
    const unsigned b0 = bucket_of(f.dir[0].match, kBuckets), b1 = bucket_of(f.dir[1].match, kBuckets);
    if (fill.size() == kEntries / 2) {
      spare = f;
      spare->cookie = 100000;
      continue;
    }
    if (left[b0] < (b0 == b1 ? 2u : 1u) || left[b1] < 1) continue;
    --left[b0];
    --left[b1];
    fill.push_back(f);
  }
  ASSERT_EQ(fill.size(), kEntries / 2);
  ASSERT_TRUE(spare);
  std::size_t refused_while_filling = 0;
  OffloadRefusal full = OffloadRefusal::kNone;
  std::uint32_t used = 0;
  b.run([&] {
    drv.bring_up();
    for (const auto& f : fill) refused_while_filling += off.replace(f) != OffloadRefusal::kNone;
    used = tb_used(b.hal);
    full = off.replace(*spare);
  });
  EXPECT_EQ(refused_while_filling, 0u);
  EXPECT_EQ(used, kEntries);
  EXPECT_EQ(off.entries_in_use(), kEntries);
  EXPECT_EQ(full, OffloadRefusal::kTableFull);
  EXPECT_EQ(drv.stats().offload.refusals(OffloadRefusal::kTableFull), 1u);
  EXPECT_EQ(drv.stats().offload.device_errors, 0u);
}

TEST(FlowOffloader, Ipv6NatIsUnsupportedAndIpv6RoutingIsOffloaded) {
  AsicBench b;
  std::ostringstream trace;
  TraceHal traced(b.hal, trace);
  OffloadDriver drv(traced, bench_config(), [](const RxPacket&) {});
  FlowOffloader off(drv);
  const auto lan = net::Ipv6Addr::parse("2001:db8::10").value();
  const auto srv = net::Ipv6Addr::parse("2606:2800:220:1:248:1893:25c8:1946").value();
  OffloadFlow nat = ipv6_flow(1, lan, 51234, srv, 443);
  nat.snat = true;
  nat.dir[0].rewrite.src[15] = 0x99;  // a masquerade the hardware cannot do
  nat.dir[1].rewrite.dst[15] = 0x99;
  const OffloadFlow routed = ipv6_flow(2, lan, 51234, srv, 443);
  OffloadRefusal r_nat = OffloadRefusal::kNone, r_routed = OffloadRefusal::kDeviceError;
  std::string nat_traffic;
  b.run([&] {
    drv.bring_up();
    trace.str("");
    r_nat = off.replace(nat);
    nat_traffic = trace.str();
    r_routed = off.replace(routed);
  });
  EXPECT_EQ(r_nat, OffloadRefusal::kUnsupported);
  EXPECT_EQ(nat_traffic, "");  // refused before touching the device
  EXPECT_EQ(r_routed, OffloadRefusal::kNone);
  EXPECT_EQ(drv.stats().offload.refusals(OffloadRefusal::kUnsupported), 1u);
  EXPECT_EQ(off.entry_index(2, FlowDirection::kOriginal), 4 * bucket_of(routed.dir[0].match, 4096));
  EXPECT_EQ(drv.stats().offload.entries_verified, 2u);
}

// ---- the hardware forwarding: stats, last used, aging ---------------------------------------

TEST(FlowOffloader, StatsReportHardwareHitsAndLastUseUntilTheEntryAges) {
  AsicBench b;
  OffloadDriver drv(b.hal, bench_config(), [](const RxPacket&) {});
  FlowOffloader off(drv);
  const OffloadFlow flow = ipv4_flow(1, kLanHost, 40000, kServer, 53, 17);
  constexpr std::size_t kPayload = 100, kL3 = 20 + 8 + kPayload;
  std::optional<net::OffloadStats> s1, s2, reply, aged;
  sc_core::sc_time last_hit;
  std::chrono::nanoseconds installed{};
  b.run([&] {
    drv.bring_up();
    ASSERT_EQ(off.replace(flow), OffloadRefusal::kNone);
    installed = b.hal.now();
    for (int i = 0; i < 5; ++i) {
      b.asic.receive(testing::kLanPort, testbench::udp4_frame(kLanHost, kServer, 40000, 53, kPayload));
      wait(sc_core::sc_time(300, sc_core::SC_MS));
    }
    last_hit = b.observer.transmitted.empty() ? sc_core::SC_ZERO_TIME : b.observer.transmitted.back().time;
    wait(sc_core::sc_time(2, sc_core::SC_SEC));
    s1 = off.stats(1, FlowDirection::kOriginal);
    s2 = off.stats(1, FlowDirection::kOriginal);
    reply = off.stats(1, FlowDirection::kReply);
    wait(sc_core::sc_time(20, sc_core::SC_SEC));  // UDP entries age after 12 s idle
    aged = off.stats(1, FlowDirection::kOriginal);
  });
  ASSERT_EQ(b.observer.transmitted.size(), 5u);
  // Forwarded by the hardware as the entry says: NAT to the WAN address, MACs, TTL - 1.
  std::vector<std::uint8_t> expected = testbench::udp4_frame(testing::kWanIp, kServer, 40000, 53, kPayload, 63);
  testing::kWanGatewayMac.write_to(expected.data());
  testing::kWanIfMac.write_to(expected.data() + 6);
  EXPECT_EQ(b.observer.transmitted[0].port, testing::kWanPort);
  EXPECT_EQ(b.observer.transmitted[0].bytes, expected);

  ASSERT_TRUE(s1);
  EXPECT_EQ(s1->packets, 5u);
  EXPECT_EQ(s1->bytes, 5 * kL3);  // L3 bytes, as the kernel's flow counters
  // TIMESTAMP ticks in seconds: the estimate is within a second of the last hit.
  const double last_used_s = static_cast<double>(s1->last_used.count()) * 1e-9;
  EXPECT_NEAR(last_used_s, last_hit.to_seconds(), 1.0);
  ASSERT_TRUE(s2);
  EXPECT_EQ(s2->packets, 0u);  // deltas
  EXPECT_EQ(s2->bytes, 0u);
  EXPECT_EQ(s2->last_used, s1->last_used);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->packets, 0u);
  EXPECT_NEAR(static_cast<double>(reply->last_used.count()) * 1e-9, installed.count() * 1e-9, 1.0);

  EXPECT_FALSE(aged);  // the hardware aged it: gone, and its way is free again
  EXPECT_EQ(drv.stats().offload.entries_reclaimed, 1u);
  EXPECT_EQ(off.entry_index(1, FlowDirection::kOriginal), std::nullopt);
}

TEST(FlowOffloader, AFullBucketOfAgedEntriesIsReclaimed) {
  AsicBench b(small_table(1024));
  OffloadDriver drv(b.hal, bench_config(), [](const RxPacket&) {});
  FlowOffloader off(drv);
  const std::vector<OffloadFlow> flows = colliding_flows(5, 256);
  ASSERT_EQ(flows.size(), 5u);
  OffloadRefusal fifth = OffloadRefusal::kDeviceError;
  std::optional<net::OffloadStats> first;
  b.run([&] {
    drv.bring_up();
    for (int i = 0; i < 4; ++i) ASSERT_EQ(off.replace(flows[i]), OffloadRefusal::kNone);
    // Idle UDP entries age after 12 s; the driver only hears it as IRQ_STATUS.AGED.
    const auto until = sc_core::sc_time_stamp() + sc_core::sc_time(15, sc_core::SC_SEC);
    while (sc_core::sc_time_stamp() < until) {
      wait(until - sc_core::sc_time_stamp(), b.irq.posedge_event());
      if (b.irq.read()) drv.handle_irq();
    }
    fifth = off.replace(flows[4]);  // the shadow table says full: the ways are read back
    first = off.stats(flows[0].cookie, FlowDirection::kOriginal);
  });
  EXPECT_GE(drv.stats().aged_irqs, 1u);
  EXPECT_EQ(fifth, OffloadRefusal::kNone);
  EXPECT_EQ(off.entry_index(5, FlowDirection::kOriginal), 4 * bucket_of(flows[0].dir[0].match, 256));
  EXPECT_EQ(drv.stats().offload.entries_reclaimed, 2u);  // way 0 of each bucket
  EXPECT_FALSE(first);  // its way went to the fifth flow
  EXPECT_EQ(drv.stats().offload.device_errors, 0u);
}

TEST(FlowOffloader, StatsRegisterTraffic) {
  AsicBench b;
  std::ostringstream trace;
  TraceHal traced(b.hal, trace);
  OffloadDriver drv(traced, bench_config(), [](const RxPacket&) {});
  FlowOffloader off(drv);
  const OffloadFlow flow = ipv4_flow(1, kLanHost, 40000, kServer, 53, 17);
  std::optional<net::OffloadStats> s;
  std::chrono::nanoseconds asked{};
  b.run([&] {
    drv.bring_up();
    ASSERT_EQ(off.replace(flow), OffloadRefusal::kNone);
    wait(sc_core::sc_time(1500, sc_core::SC_MS));
    b.asic.receive(testing::kLanPort, testbench::udp4_frame(kLanHost, kServer, 40000, 53, 100));  // 142 bytes
    wait(sc_core::sc_time(1, sc_core::SC_SEC));
    trace.str("");
    asked = b.hal.now();
    s = off.stats(1, FlowDirection::kOriginal);
  });
  using hw::reg::EntryCtrl;
  const unsigned index = 4 * bucket_of(flow.dir[0].match, 4096);
  const auto read = EntryCtrl::kOp.make(EntryCtrl::kOpRead) | EntryCtrl::kIndex.make(index);
  const std::vector<std::string> expected = {
      "W ENTRY_CTRL " + hex(EntryCtrl::kReq.make(1) | read),
      "R ENTRY_CTRL " + hex(EntryCtrl::kAck.make(1) | read),
      // Only the identity: IB1 (BIND, UDP, TTL_DEC, MIB_EN, hit at second 1), the key, MATCH.
      "R ENTRY_DATA[0] 0x60180001",
      "R ENTRY_DATA[1] 0xc0a8010a",
      "R ENTRY_DATA[2] 0x5db8d822",
      "R ENTRY_DATA[3] 0x9c400035",
      "R ENTRY_DATA[22] 0x00000012",
      "R ENTRY_DATA[23] 0x00000000",
      // IB1.TIMESTAMP moved since the write (second 0): idle = TIMESTAMP - 1 = 1 s.
      "R TIMESTAMP 0x00000002",
      // Latch the entry's counters (read-and-clear), then 64-bit bytes and packets.
      "W MIB_SER_CR " + hex(hw::reg::MibSerCr::kSt.make(1) | index),
      "R MIB_SER_CR " + hex(index),
      "R MIB_SER_R0 0x0000008e",
      "R MIB_SER_R1 0x00000000",
      "R MIB_SER_R2 0x00000001",
      "R MIB_SER_R3 0x00000000",
  };
  EXPECT_EQ(accesses(trace.str()), expected) << trace.str();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->packets, 1u);
  EXPECT_EQ(s->bytes, 128u);  // 142 - 14 bytes of Ethernet header
  // now - idle, with now taken when TIMESTAMP was read (eight MMIO reads into the call).
  EXPECT_GE(s->last_used, asked - std::chrono::seconds(1));
  EXPECT_LT(s->last_used, asked - std::chrono::seconds(1) + std::chrono::microseconds(20));
}

// ---- learn mode ------------------------------------------------------------------------------

TEST(FlowOffloader, LearnModeBindsAtTheIndexTheHardwareChose) {
  AsicBench b;
  DriverConfig config = bench_config();
  config.bind_mode = BindMode::kLearn;
  config.bind_rate = 3;
  std::vector<RxPacket> punts;
  OffloadDriver* drv_ptr = nullptr;
  OffloadDriver drv(b.hal, config, [&](const RxPacket& p) {
    punts.push_back(p);
    EXPECT_EQ(drv_ptr->transmit(p.bytes, testing::kWanPort), TxResult::kQueued);  // the slow path
  });
  drv_ptr = &drv;
  FlowOffloader off(drv);
  const OffloadFlow flow = ipv4_flow(1, kLanHost, 40000, kServer, 53, 17);
  constexpr int kFrames = 12;
  std::size_t parked_after_replace = 0;
  b.run([&] {
    drv.bring_up();
    ASSERT_EQ(off.replace(flow), OffloadRefusal::kNone);
    parked_after_replace = off.parked();
    sc_core::sc_spawn([&] {
      for (int i = 0; i < kFrames; ++i) {
        b.asic.receive(testing::kLanPort, testbench::udp4_frame(kLanHost, kServer, 40000, 53, 30));
        wait(sc_core::sc_time(50, sc_core::SC_US));
      }
    });
    // The CPU: interrupts until the frames are through (12 x 50 us) and a margin.
    const auto deadline = sc_core::sc_time_stamp() + sc_core::sc_time(2, sc_core::SC_MS);
    while (sc_core::sc_time_stamp() < deadline) {
      if (!b.irq.read()) wait(sc_core::sc_time(100, sc_core::SC_US), b.irq.posedge_event());
      drv.handle_irq();
    }
  });
  EXPECT_EQ(parked_after_replace, 2u);
  // un_hit, hit_unbind, then hit_unbind_rate_reached at the third packet: the driver binds.
  ASSERT_GE(punts.size(), 3u);
  EXPECT_EQ(punts[0].reason, hw::PuntReason::kUnHit);
  const auto reached = std::find_if(punts.begin(), punts.end(), [](const RxPacket& p) {
    return p.reason == hw::PuntReason::kHitUnbindRateReached;
  });
  ASSERT_NE(reached, punts.end());
  EXPECT_EQ(off.entry_index(1, FlowDirection::kOriginal), reached->foe_index);
  EXPECT_EQ(off.parked(), 1u);  // the reply direction never had traffic
  const FlowOffloadCounters& c = drv.stats().offload;
  EXPECT_EQ(c.learn_binds, 1u);
  EXPECT_EQ(c.flows_offloaded, 1u);
  EXPECT_EQ(c.entries_verified, 1u);
  // Every frame went out of the WAN port: the punted ones by the driver's transmit, the rest
  // by the hardware once bound (NATed, and never seen by the CPU).
  std::size_t by_hardware = 0;
  for (const auto& t : b.observer.transmitted) by_hardware += t.origin == model::FrameOrigin::kWire;
  EXPECT_EQ(punts.size() + by_hardware, static_cast<std::size_t>(kFrames));
  EXPECT_GT(by_hardware, 0u);
}

// ---- a device that misbehaves ----------------------------------------------------------------

// The real backend with faults injected on what the device answers: an ENTRY_CTRL whose ACK
// never comes, an ENTRY_DATA word that reads back wrong, or a device gone (all ones).
class FaultyHal : public Hal {
 public:
  explicit FaultyHal(Hal& inner) : inner_(inner) {}
  bool drop_ack = false;
  std::optional<unsigned> flip_data_word;
  bool gone = false;

  std::uint32_t read32(std::uint32_t offset) override {
    std::uint32_t v = inner_.read32(offset);
    if (gone) return 0xffffffffu;
    if (drop_ack && offset == hw::reg::EntryCtrl::offset()) v &= ~hw::reg::EntryCtrl::kAck.mask();
    if (flip_data_word && offset == hw::reg::EntryData::offset(*flip_data_word)) v ^= 1;
    return v;
  }
  void write32(std::uint32_t offset, std::uint32_t value) override { inner_.write32(offset, value); }
  DmaRegion alloc_dma(std::size_t size) override { return inner_.alloc_dma(size); }
  void sleep(std::chrono::nanoseconds d) override { inner_.sleep(d); }
  std::chrono::nanoseconds now() const override { return inner_.now(); }

 private:
  Hal& inner_;
};

TEST(FlowOffloader, DeviceErrorsAreRefusalsAndTheFlowCanBeRetried) {
  AsicBench b;
  FaultyHal faulty(b.hal);
  DriverConfig config = bench_config();
  config.entry_timeout = std::chrono::microseconds(20);
  OffloadDriver drv(faulty, config, [](const RxPacket&) {});
  FlowOffloader off(drv);
  const OffloadFlow f1 = ipv4_flow(1, kLanHost, 1111, kServer, 443);
  const OffloadFlow f2 = ipv4_flow(2, kLanHost, 2222, kServer, 443);
  OffloadRefusal no_ack{}, retried{}, mismatch{}, gone{};
  std::chrono::nanoseconds no_ack_took{};
  std::uint32_t used_after_mismatch = 0;
  unsigned in_use_after_mismatch = 0;
  b.run([&] {
    drv.bring_up();
    faulty.drop_ack = true;
    const auto t0 = b.hal.now();
    no_ack = off.replace(f1);
    no_ack_took = b.hal.now() - t0;
    faulty.drop_ack = false;
    retried = off.replace(f1);
    faulty.flip_data_word = 24;  // MTU reads back wrong
    mismatch = off.replace(f2);
    faulty.flip_data_word.reset();
    used_after_mismatch = tb_used(b.hal);
    in_use_after_mismatch = off.entries_in_use();
    faulty.gone = true;
    gone = off.replace(f2);
  });
  const FlowOffloadCounters& c = drv.stats().offload;
  // No ACK: the write times out, and so does the invalidate that tries to clean up after it;
  // the way stays out of use (stale). Bounded: two timeouts and a few accesses.
  EXPECT_EQ(no_ack, OffloadRefusal::kDeviceError);
  EXPECT_LT(no_ack_took, std::chrono::microseconds(100));
  EXPECT_EQ(c.ack_timeouts, 2u);
  // Once the device answers again the same flow goes in.
  EXPECT_EQ(retried, OffloadRefusal::kNone) << off.last_error();
  // A read-back that differs: refused, and the entries written for it are invalidated again.
  EXPECT_EQ(mismatch, OffloadRefusal::kDeviceError);
  EXPECT_EQ(c.verify_mismatches, 1u);
  // In the device: f1's two entries (the first attempt's write and invalidate did happen,
  // only their ACKs were lost). In the shadow table that way stays stale until reused.
  EXPECT_EQ(used_after_mismatch, 2u);
  EXPECT_EQ(in_use_after_mismatch, 3u);
  EXPECT_EQ(gone, OffloadRefusal::kDeviceError);
  EXPECT_GE(c.all_ones_reads, 1u);
  EXPECT_EQ(c.refusals(OffloadRefusal::kDeviceError), 3u);
  EXPECT_EQ(off.flows(), 1u);
}

}  // namespace
}  // namespace flowsim::driver
