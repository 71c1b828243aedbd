// SPDX-License-Identifier: Apache-2.0
// Header views: `at()` refuses any header that does not lie wholly inside the frame (or has
// an impossible version/length field), and the accessors read and write the right bytes.
#include <cstdint>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include "net/ethernet_header.hpp"
#include "net/icmp_header.hpp"
#include "net/ipv4_header.hpp"
#include "net/ipv6_header.hpp"
#include "net/pppoe_header.hpp"
#include "net/tcp_header.hpp"
#include "net/udp_header.hpp"
#include "net/vlan_tag.hpp"

namespace flowsim::net {
namespace {

using Bytes = std::vector<std::uint8_t>;
constexpr std::size_t kFar = std::numeric_limits<std::size_t>::max();

// For a view of fixed size N placed at `offset`: fits with exactly N bytes, not with N - 1,
// and never at an offset past the end (including one that would overflow).
template <typename View>
void expect_fixed_bounds(std::size_t n, std::uint8_t first_byte = 0) {
  for (const std::size_t offset : {std::size_t{0}, std::size_t{3}}) {
    Bytes exact(offset + n, 0);
    exact[offset] = first_byte;
    EXPECT_TRUE(View::at(exact, offset).has_value()) << "offset " << offset;
    Bytes short_by_one(offset + n - 1, 0);
    if (offset < short_by_one.size()) short_by_one[offset] = first_byte;
    EXPECT_FALSE(View::at(short_by_one, offset).has_value()) << "offset " << offset;
  }
  Bytes big(100, first_byte);
  EXPECT_FALSE(View::at(big, 101).has_value());
  EXPECT_FALSE(View::at(big, 100 - n + 1).has_value());
  EXPECT_FALSE(View::at(big, kFar).has_value());
  EXPECT_FALSE(View::at(std::span<std::uint8_t>(), 0).has_value());
}

TEST(HeaderView, FixedSizeBounds) {
  expect_fixed_bounds<VlanTag>(4);
  expect_fixed_bounds<PppoeHeader>(8);
  expect_fixed_bounds<UdpHeader>(8);
  expect_fixed_bounds<IcmpHeader>(8);
  expect_fixed_bounds<Ipv6Header>(40, 0x60);
  expect_fixed_bounds<Ipv4Header>(20, 0x45);
  Bytes eth(14, 0);
  EXPECT_TRUE(EthernetHeader::at(eth).has_value());
  EXPECT_FALSE(EthernetHeader::at(std::span(eth).first(13)).has_value());
}

TEST(HeaderView, Ipv4ChecksVersionAndIhl) {
  Bytes h(60, 0);
  h[0] = 0x45;
  EXPECT_TRUE(Ipv4Header::at(h, 0).has_value());
  h[0] = 0x65;
  EXPECT_FALSE(Ipv4Header::at(h, 0).has_value()) << "version 6";
  h[0] = 0x44;
  EXPECT_FALSE(Ipv4Header::at(h, 0).has_value()) << "IHL 4";
  h[0] = 0x4f;  // 60 bytes of header: fits exactly
  ASSERT_TRUE(Ipv4Header::at(h, 0).has_value());
  EXPECT_EQ(Ipv4Header::at(h, 0)->header_length(), 60u);
  EXPECT_TRUE(Ipv4Header::at(h, 0)->has_options());
  EXPECT_FALSE(Ipv4Header::at(std::span(h).first(59), 0).has_value()) << "options cut off";
  h[0] = 0x46;
  EXPECT_TRUE(Ipv4Header::at(std::span(h).first(24), 0).has_value());
  EXPECT_FALSE(Ipv4Header::at(std::span(h).first(23), 0).has_value());
}

TEST(HeaderView, Ipv6ChecksVersion) {
  Bytes h(40, 0);
  h[0] = 0x40;
  EXPECT_FALSE(Ipv6Header::at(h, 0).has_value());
  h[0] = 0x6f;
  EXPECT_TRUE(Ipv6Header::at(h, 0).has_value());
}

TEST(HeaderView, TcpChecksDataOffset) {
  Bytes h(60, 0);
  h[12] = 0x50;
  EXPECT_TRUE(TcpHeader::at(h, 0).has_value());
  EXPECT_FALSE(TcpHeader::at(std::span(h).first(19), 0).has_value());
  h[12] = 0x40;
  EXPECT_FALSE(TcpHeader::at(h, 0).has_value()) << "data offset 4";
  h[12] = 0x00;
  EXPECT_FALSE(TcpHeader::at(h, 0).has_value()) << "data offset 0";
  h[12] = 0xf0;  // 60 bytes
  EXPECT_TRUE(TcpHeader::at(h, 0).has_value());
  EXPECT_FALSE(TcpHeader::at(std::span(h).first(59), 0).has_value()) << "options cut off";
  h[12] = 0x60;
  EXPECT_TRUE(TcpHeader::at(std::span(h).first(24), 0).has_value());
  EXPECT_FALSE(TcpHeader::at(std::span(h).first(23), 0).has_value());
}

TEST(HeaderView, Ipv4AccessorsReadAndWriteTheFields) {
  // 45 b8 0054 1c46 4000 4006 b1e6 c0a80001 c0a800c7, then an 8-byte pad.
  Bytes f = {0xaa, 0xbb, 0x45, 0xb8, 0x00, 0x54, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06,
             0xb1, 0xe6, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
  const auto ip = Ipv4Header::at(f, 2);
  ASSERT_TRUE(ip.has_value());
  EXPECT_EQ(ip->header_length(), 20u);
  EXPECT_FALSE(ip->has_options());
  EXPECT_EQ(ip->tos(), 0xb8);
  EXPECT_EQ(ip->total_length(), 0x54);
  EXPECT_EQ(ip->id(), 0x1c46);
  EXPECT_TRUE(ip->dont_fragment());
  EXPECT_FALSE(ip->more_fragments());
  EXPECT_EQ(ip->fragment_offset(), 0);
  EXPECT_FALSE(ip->is_fragment());
  EXPECT_EQ(ip->ttl(), 64);
  EXPECT_EQ(ip->protocol(), 6);
  EXPECT_EQ(ip->checksum(), 0xb1e6);
  EXPECT_EQ(ip->src(), Ipv4Addr(0xc0a80001));
  EXPECT_EQ(ip->dst(), Ipv4Addr(0xc0a800c7));
  f[8] = 0x20;  // MF, offset 0x0005
  f[9] = 0x05;
  EXPECT_TRUE(ip->more_fragments());
  EXPECT_FALSE(ip->dont_fragment());
  EXPECT_EQ(ip->fragment_offset(), 5);
  EXPECT_TRUE(ip->is_fragment());
  ip->set_ttl(1);
  ip->set_checksum(0x1234);
  ip->set_total_length(0x0102);
  ip->set_src(Ipv4Addr(0x01020304));
  ip->set_dst(Ipv4Addr(0x05060708));
  EXPECT_EQ(f, (Bytes{0xaa, 0xbb, 0x45, 0xb8, 0x01, 0x02, 0x1c, 0x46, 0x20, 0x05, 0x01, 0x06, 0x12, 0x34, 1, 2, 3,
                      4, 5, 6, 7, 8}));
}

TEST(HeaderView, L2AndL4Accessors) {
  Bytes f = {0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x81, 0x00,  // Ethernet, TPID 8100
             0xa0, 0x64, 0x88, 0x64,                                      // PCP 5, VID 100, PPPoE
             0x11, 0x00, 0x12, 0x34, 0x00, 0x1c, 0x00, 0x21};             // PPPoE session 0x1234
  const auto eth = EthernetHeader::at(f);
  ASSERT_TRUE(eth.has_value());
  EXPECT_EQ(eth->dst().to_string(), "02:00:00:00:00:02");
  EXPECT_EQ(eth->src().to_string(), "02:00:00:00:00:01");
  EXPECT_EQ(eth->ether_type(), 0x8100);
  const auto tag = VlanTag::at(f, 14);
  ASSERT_TRUE(tag.has_value());
  EXPECT_EQ(tag->vid(), 100);
  EXPECT_EQ(tag->pcp(), 5);
  EXPECT_EQ(tag->inner_type(), 0x8864);
  const auto pppoe = PppoeHeader::at(f, 18);
  ASSERT_TRUE(pppoe.has_value());
  EXPECT_EQ(pppoe->version(), 1);
  EXPECT_EQ(pppoe->type(), 1);
  EXPECT_EQ(pppoe->code(), 0);
  EXPECT_EQ(pppoe->session_id(), 0x1234);
  EXPECT_EQ(pppoe->length(), 0x1c);
  EXPECT_EQ(pppoe->ppp_protocol(), 0x0021);

  Bytes l4 = {0xc7, 0x38, 0x01, 0xbb, 0, 0, 0x03, 0xe8, 0, 0, 0x07, 0xd0, 0x50, 0x18, 0x20, 0x00, 0xab, 0xcd, 0, 0};
  const auto tcp = TcpHeader::at(l4, 0);
  ASSERT_TRUE(tcp.has_value());
  EXPECT_EQ(tcp->src_port(), 51000);
  EXPECT_EQ(tcp->dst_port(), 443);
  EXPECT_EQ(tcp->seq(), 1000u);
  EXPECT_EQ(tcp->ack(), 2000u);
  EXPECT_EQ(tcp->header_length(), 20u);
  EXPECT_EQ(tcp->flags(), TcpHeader::kPsh | TcpHeader::kAck);
  EXPECT_EQ(tcp->window(), 0x2000);
  EXPECT_EQ(tcp->checksum(), 0xabcd);
  const auto udp = UdpHeader::at(l4, 0);
  ASSERT_TRUE(udp.has_value());
  EXPECT_EQ(udp->length(), 0);
  EXPECT_EQ(udp->checksum(), 0x03e8);
  udp->set_checksum(0xffff);
  udp->set_dst_port(53);
  EXPECT_EQ(Bytes(l4.begin(), l4.begin() + 8), (Bytes{0xc7, 0x38, 0x00, 0x35, 0, 0, 0xff, 0xff}));
  const auto icmp = IcmpHeader::at(l4, 12);
  ASSERT_TRUE(icmp.has_value());
  EXPECT_EQ(icmp->type(), 0x50);
  EXPECT_EQ(icmp->code(), 0x18);
  EXPECT_EQ(icmp->checksum(), 0x2000);
  EXPECT_EQ(icmp->echo_id(), 0xabcd);
  EXPECT_EQ(icmp->echo_sequence(), 0);
  EXPECT_EQ(icmp->rest(), 0xabcd0000u);
}

}  // namespace
}  // namespace flowsim::net
