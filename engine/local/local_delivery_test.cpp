// SPDX-License-Identifier: Apache-2.0
// Packets addressed to the router itself, through the home router's ruleset: what its own
// stack answers (echo replies, RST for a closed TCP port, port / protocol unreachable) in
// exact bytes (the expected frames are Scapy's, built from the fields Linux sets: see each
// test), the conntrack entries those exchanges leave, declared services that answer nothing,
// and how the router's own packets meet the OUTPUT and POSTROUTING hooks: an ICMP error is
// `ct state related` even about a connection's first packet, nat chains run for a RELATED
// packet's connection, and an error about a NATed packet leaves from the address the
// client used.
#include <gtest/gtest.h>

#include "engine/engine.hpp"
#include "engine/nft/ruleset.hpp"
#include "engine/test_frames.hpp"

namespace flowsim::engine {
namespace {

using namespace std::chrono_literals;
using namespace testing;

class LocalDeliveryTest : public ::testing::Test {
 protected:
  explicit LocalDeliveryTest(EngineConfig config = with_services(home_router_config(kHomeRouterRules)))
      : engine_(std::move(config)) {}
  static EngineConfig with_services(EngineConfig c) {
    c.services = {{6, 22}, {17, 53}};
    return c;
  }
  Verdict run(const std::vector<std::uint8_t>& bytes, unsigned ingress, std::chrono::nanoseconds now = 1s) {
    frame_.assign(bytes);
    return engine_.process(frame_, ingress, now);
  }
  std::string out_hex() const { return to_hex(frame_.bytes()); }
  // The router's own IPv4 packet, its ID (from Linux's generator) zeroed: see test_frames.hpp.
  std::string generated_hex() const { return to_hex(with_generated_ip_id_zeroed(frame_.bytes())); }
  std::uint16_t ip_id() const { return net::load_be16(frame_.bytes().data() + 14 + 4); }

