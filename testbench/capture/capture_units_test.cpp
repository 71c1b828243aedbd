// SPDX-License-Identifier: Apache-2.0
// The pieces of endpoint emulation on their own: reading a captured frame, conversations and
// their directions, sides, NAT-style re-addressing with incremental checksums, fingerprints
// that survive the router, and the replay clock.
#include <gtest/gtest.h>

#include "engine/test_frames.hpp"
#include "net/byte_order.hpp"
#include "net/checksum.hpp"
#include "net/input_error.hpp"
#include "testbench/capture/capture_artefacts.hpp"
#include "testbench/capture/conversation_table.hpp"
#include "testbench/capture/header_rewriter.hpp"
#include "testbench/capture/packet_fingerprint.hpp"
#include "testbench/capture/packet_inspector.hpp"
#include "testbench/capture/replay_clock.hpp"
#include "testbench/capture/side_classifier.hpp"
#include "testbench/capture/tcp_resegmenter.hpp"

namespace flowsim::capture {
namespace {

using namespace engine::testing;

IpKey key4(std::string_view s) {
  IpKey k;
  net::store_be32(k.addr.data(), v4(s).value());
  return k;
}

// The TCP checksum of the IPv4 packet in `frame` (Ethernet, no tags) as it should be.
std::uint16_t tcp4_sum_should_be(std::vector<std::uint8_t> frame) {
  const std::size_t len = net::load_be16(frame.data() + 16);
  std::span<std::uint8_t> l4(frame.data() + 34, len - 20);
  net::store_be16(l4.data() + 16, 0);
  return net::l4_checksum(net::Ipv4Addr(net::load_be32(frame.data() + 26)),
                          net::Ipv4Addr(net::load_be32(frame.data() + 30)), 6, l4);
}

std::uint16_t ip4_sum_should_be(std::vector<std::uint8_t> frame) {
  net::store_be16(frame.data() + 24, 0);
  return net::internet_checksum(std::span(frame).subspan(14, 20));
}

// An IPv6 TCP packet in an Ethernet frame, checksum right.
std::vector<std::uint8_t> tcp6_frame(const net::Ipv6Addr& src, const net::Ipv6Addr& dst, const TcpSpec& t) {
  std::vector<std::uint8_t> l4 = tcp_segment(t);
  net::store_be16(l4.data() + 16, net::l4_checksum(src, dst, 6, l4));
  Ipv6Spec s{.src = src, .dst = dst, .next_header = 6, .l4_size = l4.size()};
  std::vector<std::uint8_t> f = ipv6_frame(s);
  std::copy(l4.begin(), l4.end(), f.begin() + 54);
  return f;
}

TEST(CaptureArtefacts, WrongChecksumsFoundAndFixedOversizeFound) {
  const auto good = tcp4_frame(Ipv4L4Spec{}, TcpSpec{.flags = kAck, .payload = 100});
  const InspectedPacket p = inspect(good);
  Artefacts a = find_artefacts(good, p, 1500);
  EXPECT_FALSE(a.bad_ip_checksum || a.bad_l4_checksum || a.oversize);
  EXPECT_TRUE(find_artefacts(good, p, 139).oversize);  // 140 bytes of IP
  EXPECT_FALSE(find_artefacts(good, p, 140).oversize);
  // Checksum offload: the TCP checksum holds the partial pseudo-header sum; and a wrong
  // IPv4 header checksum.
  auto bad = good;
  net::store_be16(bad.data() + 50, 0x1234);
  net::store_be16(bad.data() + 24, 0);
  a = find_artefacts(bad, inspect(bad), 1500);
  EXPECT_TRUE(a.bad_ip_checksum);
  EXPECT_TRUE(a.bad_l4_checksum);
  fix_checksums(bad, inspect(bad));
  EXPECT_EQ(bad, good);
  // UDP over IPv4 without a checksum is no artefact, and stays without one.
  auto no_sum = udp4_frame(Ipv4L4Spec{}, UdpSpec{.checksum = false});
  const auto copy = no_sum;
  EXPECT_FALSE(find_artefacts(no_sum, inspect(no_sum), 1500).bad_l4_checksum);
  fix_checksums(no_sum, inspect(no_sum));
  EXPECT_EQ(no_sum, copy);
  // IPv6 TCP.
  const auto good6 = tcp6_frame(v6("2001:db8:1::100"), v6("2001:db8:beef::10"), TcpSpec{.flags = kAck, .payload = 10});
  auto bad6 = good6;
  bad6[54 + 16] ^= 0xff;
  EXPECT_FALSE(find_artefacts(good6, inspect(good6), 1500).bad_l4_checksum);
  EXPECT_TRUE(find_artefacts(bad6, inspect(bad6), 1500).bad_l4_checksum);
  fix_checksums(bad6, inspect(bad6));
  EXPECT_EQ(bad6, good6);
  // The summary of a kind: its count and first packet numbers.
  ArtefactTally t;
  for (std::uint64_t n : {4, 7, 9}) t.add(n);
  EXPECT_EQ(t.describe(), "3 (#4, #7, #9)");
  for (std::uint64_t n : {10, 11, 12}) t.add(n);
  EXPECT_EQ(t.describe(), "6 (#4, #7, #9, #10, #11, ...)");
}

// A TSO packet cut as the kernel's GSO cuts it: each segment is exactly the packet a host
// would have sent with that payload (sequence number, IPv4 ID, flags, lengths, checksums).
TEST(TcpResegmenter, Ipv4SegmentsAreThePacketsOfTheWire) {
  const std::vector<std::uint8_t> mss_option{2, 4, 0x05, 0xb4};
  const std::uint8_t flags = kAck | kFin | 0x08 /* PSH */ | 0x80 /* CWR */;
  Ipv4L4Spec ip;
  auto big = tcp4_frame(ip, TcpSpec{.flags = flags, .seq = 0xfffff000, .options = mss_option, .payload = 3000});
  net::store_be16(big.data() + 50, 0xabcd);  // offload's partial sum: recomputed anyway
  std::vector<std::vector<std::uint8_t>> out;
  ASSERT_EQ(resegment_tcp(big, inspect(big), 1500, out), 3u);
  // 1500 - 20 (IP) - 24 (TCP with the option) = 1456 bytes a segment.
  const std::array<std::size_t, 3> sizes{1456, 1456, 88};
  const std::array<std::uint8_t, 3> seg_flags{kAck | 0x80, kAck, kAck | kFin | 0x08};
  std::uint32_t seq = 0xfffff000;  // wraps within the packet
  for (std::size_t i = 0; i < 3; ++i) {
    Ipv4L4Spec sip = ip;
    sip.id = static_cast<std::uint16_t>(ip.id + i);
    EXPECT_EQ(out[i], tcp4_frame(sip, TcpSpec{.flags = seg_flags[i], .seq = seq, .options = mss_option,
                                              .payload = sizes[i]}))
        << "segment " << i;
    seq += static_cast<std::uint32_t>(sizes[i]);
  }
  // Not cut: within the MTU, not TCP, or no payload.
  out.clear();
  EXPECT_EQ(resegment_tcp(big, inspect(big), 3044, out), 0u);
  const auto udp = udp4_frame(ip, UdpSpec{.payload = 3000});
  EXPECT_EQ(resegment_tcp(udp, inspect(udp), 1500, out), 0u);
  EXPECT_TRUE(out.empty());
}

TEST(TcpResegmenter, Ipv6) {
  const auto src = v6("2001:db8:1::100");
  const auto dst = v6("2001:db8:beef::10");
  const auto big = tcp6_frame(src, dst, TcpSpec{.flags = kAck | 0x08, .seq = 5000, .payload = 2000});
  std::vector<std::vector<std::uint8_t>> out;
  ASSERT_EQ(resegment_tcp(big, inspect(big), 1280, out), 2u);  // 1280 - 60 = 1220 a segment
  EXPECT_EQ(out[0], tcp6_frame(src, dst, TcpSpec{.flags = kAck, .seq = 5000, .payload = 1220}));
  EXPECT_EQ(out[1], tcp6_frame(src, dst, TcpSpec{.flags = kAck | 0x08, .seq = 6220, .payload = 780}));
}

TEST(PacketInspector, TcpBehindVlanAndPppoe) {
  Ipv4L4Spec ip;
  const auto plain = tcp4_frame(ip, TcpSpec{.sport = 40000, .dport = 443, .flags = kSyn});
  // 802.1Q tag, then a PPPoE session header carrying IPv4 (PPP protocol 0x0021).
  std::vector<std::uint8_t> f(plain.begin(), plain.begin() + 12);
  for (std::uint8_t b : {0x81, 0x00, 0x00, 0x07, 0x88, 0x64, 0x11, 0x00, 0x00, 0x01, 0x00, 0x2e, 0x00, 0x21}) {
    f.push_back(b);
  }
  f.insert(f.end(), plain.begin() + 14, plain.end());
  const InspectedPacket p = inspect(f);
  EXPECT_EQ(p.kind, PacketKind::kTcp);
  EXPECT_EQ(p.l3_offset, 26);
  EXPECT_EQ(p.l4_offset, 46);
  EXPECT_EQ(p.tcp_flags, kSyn);
  EXPECT_EQ(p.tuple, net::FiveTuple::ipv4(ip.src, ip.dst, 6, 40000, 443));
}

TEST(PacketInspector, IcmpErrorQuotesItsPacket) {
  // A "port unreachable" from the server about the client's UDP datagram.
  Ipv4L4Spec client;
  const auto quoted = datagram_of(udp4_frame(client, UdpSpec{.sport = 50000, .dport = 53}));
  std::vector<std::uint8_t> icmp{3, 3, 0, 0, 0, 0, 0, 0};
  icmp.insert(icmp.end(), quoted.begin(), quoted.begin() + 28);
  net::store_be16(icmp.data() + 2, net::internet_checksum(icmp));
  Ipv4L4Spec server{.src = client.dst, .dst = client.src};
  const InspectedPacket p = inspect(ipv4_packet(server, 1, icmp));
  ASSERT_EQ(p.kind, PacketKind::kIcmpError);
  EXPECT_EQ(p.quoted, net::FiveTuple::ipv4(client.src, client.dst, 17, 50000, 53));
  EXPECT_EQ(p.quoted_offset, 14 + 20 + 8);
  EXPECT_EQ(inspect(from_hex("ffffffffffff020000000164080600010800060400010200000001")).kind, PacketKind::kArp);
}

TEST(ConversationTable, DirectionsPortReuseAndIcmpErrors) {
  ConversationTable t;
  TcpConversation c(Ipv4L4Spec{}, Ipv4L4Spec{.src = v4("198.51.100.10"), .dst = v4("192.168.1.100")}, 40000, 443);
  const auto syn = t.classify(inspect(c.from_client(kSyn)), 1);
  const auto synack = t.classify(inspect(c.from_server(kSyn | kAck)), 2);
  ASSERT_TRUE(syn && synack);
  EXPECT_TRUE(syn->first);
  EXPECT_EQ(syn->direction, Direction::kForward);
  EXPECT_EQ(synack->conversation, syn->conversation);
  EXPECT_EQ(synack->direction, Direction::kReverse);
  EXPECT_TRUE(t.at(syn->conversation).handshake);
  // Closed, then the same ports again: a new connection, as conntrack sees it.
  t.classify(inspect(c.from_client(kFin | kAck)), 3);
  TcpConversation again(Ipv4L4Spec{}, Ipv4L4Spec{.src = v4("198.51.100.10"), .dst = v4("192.168.1.100")}, 40000, 443);
  const auto reuse = t.classify(inspect(again.from_client(kSyn)), 4);
  ASSERT_TRUE(reuse);
  EXPECT_NE(reuse->conversation, syn->conversation);
  EXPECT_EQ(t.size(), 2u);

  // A mid-stream flow: its first packet is not a SYN, so there is no handshake.
  TcpConversation mid(Ipv4L4Spec{.src = v4("192.168.1.101")}, Ipv4L4Spec{}, 41000, 80);
  const auto m = t.classify(inspect(mid.from_client(kAck, 100)), 5);
  EXPECT_FALSE(t.at(m->conversation).handshake);

  // An ICMP error about the client's datagram travels back in that conversation.
  Ipv4L4Spec client;
  const auto dns = t.classify(inspect(udp4_frame(client, UdpSpec{})), 6);
  const auto quoted = datagram_of(udp4_frame(client, UdpSpec{}));
  std::vector<std::uint8_t> icmp{3, 3, 0, 0, 0, 0, 0, 0};
  icmp.insert(icmp.end(), quoted.begin(), quoted.begin() + 28);
  const auto err = t.classify(inspect(ipv4_packet(Ipv4L4Spec{.src = client.dst, .dst = client.src}, 1, icmp)), 7);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->conversation, dns->conversation);
  EXPECT_EQ(err->direction, Direction::kReverse);
  EXPECT_FALSE(t.classify(inspect(from_hex("ffffffffffff020000000164080600010800060400010200000001")), 8));
}

TEST(HeaderRewriter, NatRewriteKeepsChecksumsRightAndWrongOnesWrongBySame) {
  // The server's reply, captured to the client's private address, re-addressed to the
  // router's NAT mapping (203.0.113.2:61000).
  Ipv4L4Spec server{.src = v4("198.51.100.10"), .dst = v4("192.168.1.100")};
  auto f = tcp4_frame(server, TcpSpec{.sport = 443, .dport = 40000, .flags = kSyn | kAck, .payload = 33});
  const InspectedPacket p = inspect(f);
  const auto to = net::FiveTuple::ipv4(v4("198.51.100.10"), v4("203.0.113.2"), 6, 443, 61000);
  readdress(f, p, to);
  EXPECT_EQ(inspect(f).tuple, to);
  EXPECT_EQ(net::load_be16(f.data() + 24), ip4_sum_should_be(f));
  EXPECT_EQ(net::load_be16(f.data() + 34 + 16), tcp4_sum_should_be(f));

  // A checksum left wrong by checksum offload (here: off by 0x1234) stays exactly as wrong.
  auto bad = tcp4_frame(server, TcpSpec{.sport = 443, .dport = 40000, .flags = kAck, .payload = 10});
  net::store_be16(bad.data() + 50, static_cast<std::uint16_t>(net::load_be16(bad.data() + 50) + 0x1234));
  const std::uint16_t bad_before = net::load_be16(bad.data() + 50);
  const std::uint16_t good_before = tcp4_sum_should_be(bad);
  readdress(bad, inspect(bad), to);
  const std::uint16_t bad_after = net::load_be16(bad.data() + 50);
  const std::uint16_t good_after = tcp4_sum_should_be(bad);
  EXPECT_NE(bad_after, good_after);
  // The error (bad - good, in one's complement) is the same before and after.
  auto ones_sub = [](std::uint16_t a, std::uint16_t b) {
    std::uint32_t x = a + static_cast<std::uint16_t>(~b);
    x = (x & 0xffff) + (x >> 16);
    return static_cast<std::uint16_t>(x);
  };
  EXPECT_EQ(ones_sub(bad_before, good_before), 0x1234);
  EXPECT_EQ(ones_sub(bad_after, good_after), 0x1234);
}

TEST(HeaderRewriter, UdpWithoutChecksumStaysWithout) {
  Ipv4L4Spec server{.src = v4("198.51.100.10"), .dst = v4("192.168.1.100")};
  auto f = udp4_frame(server, UdpSpec{.sport = 53, .dport = 50000, .checksum = false});
  readdress(f, inspect(f), net::FiveTuple::ipv4(v4("198.51.100.10"), v4("203.0.113.2"), 17, 53, 61001));
  EXPECT_EQ(net::load_be16(f.data() + 34 + 6), 0);
  EXPECT_EQ(net::load_be16(f.data() + 34 + 2), 61001);
  EXPECT_EQ(net::load_be16(f.data() + 24), ip4_sum_should_be(f));
}

TEST(HeaderRewriter, IcmpErrorIsReaddressedWithTheQuotedPacket) {
  // The client's datagram as the router sent it (NAT'd), and the server's error about it as
  // captured (about the private address): both the outer destination and the quote move.
  Ipv4L4Spec client{.src = v4("192.168.1.100"), .dst = v4("198.51.100.10")};
  const auto quoted = datagram_of(udp4_frame(client, UdpSpec{.sport = 50000, .dport = 53}));
  std::vector<std::uint8_t> icmp{3, 3, 0, 0, 0, 0, 0, 0};
  icmp.insert(icmp.end(), quoted.begin(), quoted.begin() + 28);
  net::store_be16(icmp.data() + 2, net::internet_checksum(icmp));
  auto f = ipv4_packet(Ipv4L4Spec{.src = client.dst, .dst = client.src}, 1, icmp);
  const InspectedPacket p = inspect(f);
  const auto mapped = net::FiveTuple::ipv4(v4("203.0.113.2"), v4("198.51.100.10"), 17, 61000, 53);
  net::FiveTuple outer = p.tuple;
  outer.dst = mapped.src;
  readdress_icmp_error(f, p, outer, mapped);
  const InspectedPacket q = inspect(f);
  EXPECT_EQ(q.tuple.dst_v4(), v4("203.0.113.2"));
  EXPECT_EQ(q.quoted, mapped);
  EXPECT_EQ(net::load_be16(f.data() + 24), ip4_sum_should_be(f));
  // The ICMP checksum covers the rewritten quote.
  const std::size_t len = net::load_be16(f.data() + 16);
  EXPECT_EQ(net::internet_checksum(std::span(f).subspan(34, len - 20)), 0);
  // And the quoted IP header's own checksum was updated too.
  std::vector<std::uint8_t> inner(f.begin() + 42, f.begin() + 62);
  EXPECT_EQ(net::internet_checksum(inner), 0);
}

TEST(PacketFingerprint, SurvivesWhatTheRouterChanges) {
  Ipv4L4Spec client;
  TcpConversation c(client, Ipv4L4Spec{.src = client.dst, .dst = client.src}, 40000, 443);
  auto f = c.from_client(kAck | kPsh, 100);
  const auto before = packet_fingerprint(f);
  ASSERT_TRUE(before);
  // Forwarded and masqueraded: new MACs, TTL - 1, new source address and port.
  auto out = f;
  kRouterWanMac.write_to(out.data() + 6);
  kGatewayMac.write_to(out.data());
  out[22] -= 1;
  readdress(out, inspect(out), net::FiveTuple::ipv4(v4("203.0.113.2"), client.dst, 6, 61000, 443));
  EXPECT_EQ(packet_fingerprint(out), before);
  // The next segment of the same flow is told apart.
  EXPECT_NE(packet_fingerprint(c.from_client(kAck | kPsh, 100)), before);
  EXPECT_FALSE(packet_fingerprint(from_hex("ffffffffffff020000000164080600010800060400010200000001")));
}

TEST(SideClassifier, ByPrefixAutomaticallyAndByGatewayMac) {
  HostTable hosts;
  Host& lan = hosts.touch(key4("192.168.1.100"), 1, 0);
  lan.mac = kHostAMac;
  lan.opened = 3;
  Host& server = hosts.touch(key4("198.51.100.10"), 2, 0);
  server.mac = kGatewayMac;
  server.accepted = 3;
  Host& cgn = hosts.touch(key4("100.64.0.7"), 3, 0);  // shared address space: private scope
  cgn.mac = kGatewayMac;

  SideOptions by_prefix{.mode = SideMode::kPrefix, .lan_prefixes = {v4p("192.168.0.0/16")}};
  SideDecision d = classify_sides(hosts, by_prefix, false, "x.pcap");
  EXPECT_EQ(d.host_sides, (std::vector<Side>{Side::kLan, Side::kWan, Side::kWan}));
  EXPECT_NE(d.description.find("192.168.0.0/16"), std::string::npos);

  SideDecision a = classify_sides(hosts, SideOptions{}, false, "x.pcap");
  EXPECT_EQ(a.host_sides, (std::vector<Side>{Side::kLan, Side::kWan, Side::kLan}));
  EXPECT_EQ(a.lan_hosts, 2u);

  // A MAC behind which three addresses send is a gateway: everything behind it is WAN.
  Host& other = hosts.touch(key4("203.0.113.99"), 4, 0);
  other.mac = kGatewayMac;
  SideDecision g = classify_sides(hosts, SideOptions{}, false, "x.pcap");
  EXPECT_EQ(g.host_sides, (std::vector<Side>{Side::kLan, Side::kWan, Side::kWan, Side::kWan}));
  EXPECT_NE(g.description.find(kGatewayMac.to_string()), std::string::npos);

  // Sides by MAC need real MACs.
  SideOptions by_mac{.mode = SideMode::kMac, .lan_macs = {kHostAMac}};
  EXPECT_EQ(classify_sides(hosts, by_mac, false, "x.pcap").host_sides,
            (std::vector<Side>{Side::kLan, Side::kWan, Side::kWan, Side::kWan}));
  EXPECT_THROW(classify_sides(hosts, by_mac, true, "x.pcap"), net::InputError);
}

TEST(ReplayClock, RecordedScaledCappedAndRates) {
  // Recorded x2 with idle gaps capped at 1 ms: 0, +10 µs, +1 h -> +1 ms.
  ReplayClock rec(TimingOptions{.mode = TimingMode::kRecorded, .speed = 2.0, .max_gap_ns = 1'000'000}, 5000, {}, 0);
  EXPECT_EQ(rec.next(1'000'000'000, 60, 0), 5000u);
  EXPECT_EQ(rec.next(1'000'010'000, 60, 0), 5000u + 5'000'000u);
  EXPECT_EQ(rec.next(4'600'000'010'000, 60, 0), 5000u + 5'000'000u + 500'000'000u);
  EXPECT_EQ(rec.gap_ps(0, 3'000'000), 500'000'000u);

  ReplayClock pps(TimingOptions{.mode = TimingMode::kPps, .pps = 1000}, 0, {}, 0);
  EXPECT_EQ(pps.next(7, 60, 0), 0u);
  EXPECT_EQ(pps.next(7, 1500, 0), 1'000'000'000u);
  EXPECT_EQ(pps.gap_ps(0, 1000), 0u);

  // 1 Gbit/s line rate: a 60-byte frame takes (60 + 24) * 8 ns on the wire; ports apart.
  ReplayClock line(TimingOptions{.mode = TimingMode::kLineRate}, 0, {1'000'000'000, 1'000'000'000}, 0);
  EXPECT_EQ(line.next(0, 60, 0), 0u);
  EXPECT_EQ(line.next(0, 60, 0), 672'000u);
  EXPECT_EQ(line.next(0, 60, 1), 0u);
  EXPECT_EQ((TimingOptions{.mode = TimingMode::kRecorded, .loops = 3}.describe()), "recorded, 3 loops");
}

}  // namespace
}  // namespace flowsim::capture
