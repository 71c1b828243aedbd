// SPDX-License-Identifier: Apache-2.0
// The flow-entry encoder against words derived by hand from the FOE_ENTRY / FOE_IPV4 /
// FOE_IPV6 layout (rtl/spec/flowsim_hw.yaml), and the identity rules.
#include "driver/flow_entry_encoder.hpp"

#include <gtest/gtest.h>

#include "driver/test_flows.hpp"
#include "net/ipv6_addr.hpp"

namespace flowsim::driver {
namespace {

using testing::ipv4_flow;
using testing::ipv6_flow;

const EncodeOptions kOpts{3, true, false};

TEST(FlowEntryEncoder, Ipv4NaptOriginalDirection) {
  const auto f = ipv4_flow(1, 0xc0a8010a, 51234, 0x5db8d822, 443);
  const auto e = encode_flow_entry(f.dir[0], kOpts);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->words, testing::napt_original_words());
}

TEST(FlowEntryEncoder, Ipv4NaptReplyDirectionUndoesTheNat) {
  const auto f = ipv4_flow(1, 0xc0a8010a, 51234, 0x5db8d822, 443, 17);
  const auto e = encode_flow_entry(f.dir[1], kOpts);
  ASSERT_TRUE(e);
  FlowEntry x;
  x.words[0] = 0x60180000;   // IB1: BIND, UDP (bit 30), TTL_DEC, MIB_EN, HNAPT
  x.words[1] = 0x5db8d822;   // ORIG_SIP server
  x.words[2] = 0xcb007105;   // ORIG_DIP the WAN address
  x.words[3] = 0x01bbc822;   // 443 -> 51234
  x.words[4] = 0x5db8d822;   // NEW_SIP server
  x.words[5] = 0xc0a8010a;   // NEW_DIP the LAN host
  x.words[6] = 0x01bbc822;
  x.words[15] = 0x00000002;  // DEST_PORT 2 (LAN)
  x.words[16] = 0x02000000;  // DMAC 02:00:00:00:01:64 (LAN host)
  x.words[17] = 0x00000164;
  x.words[18] = 0x02000000;  // SMAC 02:00:00:00:01:01 (LAN interface)
  x.words[19] = 0x00000101;
  x.words[22] = 0x00000011;  // IN_PORT 1, valid
  x.words[24] = 0x000005dc;
  EXPECT_EQ(e->words, x.words);
}

TEST(FlowEntryEncoder, RoutedIpv4WithEncapsAndNoMib) {
  auto f = ipv4_flow(1, 0x0a000001, 1000, 0x0a010001, 2000, 6, false);
  auto& d = f.dir[0];
  d.ingress_vlan = 10;
  d.egress_vlan = 0x123;
  d.egress_pppoe_session = 0x4711;
  d.mtu = 1492;
  const auto e = encode_flow_entry(d, EncodeOptions{3, false, false});
  ASSERT_TRUE(e);
  // IB1: BIND, TYPE=ROUTE (1 << 24), VLAN_LAYER 1 (1 << 22), PPPOE (bit 21), TTL_DEC; no MIB_EN.
  EXPECT_EQ(e->words[0], 0x21700000u);
  EXPECT_EQ(e->words[4], 0u);  // NEW_* unused by ROUTE
  EXPECT_EQ(e->words[5], 0u);
  EXPECT_EQ(e->words[6], 0u);
  EXPECT_EQ(e->words[20], 0x00000123u);                // VLAN1 = TCI
  EXPECT_EQ(e->words[21], 0x00004711u);                // PPPOE_SID
  EXPECT_EQ(e->words[22], (1u << 28) | (10u << 16) | 0x12u);  // IN_VLAN 10 valid, IN_PORT 2 valid
  EXPECT_EQ(e->words[24], 1492u);
}

TEST(FlowEntryEncoder, Ipv6FiveTupleRoute) {
  const auto lan = net::Ipv6Addr::parse("2001:db8::10").value();
  const auto srv = net::Ipv6Addr::parse("2606:2800:220:1:248:1893:25c8:1946").value();
  auto f = ipv6_flow(1, lan, 51234, srv, 443, 17);
  f.dir[0].ingress_pppoe_session = 7;
  const auto e = encode_flow_entry(f.dir[0], kOpts);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->words[0], 0x65180000u);  // BIND, UDP, TYPE=IPV6_ROUTE_5T (5 << 24), TTL_DEC, MIB_EN
  const std::uint32_t expected[] = {0x20010db8, 0, 0, 0x10, 0x26062800, 0x02200001, 0x02481893, 0x25c81946,
                                    0xc82201bb};
  for (unsigned i = 0; i < 9; ++i) EXPECT_EQ(e->words[1 + i], expected[i]) << "word " << 1 + i;
  EXPECT_EQ(e->words[22], (1u << 29) | 0x12u);  // IN_PPPOE_VALID, IN_PORT 2 valid
  EXPECT_EQ(e->words[23], 7u);                 // IN_PPPOE_SID
}

