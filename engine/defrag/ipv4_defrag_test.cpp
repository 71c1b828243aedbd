// SPDX-License-Identifier: Apache-2.0
// nf_defrag_ipv4's queue, as ip_frag_queue/ip_frag_reasm decide: in and out of order, the
// datagram's exact bytes (first fragment's header, total length, frag_off, checksum), the
// sizes kept for refragmentation, duplicates (dropped alone) against overlaps (the queue
// dies), bad ends, ipfrag_time, ECN, DF, ipfrag_high_thresh.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "engine/defrag/ipv4_defrag.hpp"
#include "engine/defrag/test_fragments.hpp"
#include "net/byte_order.hpp"
#include "net/checksum.hpp"
#include "net/ipv4_header.hpp"

namespace flowsim::engine::defrag {
namespace {

using namespace std::chrono_literals;
using Outcome = Ipv4Defrag::Outcome;

// The whole datagram the fragments come from: 20-byte header, UDP, `data` bytes counting.
std::vector<std::uint8_t> whole(std::size_t data, std::uint8_t tos = 0, std::uint16_t id = 0x7003) {
  std::vector<std::uint8_t> d(20 + data);
  d[0] = 0x45;
  d[1] = tos;
  net::store_be16(d.data() + 2, static_cast<std::uint16_t>(d.size()));
  net::store_be16(d.data() + 4, id);
  d[8] = 50;
  d[9] = 17;
  net::store_be32(d.data() + 12, 0xc6336407);
  net::store_be32(d.data() + 16, 0xcb007102);
  for (std::size_t i = 20; i < d.size(); ++i) d[i] = static_cast<std::uint8_t>(i * 13);
  net::store_be16(d.data() + 10, net::internet_checksum(std::span<const std::uint8_t>(d.data(), 20)));
  return d;
}

// Fragment of `w`: data bytes [offset, offset + len), MF/DF as given, TOS `tos`, TTL `ttl`.
std::vector<std::uint8_t> frag(const std::vector<std::uint8_t>& w, std::size_t offset, std::size_t len, bool mf,
                               bool df = false, std::uint8_t tos = 0, std::uint8_t ttl = 50) {
  return testing::ipv4_fragment_of(w, 0, {.offset = offset, .len = len, .mf = mf, .df = df, .tos = tos, .ttl = ttl});
}

struct Fixture {
  Ipv4Defrag defrag;
  std::vector<std::uint8_t> out;
  Reassembled info;
  explicit Fixture(DefragConfig c = {}) : defrag(c) {}
  Ipv4Defrag::Result add(const std::vector<std::uint8_t>& f, std::chrono::nanoseconds now = 1s) {
    return defrag.add(f, now, out, info);
  }
};

TEST(Ipv4Defrag, InOrderGivesTheDatagramAndTheSizes) {
  const auto w = whole(2008);
  Fixture x;
  EXPECT_EQ(x.add(frag(w, 0, 1000, true)).outcome, Outcome::kHeld);
  EXPECT_EQ(x.add(frag(w, 1000, 1000, true)).outcome, Outcome::kHeld);
  EXPECT_EQ(x.add(frag(w, 2000, 8, false)).outcome, Outcome::kReassembled);
  EXPECT_EQ(x.out, w);  // the first fragment's header: total length set, frag_off 0, checksum again
  EXPECT_EQ(x.info.frag_max_size, 1020);
  EXPECT_FALSE(x.info.pmtu);
  EXPECT_EQ(x.info.fragment_lengths, (std::vector<std::uint16_t>{1000, 1000, 8}));
  EXPECT_EQ(x.defrag.stats().reassembled, 1u);
  EXPECT_EQ(x.defrag.stats().joined, 2u);
  EXPECT_EQ(x.defrag.stats().held, 0u);
  EXPECT_EQ(x.defrag.queues(), 0u);
  EXPECT_EQ(x.defrag.memory(), 0u);
}

TEST(Ipv4Defrag, OutOfOrderTakesTheHeaderOfTheFirstFragment) {
  const auto w = whole(1600);
  Fixture x;
  // The last fragment arrives first, with another TTL: the datagram has the first's.
  EXPECT_EQ(x.add(frag(w, 800, 800, false, false, 0, 7)).outcome, Outcome::kHeld);
  EXPECT_EQ(x.add(frag(w, 0, 800, true)).outcome, Outcome::kReassembled);
  EXPECT_EQ(x.out, w);
  EXPECT_EQ(x.info.fragment_lengths, (std::vector<std::uint16_t>{800, 800}));
}

TEST(Ipv4Defrag, ADuplicateIsDroppedAloneAnOverlapKillsTheQueue) {
  const auto w = whole(2400);
  Fixture x;
  EXPECT_EQ(x.add(frag(w, 0, 800, true)).outcome, Outcome::kHeld);
  EXPECT_EQ(x.add(frag(w, 800, 800, true)).outcome, Outcome::kHeld);
  // [400, 1200) lies within the run 0..1600 built by the two: a duplicate.
  const auto dup = x.add(frag(w, 400, 800, true));
  EXPECT_EQ(dup.outcome, Outcome::kDropped);
  EXPECT_EQ(dup.reason, DropReason::kDefragDuplicate);
  EXPECT_EQ(x.defrag.stats().held, 2u);
  // [1200, 2000) reaches beyond it: an overlap, the two held fragments die with it.
  const auto over = x.add(frag(w, 1200, 800, true));
  EXPECT_EQ(over.outcome, Outcome::kDropped);
  EXPECT_EQ(over.reason, DropReason::kDefragOverlap);
  EXPECT_EQ(x.defrag.stats().killed, 2u);
  EXPECT_EQ(x.defrag.queues(), 0u);
  EXPECT_EQ(x.defrag.memory(), 0u);
  // What comes next starts a new queue.
  EXPECT_EQ(x.add(frag(w, 1600, 800, false)).outcome, Outcome::kHeld);
}

TEST(Ipv4Defrag, ContiguousFragmentsOutOfOrderAreSeparateRuns) {
  // 0..800 and 1600..2400 first, then 800..1600 fills the gap as a run of its own: a fragment
  // spanning 0..1600 is then an overlap (not inside one run), as in the kernel.
  const auto w = whole(3200);
  Fixture x;
  EXPECT_EQ(x.add(frag(w, 0, 800, true)).outcome, Outcome::kHeld);
  EXPECT_EQ(x.add(frag(w, 1600, 800, true)).outcome, Outcome::kHeld);
  EXPECT_EQ(x.add(frag(w, 800, 800, true)).outcome, Outcome::kHeld);
  const auto r = x.add(frag(w, 0, 1600, true));
  EXPECT_EQ(r.reason, DropReason::kDefragOverlap);
}

TEST(Ipv4Defrag, BadEndsKillTheQueue) {
  const auto w = whole(2400);
  Fixture x;
  EXPECT_EQ(x.add(frag(w, 0, 800, true)).outcome, Outcome::kHeld);
  EXPECT_EQ(x.add(frag(w, 1600, 800, false)).outcome, Outcome::kHeld);
  // A second last fragment with another end.
  EXPECT_EQ(x.add(frag(w, 800, 400, false)).reason, DropReason::kDefragInvalid);
  EXPECT_EQ(x.defrag.stats().killed, 2u);
  // Data beyond a known end.
  EXPECT_EQ(x.add(frag(w, 800, 800, false)).outcome, Outcome::kHeld);
  EXPECT_EQ(x.add(frag(w, 1600, 800, true)).reason, DropReason::kDefragInvalid);
  EXPECT_EQ(x.defrag.stats().killed, 3u);
  // A fragment with MF and fewer than 8 bytes has nothing left once cut to a multiple of 8.
  EXPECT_EQ(x.add(frag(w, 0, 7, true)).reason, DropReason::kDefragInvalid);
}

TEST(Ipv4Defrag, DataOfAFragmentWithMfIsCutToAMultipleOfEight) {
  const auto w = whole(1608);
  Fixture x;
  // 803 bytes with MF: only 800 count; the last fragment supplies the rest from 800.
  EXPECT_EQ(x.add(frag(w, 0, 803, true)).outcome, Outcome::kHeld);
  EXPECT_EQ(x.add(frag(w, 800, 808, false)).outcome, Outcome::kReassembled);
  EXPECT_EQ(x.out, w);
  EXPECT_EQ(x.info.fragment_lengths, (std::vector<std::uint16_t>{800, 808}));
  EXPECT_EQ(x.info.frag_max_size, 828);
}

TEST(Ipv4Defrag, IncompleteQueuesDieAfterIpfragTime) {
  const auto w = whole(1600);
  Fixture x;
  EXPECT_EQ(x.add(frag(w, 0, 800, true), 10s).outcome, Outcome::kHeld);
  EXPECT_EQ(x.defrag.expire(39s), 0u);
  // Found expired on lookup: the new fragment starts again, the old one is lost.
  EXPECT_EQ(x.add(frag(w, 800, 800, false), 40s).outcome, Outcome::kHeld);
  EXPECT_EQ(x.defrag.stats().timed_out, 1u);
  EXPECT_EQ(x.defrag.expire(70s), 1u);
  EXPECT_EQ(x.defrag.stats().timed_out, 2u);
  EXPECT_EQ(x.defrag.stats().held, 0u);
  EXPECT_EQ(x.defrag.memory(), 0u);
}

TEST(Ipv4Defrag, QueuesAreKeyedByAddressesIdAndProtocol) {
  const auto a = whole(1600, 0, 1);
  const auto b = whole(1600, 0, 2);
  Fixture x;
  EXPECT_EQ(x.add(frag(a, 0, 800, true)).outcome, Outcome::kHeld);
  EXPECT_EQ(x.add(frag(b, 800, 800, false)).outcome, Outcome::kHeld);
  EXPECT_EQ(x.defrag.queues(), 2u);
  EXPECT_EQ(x.add(frag(a, 800, 800, false)).outcome, Outcome::kReassembled);
  EXPECT_EQ(x.out, a);
}

TEST(Ipv4Defrag, DfOnTheLargestFragmentSetsDfAndPmtu) {
  auto w = whole(1600);
  Fixture x;
  EXPECT_EQ(x.add(frag(w, 0, 1000, true, true)).outcome, Outcome::kHeld);
  EXPECT_EQ(x.add(frag(w, 1000, 600, false, false)).outcome, Outcome::kReassembled);
  EXPECT_TRUE(x.info.pmtu);
  EXPECT_EQ(x.info.frag_max_size, 1020);
  const auto ip = net::ConstIpv4Header::at(std::span<const std::uint8_t>(x.out), 0).value();
  EXPECT_EQ(ip.frag_off(), net::Ipv4Header::kDf);
  EXPECT_EQ(net::internet_checksum(ip.header()), 0);
  // DF only on the smaller one: no DF.
  Fixture y;
  EXPECT_EQ(y.add(frag(w, 0, 1000, true, false)).outcome, Outcome::kHeld);
  EXPECT_EQ(y.add(frag(w, 1000, 600, false, true)).outcome, Outcome::kReassembled);
  EXPECT_FALSE(y.info.pmtu);
  EXPECT_EQ(y.out, w);
}

TEST(Ipv4Defrag, EcnCeIsKeptAMixWithNotEctIsRefused) {
  const auto w = whole(1600, 0x02);  // ECT(0)
  Fixture x;
  EXPECT_EQ(x.add(frag(w, 0, 800, true, false, 0x02)).outcome, Outcome::kHeld);
  EXPECT_EQ(x.add(frag(w, 800, 800, false, false, 0x03)).outcome, Outcome::kReassembled);
  const auto ip = net::ConstIpv4Header::at(std::span<const std::uint8_t>(x.out), 0).value();
  EXPECT_EQ(ip.tos(), 0x03);
  EXPECT_EQ(net::internet_checksum(ip.header()), 0);
  Fixture y;
  EXPECT_EQ(y.add(frag(w, 0, 800, true, false, 0x00)).outcome, Outcome::kHeld);
  EXPECT_EQ(y.add(frag(w, 800, 800, false, false, 0x02)).reason, DropReason::kDefragInvalid);
}

TEST(Ipv4Defrag, NothingIsQueuedAboveTheMemoryThreshold) {
  DefragConfig c;
  c.high_thresh = 4000;  // about two full-size fragments
  Fixture x(c);
  int held = 0;
  Ipv4Defrag::Result r;
  for (std::uint16_t id = 1; id < 10; ++id) {
    r = x.add(frag(whole(2800, 0, id), 0, 1400, true));
    if (r.outcome != Outcome::kHeld) break;
    ++held;
  }
  EXPECT_EQ(r.reason, DropReason::kDefragNoMemory);
  EXPECT_EQ(held, 2);  // a queue (200) and a fragment (2112) each: refused once above 4000
}

TEST(Ipv4Defrag, LargerThan64KiBIsRefused) {
  const auto w = whole(65528);  // 20 + 65528 > 65535 once whole: built from two fragments
  Fixture x;
  EXPECT_EQ(x.add(frag(w, 0, 65000, true)).outcome, Outcome::kHeld);
  EXPECT_EQ(x.add(frag(w, 65000, 528, false)).reason, DropReason::kDefragInvalid);
}

}  // namespace
}  // namespace flowsim::engine::defrag
