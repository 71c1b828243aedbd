// SPDX-License-Identifier: Apache-2.0
// ip_do_fragment's results, field by field: the slow path's sizes (the largest multiple of 8
// that fits), offsets, MF, the ID and TTL kept, each header's checksum, options without the
// copied flag turned into NOPs after the first fragment, DF kept only for IPSKB_FRAG_PMTU,
// a fragment fragmented again; the frag_list fast path keeping the sender's sizes, and
// falling back to the slow path (at frag_max_size) when they do not fit.
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "engine/ip/ip_fragment.hpp"
#include "net/byte_order.hpp"
#include "net/checksum.hpp"
#include "net/ipv4_header.hpp"

namespace flowsim::engine::ip {
namespace {

constexpr std::size_t kEth = 14;

// An Ethernet frame with an IPv4 datagram of `total` bytes (header of `hlen` with the given
// option bytes), UDP 17, ID 0x1234, TTL 63, payload bytes counting up.
std::vector<std::uint8_t> datagram(std::size_t total, std::uint16_t frag_off = 0,
                                   std::vector<std::uint8_t> options = {}) {
  const std::size_t hlen = 20 + options.size();
  std::vector<std::uint8_t> f(kEth + total);
  for (std::size_t i = 0; i < 6; ++i) f[i] = static_cast<std::uint8_t>(0x10 + i);      // dst MAC
  for (std::size_t i = 6; i < 12; ++i) f[i] = static_cast<std::uint8_t>(0x20 + i);     // src MAC
  f[12] = 0x08;
  f[13] = 0x00;
  std::uint8_t* ip = f.data() + kEth;
  ip[0] = static_cast<std::uint8_t>(0x40 | (hlen / 4));
  ip[1] = 0x10;
  net::store_be16(ip + 2, static_cast<std::uint16_t>(total));
  net::store_be16(ip + 4, 0x1234);
  net::store_be16(ip + 6, frag_off);
  ip[8] = 63;
  ip[9] = 17;
  net::store_be32(ip + 12, 0xc0a80164);
  net::store_be32(ip + 16, 0x0a00030a);
  std::copy(options.begin(), options.end(), ip + 20);
  for (std::size_t i = hlen; i < total; ++i) ip[i] = static_cast<std::uint8_t>(i * 7);
  net::store_be16(ip + 10, net::internet_checksum(std::span<const std::uint8_t>(ip, hlen)));
  return f;
}

struct Piece {
  std::uint16_t total;
  std::uint16_t frag_off;
};

// All fragments: the frame, then the rest.
std::vector<net::PacketBuffer> all(const net::PacketBuffer& first, const std::vector<net::PacketBuffer>& rest, int n) {
  std::vector<net::PacketBuffer> v{first};
  for (int i = 0; i < n; ++i) v.push_back(rest[static_cast<std::size_t>(i)]);
  return v;
}

void expect_pieces(const std::vector<net::PacketBuffer>& frags, const std::vector<Piece>& want,
                   const std::vector<std::uint8_t>& original) {
  ASSERT_EQ(frags.size(), want.size());
  const auto orig = net::ConstIpv4Header::at(std::span<const std::uint8_t>(original), kEth).value();
  std::vector<std::uint8_t> data;
  for (std::size_t i = 0; i < frags.size(); ++i) {
    const std::span<const std::uint8_t> b = frags[i].bytes();
    const auto ip = net::ConstIpv4Header::at(b, kEth).value();
    EXPECT_EQ(ip.total_length(), want[i].total) << i;
    EXPECT_EQ(b.size(), kEth + want[i].total) << i;
    EXPECT_EQ(ip.frag_off(), want[i].frag_off) << i;
    EXPECT_EQ(ip.id(), orig.id()) << i;
    EXPECT_EQ(ip.ttl(), orig.ttl()) << i;
    EXPECT_EQ(ip.tos(), orig.tos()) << i;
    EXPECT_EQ(ip.src(), orig.src()) << i;
    EXPECT_EQ(ip.dst(), orig.dst()) << i;
    EXPECT_EQ(net::internet_checksum(ip.header()), 0) << i;
    EXPECT_TRUE(std::equal(b.begin(), b.begin() + kEth, original.begin())) << i;  // link header kept
    data.insert(data.end(), b.begin() + static_cast<std::ptrdiff_t>(kEth + ip.header_length()), b.end());
  }
  const std::size_t off = kEth + orig.header_length();
  EXPECT_EQ(data, std::vector<std::uint8_t>(original.begin() + static_cast<std::ptrdiff_t>(off), original.end()));
}

TEST(IpFragment, SlowPathLargestMultipleOfEightThatFits) {
  // The example: 1500 bytes without DF through a 1400-byte MTU.
  const auto orig = datagram(1500);
  net::PacketBuffer frame(orig);
  std::vector<net::PacketBuffer> rest;
  std::vector<std::uint8_t> scratch;
  const int n = fragment_ipv4(frame, kEth, FragmentRequest{1400, 0, false, {}}, rest, scratch);
  ASSERT_EQ(n, 1);
  expect_pieces(all(frame, rest, n), {{1396, 0x2000}, {124, 172}}, orig);
}

TEST(IpFragment, IntoTheDmzMtu) {
  const auto orig = datagram(1500);
  net::PacketBuffer frame(orig);
  std::vector<net::PacketBuffer> rest;
  std::vector<std::uint8_t> scratch;
  const int n = fragment_ipv4(frame, kEth, FragmentRequest{1280, 0, false, {}}, rest, scratch);
  ASSERT_EQ(n, 1);
  expect_pieces(all(frame, rest, n), {{1276, 0x2000}, {244, 157}}, orig);
}

TEST(IpFragment, ThreePiecesAndReusedBuffers) {
  const auto orig = datagram(1500);
  std::vector<net::PacketBuffer> rest(4);  // more than needed: only n are written
  std::vector<std::uint8_t> scratch;
  net::PacketBuffer frame(orig);
  const int n = fragment_ipv4(frame, kEth, FragmentRequest{576, 0, false, {}}, rest, scratch);
  ASSERT_EQ(n, 2);
  // 556 data bytes per fragment: 552 (multiple of 8), 552, then 376.
  expect_pieces(all(frame, rest, n), {{572, 0x2000}, {572, 0x2000 | 69}, {396, 138}}, orig);
}

TEST(IpFragment, OptionsWithoutTheCopiedFlagBecomeNopsAfterTheFirst) {
  // Record Route (7, not copied, 11 bytes with one slot filled) and a copied option
  // (0x94 Router Alert, 4 bytes), then END padding: a 36-byte header.
  const std::vector<std::uint8_t> options = {7, 11, 8, 1, 2, 3, 4, 0, 0, 0, 0, 0x94, 4, 0, 0, 0};
  const auto orig = datagram(1000, 0, options);
  net::PacketBuffer frame(orig);
  std::vector<net::PacketBuffer> rest;
  std::vector<std::uint8_t> scratch;
  const int n = fragment_ipv4(frame, kEth, FragmentRequest{600, 0, false, {}}, rest, scratch);
  ASSERT_EQ(n, 1);
  // 564 bytes of room: 560 data bytes, then 404.
  expect_pieces(all(frame, rest, n), {{596, 0x2000}, {440, 70}}, orig);
  const auto first = net::ConstIpv4Header::at(std::span<const std::uint8_t>(frame.bytes()), kEth).value();
  const auto second = net::ConstIpv4Header::at(std::span<const std::uint8_t>(rest[0].bytes()), kEth).value();
  EXPECT_EQ(std::vector<std::uint8_t>(first.options().begin(), first.options().end()), options);
  const std::vector<std::uint8_t> stripped = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0x94, 4, 0, 0, 0};
  EXPECT_EQ(std::vector<std::uint8_t>(second.options().begin(), second.options().end()), stripped);
}

TEST(IpFragment, AFragmentFragmentedAgainKeepsItsOffsetAndMf) {
  // 800 data bytes at offset 1600 (200 units) with MF: every piece keeps MF.
  const auto orig = datagram(820, 0x2000 | 200);
  net::PacketBuffer frame(orig);
  std::vector<net::PacketBuffer> rest;
  std::vector<std::uint8_t> scratch;
  const int n = fragment_ipv4(frame, kEth, FragmentRequest{500, 0, false, {}}, rest, scratch);
  ASSERT_EQ(n, 1);
  expect_pieces(all(frame, rest, n), {{500, 0x2000 | 200}, {340, 0x2000 | 260}}, orig);
  // The last fragment of a datagram: its last piece has no MF.
  const auto last = datagram(820, 200);
  net::PacketBuffer frame2(last);
  ASSERT_EQ(fragment_ipv4(frame2, kEth, FragmentRequest{500, 0, false, {}}, rest, scratch), 1);
  expect_pieces(all(frame2, rest, 1), {{500, 0x2000 | 200}, {340, 260}}, last);
}

TEST(IpFragment, FragListFastPathKeepsTheSendersSizes) {
  // Reassembled from 1000 + 1000 + 8 data bytes (frag_max_size 1020), leaving by a 1500 MTU.
  const auto orig = datagram(2028);
  const std::vector<std::uint16_t> lengths = {1000, 1000, 8};
  net::PacketBuffer frame(orig);
  std::vector<net::PacketBuffer> rest;
  std::vector<std::uint8_t> scratch;
  const int n = fragment_ipv4(frame, kEth, FragmentRequest{1500, 1020, false, lengths}, rest, scratch);
  ASSERT_EQ(n, 2);
  expect_pieces(all(frame, rest, n), {{1020, 0x2000}, {1020, 0x2000 | 125}, {28, 250}}, orig);
}

TEST(IpFragment, FastPathClearsDfTheSlowPathKeepsItForPmtu) {
  const auto orig = datagram(2028, 0x4000);  // reassembled with DF: IPSKB_FRAG_PMTU
  const std::vector<std::uint16_t> lengths = {1000, 1000, 8};
  std::vector<net::PacketBuffer> rest;
  std::vector<std::uint8_t> scratch;
  net::PacketBuffer fast(orig);
  ASSERT_EQ(fragment_ipv4(fast, kEth, FragmentRequest{1500, 1020, true, lengths}, rest, scratch), 2);
  expect_pieces(all(fast, rest, 2), {{1020, 0x2000}, {1020, 0x2000 | 125}, {28, 250}}, orig);
  // An odd middle length forces the slow path, at frag_max_size: 1000 data bytes per piece.
  const std::vector<std::uint16_t> odd = {1000, 996, 12};
  net::PacketBuffer slow(orig);
  ASSERT_EQ(fragment_ipv4(slow, kEth, FragmentRequest{1500, 1020, true, odd}, rest, scratch), 2);
  expect_pieces(all(slow, rest, 2), {{1020, 0x6000}, {1020, 0x6000 | 125}, {28, 0x4000 | 250}}, orig);
}

TEST(IpFragment, FastPathNeedsEveryFragmentToFit) {
  // The sender's 1400-byte fragments do not fit a 1280 MTU: the slow path at 1280.
  const auto orig = datagram(2020);
  const std::vector<std::uint16_t> lengths = {1376, 624};
  net::PacketBuffer frame(orig);
  std::vector<net::PacketBuffer> rest;
  std::vector<std::uint8_t> scratch;
  ASSERT_EQ(fragment_ipv4(frame, kEth, FragmentRequest{1280, 1396, false, lengths}, rest, scratch), 1);
  expect_pieces(all(frame, rest, 1), {{1276, 0x2000}, {764, 157}}, orig);
}

TEST(IpFragment, NoRoomForEightBytesIsRefused) {
  const auto orig = datagram(100);
  net::PacketBuffer frame(orig);
  std::vector<net::PacketBuffer> rest;
  std::vector<std::uint8_t> scratch;
  EXPECT_EQ(fragment_ipv4(frame, kEth, FragmentRequest{27, 0, false, {}}, rest, scratch), -1);
  EXPECT_EQ(std::vector<std::uint8_t>(frame.bytes().begin(), frame.bytes().end()), orig);
}

}  // namespace
}  // namespace flowsim::engine::ip
