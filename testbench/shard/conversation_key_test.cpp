// SPDX-License-Identifier: Apache-2.0
// Conversation keys: both directions, ICMP errors and echo, fragments, IPv6, frames outside
// any conversation; and a pinned hash so that shard assignments never move.
#include "testbench/shard/conversation_key.hpp"

#include <gtest/gtest.h>

#include "engine/test_frames.hpp"
#include "net/byte_order.hpp"
#include "net/checksum.hpp"
#include "testbench/shard/shard_filter.hpp"
#include "testbench/shard/shard_spec.hpp"

namespace flowsim::shard {
namespace {

using namespace engine::testing;

Ipv4L4Spec host(const char* src, const char* dst) {
  Ipv4L4Spec s;
  s.src = v4(src);
  s.dst = v4(dst);
  return s;
}

std::optional<ConversationKey> key_of(const std::vector<std::uint8_t>& frame) {
  ConversationKeyer k;
  return k.key(frame);
}

// An ICMP error about `quoted` (an Ethernet frame), sent from `from` to the quoted source.
std::vector<std::uint8_t> icmp_error(const char* from, const std::vector<std::uint8_t>& quoted, std::uint8_t type,
                                     std::uint8_t code) {
  const std::vector<std::uint8_t> inner = datagram_of(quoted);
  std::vector<std::uint8_t> l4(8, 0);
  l4[0] = type;
  l4[1] = code;
  l4.insert(l4.end(), inner.begin(), inner.begin() + std::min<std::size_t>(inner.size(), 28));
  net::store_be16(l4.data() + 2, net::internet_checksum(l4));
  Ipv4L4Spec ip;
  ip.src = v4(from);
  ip.dst = net::Ipv4Addr(net::load_be32(inner.data() + 12));
  return ipv4_packet(ip, 1, l4);
}

TEST(ConversationKeyTest, BothDirectionsOfATupleShareOneKey) {
  const auto out = key_of(udp4_frame(host("192.168.1.100", "198.51.100.10"), {50000, 53}));
  const auto back = key_of(udp4_frame(host("198.51.100.10", "192.168.1.100"), {53, 50000}));
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, *back);
  EXPECT_EQ(out->proto, 17);
  // Another port, another protocol, another host: other conversations.
  EXPECT_NE(*out, *key_of(udp4_frame(host("192.168.1.100", "198.51.100.10"), {50001, 53})));
  EXPECT_NE(*out, *key_of(tcp4_frame(host("192.168.1.100", "198.51.100.10"), {50000, 53})));
  EXPECT_NE(*out, *key_of(udp4_frame(host("192.168.1.101", "198.51.100.10"), {50000, 53})));
  const auto syn = key_of(tcp4_frame(host("192.168.1.100", "198.51.100.10"), {40000, 443, kSyn}));
  const auto synack = key_of(tcp4_frame(host("198.51.100.10", "192.168.1.100"), {443, 40000, kSyn | kAck}));
  EXPECT_EQ(*syn, *synack);
}

TEST(ConversationKeyTest, IcmpErrorsBelongToTheConversationTheyQuote) {
  const auto query = udp4_frame(host("192.168.1.100", "198.51.100.10"), {50000, 53});
  const auto unreachable = icmp_error("198.51.100.10", query, 3, 3);
  const auto time_exceeded = icmp_error("192.0.2.1", query, 11, 0);  // from a router on the path
  EXPECT_EQ(*key_of(unreachable), *key_of(query));
  EXPECT_EQ(*key_of(time_exceeded), *key_of(query));
  // An echo request and its reply share a key by id; another id is another conversation.
  const auto ping = icmp4_echo_frame(host("192.168.1.100", "198.51.100.10"), 8, 77, 1);
  const auto pong = icmp4_echo_frame(host("198.51.100.10", "192.168.1.100"), 0, 77, 1);
  EXPECT_EQ(*key_of(ping), *key_of(pong));
  EXPECT_NE(*key_of(ping), *key_of(icmp4_echo_frame(host("192.168.1.100", "198.51.100.10"), 8, 78, 1)));
  EXPECT_EQ(key_of(ping)->port_a, 77);
}

TEST(ConversationKeyTest, LaterFragmentsFollowTheirFirstFragment) {
  Ipv4L4Spec ip = host("192.168.1.100", "198.51.100.10");
  ip.df = false;
  ip.id = 0x1234;
  std::vector<std::uint8_t> first = udp4_frame(ip, {50000, 53, 100});
  net::store_be16(first.data() + 14 + 6, 0x2000);  // MF, offset 0
  std::vector<std::uint8_t> middle = first;
  net::store_be16(middle.data() + 14 + 6, 0x2000 | 16);  // MF, offset 128 bytes
  std::vector<std::uint8_t> last = first;
  net::store_be16(last.data() + 14 + 6, 32);  // offset 256 bytes, no MF
  const auto whole = key_of(udp4_frame(host("192.168.1.100", "198.51.100.10"), {50000, 53}));

  ConversationKeyer keyer;
  EXPECT_EQ(*keyer.key(first), *whole);
  EXPECT_EQ(*keyer.key(middle), *whole);  // its "ports" are payload bytes, not read
  EXPECT_EQ(*keyer.key(last), *whole);
  // Once the datagram is over, or without its first fragment, the address pair is the key.
  const auto orphan = keyer.key(middle);
  EXPECT_EQ(orphan->port_a, 0);
  EXPECT_EQ(orphan->port_b, 0);
  EXPECT_EQ(orphan->proto, 17);
}

TEST(ConversationKeyTest, Ipv6AndFramesOutsideConversations) {
  Ipv6Spec a;
  a.next_header = 6;
  a.l4_size = 20;
  std::vector<std::uint8_t> out = ipv6_frame(a);
  net::store_be16(out.data() + 54, 40000);
  net::store_be16(out.data() + 56, 443);
  Ipv6Spec b = a;
  std::swap(b.src, b.dst);
  std::vector<std::uint8_t> back = ipv6_frame(b);
  net::store_be16(back.data() + 54, 443);
  net::store_be16(back.data() + 56, 40000);
  ASSERT_TRUE(key_of(out));
  EXPECT_EQ(key_of(out)->family, 6);
  EXPECT_EQ(*key_of(out), *key_of(back));

  const std::vector<std::uint8_t> arp = padded(ethernet(kRouterLanMac, kHostAMac, 0x0806, std::vector<std::uint8_t>(28, 0)));
  EXPECT_FALSE(key_of(arp));
  EXPECT_FALSE(key_of(std::vector<std::uint8_t>(10, 0)));  // a runt
  ConversationKeyer k;
  for (unsigned n = 2; n <= 8; ++n) EXPECT_EQ(shard_of(k, arp, n), 0u);
}

TEST(ConversationKeyTest, HashIsPinned) {
  // If this value changes, every user's shard assignment changes: do not change it.
  const auto k = key_of(udp4_frame(host("192.168.1.100", "198.51.100.10"), {50000, 53}));
  // FNV-1a 64 of 04 11, 192.168.1.100 (16 bytes), c350, 198.51.100.10 (16 bytes), 0035 (an
  // independent Python computation).
  EXPECT_EQ(k->hash(), 0xe4a097a70757dc7eULL) << std::hex << k->hash();
  EXPECT_EQ(k->hash() % 4, 2u);
}

TEST(ShardSpecTest, ParsesKOfN) {
  EXPECT_EQ(ShardSpec::parse("0/1"), (ShardSpec{0, 1}));
  EXPECT_EQ(ShardSpec::parse("3/4"), (ShardSpec{3, 4}));
  EXPECT_FALSE(ShardSpec::parse("4/4"));
  EXPECT_FALSE(ShardSpec::parse("1/0"));
  EXPECT_FALSE(ShardSpec::parse("1-4"));
  EXPECT_FALSE(ShardSpec::parse("a/4"));
  EXPECT_FALSE(ShardSpec::parse("1/4x"));
  EXPECT_FALSE(ShardSpec::parse(""));
}

}  // namespace
}  // namespace flowsim::shard
