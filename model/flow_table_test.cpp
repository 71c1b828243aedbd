// SPDX-License-Identifier: Apache-2.0
// The flow table block through its registers only: geometry in CAPS, the ENTRY_CTRL /
// ENTRY_DATA window (atomic write, whole-image read, invalidate, errors), TB_USED, per-entry
// MIB counters through MIB_SER_CR (read-clear), REASON_CNT, the FIN state, and the two bind
// modes: direct (a miss punts no_flow) and learn (miss -> UNBIND, counting, bind rate reached
// with the index, bucket full). Frames go in through the ports; exact rewrite bytes are
// rewrite_unit_test's business.
#include <gtest/gtest.h>

#include "hw/flowsim_hw.hpp"  // Generated.
#include "net/tcp_header.hpp"
#include "testbench/bench/asic_bench.hpp"
#include "testbench/bench/model_ops.hpp"
#include "testbench/bench/test_frame.hpp"

namespace flowsim::model {
namespace {

using hw::desc::FoeEntry;
using hw::PuntReason;
using Ib1 = FoeEntry::Ib1;
using namespace hw::reg;
using testbench::AsicBench;
using testbench::EntrySpec;
using testbench::EntryWords;

constexpr std::uint32_t kHost = 0xc0a80164;    // 192.168.1.100
constexpr std::uint32_t kServer = 0xc6336401;  // 198.51.100.1
constexpr std::uint32_t kWan = 0xcb007102;     // 203.0.113.2

net::FiveTuple udp_tuple(std::uint16_t sport, std::uint16_t dport = 53) {
  return net::FiveTuple::ipv4(net::Ipv4Addr(kHost), net::Ipv4Addr(kServer), 17, sport, dport);
}

// A NAPT entry for `t` (LAN port 0 -> WAN port 1).
EntrySpec napt(const net::FiveTuple& t) {
  EntrySpec s;
  s.orig = t;
  s.nat = net::FiveTuple::ipv4(net::Ipv4Addr(kWan), t.dst_v4(), t.proto, t.src_port, t.dst_port);
  s.dmac = net::MacAddr({0x02, 0, 0, 0, 0x02, 0xfe});
  s.smac = net::MacAddr({0x02, 0, 0, 0, 0x02, 0x01});
  s.dest_port = 1;
  s.in_port = 0;
  return s;
}

std::uint32_t reason_cnt(AsicBench& b, PuntReason r) {
  return b.asic.register_value(ReasonCnt::offset(static_cast<unsigned>(r)));
}

std::vector<PuntReason> reasons(const AsicBench& b) {
  std::vector<PuntReason> out;
  for (const auto& p : b.observer.punted) out.push_back(p.reason);
  return out;
}

void learn_mode(driver::Hal& hal, std::uint32_t bind_rate) {
  hal.write32(TbCfg::offset(), TbCfg::kBindMode.make(1) | TbCfg::kAgeEn.make(1) | TbCfg::kMibEn.make(1));
  hal.write32(BindRate::offset(), BindRate::kBind.make(bind_rate));
}

TEST(FlowTable, CapsDescribeTheGeometry) {
  AsicParams p = testbench::default_bench_params();
  p.table_entries = 2048;
  p.table_ways = 2;
  AsicBench b(p);
  std::uint32_t caps = 0, cfg = 0;
  b.run([&] {
    testbench::bring_up(b.hal, 3);
    caps = b.hal.read32(Caps::offset());
    cfg = b.hal.read32(TbCfg::offset());
  });
  EXPECT_EQ(Caps::kTableSizeLog2.get(caps), 11u);
  EXPECT_EQ(Caps::kTableWays.get(caps), 2u);
  EXPECT_EQ(Caps::kIpv6Nat.get(caps), 0u);
  EXPECT_EQ(Caps::kNumPorts.get(caps), 3u);
  EXPECT_EQ(TbCfg::kBindMode.get(cfg), 0u);  // direct mode after reset
}

TEST(EntryWindow, WriteReadInvalidateAndErrors) {
  AsicBench b;
  const EntrySpec spec = napt(udp_tuple(40000));
  EntryWords image = testbench::encode_entry(spec);
  image[Ib1::kWord] = Ib1::kTimestamp.set(image[Ib1::kWord], 0x1234);  // a driver's stamp is kept
  const unsigned index = testbench::entry_index(spec.orig, 16384, 4, 2);  // way 2 of its bucket
  EntryWords read_back{}, after_invalidate{};
  std::uint32_t ctrl_after_write = 0, ctrl_after_noop = 0, ctrl_err = 0, ctrl_op0 = 0;
  std::uint32_t used_1 = 0, used_0 = 0;
  b.run([&] {
    testbench::bring_up(b.hal, 3);
    testbench::make_rx_ring(b.hal, 8);
    testbench::write_entry(b.hal, index, image);
    ctrl_after_write = b.hal.read32(EntryCtrl::offset());
    // A write without REQ starts nothing and leaves the register as it was.
    b.hal.write32(EntryCtrl::offset(), EntryCtrl::kOp.make(EntryCtrl::kOpInvalidate) | EntryCtrl::kIndex.make(index));
    ctrl_after_noop = b.hal.read32(EntryCtrl::offset());
    used_1 = b.hal.read32(TbUsed::offset());
    read_back = testbench::read_entry(b.hal, index);
    // Half-written ENTRY_DATA does not reach the table: the frame is forwarded as before.
    b.hal.write32(EntryData::offset(FoeEntry::Ib2::kWord), FoeEntry::Ib2::kDestPort.make(2));
    b.asic.receive(0, testbench::udp4_frame(kHost, kServer, 40000, 53));
    b.hal.sleep(std::chrono::microseconds(5));
    ctrl_err = testbench::entry_op(b.hal, EntryCtrl::kOpRead, 16384);
    ctrl_op0 = testbench::entry_op(b.hal, 0, 5);
    testbench::entry_op(b.hal, EntryCtrl::kOpInvalidate, index);
    used_0 = b.hal.read32(TbUsed::offset());
    after_invalidate = testbench::read_entry(b.hal, index);
    b.asic.receive(0, testbench::udp4_frame(kHost, kServer, 40000, 53));
    b.hal.sleep(std::chrono::microseconds(5));
  });
  EXPECT_EQ(ctrl_after_write, EntryCtrl::kAck.make(1) | EntryCtrl::kOp.make(EntryCtrl::kOpWrite) |
                                  EntryCtrl::kIndex.make(index));
  EXPECT_EQ(ctrl_after_noop, ctrl_after_write);
  EXPECT_EQ(used_1, 1u);
  EXPECT_EQ(read_back, image);
  EXPECT_EQ(EntryCtrl::kErr.get(ctrl_err), 1u);
  EXPECT_EQ(EntryCtrl::kAck.get(ctrl_err), 1u);
  EXPECT_EQ(EntryCtrl::kErr.get(ctrl_op0), 1u);
  EXPECT_EQ(used_0, 0u);
  EXPECT_EQ(testbench::entry_state(after_invalidate), Ib1::kStateInvalid);
  ASSERT_EQ(b.observer.transmitted.size(), 1u);
  EXPECT_EQ(b.observer.transmitted[0].port, 1u);
  ASSERT_EQ(b.observer.punted.size(), 1u);
  EXPECT_EQ(b.observer.punted[0].reason, PuntReason::kNoFlow);
}

TEST(EntryWindow, EntryWrittenWithoutTimestampIsStampedWithTimestamp) {
  AsicBench b;
  const EntrySpec spec = napt(udp_tuple(40001));
  const unsigned index = testbench::entry_index(spec.orig);
  EntryWords read_back{};
  std::uint32_t now_s = 0;
  b.run([&] {
    testbench::bring_up(b.hal, 3);
    b.hal.sleep(std::chrono::milliseconds(2500));
    testbench::write_entry(b.hal, index, testbench::encode_entry(spec));
    read_back = testbench::read_entry(b.hal, index);
    now_s = b.hal.read32(Timestamp::offset());
  });
  EXPECT_EQ(now_s, 2u);
  EXPECT_EQ(Ib1::kTimestamp.get(read_back[Ib1::kWord]), 2u);
}

TEST(FlowTable, MibCountsForwardedFramesAndReadClears) {
  AsicBench b;
  const EntrySpec counted = napt(udp_tuple(40002));
  EntrySpec uncounted = napt(udp_tuple(40003));
  uncounted.mib = false;
  const unsigned i1 = testbench::entry_index(counted.orig), i2 = testbench::entry_index(uncounted.orig);
  testbench::MibCounters first, second, cleared, off;
  const auto frame = testbench::udp4_frame(kHost, kServer, 40002, 53, 100);
  b.run([&] {
    testbench::bring_up(b.hal, 3);
    testbench::write_entry(b.hal, i1, testbench::encode_entry(counted));
    testbench::write_entry(b.hal, i2, testbench::encode_entry(uncounted));
    for (int i = 0; i < 3; ++i) b.asic.receive(0, frame);
    b.asic.receive(0, testbench::udp4_frame(kHost, kServer, 40003, 53));
    b.hal.sleep(std::chrono::microseconds(5));
    first = testbench::read_mib(b.hal, i1);
    second = testbench::read_mib(b.hal, i1);  // RD_CLR is off: the same again
    b.hal.write32(MibCfg::offset(), MibCfg::kEn.make(1) | MibCfg::kRdClr.make(1));
    testbench::read_mib(b.hal, i1);
    cleared = testbench::read_mib(b.hal, i1);
    off = testbench::read_mib(b.hal, i2);
  });
  EXPECT_EQ(first.packets, 3u);
  EXPECT_EQ(first.bytes, 3 * frame.size());
  EXPECT_EQ(second.packets, 3u);
  EXPECT_EQ(cleared.packets, 0u);
  EXPECT_EQ(cleared.bytes, 0u);
  EXPECT_EQ(off.packets, 0u);  // IB1.MIB_EN clear
  EXPECT_EQ(b.observer.transmitted.size(), 4u);
}

TEST(FlowTable, FinEntryPuntsUntilTheDriverRebindsIt) {
  AsicBench b;
  EntrySpec spec = napt(net::FiveTuple::ipv4(net::Ipv4Addr(kHost), net::Ipv4Addr(kServer), 6, 40004, 443));
  const unsigned index = testbench::entry_index(spec.orig);
  std::uint32_t state_after_fin = 0;
  b.run([&] {
    testbench::bring_up(b.hal, 3);
    testbench::make_rx_ring(b.hal, 8);
    testbench::write_entry(b.hal, index, testbench::encode_entry(spec));
    b.asic.receive(0, testbench::tcp4_frame(kHost, kServer, 40004, 443));  // forwarded
    b.hal.sleep(std::chrono::microseconds(3));
    b.asic.receive(0, testbench::tcp4_frame(kHost, kServer, 40004, 443, net::TcpHeader::kRst));
    b.hal.sleep(std::chrono::microseconds(3));
    state_after_fin = testbench::entry_state(testbench::read_entry(b.hal, index));
    b.asic.receive(0, testbench::tcp4_frame(kHost, kServer, 40004, 443));  // FIN state: punted
    b.hal.sleep(std::chrono::microseconds(3));
    testbench::write_entry(b.hal, index, testbench::encode_entry(spec));  // software re-offloads
    b.asic.receive(0, testbench::tcp4_frame(kHost, kServer, 40004, 443));
    b.hal.sleep(std::chrono::microseconds(3));
  });
  EXPECT_EQ(state_after_fin, Ib1::kStateFin);
  EXPECT_EQ(reasons(b), (std::vector<PuntReason>{PuntReason::kHitBindTcpFin, PuntReason::kHitBindTcpFin}));
  EXPECT_EQ(b.observer.transmitted.size(), 2u);
  EXPECT_EQ(reason_cnt(b, PuntReason::kHitBindTcpFin), 2u);
}

TEST(FlowTable, SynOnABoundEntryIsPuntedButLeavesItBound) {
  // A SYN must reach software (conntrack decides about a reopened connection), but moving
  // its entry to FIN would leave this direction on the CPU for the rest of the flow while the
  // other stays in hardware.
  AsicBench b;
  EntrySpec spec = napt(net::FiveTuple::ipv4(net::Ipv4Addr(kHost), net::Ipv4Addr(kServer), 6, 40005, 443));
  const unsigned index = testbench::entry_index(spec.orig);
  std::uint32_t state_after_syn = 0;
  b.run([&] {
    testbench::bring_up(b.hal, 3);
    testbench::make_rx_ring(b.hal, 8);
    testbench::write_entry(b.hal, index, testbench::encode_entry(spec));
    b.asic.receive(0, testbench::tcp4_frame(kHost, kServer, 40005, 443, net::TcpHeader::kSyn));
    b.hal.sleep(std::chrono::microseconds(3));
    state_after_syn = testbench::entry_state(testbench::read_entry(b.hal, index));
    b.asic.receive(0, testbench::tcp4_frame(kHost, kServer, 40005, 443));  // still forwarded
    b.hal.sleep(std::chrono::microseconds(3));
  });
  EXPECT_EQ(state_after_syn, Ib1::kStateBind);
  EXPECT_EQ(reasons(b), std::vector<PuntReason>{PuntReason::kHitBindTcpFin});
  EXPECT_EQ(b.observer.transmitted.size(), 1u);
}

TEST(DirectMode, MissPuntsNoFlowAndLearnsNothing) {
  AsicBench b;
  b.run([&] {
    testbench::bring_up(b.hal, 3);
    testbench::make_rx_ring(b.hal, 8);
    for (int i = 0; i < 3; ++i) b.asic.receive(0, testbench::udp4_frame(kHost, kServer, 40005, 53));
    b.hal.sleep(std::chrono::microseconds(10));
  });
  EXPECT_EQ(reasons(b), std::vector<PuntReason>(3, PuntReason::kNoFlow));
  for (const auto& p : b.observer.punted) EXPECT_EQ(p.foe_index, 0x7fffu);
  EXPECT_EQ(b.asic.register_value(TbUsed::offset()), 0u);
  EXPECT_EQ(reason_cnt(b, PuntReason::kNoFlow), 3u);
}

TEST(LearnMode, MissLearnsUnbindCountsAndPuntsRateReachedWithTheIndex) {
  AsicBench b;
  const net::FiveTuple t = udp_tuple(40006);
  const unsigned index = testbench::entry_index(t);
  EntryWords learnt{};
  std::uint32_t used = 0;
  b.run([&] {
    testbench::bring_up(b.hal, 3);
    testbench::make_rx_ring(b.hal, 16);
    learn_mode(b.hal, 4);
    for (int i = 0; i < 5; ++i) {
      b.asic.receive(0, testbench::udp4_frame(kHost, kServer, 40006, 53));
      b.hal.sleep(std::chrono::microseconds(2));
    }
    used = b.hal.read32(TbUsed::offset());
    learnt = testbench::read_entry(b.hal, index);
    // The driver binds the index the hardware reported; the flow is then forwarded.
    testbench::write_entry(b.hal, b.observer.punted.back().foe_index, testbench::encode_entry(napt(t)));
    b.asic.receive(0, testbench::udp4_frame(kHost, kServer, 40006, 53));
    b.hal.sleep(std::chrono::microseconds(2));
  });
  EXPECT_EQ(reasons(b), (std::vector<PuntReason>{PuntReason::kUnHit, PuntReason::kHitUnbind, PuntReason::kHitUnbind,
                                                 PuntReason::kHitUnbindRateReached,
                                                 PuntReason::kHitUnbindRateReached}));
  for (const auto& p : b.observer.punted) EXPECT_EQ(p.foe_index, index);
  EXPECT_EQ(used, 1u);
  // What the hardware built: UNBIND, the key, the ingress it saw, the packets it counted.
  EXPECT_EQ(testbench::entry_state(learnt), Ib1::kStateUnbind);
  EXPECT_EQ(Ib1::kUdp.get(learnt[Ib1::kWord]), 1u);
  EXPECT_EQ(Ib1::kType.get(learnt[Ib1::kWord]), Ib1::kTypeIpv4Hnapt);
  EXPECT_EQ(learnt[hw::desc::FoeIpv4::OrigSip::kWord], kHost);
  EXPECT_EQ(learnt[hw::desc::FoeIpv4::OrigDip::kWord], kServer);
  EXPECT_EQ(learnt[hw::desc::FoeIpv4::OrigPorts::kWord], (40006u << 16) | 53u);
  EXPECT_EQ(learnt[FoeEntry::Match::kWord], FoeEntry::Match::kInPortValid.make(1));  // port 0
  EXPECT_EQ(FoeEntry::Unbind::kPackets.get(learnt[FoeEntry::Unbind::kWord]), 5u);
  ASSERT_EQ(b.observer.transmitted.size(), 1u);
  EXPECT_EQ(b.observer.transmitted[0].port, 1u);
  EXPECT_EQ(reason_cnt(b, PuntReason::kUnHit), 1u);
  EXPECT_EQ(reason_cnt(b, PuntReason::kHitUnbind), 2u);
  EXPECT_EQ(reason_cnt(b, PuntReason::kHitUnbindRateReached), 2u);
}

TEST(LearnMode, FullBucketPuntsNoFlowCountsItAndLearnsNothing) {
  AsicParams p = testbench::default_bench_params();
  p.table_entries = 1024;  // 256 buckets x 4 ways
  AsicBench b(p);
  // Five flows whose hashes share a bucket (found with the reference hash).
  std::vector<std::uint16_t> ports;
  const unsigned bucket = testbench::entry_index(udp_tuple(1000), 1024) / 4;
  for (std::uint16_t sp = 1000; ports.size() < 5; ++sp) {
    if (testbench::entry_index(udp_tuple(sp), 1024) / 4 == bucket) ports.push_back(sp);
  }
  std::uint32_t used = 0;
  std::uint32_t learn_full = 0;
  b.run([&] {
    testbench::bring_up(b.hal, 3);
    testbench::make_rx_ring(b.hal, 16);
    learn_mode(b.hal, 30);
    for (const std::uint16_t sp : ports) {
      b.asic.receive(0, testbench::udp4_frame(kHost, kServer, sp, 53));
      b.hal.sleep(std::chrono::microseconds(2));
    }
    used = b.hal.read32(TbUsed::offset());
    learn_full = b.hal.read32(LearnFull::offset());
  });
  ASSERT_EQ(b.observer.punted.size(), 5u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(b.observer.punted[i].reason, PuntReason::kUnHit);
    EXPECT_EQ(b.observer.punted[i].foe_index, bucket * 4 + i);  // the free ways in order
  }
  // hardware.md §4.6: a full bucket makes no UNBIND entry; the packet is punted no_flow and
  // counted.
  EXPECT_EQ(b.observer.punted[4].reason, PuntReason::kNoFlow);
  EXPECT_EQ(b.observer.punted[4].foe_index, 0x7fffu);
  EXPECT_EQ(used, 4u);
  EXPECT_EQ(reason_cnt(b, PuntReason::kNoFlow), 1u);
  EXPECT_EQ(learn_full, 1u);
}

TEST(LearnMode, TcpHandshakeAndTeardownAreNotLearnt) {
  AsicBench b;
  std::uint32_t used = 0;
  b.run([&] {
    testbench::bring_up(b.hal, 3);
    testbench::make_rx_ring(b.hal, 16);
    learn_mode(b.hal, 30);
    b.asic.receive(0, testbench::tcp4_frame(kHost, kServer, 40007, 443, net::TcpHeader::kSyn));
    b.asic.receive(0, testbench::tcp4_frame(kHost, kServer, 40007, 443, net::TcpHeader::kAck));
    b.asic.receive(0, testbench::tcp4_frame(kHost, kServer, 40007, 443, net::TcpHeader::kFin | net::TcpHeader::kAck));
    b.hal.sleep(std::chrono::microseconds(10));
    used = b.hal.read32(TbUsed::offset());
  });
  EXPECT_EQ(reasons(b), (std::vector<PuntReason>{PuntReason::kTcpFinSynRst, PuntReason::kUnHit,
                                                 PuntReason::kTcpFinSynRst}));
  EXPECT_EQ(used, 1u);
}

}  // namespace
}  // namespace flowsim::model
