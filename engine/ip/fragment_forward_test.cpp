// SPDX-License-Identifier: Apache-2.0
// The engine fragmenting and reassembling as a Linux router does (exact headers: literal
// Scapy output of the frames the kernel sends; the data compared with the input's):
// - a plain router forwards 1500 bytes without DF through a 1400-byte MTU as 1396 bytes with
//   MF and 124 bytes at offset 1376, ID kept, TTL decremented;
// - with the home ruleset, the answer to a masqueraded UDP flow arriving in three fragments
//   is held, reassembled for conntrack, de-NATed and sent on in the sender's sizes, its UDP
//   checksum right over the whole datagram; the counters add up (in = out + held).
#include <gtest/gtest.h>

#include <algorithm>

#include "engine/defrag/test_fragments.hpp"
#include "engine/engine.hpp"
#include "engine/test_frames.hpp"
#include "net/byte_order.hpp"
#include "net/checksum.hpp"
#include "net/ipv4_header.hpp"

namespace flowsim::engine {
namespace {

using namespace std::chrono_literals;
using namespace testing;

// Ethernet + IPv4 + UDP, `data` bytes counting up, the UDP checksum right.
std::vector<std::uint8_t> udp_datagram(const Ipv4L4Spec& ip, std::uint16_t sport, std::uint16_t dport,
                                       std::size_t data) {
  std::vector<std::uint8_t> l4(8 + data);
  net::store_be16(l4.data(), sport);
  net::store_be16(l4.data() + 2, dport);
  net::store_be16(l4.data() + 4, static_cast<std::uint16_t>(l4.size()));
  for (std::size_t i = 8; i < l4.size(); ++i) l4[i] = static_cast<std::uint8_t>(i * 7);
  net::store_be16(l4.data() + 6, net::l4_checksum(ip.src, ip.dst, 17, l4));
  return ipv4_packet(ip, 17, l4);
}

// A fragment of `whole` (an Ethernet + IPv4 frame): data bytes [offset, offset + len).
std::vector<std::uint8_t> fragment_of(const std::vector<std::uint8_t>& whole, std::size_t offset, std::size_t len,
                                      bool mf) {
  return padded(ipv4_fragment_of(whole, 14, {.offset = offset, .len = len, .mf = mf, .df = false, .tos = {}, .ttl = {}}));
}

std::string head_hex(std::span<const std::uint8_t> frame) { return to_hex(frame.first(34)); }

TEST(FragmentForward, PlainRouterFragmentsWithoutDf) {
  EngineConfig c = home_router_config();
  c.interfaces[kWan].mtu = 1400;
  Engine engine(std::move(c));
  const Ipv4L4Spec spec{.src = v4("192.168.1.100"), .dst = v4("198.51.100.10"), .ttl = 64, .id = 0x4242, .df = false};
  const auto in = udp_datagram(spec, 5000, 9, 1472);
  ASSERT_EQ(in.size(), 1514u);
  net::PacketBuffer frame(in);
  const Verdict v = engine.process(frame, kLan, 1s);
  ASSERT_TRUE(v.forwarded());
  EXPECT_EQ(v.egress_ifindex, kWan);
  ASSERT_EQ(v.extra_frames, 1);
  ASSERT_EQ(engine.extra_frames().size(), 1u);
  const std::span<const std::uint8_t> f1 = frame.bytes();
  const std::span<const std::uint8_t> f2 = engine.extra_frames()[0].bytes();
  EXPECT_EQ(head_hex(f1), "0200000002fe020000000201080045000574424220003f1127edc0a80164c633640a");
  EXPECT_EQ(head_hex(f2), "0200000002fe02000000020108004500007c424200ac3f114c39c0a80164c633640a");
  ASSERT_EQ(f1.size(), 14u + 1396);
  ASSERT_EQ(f2.size(), 14u + 124);
  EXPECT_TRUE(std::equal(f1.begin() + 34, f1.end(), in.begin() + 34));
  EXPECT_TRUE(std::equal(f2.begin() + 34, f2.end(), in.begin() + 34 + 1376));
  EXPECT_EQ(engine.stats().fragmented, 1u);
  EXPECT_EQ(engine.stats().fragments_extra, 1u);
  // With DF the same packet is refused with "fragmentation needed" (MTU 1400).
  Ipv4L4Spec df = spec;
  df.df = true;
  net::PacketBuffer frame2(udp_datagram(df, 5000, 9, 1472));
  const Verdict v2 = engine.process(frame2, kLan, 1s);
  EXPECT_EQ(v2.reason, DropReason::kMtuExceeded);
  EXPECT_TRUE(v2.generated);
  EXPECT_EQ(v2.extra_frames, 0);
}

TEST(FragmentForward, MasqueradedAnswerInFragmentsIsReassembledDeNatedAndSentInTheSameSizes) {
  Engine engine(home_router_config(kHomeRouterRules));
  // A:46001 -> 198.51.100.10:9, masqueraded to 203.0.113.2:46001.
  const Ipv4L4Spec out{.src = v4("192.168.1.100"), .dst = v4("198.51.100.10"), .id = 0x7002, .df = false};
  net::PacketBuffer frame(udp_datagram(out, 46001, 9, 4));
  ASSERT_EQ(engine.process(frame, kLan, 1s), Verdict::forward(kWan));

  const Ipv4L4Spec back{.dst_mac = kRouterWanMac, .src_mac = kGatewayMac, .src = v4("198.51.100.10"),
                        .dst = v4("203.0.113.2"), .ttl = 52, .id = 0x7003, .df = false};
  const auto whole = udp_datagram(back, 9, 46001, 2000);  // 2008 bytes of UDP
  // Scapy's fragment(fragsize=1000): 1000 + 1000 + 8.
  frame.assign(fragment_of(whole, 0, 1000, true));
  EXPECT_EQ(engine.process(frame, kWan, 2s).kind, Verdict::Kind::kStolen);
  frame.assign(fragment_of(whole, 1000, 1000, true));
  EXPECT_EQ(engine.process(frame, kWan, 2s).kind, Verdict::Kind::kStolen);
  frame.assign(fragment_of(whole, 2000, 8, false));
  const Verdict v = engine.process(frame, kWan, 2s);
  ASSERT_TRUE(v.forwarded());
  EXPECT_EQ(v.egress_ifindex, kLan);
  ASSERT_EQ(v.extra_frames, 2);

  const std::vector<std::span<const std::uint8_t>> frags = {frame.bytes(), engine.extra_frames()[0].bytes(),
                                                            engine.extra_frames()[1].bytes()};
  EXPECT_EQ(head_hex(frags[0]), "0200000001640200000001010800450003fc70032000331107a4c633640ac0a80164");
  EXPECT_EQ(head_hex(frags[1]), "0200000001640200000001010800450003fc7003207d33110727c633640ac0a80164");
  EXPECT_EQ(head_hex(frags[2]), "02000000016402000000010108004500001c700300fa33112a8ac633640ac0a80164");
  // The data: the UDP header de-NATed (only its checksum changes: port 46001 is kept), the
  // rest as sent; the checksum is right over the whole datagram as it now is.
  std::vector<std::uint8_t> udp;
  for (const auto& f : frags) udp.insert(udp.end(), f.begin() + 34, f.end());
  ASSERT_EQ(udp.size(), 2008u);
  EXPECT_EQ(net::load_be16(udp.data()), 9);
  EXPECT_EQ(net::load_be16(udp.data() + 2), 46001);
  EXPECT_EQ(net::l4_checksum(v4("198.51.100.10"), v4("192.168.1.100"), 17, udp), 0);
  EXPECT_TRUE(std::equal(udp.begin() + 8, udp.end(), whole.begin() + 42));

  const EngineStats& s = engine.stats();
  EXPECT_EQ(s.received, 4u);
  EXPECT_EQ(s.stolen, 2u);
  EXPECT_EQ(s.forwarded, 2u);
  EXPECT_EQ(s.received, s.forwarded + s.dropped_total() + s.stolen);
  EXPECT_EQ(engine.defrag_stats().joined, 2u);
  EXPECT_EQ(engine.defrag_stats().reassembled, 1u);
  EXPECT_EQ(s.fragments_extra, 2u);
}

TEST(FragmentForward, FragmentsOfAnUnknownFlowAreHeldThenDroppedTogether) {
  // Without the outgoing packet, the reassembled datagram is NEW from the WAN: the forward
  // policy drops it once, whole; the fragments before it were held, not dropped.
  Engine engine(home_router_config(kHomeRouterRules));
  const Ipv4L4Spec back{.dst_mac = kRouterWanMac, .src_mac = kGatewayMac, .src = v4("198.51.100.10"),
                        .dst = v4("203.0.113.2"), .ttl = 52, .id = 0x7004, .df = false};
  const auto whole = udp_datagram(back, 9, 46009, 1600);
  net::PacketBuffer frame(fragment_of(whole, 0, 800, true));
  EXPECT_EQ(engine.process(frame, kWan, 1s).kind, Verdict::Kind::kStolen);
  frame.assign(fragment_of(whole, 800, 808, false));
  EXPECT_EQ(engine.process(frame, kWan, 1s), Verdict::drop(DropReason::kRulesetDrop));
  EXPECT_EQ(engine.stats().stolen, 1u);
  EXPECT_EQ(engine.stats().dropped(DropReason::kRulesetDrop), 1u);
}

// Ethernet + IPv6 + UDP A:46030 -> 2001:db8:beef::10:9 from the LAN, `data` bytes counting up,
// the UDP checksum right.
std::vector<std::uint8_t> udp6_datagram(std::size_t data) {
  std::vector<std::uint8_t> l4(8 + data);
  net::store_be16(l4.data(), 46030);
  net::store_be16(l4.data() + 2, 9);
  net::store_be16(l4.data() + 4, static_cast<std::uint16_t>(l4.size()));
  for (std::size_t i = 8; i < l4.size(); ++i) l4[i] = static_cast<std::uint8_t>(i * 5);
  const net::Ipv6Addr src = v6("2001:db8:1::100");
  const net::Ipv6Addr dst = v6("2001:db8:beef::10");
  net::store_be16(l4.data() + 6, net::l4_checksum(src, dst, 17, l4));
  std::vector<std::uint8_t> ip(40);
  ip[0] = 0x60;
  net::store_be16(ip.data() + 4, static_cast<std::uint16_t>(l4.size()));
  ip[6] = 17;
  ip[7] = 64;
  src.write_to(ip.data() + 8);
  dst.write_to(ip.data() + 24);
  ip.insert(ip.end(), l4.begin(), l4.end());
  return ethernet(kRouterLanMac, kHostAMac, 0x86dd, ip);
}

std::vector<std::uint8_t> fragment6_of(const std::vector<std::uint8_t>& whole, std::size_t offset, std::size_t len,
                                       bool mf) {
  return ipv6_fragment_of(whole, 14, 40, 6, {.offset = offset, .len = len, .mf = mf, .id = 0x60000001,
                                             .traffic_class = {}});
}

TEST(FragmentForward, Ipv6FragmentsAreReassembledForConntrackAndSentInTheSendersSizes) {
  Engine engine(home_router_config(kHomeRouterRules));
  const auto whole = udp6_datagram(2400);  // 2408 bytes of UDP: 1184 + 1184 + 40
  net::PacketBuffer frame(fragment6_of(whole, 0, 1184, true));
  EXPECT_EQ(engine.process(frame, kLan, 1s).kind, Verdict::Kind::kStolen);
  frame.assign(fragment6_of(whole, 2368, 40, false));  // out of order
  EXPECT_EQ(engine.process(frame, kLan, 1s).kind, Verdict::Kind::kStolen);
  frame.assign(fragment6_of(whole, 1184, 1184, true));
  const Verdict v = engine.process(frame, kLan, 1s);
  ASSERT_TRUE(v.forwarded());
  EXPECT_EQ(v.egress_ifindex, kWan);
  ASSERT_EQ(v.extra_frames, 2);
  // What leaves: the sender's fragments in order, hop limit 63, the gateway's MAC, the
  // router's own Fragment identification (random, nonzero) on all three.
  const std::vector<std::span<const std::uint8_t>> out = {frame.bytes(), engine.extra_frames()[0].bytes(),
                                                          engine.extra_frames()[1].bytes()};
  const std::uint32_t id = net::load_be32(out[0].data() + 14 + 40 + 4);
  EXPECT_NE(id, 0u);
  const std::size_t offsets[] = {0, 1184, 2368};
  const std::size_t lengths[] = {1184, 1184, 40};
  for (std::size_t i = 0; i < 3; ++i) {
    auto expected = ipv6_fragment_of(whole, 14, 40, 6, {.offset = offsets[i], .len = lengths[i], .mf = i < 2,
                                                        .id = id, .traffic_class = {}});
    kGatewayMac.write_to(expected.data());
    kRouterWanMac.write_to(expected.data() + 6);
    expected[14 + 7] = 63;
    EXPECT_EQ(to_hex(out[i]), to_hex(expected)) << "fragment " << i;
  }
  EXPECT_EQ(engine.defrag_stats().reassembled, 1u);
  EXPECT_EQ(engine.defrag_stats().joined, 2u);
  EXPECT_EQ(engine.stats().stolen, 2u);
}

TEST(FragmentForward, Ipv6FragmentsLargerThanTheEgressMtuGetPacketTooBig) {
  EngineConfig c = home_router_config(kHomeRouterRules);
  c.interfaces[kWan].mtu = 1280;
  Engine engine(std::move(c));
  const auto whole = udp6_datagram(2000);
  net::PacketBuffer frame(fragment6_of(whole, 0, 1400, true));
  EXPECT_EQ(engine.process(frame, kLan, 1s).kind, Verdict::Kind::kStolen);
  frame.assign(fragment6_of(whole, 1400, 608, false));
  const Verdict v = engine.process(frame, kLan, 1s);
  EXPECT_EQ(v.reason, DropReason::kMtuExceeded);
  EXPECT_TRUE(v.generated);
  // ICMPv6 Packet Too Big, MTU 1280, to A, quoting the reassembled datagram (no Fragment header).
  const std::span<const std::uint8_t> icmp = frame.bytes();
  ASSERT_GE(icmp.size(), 14u + 40 + 8 + 48);
  EXPECT_EQ(icmp[14 + 6], 58);
  EXPECT_EQ(icmp[14 + 40], 2);
  EXPECT_EQ(net::load_be32(icmp.data() + 14 + 40 + 4), 1280u);
  EXPECT_EQ(icmp[14 + 48 + 6], 17);  // the quoted header announces UDP again
  EXPECT_EQ(net::load_be16(icmp.data() + 14 + 48 + 4), 2008);
}

}  // namespace
}  // namespace flowsim::engine