  Engine engine_;
  net::PacketBuffer frame_;
};

// Scapy: IP(src=198.51.100.77, dst=203.0.113.2, tos=0x28, id=0x1000, DF)/ICMP(echo-request,
// id=0x1234, seq=7)/16 x 0x63 in from the WAN; the reply as icmp_reply builds it: from the
// address pinged, the request's TOS, TTL 64, no DF, type 0 with id, seq and data. Its ID is
// the first the per-destination generator gives for 203.0.113.2 -> 198.51.100.77, ICMP (the
// expectation shows it as 0).
TEST_F(LocalDeliveryTest, EchoRequestIsAnsweredWithExactEchoReply) {
  const auto request = from_hex(
      "0200000002010200000002fe08004528002c100040004001c425c633644dcb0071020800caa912340007636363636363636363636363"
      "63636363");
  ASSERT_EQ(run(request, kWan), Verdict::drop_and_reply(DropReason::kLocalDelivery, kWan));
  ip::IpIdent ids(EngineConfig{}.ip_ident_seed);
  EXPECT_EQ(ip_id(), ids.select(v4("203.0.113.2"), v4("198.51.100.77"), 1, 1s));
  EXPECT_EQ(generated_hex(),
            "0200000002fe02000000020108004528002c0000000040011426cb007102c633644d0000d2a9123400076363636363636363636363"
            "6363636363");
  EXPECT_EQ(engine_.conntrack_dump(1s),
            "ipv4     2 icmp     1 30 src=198.51.100.77 dst=203.0.113.2 type=8 code=0 id=4660 src=203.0.113.2 "
            "dst=198.51.100.77 type=0 code=0 id=4660 mark=0 use=2\n");
  EXPECT_EQ(engine_.stats().generated, 1u);
  EXPECT_EQ(engine_.stats().dropped(DropReason::kLocalDelivery), 1u);
}

// Scapy: IPv6(2001:db8:99::77 -> 2001:db8:ffff::2, tc=0x28, fl=0x12345)/echo request; the
// reply keeps the traffic class, not the flow label (flowlabel_reflect = 0), hop limit 64.
TEST_F(LocalDeliveryTest, Icmpv6EchoRequestIsAnsweredWithExactEchoReply) {
  const auto request = from_hex(
      "0200000002010200000002fe86dd6281234500183a4020010db800990000000000000000007720010db8ffff000000000000000000"
      "028000c5c84242000363636363636363636363636363636363");
  ASSERT_EQ(run(request, kWan), Verdict::drop_and_reply(DropReason::kLocalDelivery, kWan));
  EXPECT_EQ(out_hex(),
            "0200000002fe02000000020186dd6280000000183a4020010db8ffff0000000000000000000220010db800990000000000000000"
            "00778100c4c84242000363636363636363636363636363636363");
}

// Scapy: UDP 192.168.1.100:50000 -> 192.168.1.1:5353 (nothing listens) and the ICMP port
// unreachable icmp_send builds: from the address the datagram was sent to (RTCF_LOCAL), TOS
// 0xc0, TTL 64, no DF, the ID from the generator (shown as 0), the whole datagram quoted.
TEST_F(LocalDeliveryTest, UdpToAClosedPortIsAnsweredWithExactPortUnreachable) {
  const auto datagram = from_hex(
      "020000000101020000000164080045000030100040004011a707c0a80164c0a80101c35014e9001ccbee62626262626262626262626"
      "2626262626262626262");
  ASSERT_EQ(run(datagram, kLan), Verdict::drop_and_reply(DropReason::kLocalDelivery, kLan));
  EXPECT_NE(ip_id(), 0);
  EXPECT_EQ(generated_hex(),
            "020000000164020000000101080045c0004c000000004001f63bc0a80101c0a80164030380e00000000045000030100040004011a7"
            "07c0a80164c0a80101c35014e9001ccbee6262626262626262626262626262626262626262");
  // The datagram's connection is confirmed at INPUT and stays unreplied: the error is not a
  // reply, it is RELATED.
  EXPECT_EQ(engine_.conntrack_dump(1s),
            "ipv4     2 udp      17 30 src=192.168.1.100 dst=192.168.1.1 sport=50000 dport=5353 [UNREPLIED] "
            "src=192.168.1.1 dst=192.168.1.100 sport=5353 dport=50000 mark=0 use=2\n");
}

TEST_F(LocalDeliveryTest, Udp6ToAClosedPortIsAnsweredWithExactPortUnreachable) {
  const auto datagram = from_hex(
      "02000000010102000000016486dd60000000001c114020010db800010000000000000000010020010db8000100000000000000000001"
      "c35014e9001cf32f6262626262626262626262626262626262626262");
  ASSERT_EQ(run(datagram, kLan), Verdict::drop_and_reply(DropReason::kLocalDelivery, kLan));
  EXPECT_EQ(out_hex(),
            "02000000016402000000010186dd60000000004c3a4020010db800010000000000000000000120010db80001000000000000000001"
            "0001043"
            "0d10000000060000000001c114020010db800010000000000000000010020010db8000100000000000000000001c35014e9001cf32f"
            "6262626262626262626262626262626262626262");
}

// Scapy: SYN 192.168.1.100:40000 -> 192.168.1.1:23 with TOS 0x2b; tcp_v4_send_reset answers
// RST|ACK acknowledging seq + 1, window 0, DF, ID 0, TTL 64, the TOS without its ECN bits.
TEST_F(LocalDeliveryTest, SynToAClosedPortIsAnsweredWithExactRst) {
  const auto syn =
      from_hex("0200000001010200000001640800452b0028100040004006a6efc0a80164c0a801019c400017000003e8000000005002faf090fc0000");
  ASSERT_EQ(run(syn, kLan), Verdict::drop_and_reply(DropReason::kLocalDelivery, kLan));
  EXPECT_EQ(out_hex(),
            "020000000164020000000101080045280028000040004006b6f2c0a80101c0a8016400179c4000000000000003e950140000"
            "8bda0000");
  // The RST is the only reply the SYN's connection saw: conntrack deletes it at once
  // (nf_conntrack_tcp_packet: "If only reply is a RST ... delete the conntrack").
  EXPECT_EQ(engine_.conntrack_dump(1s), "");
}

TEST_F(LocalDeliveryTest, ServicesAreDeliveredAndAnswerNothing) {
  const auto syn = tcp4_frame({.dst = v4("192.168.1.1")}, {.dport = 22, .flags = kSyn});
  EXPECT_EQ(run(syn, kLan), Verdict::drop(DropReason::kLocalDelivery));
  const auto dns = udp4_frame({.dst = v4("192.168.1.1")}, {.dport = 53});
  EXPECT_EQ(run(dns, kLan), Verdict::drop(DropReason::kLocalDelivery));
  EXPECT_EQ(engine_.conntrack_dump(1s),
            "ipv4     2 tcp      6 120 SYN_SENT src=192.168.1.100 dst=192.168.1.1 sport=40000 dport=22 [UNREPLIED] "
            "src=192.168.1.1 dst=192.168.1.100 sport=22 dport=40000 mark=0 use=2\n"
            "ipv4     2 udp      17 30 src=192.168.1.100 dst=192.168.1.1 sport=50000 dport=53 [UNREPLIED] "
            "src=192.168.1.1 dst=192.168.1.100 sport=53 dport=50000 mark=0 use=2\n");
  EXPECT_EQ(engine_.stats().generated, 0u);
}

// Scapy: a GRE packet (protocol 47, which nothing here handles) to the router and ICMP
// protocol unreachable about it.
TEST_F(LocalDeliveryTest, UnknownProtocolIsAnsweredWithExactProtocolUnreachable) {
  const auto gre = from_hex(
      "02000000010102000000016408004500002810004000402fa6f1c0a80164c0a801010000080064646464646464646464646464646464");
  ASSERT_EQ(run(gre, kLan), Verdict::drop_and_reply(DropReason::kLocalDelivery, kLan));
  EXPECT_EQ(generated_hex(),
            "020000000164020000000101080045c00044000000004001f643c0a80101c0a801640302d1da000000004500002810004000402fa6"
            "f1c0a80164c0a801010000080064646464646464646464646464646464");
}

// Without a ruleset (no conntrack to call a lone RST invalid) the stack itself stays silent.
TEST(PlainRouterLocalTest, NothingAnswersRstsBroadcastsOrBadChecksums) {
  Engine engine(home_router_config());
  net::PacketBuffer frame;
  auto run = [&](const std::vector<std::uint8_t>& bytes) {
    frame.assign(bytes);
    return engine.process(frame, kLan, 1s);
  };
  EXPECT_EQ(run(tcp4_frame({.dst = v4("192.168.1.1")}, {.dport = 23, .flags = kRst | kAck})),
            Verdict::drop(DropReason::kLocalDelivery));
  EXPECT_EQ(run(udp4_frame({.dst = v4("192.168.1.255")}, {.dport = 5353})), Verdict::drop(DropReason::kLocalDelivery));
  EXPECT_EQ(run(icmp4_echo_frame({.dst = v4("192.168.1.255")}, 8, 1, 1)), Verdict::drop(DropReason::kLocalDelivery));
  auto bad = udp4_frame({.dst = v4("192.168.1.1")}, {.dport = 5353});
  bad[14 + 20 + 8] ^= 0x01;  // payload changed, checksum not
  EXPECT_EQ(run(bad), Verdict::drop(DropReason::kLocalDelivery));
  auto bad_tcp = tcp4_frame({.dst = v4("192.168.1.1")}, {.dport = 23});
  bad_tcp[14 + 20 + 16] ^= 0x01;
  EXPECT_EQ(run(bad_tcp), Verdict::drop(DropReason::kLocalDelivery));
  EXPECT_EQ(engine.stats().generated, 0u);
  // ... and with no ruleset the answers still go out.
  EXPECT_EQ(run(tcp4_frame({.dst = v4("192.168.1.1")}, {.dport = 23})),
            Verdict::drop_and_reply(DropReason::kLocalDelivery, kLan));
}

TEST_F(LocalDeliveryTest, BroadcastsAreNotAnsweredAndBadChecksumsAreInvalid) {
  EXPECT_EQ(run(udp4_frame({.dst = v4("192.168.1.255")}, {.dport = 5353}), kLan),
            Verdict::drop(DropReason::kLocalDelivery));
  EXPECT_EQ(run(icmp4_echo_frame({.dst = v4("192.168.1.255")}, 8, 1, 1), kLan),
            Verdict::drop(DropReason::kLocalDelivery));
  auto bad = udp4_frame({.dst = v4("192.168.1.1")}, {.dport = 5353});
  bad[14 + 20 + 8] ^= 0x01;  // payload changed, checksum not
  EXPECT_EQ(run(bad, kLan), Verdict::drop(DropReason::kRulesetDrop));  // conntrack: invalid, input drops it
  EXPECT_EQ(engine_.stats().generated, 0u);
}

// fw4's output chain: policy drop, only established/related traffic (and the LAN) may leave.
constexpr const char* kStrictOutput = R"(table inet filter {
	chain input {
		type filter hook input priority filter; policy accept;
		tcp dport 113 reject with icmp type admin-prohibited
	}
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		iifname "wan" oifname "lan" ip daddr 192.168.1.100 tcp dport 80 ct state new accept
		iifname "wan" oifname "lan" tcp dport 25 reject with tcp reset
	}
	chain output {
		type filter hook output priority filter; policy drop;
		ct state related counter accept
		ct state established counter accept
	}
}
table ip nat {
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		iifname "wan" tcp dport 8080 dnat to 192.168.1.100:80
	}
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "wan" counter masquerade
	}
}
)";