TEST(FlowEntryEncoder, RefusesWhatTheEntryCannotExpress) {
  const auto lan = net::Ipv6Addr::parse("2001:db8::10").value();
  const auto srv = net::Ipv6Addr::parse("2001:db8:1::1").value();
  std::string why;
  auto v6nat = ipv6_flow(1, lan, 1000, srv, 80);
  v6nat.dir[0].rewrite.src_port = 2000;
  EXPECT_FALSE(encode_flow_entry(v6nat.dir[0], kOpts, &why));
  EXPECT_EQ(why, "IPv6 NAT (the hardware routes IPv6 only)");
  EXPECT_FALSE(encode_flow_entry(v6nat.dir[0], EncodeOptions{3, true, true}));  // no layout for it either

  auto icmp = ipv4_flow(1, 0x0a000001, 0, 0x0a000002, 0, 1);
  EXPECT_FALSE(encode_flow_entry(icmp.dir[0], kOpts));
  auto port = ipv4_flow(1, 0x0a000001, 1, 0x0a000002, 2);
  port.dir[0].egress_port = 3;
  EXPECT_FALSE(encode_flow_entry(port.dir[0], kOpts, &why));
  EXPECT_EQ(why, "port beyond the device's ports");
  auto vid = ipv4_flow(1, 0x0a000001, 1, 0x0a000002, 2);
  vid.dir[0].egress_vlan = 4096;
  EXPECT_FALSE(encode_flow_entry(vid.dir[0], kOpts));
  auto mtu = ipv4_flow(1, 0x0a000001, 1, 0x0a000002, 2);
  mtu.dir[0].mtu = 0;
  EXPECT_FALSE(encode_flow_entry(mtu.dir[0], kOpts));
  mtu.dir[0].mtu = 70000;  // beyond any IP packet: the largest MTU the word holds
  EXPECT_EQ(encode_flow_entry(mtu.dir[0], kOpts)->words[24], 0xffffu);
}

TEST(FlowEntryEncoder, IdentityIgnoresActionsButNotTheKey) {
  const auto f = ipv4_flow(1, 0xc0a8010a, 51234, 0x5db8d822, 443);
  const FlowEntry a = *encode_flow_entry(f.dir[0], kOpts);
  FlowEntry b = a;
  b.words[0] |= 0x1234;       // TIMESTAMP
  b.words[0] ^= 3u << 28;     // STATE
  b.words[16] = 0xdeadbeef;   // another next hop
  EXPECT_TRUE(same_identity(a, b));
  EXPECT_FALSE(same_written_image(a, b));
  b = a;
  b.words[0] |= 0xffff;
  EXPECT_TRUE(same_written_image(a, b));  // the hardware stamps TIMESTAMP
  b.words[3] ^= 1;
  EXPECT_FALSE(same_identity(a, b));
  b = a;
  b.words[0] |= 1u << 30;  // UDP
  EXPECT_FALSE(same_identity(a, b));
  b = a;
  b.words[22] = 0x11;      // other ingress port
  EXPECT_FALSE(same_identity(a, b));

  // Learn mode compares what the hardware learns: UDP bit, family, key words only.
  FlowEntry learned;
  learned.words[0] = 0x10000000;  // UNBIND, TCP, TYPE HNAPT
  for (unsigned w = 1; w <= 3; ++w) learned.words[w] = a.words[w];
  learned.words[25] = 30;
  EXPECT_TRUE(learned_matches(a, learned));
  learned.words[0] |= 1u << 24;  // IPV4_ROUTE: same family
  EXPECT_TRUE(learned_matches(a, learned));
  learned.words[0] = 0x15000000;  // IPV6_ROUTE_5T
  EXPECT_FALSE(learned_matches(a, learned));
}

}  // namespace
}  // namespace flowsim::driver
