// SPDX-License-Identifier: Apache-2.0
// nf_defrag_ipv6's queue, as nf_ct_frag6_queue/nf_ct_frag6_reasm decide: the datagram's exact
// bytes (the unfragmentable part of the first fragment with the Fragment header's next header
// put back, payload length), frag_max_size (40 + the largest payload length), the sizes kept
// for refragmentation; what differs from IPv4: a hop-by-hop header in front, a non-final
// fragment not ending on 8 bytes (passes unreassembled, its queue dies), a bad last fragment
// dropped while its queue lives on, queues per input interface, 60 s, an atomic fragment, a
// first fragment without its transport header (passes unreassembled).
#include <chrono>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "engine/defrag/ipv6_defrag.hpp"
#include "engine/defrag/test_fragments.hpp"
#include "net/byte_order.hpp"

namespace flowsim::engine::defrag {
namespace {

using namespace std::chrono_literals;
using Outcome = Ipv6Defrag::Outcome;

// A whole IPv6 datagram 2001:db8:1::100 -> 2001:db8:ffff::10, hop limit 64, `data` bytes of
// UDP payload counting up; with `hop_by_hop`, an 8-byte hop-by-hop header (PadN) in front.
std::vector<std::uint8_t> whole(std::size_t data, bool hop_by_hop = false, std::uint8_t traffic_class = 0) {
  const std::size_t ext = hop_by_hop ? 8 : 0;
  std::vector<std::uint8_t> d(40 + ext + 8 + data);
  d[0] = static_cast<std::uint8_t>(0x60 | (traffic_class >> 4));
  d[1] = static_cast<std::uint8_t>(traffic_class << 4);
  net::store_be16(d.data() + 4, static_cast<std::uint16_t>(d.size() - 40));
  d[6] = hop_by_hop ? 0 : 17;
  d[7] = 64;
  const std::uint8_t src[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0};
  const std::uint8_t dst[16] = {0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10};
  std::copy_n(src, 16, d.begin() + 8);
  std::copy_n(dst, 16, d.begin() + 24);
  if (hop_by_hop) {
    d[40] = 17;
    d[41] = 0;
    d[42] = 1;  // PadN, 4 bytes of padding
    d[43] = 4;
  }
  std::uint8_t* udp = d.data() + 40 + ext;
  net::store_be16(udp, 46002);
  net::store_be16(udp + 2, 9);
  net::store_be16(udp + 4, static_cast<std::uint16_t>(8 + data));
  for (std::size_t i = 8; i < 8 + data; ++i) udp[i] = static_cast<std::uint8_t>(i * 11);
  return d;
}

std::vector<std::uint8_t> frag(const std::vector<std::uint8_t>& w, std::size_t offset, std::size_t len, bool mf,
                               std::uint32_t id = 0x0f0f0f0f) {
  const bool hbh = w[6] == 0;
  return testing::ipv6_fragment_of(w, 0, hbh ? 48 : 40, hbh ? 40 : 6, {.offset = offset, .len = len, .mf = mf, .id = id, .traffic_class = {}});
}

struct Fixture {
  Ipv6Defrag defrag;
  std::vector<std::uint8_t> out;
  Reassembled info;
  explicit Fixture(DefragConfig c = kIpv6DefragDefaults) : defrag(c) {}
  Ipv6Defrag::Result add(const std::vector<std::uint8_t>& f, unsigned iif = 0, std::chrono::nanoseconds now = 1s) {
    return defrag.add(f, iif, now, out, info);
  }
};

TEST(Ipv6Defrag, InOrderGivesTheDatagramAndTheSizes) {
  const auto w = whole(1800);  // 1808 bytes of UDP, as Scapy's fragment6(…, 1232) cuts it
  Fixture x;
  EXPECT_EQ(x.add(frag(w, 0, 1184, true)).outcome, Outcome::kHeld);
  EXPECT_EQ(x.add(frag(w, 1184, 624, false)).outcome, Outcome::kReassembled);
  EXPECT_EQ(x.out, w);  // next header 17 again, payload length of the whole
  EXPECT_EQ(x.info.frag_max_size, 1232);  // 40 + 8 + 1184
  EXPECT_EQ(x.info.unfragmentable, 40u);
  EXPECT_EQ(x.info.fragment_lengths, (std::vector<std::uint16_t>{1184, 624}));
  EXPECT_EQ(x.defrag.stats().reassembled, 1u);
  EXPECT_EQ(x.defrag.stats().joined, 1u);
  EXPECT_EQ(x.defrag.queues(), 0u);
  EXPECT_EQ(x.defrag.memory(), 0u);
}

TEST(Ipv6Defrag, TheHopByHopHeaderStaysInFrontAndAnnouncesTheTransport) {
  const auto w = whole(1000, true);
  Fixture x;
  const auto f1 = frag(w, 0, 512, true);
  ASSERT_EQ(f1[6], 0);   // hop-by-hop first
  ASSERT_EQ(f1[40], 44);  // then the Fragment header
  EXPECT_EQ(x.add(f1).outcome, Outcome::kHeld);
  EXPECT_EQ(x.add(frag(w, 512, 496, false)).outcome, Outcome::kReassembled);
  EXPECT_EQ(x.out, w);
  EXPECT_EQ(x.info.unfragmentable, 48u);
  EXPECT_EQ(x.info.frag_max_size, 40 + 8 + 8 + 512);
}

TEST(Ipv6Defrag, OutOfOrderTakesTheFirstFragmentsHeader) {
  const auto w = whole(1800);
  Fixture x;
  auto last = frag(w, 1184, 624, false);
  last[7] = 3;  // another hop limit on the last fragment: the datagram has the first's
  EXPECT_EQ(x.add(last).outcome, Outcome::kHeld);
  EXPECT_EQ(x.add(frag(w, 0, 1184, true)).outcome, Outcome::kReassembled);
  EXPECT_EQ(x.out, w);
}

TEST(Ipv6Defrag, ANonFinalFragmentNotEndingOnEightBytesPassesAndKillsItsQueue) {
  const auto w = whole(1800);
  Fixture x;
  EXPECT_EQ(x.add(frag(w, 0, 1184, true)).outcome, Outcome::kHeld);
  EXPECT_EQ(x.add(frag(w, 1184, 100, true)).outcome, Outcome::kPass);
  EXPECT_EQ(x.defrag.stats().killed, 1u);
  EXPECT_EQ(x.defrag.queues(), 0u);
}

TEST(Ipv6Defrag, ABadLastFragmentIsDroppedAndTheQueueLivesOn) {
  const auto w = whole(2400);
  Fixture x;
  EXPECT_EQ(x.add(frag(w, 0, 800, true)).outcome, Outcome::kHeld);
  EXPECT_EQ(x.add(frag(w, 1600, 808, false)).outcome, Outcome::kHeld);
  // A second last fragment with another end: refused, nothing else lost (IPv4 kills the queue).
  const auto r = x.add(frag(w, 800, 400, false));
  EXPECT_EQ(r.outcome, Outcome::kDropped);
  EXPECT_EQ(r.reason, DropReason::kDefragInvalid);
  EXPECT_EQ(x.defrag.stats().killed, 0u);
  EXPECT_EQ(x.defrag.stats().held, 2u);
  EXPECT_EQ(x.add(frag(w, 800, 800, true)).outcome, Outcome::kReassembled);
  EXPECT_EQ(x.out, w);
}

TEST(Ipv6Defrag, ADuplicateIsDroppedAloneAnOverlapKillsTheQueue) {
  const auto w = whole(2400);
  Fixture x;
  EXPECT_EQ(x.add(frag(w, 0, 800, true)).outcome, Outcome::kHeld);
  EXPECT_EQ(x.add(frag(w, 0, 800, true)).reason, DropReason::kDefragDuplicate);
  EXPECT_EQ(x.defrag.stats().held, 1u);
  EXPECT_EQ(x.add(frag(w, 400, 800, true)).reason, DropReason::kDefragOverlap);
  EXPECT_EQ(x.defrag.stats().killed, 1u);
  EXPECT_EQ(x.defrag.memory(), 0u);
}

TEST(Ipv6Defrag, QueuesArePerInputInterfaceAndIdentification) {
  const auto w = whole(1800);
  Fixture x;
  EXPECT_EQ(x.add(frag(w, 0, 1184, true), 0).outcome, Outcome::kHeld);
  EXPECT_EQ(x.add(frag(w, 1184, 624, false), 1).outcome, Outcome::kHeld);
  EXPECT_EQ(x.add(frag(w, 1184, 624, false, 7), 0).outcome, Outcome::kHeld);
  EXPECT_EQ(x.defrag.queues(), 3u);
  EXPECT_EQ(x.add(frag(w, 1184, 624, false), 0).outcome, Outcome::kReassembled);
}

TEST(Ipv6Defrag, IncompleteQueuesDieAfterSixtySeconds) {
  const auto w = whole(1800);
  Fixture x;
  EXPECT_EQ(x.add(frag(w, 0, 1184, true), 0, 10s).outcome, Outcome::kHeld);
  EXPECT_EQ(x.defrag.expire(69s), 0u);
  EXPECT_EQ(x.defrag.expire(70s), 1u);
  EXPECT_EQ(x.defrag.stats().timed_out, 1u);
  EXPECT_EQ(x.defrag.memory(), 0u);
}

TEST(Ipv6Defrag, AnAtomicFragmentIsReassembledAlone) {
  const auto w = whole(100);
  Fixture x;
  EXPECT_EQ(x.add(frag(w, 0, 108, false)).outcome, Outcome::kReassembled);
  EXPECT_EQ(x.out, w);  // without its Fragment header
  EXPECT_EQ(x.info.frag_max_size, 40 + 8 + 108);
}

TEST(Ipv6Defrag, AFirstFragmentWithoutItsTransportHeaderPasses) {
  const auto w = whole(100);
  Fixture x;
  // 4 bytes of an 8-byte UDP header: RFC 8200 §4.5; conntrack gets it as it is.
  EXPECT_EQ(x.add(frag(w, 0, 4, true)).outcome, Outcome::kPass);
  EXPECT_EQ(x.defrag.queues(), 0u);
  // A packet without a Fragment header is not gathered either.
  EXPECT_EQ(x.add(w).outcome, Outcome::kPass);
}

TEST(Ipv6Defrag, EcnCeIsKeptAMixWithNotEctLosesTheDatagram) {
  const auto w = whole(1800, false, 0x02);
  Fixture x;
  auto f1 = testing::ipv6_fragment_of(w, 0, 40, 6, {.offset = 0, .len = 1184, .mf = true, .traffic_class = 0x03});
  EXPECT_EQ(x.add(f1).outcome, Outcome::kHeld);
  EXPECT_EQ(x.add(frag(w, 1184, 624, false)).outcome, Outcome::kReassembled);
  EXPECT_EQ(x.out[1] >> 4, 0x03);  // CE
  Fixture y;
  auto g1 = testing::ipv6_fragment_of(w, 0, 40, 6, {.offset = 0, .len = 1184, .mf = true, .traffic_class = 0x00});
  EXPECT_EQ(y.add(g1).outcome, Outcome::kHeld);
  EXPECT_EQ(y.add(frag(w, 1184, 624, false)).reason, DropReason::kDefragInvalid);
}

TEST(Ipv6Defrag, NothingIsQueuedAboveTheMemoryThreshold) {
  DefragConfig c = kIpv6DefragDefaults;
  c.high_thresh = 4000;
  Fixture x(c);
  const auto w = whole(2800);
  int held = 0;
  Ipv6Defrag::Result r;
  for (std::uint32_t id = 1; id < 10; ++id) {
    r = x.add(frag(w, 0, 1400, true, id));
    if (r.outcome != Outcome::kHeld) break;
    ++held;
  }
  EXPECT_EQ(r.reason, DropReason::kDefragNoMemory);
  EXPECT_EQ(held, 2);
}

}  // namespace
}  // namespace flowsim::engine::defrag