class OutputHookTest : public LocalDeliveryTest {
 protected:
  OutputHookTest() : LocalDeliveryTest(home_router_config(kStrictOutput)) {}
  std::string listed(std::string_view needle) const {
    const std::string all = engine_.ruleset()->list();
    const std::size_t at = all.find(needle);
    return at == std::string::npos ? std::string() : all.substr(at, all.find('\n', at) - at);
  }
};

TEST_F(OutputHookTest, ErrorsAboutAFirstPacketAreRelatedAndRepliesEstablished) {
  // The first UDP datagram of a connection to a closed port: its conntrack entry is new (and
  // confirmed at INPUT), the port unreachable is RELATED to it.
  EXPECT_TRUE(run(udp4_frame({.dst = v4("192.168.1.1")}, {.dport = 5353}), kLan).generated);
  EXPECT_EQ(listed("ct state related"), "ct state related counter packets 1 bytes 76 accept");
  // Rejected at INPUT (never confirmed), the error is still RELATED: nf_ct_attach.
  EXPECT_TRUE(run(tcp4_frame({.dst = v4("192.168.1.1")}, {.dport = 113}), kLan).generated);
  EXPECT_EQ(listed("ct state related"), "ct state related counter packets 2 bytes 144 accept");
  // An echo reply and a RST for a closed port are replies of the request's connection.
  EXPECT_TRUE(run(icmp4_echo_frame({.dst = v4("192.168.1.1")}, 8, 9, 1), kLan).generated);
  EXPECT_TRUE(run(tcp4_frame({.dst = v4("192.168.1.1")}, {.dport = 23}), kLan).generated);
  EXPECT_EQ(listed("ct state established counter"), "ct state established counter packets 2 bytes 84 accept");
}

