// SPDX-License-Identifier: Apache-2.0
// ip6_fragment's results, field by field: the unfragmentable part (with a hop-by-hop header)
// in front of each fragment and its last next-header field set to 44, the Fragment header
// (next header, offset, M, identification), payload lengths; the frag_list fast path keeping
// the sender's sizes and the slow path at frag_max_size when they do not fit; too big.
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "engine/defrag/test_fragments.hpp"
#include "engine/ip/ip6_fragment.hpp"
#include "net/byte_order.hpp"

namespace flowsim::engine::ip {
namespace {

constexpr std::size_t kEth = 14;

// Ethernet + IPv6 (+ an 8-byte hop-by-hop header) + UDP with `data` bytes counting up.
std::vector<std::uint8_t> frame(std::size_t data, bool hop_by_hop = false) {
  const std::size_t ext = hop_by_hop ? 8 : 0;
  std::vector<std::uint8_t> f(kEth + 40 + ext + 8 + data);
  f[12] = 0x86;
  f[13] = 0xdd;
  std::uint8_t* ip = f.data() + kEth;
  ip[0] = 0x60;
  ip[1] = 0x20;  // traffic class 0x02, kept in every fragment
  net::store_be16(ip + 4, static_cast<std::uint16_t>(ext + 8 + data));
  ip[6] = hop_by_hop ? 0 : 17;
  ip[7] = 63;
  ip[8] = 0x20;
  ip[24] = 0x20;
  if (hop_by_hop) {
    ip[40] = 17;
    ip[42] = 1;
    ip[43] = 4;
  }
  for (std::size_t i = 40 + ext; i < f.size() - kEth; ++i) ip[i] = static_cast<std::uint8_t>(i * 7);
  return f;
}

struct Piece {
  std::size_t offset;
  std::size_t len;
  bool more;
};

// Every fragment is the sender-side cut of the same datagram with ID 0xabcd0001: the whole
// frame's bytes, headers and all.
void expect_pieces(const std::vector<std::uint8_t>& whole, bool hop_by_hop, const net::PacketBuffer& first,
                   const std::vector<net::PacketBuffer>& rest, std::size_t extra, const std::vector<Piece>& want) {
  ASSERT_EQ(extra + 1, want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    const net::PacketBuffer& got = i == 0 ? first : rest[i - 1];
    const auto expected = testing::ipv6_fragment_of(whole, kEth, hop_by_hop ? 48 : 40, hop_by_hop ? 40 : 6,
                                                    {.offset = want[i].offset, .len = want[i].len,
                                                     .mf = want[i].more, .id = 0xabcd0001, .traffic_class = {}});
    EXPECT_EQ(std::vector<std::uint8_t>(got.bytes().begin(), got.bytes().end()), expected) << "fragment " << i;
  }
}

TEST(Ip6Fragment, SlowPathCutsAtFragMaxSize) {
  const auto whole = frame(1800);  // 1848 bytes of IPv6
  net::PacketBuffer f(whole);
  std::vector<net::PacketBuffer> rest;
  std::vector<std::uint8_t> scratch;
  std::size_t extra = 0;
  // Reassembled from pieces whose boundaries do not end on 8 bytes: the slow path, at
  // frag_max_size (1396): 1396 - 48 = 1348, 1344 bytes of data per fragment.
  const std::vector<std::uint16_t> sizes{1348, 460};
  const Fragment6Request r{.mtu = 1500, .frag_max_size = 1396, .id = 0xabcd0001, .fragment_lengths = sizes,
                           .reassembled_unfragmentable = 40};
  ASSERT_EQ(fragment_ipv6(f, kEth, r, rest, scratch, extra), Fragment6Status::kDone);
  expect_pieces(whole, false, f, rest, extra, {{0, 1344, true}, {1344, 464, false}});
}

TEST(Ip6Fragment, FastPathKeepsTheSendersSizes) {
  const auto whole = frame(1800);
  net::PacketBuffer f(whole);
  std::vector<net::PacketBuffer> rest;
  std::vector<std::uint8_t> scratch;
  std::size_t extra = 0;
  const std::vector<std::uint16_t> sizes{800, 800, 208};
  const Fragment6Request r{.mtu = 1280, .frag_max_size = 848, .id = 0xabcd0001, .fragment_lengths = sizes,
                           .reassembled_unfragmentable = 40};
  ASSERT_EQ(fragment_ipv6(f, kEth, r, rest, scratch, extra), Fragment6Status::kDone);
  expect_pieces(whole, false, f, rest, extra, {{0, 800, true}, {800, 800, true}, {1600, 208, false}});
}

TEST(Ip6Fragment, TheHopByHopHeaderIsCopiedIntoEveryFragment) {
  const auto whole = frame(1000, true);
  net::PacketBuffer f(whole);
  std::vector<net::PacketBuffer> rest;
  std::vector<std::uint8_t> scratch;
  std::size_t extra = 0;
  const std::vector<std::uint16_t> sizes{512, 496};
  const Fragment6Request r{.mtu = 1280, .frag_max_size = 568, .id = 0xabcd0001, .fragment_lengths = sizes,
                           .reassembled_unfragmentable = 48};
  ASSERT_EQ(fragment_ipv6(f, kEth, r, rest, scratch, extra), Fragment6Status::kDone);
  expect_pieces(whole, true, f, rest, extra, {{0, 512, true}, {512, 496, false}});
  EXPECT_EQ(f.bytes()[kEth + 40], 44);  // the hop-by-hop header announces the Fragment header
}

TEST(Ip6Fragment, FragMaxSizeBelowTheMinimumMtuCountsAs1280) {
  const auto whole = frame(1800);
  net::PacketBuffer f(whole);
  std::vector<net::PacketBuffer> rest;
  std::vector<std::uint8_t> scratch;
  std::size_t extra = 0;
  const std::vector<std::uint16_t> sizes{604, 600, 604};  // at most 652-byte fragments
  const Fragment6Request r{.mtu = 1280, .frag_max_size = 652, .id = 0xabcd0001, .fragment_lengths = sizes,
                           .reassembled_unfragmentable = 40};
  // 604 is not a multiple of 8: the slow path, at 1280 rather than 652.
  ASSERT_EQ(fragment_ipv6(f, kEth, r, rest, scratch, extra), Fragment6Status::kDone);
  expect_pieces(whole, false, f, rest, extra, {{0, 1232, true}, {1232, 576, false}});
}

TEST(Ip6Fragment, LargerFragmentsThanTheMtuAreTooBig) {
  const auto whole = frame(1800);
  net::PacketBuffer f(whole);
  std::vector<net::PacketBuffer> rest;
  std::vector<std::uint8_t> scratch;
  std::size_t extra = 0;
  Fragment6Request r;
  r.mtu = 1280;
  r.frag_max_size = 1400;
  r.id = 1;
  EXPECT_EQ(fragment_ipv6(f, kEth, r, rest, scratch, extra), Fragment6Status::kTooBig);
  EXPECT_EQ(std::vector<std::uint8_t>(f.bytes().begin(), f.bytes().end()), whole);
}

TEST(Ip6Fragment, UnfragmentablePartFollowsIp6Find1stfragopt) {
  // Destination options with no routing header are walked over (unfragmentable); after a
  // routing header they end the part.
  std::vector<std::uint8_t> d(40 + 8 + 8 + 8 + 8);
  d[0] = 0x60;
  d[6] = 60;      // destination options
  d[40] = 43;     // routing
  d[48] = 60;     // destination options (final destination)
  d[56] = 17;
  auto u = ipv6_unfragmentable(d);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->length, 56u);
  EXPECT_EQ(u->next_header_at, 48u);
  d[6] = 60;
  d[40] = 17;     // destination options, then UDP: still unfragmentable
  u = ipv6_unfragmentable(d);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->length, 48u);
  EXPECT_EQ(u->next_header_at, 40u);
}

}  // namespace
}  // namespace flowsim::engine::ip
