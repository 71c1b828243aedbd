// SPDX-License-Identifier: Apache-2.0
// The decoder names fields as the kernel differential does (every committed trace is
// checked against the Python decoder by conformance/decoder_twin); here, the shapes that a
// reader of a difference relies on.
#include "testbench/expect/frame_decoder.hpp"

#include <gtest/gtest.h>

#include "testbench/bench/test_frame.hpp"

namespace flowsim::expect {
namespace {

std::string text_of(const DecodedFrame& d, std::string_view name) {
  for (const Field& f : d.fields) {
    if (f.name == name) return f.text(d.frame);
  }
  return "(absent)";
}

TEST(FrameDecoder, NamesEveryHeaderFieldOfATcpFrame) {
  const auto f = testbench::tcp4_frame(0xc0a80164, 0xc6336416, 40000, 80, net::TcpHeader::kSyn | net::TcpHeader::kAck);
  const DecodedFrame d = decode(f);
  std::vector<std::string> names;
  for (const Field& x : d.fields) names.push_back(x.name);
  EXPECT_EQ(names, (std::vector<std::string>{"eth.dst", "eth.src", "eth.type", "ipv4.version", "ipv4.ihl", "ipv4.tos",
                                             "ipv4.len", "ipv4.id", "ipv4.flags", "ipv4.frag", "ipv4.ttl",
                                             "ipv4.proto", "ipv4.checksum", "ipv4.src", "ipv4.dst", "tcp.sport",
                                             "tcp.dport", "tcp.seq", "tcp.ack", "tcp.doff", "tcp.flags", "tcp.window",
                                             "tcp.checksum", "tcp.urgptr", "tcp.payload"}));
  EXPECT_EQ(text_of(d, "eth.src"), "02:00:00:00:01:64");
  EXPECT_EQ(text_of(d, "eth.type"), "0x0800");
  EXPECT_EQ(text_of(d, "ipv4.src"), "192.168.1.100");
  EXPECT_EQ(text_of(d, "ipv4.ttl"), "64");
  EXPECT_EQ(text_of(d, "ipv4.flags"), "none");
  EXPECT_EQ(text_of(d, "tcp.flags"), "SA");
  EXPECT_EQ(text_of(d, "tcp.doff"), "5");
  EXPECT_EQ(text_of(d, "tcp.payload"), "18 bytes 000102030405060708090a0b0c0d0e0f1011");
  ASSERT_NE(d.l4(), nullptr);
  EXPECT_EQ(d.l4()->kind, LayerKind::kTcp);
  EXPECT_EQ(summary(f), "ipv4 192.168.1.100 > 198.51.100.22 ttl 64 id 0x0000 tcp 40000 > 80 [SA], 72 B");
}

TEST(FrameDecoder, AQuotedDatagramIsPrefixedAndPaddingIsNamed) {
  // An ICMP frag-needed from the router quoting a UDP datagram, in a frame padded past it.
  auto inner = testbench::udp4_frame(0xc0a80164, 0xc6336416, 5000, 53, 4);
  std::vector<std::uint8_t> quote(inner.begin() + 14, inner.end());
  auto f = testbench::ipv4_frame(0xc0a80101, 0xc0a80164, 1, 8, quote.size(), 64, {});
  f[34] = 3;
  f[35] = 4;
  std::copy(quote.begin(), quote.end(), f.begin() + 42);
  f.resize(f.size() + 6);  // padding after the datagram
  const DecodedFrame d = decode(f);
  EXPECT_EQ(text_of(d, "icmp.type"), "3");
  EXPECT_EQ(text_of(d, "quote.ipv4.src"), "192.168.1.100");
  EXPECT_EQ(text_of(d, "quote.udp.dport"), "53");
  EXPECT_EQ(text_of(d, "eth.padding"), "6 bytes 000000000000");
  // The quoted UDP layer belongs to the quoted IP header and sits in the ICMP error.
  const Layer* quoted_udp = nullptr;
  for (const Layer& l : d.layers) {
    if (l.kind == LayerKind::kUdp) quoted_udp = &l;
  }
  ASSERT_NE(quoted_udp, nullptr);
  EXPECT_TRUE(quoted_udp->quoted);
  EXPECT_EQ(d.layers[static_cast<std::size_t>(quoted_udp->enclosing)].kind, LayerKind::kIcmp);
}

TEST(FrameDecoder, ATruncatedHeaderDecodesAsFarAsItGoes) {
  auto f = testbench::udp4_frame(0xc0a80164, 0xc6336416, 5000, 53, 4);
  f.resize(14 + 16);  // IPv4 cut after the checksum
  const DecodedFrame d = decode(f);
  EXPECT_EQ(text_of(d, "ipv4.checksum").substr(0, 2), "0x");
  EXPECT_EQ(text_of(d, "ipv4.dst"), "(absent)");
  EXPECT_EQ(text_of(d, "ipv4.payload"), "4 bytes c0a80164");
  EXPECT_EQ(summary(f), "30 B, truncated ipv4");
}

}  // namespace
}  // namespace flowsim::expect