TEST_F(OutputHookTest, RejectFromInputQuotesThePacketFromTheAddressItWasSentTo) {
  ASSERT_EQ(run(tcp4_frame({.dst = v4("192.168.1.1")}, {.dport = 113}), kLan),
            Verdict::drop_and_reply(DropReason::kRulesetReject, kLan));
  const std::span<const std::uint8_t> out = frame_.bytes();
  EXPECT_EQ(net::load_be32(out.data() + 14 + 12), v4("192.168.1.1").value());  // source
  EXPECT_EQ(out[14 + 20], 3);                                                   // dest unreachable
  EXPECT_EQ(out[14 + 20 + 1], 13);                                              // admin prohibited
}

// A SYN from the WAN rejected in FORWARD: the RST leaves through the WAN, and on its way the
// nat postrouting chain runs for its connection (RELATED, no source binding yet), as
// nf_nat_inet_fn does: the masquerade rule counts it. The RST itself keeps its addresses.
TEST_F(OutputHookTest, NatChainsRunForTheRelatedRstOfARejectedSyn) {
  const auto syn = tcp4_frame({.dst_mac = kRouterWanMac, .src_mac = kGatewayMac, .src = v4("198.51.100.88"),
                               .dst = v4("192.168.1.100")},
                              {.sport = 61000, .dport = 25});
  ASSERT_EQ(run(syn, kWan), Verdict::drop_and_reply(DropReason::kRulesetReject, kWan));
  EXPECT_EQ(listed("counter masquerade") , "");
  EXPECT_EQ(listed("oifname \"wan\" counter"), "oifname \"wan\" counter packets 1 bytes 40 masquerade");
  const std::span<const std::uint8_t> out = frame_.bytes();
  EXPECT_EQ(net::load_be32(out.data() + 14 + 12), v4("192.168.1.100").value());
  EXPECT_EQ(net::load_be32(out.data() + 14 + 16), v4("198.51.100.88").value());
  EXPECT_EQ(out[14 + 20 + 13], kRst | kAck);
}

