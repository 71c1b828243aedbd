// SPDX-License-Identifier: Apache-2.0
// The one IPv6 extension-header walk: each header type's length unit (AH counts 4-octet
// units, the others 8), first and later fragments, NONE, ESP, and chains cut off; and the
// nft flavour, which differs only for NONE and later fragments.
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "net/ipv6_ext_headers.hpp"

namespace flowsim::net {
namespace {

using Bytes = std::vector<std::uint8_t>;

// A fixed header announcing `first`, followed by `rest` (the extension headers and payload).
Bytes datagram(std::uint8_t first, const Bytes& rest) {
  Bytes d(40, 0);
  d[0] = 0x60;
  d[4] = static_cast<std::uint8_t>(rest.size() >> 8);
  d[5] = static_cast<std::uint8_t>(rest.size());
  d[6] = first;
  d[7] = 64;
  d.insert(d.end(), rest.begin(), rest.end());
  return d;
}

Bytes options_header(std::uint8_t next, std::uint8_t hdr_ext_len) {
  Bytes h((std::size_t{hdr_ext_len} + 1) * 8, 0);
  h[0] = next;
  h[1] = hdr_ext_len;
  return h;
}

Bytes auth_header(std::uint8_t next, std::uint8_t payload_len) {
  Bytes h((std::size_t{payload_len} + 2) * 4, 0);
  h[0] = next;
  h[1] = payload_len;
  return h;
}

Bytes fragment_header(std::uint8_t next, std::uint16_t offset_bytes, bool more, std::uint32_t id) {
  const std::uint16_t field = static_cast<std::uint16_t>(offset_bytes | (more ? 1 : 0));
  return {next, 0, static_cast<std::uint8_t>(field >> 8), static_cast<std::uint8_t>(field),
          static_cast<std::uint8_t>(id >> 24), static_cast<std::uint8_t>(id >> 16), static_cast<std::uint8_t>(id >> 8),
          static_cast<std::uint8_t>(id)};
}

Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

const Bytes kUdp(8, 0x11);

TEST(Ipv6ExtHeaders, NoExtensionHeader) {
  const Bytes d = datagram(ip_proto::kUdp, kUdp);
  const auto t = ipv6_skip_exthdr(d);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->next_header, ip_proto::kUdp);
  EXPECT_EQ(t->offset, 40u);
  EXPECT_FALSE(t->fragment_header);
}

TEST(Ipv6ExtHeaders, OptionsHeadersCountEightOctetUnits) {
  // hop-by-hop (8) -> routing (24) -> destination options (16) -> UDP
  const Bytes d = datagram(ip_proto::kHopByHop, concat({options_header(ip_proto::kRouting, 0),
                                                        options_header(ip_proto::kDestOpts, 2),
                                                        options_header(ip_proto::kUdp, 1), kUdp}));
  const auto t = ipv6_skip_exthdr(d);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->next_header, ip_proto::kUdp);
  EXPECT_EQ(t->offset, 40u + 8 + 24 + 16);
}

TEST(Ipv6ExtHeaders, AuthHeaderCountsFourOctetUnits) {
  // AH with payload length 4: (4 + 2) * 4 = 24 bytes (it would be 40 in 8-octet units).
  const Bytes d = datagram(ip_proto::kAuth, concat({auth_header(ip_proto::kTcp, 4), Bytes(20, 0)}));
  const auto t = ipv6_skip_exthdr(d);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->next_header, ip_proto::kTcp);
  EXPECT_EQ(t->offset, 64u);
  EXPECT_EQ(ipv6_find_transport(d)->offset, 64u);
}

TEST(Ipv6ExtHeaders, FirstFragmentIsWalkedThrough) {
  const Bytes d = datagram(ip_proto::kFragment, concat({fragment_header(ip_proto::kUdp, 0, true, 0x12345678), kUdp}));
  const auto t = ipv6_skip_exthdr(d);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->next_header, ip_proto::kUdp);
  EXPECT_EQ(t->offset, 48u);
  EXPECT_TRUE(t->fragment_header);
  EXPECT_EQ(t->frag_off, 0x0001);
  EXPECT_FALSE(t->later_fragment());
  const auto frag = ConstIpv6FragmentHeader::at(d, 40);
  ASSERT_TRUE(frag.has_value());
  EXPECT_EQ(frag->id(), 0x12345678u);
  EXPECT_TRUE(frag->more_fragments());
  EXPECT_EQ(frag->offset_bytes(), 0u);
}

TEST(Ipv6ExtHeaders, LaterFragmentStopsAtItsHeader) {
  const Bytes d = datagram(ip_proto::kDestOpts,
                           concat({options_header(ip_proto::kFragment, 0), fragment_header(ip_proto::kUdp, 1232, false, 7),
                                   Bytes(16, 0)}));
  const auto t = ipv6_skip_exthdr(d);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->next_header, ip_proto::kFragment);
  EXPECT_EQ(t->offset, 48u);
  EXPECT_EQ(t->frag_off, 1232);
  EXPECT_TRUE(t->later_fragment());
  // nft: the protocol the fragment header names, with no transport header to read.
  const auto n = ipv6_find_transport(d);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->next_header, ip_proto::kUdp);
  EXPECT_EQ(n->offset, d.size());
  EXPECT_TRUE(n->later_fragment());
}

TEST(Ipv6ExtHeaders, NoNextHeader) {
  const Bytes d = datagram(ip_proto::kHopByHop, options_header(ip_proto::kNoNext, 0));
  EXPECT_FALSE(ipv6_skip_exthdr(d).has_value());
  const auto n = ipv6_find_transport(d);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->next_header, ip_proto::kNoNext);
  EXPECT_EQ(n->offset, 48u);
}

TEST(Ipv6ExtHeaders, EspIsATransport) {
  const Bytes d = datagram(ip_proto::kEsp, Bytes(16, 0));
  EXPECT_EQ(ipv6_skip_exthdr(d)->next_header, ip_proto::kEsp);
  EXPECT_EQ(ipv6_find_transport(d)->next_header, ip_proto::kEsp);
}

TEST(Ipv6ExtHeaders, CutOffChains) {
  // The length byte of the hop-by-hop header is missing.
  Bytes d = datagram(ip_proto::kHopByHop, Bytes{ip_proto::kUdp});
  EXPECT_FALSE(ipv6_skip_exthdr(d).has_value());
  EXPECT_FALSE(ipv6_find_transport(d).has_value());
  // The fragment header's offset field is missing.
  d = datagram(ip_proto::kFragment, Bytes{ip_proto::kUdp, 0, 0});
  EXPECT_FALSE(ipv6_skip_exthdr(d).has_value());
  // A header that claims more than there is: the walk ends beyond the datagram.
  d = datagram(ip_proto::kDestOpts, options_header(ip_proto::kUdp, 3));
  d.resize(50);
  const auto t = ipv6_skip_exthdr(d);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->offset, 72u);
  // No fixed header at all.
  EXPECT_FALSE(ipv6_skip_exthdr(Bytes(39, 0x60)).has_value());
}

}  // namespace
}  // namespace flowsim::net