// A client on the Internet reaches 203.0.113.2:8080, forwarded (DNAT) to 192.168.1.100:80,
// with TTL 1: the time exceeded goes back from the address the client used, quoting the
// packet as the client sent it (nf_nat_icmp_reply_translation at POSTROUTING).
TEST_F(OutputHookTest, AnErrorAboutANatedPacketLeavesFromTheAddressTheClientUsed) {
  const auto syn = tcp4_frame({.dst_mac = kRouterWanMac, .src_mac = kGatewayMac, .src = v4("198.51.100.88"),
                               .dst = v4("203.0.113.2"), .ttl = 1},
                              {.sport = 61000, .dport = 8080});
  ASSERT_EQ(run(syn, kWan), Verdict::drop_and_reply(DropReason::kTtlExceeded, kWan));
  const std::span<const std::uint8_t> out = frame_.bytes();
  EXPECT_EQ(net::load_be32(out.data() + 14 + 12), v4("203.0.113.2").value());
  EXPECT_EQ(out[14 + 20], 11);
  const std::uint8_t* quoted = out.data() + 14 + 28;
  EXPECT_EQ(net::load_be32(quoted + 16), v4("203.0.113.2").value());
  EXPECT_EQ(net::load_be16(quoted + 20 + 2), 8080);
  EXPECT_EQ(listed("ct state related"), "ct state related counter packets 1 bytes 68 accept");
}

// fw4's `redirect to 53` for DNS: a query to another resolver is translated to the address
// of the interface it came in on (nf_nat_redirect_ipv4) and answered by the router's own
// service; without the rule it is forwarded.
TEST(RedirectTest, ADnsQueryIsRedirectedToTheRoutersOwnService) {
  const std::string rules = std::string(kHomeRouterRules) + R"(
table inet fw4 {
	chain dstnat {
		type nat hook prerouting priority dstnat; policy accept;
		iifname "lan" meta nfproto ipv4 udp dport 53 redirect to 53
	}
}
)";
  for (const bool redirected : {false, true}) {
    EngineConfig config = home_router_config(redirected ? rules : std::string(kHomeRouterRules));
    config.services = {{17, 53}};
    Engine engine(std::move(config));
    net::PacketBuffer frame;
    frame.assign(udp4_frame({.dst = v4("8.8.8.8")}, {.sport = 50000, .dport = 53}));
    const Verdict v = engine.process(frame, kLan, 1s);
    const std::string dump = engine.conntrack_dump(1s);
    if (redirected) {
      EXPECT_EQ(v, Verdict::drop(DropReason::kLocalDelivery));
      EXPECT_NE(dump.find("src=192.168.1.1 dst=192.168.1.100 sport=53 dport=50000"), std::string::npos) << dump;
    } else {
      EXPECT_EQ(v, Verdict::forward(kWan));
      EXPECT_NE(dump.find("src=8.8.8.8 dst=203.0.113.2 sport=53 dport=50000"), std::string::npos) << dump;
    }
  }
}

}  // namespace
}  // namespace flowsim::engine
