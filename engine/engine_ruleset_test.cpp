// SPDX-License-Identifier: Apache-2.0
// The engine with the home router's nft ruleset: masquerade and the port forward in both
// directions (exact bytes: the expected frames are literal Scapy output), the ruleset's
// verdicts, NAT's port choice on a clash, the ICMP errors the router sends (exact bytes), and
// the conntrack dump after offload.
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "engine/engine.hpp"
#include "engine/test_frames.hpp"
#include "net/byte_order.hpp"
#include "net/checksum.hpp"
#include "net/ethernet_header.hpp"
#include "net/ipv6_header.hpp"

namespace flowsim::engine {
namespace {

using namespace std::chrono_literals;
using namespace testing;

class RulesetEngineTest : public ::testing::Test {
 protected:
  explicit RulesetEngineTest(EngineConfig config = home_router_config(kHomeRouterRules))
      : engine_(std::move(config)) {}
  Verdict run(const std::vector<std::uint8_t>& bytes, unsigned ingress, std::chrono::nanoseconds now = 1s) {
    frame_.assign(bytes);
    return engine_.process(frame_, ingress, now);
  }
  std::string out_hex() const { return to_hex(frame_.bytes()); }
  std::string out_hex_padded() const { return to_hex(padded({frame_.bytes().begin(), frame_.bytes().end()})); }
  // The router's own IPv4 packet, its ID (from Linux's generator) zeroed: see test_frames.hpp.
  std::string generated_hex() const { return to_hex(with_generated_ip_id_zeroed(frame_.bytes())); }
  std::string generated_hex_padded() const { return to_hex(padded(with_generated_ip_id_zeroed(frame_.bytes()))); }

  Engine engine_;
  net::PacketBuffer frame_;
};

const Ipv4L4Spec kWebServer{.dst_mac = kRouterWanMac, .src_mac = kGatewayMac, .src = v4("198.51.100.10"),
                            .dst = v4("203.0.113.2"), .ttl = 52};

// Scapy: Ether(dst=lan, src=A)/IP(src=192.168.1.100, dst=198.51.100.10, ttl=64, id=0x1c46,
// flags=DF)/TCP(sport=40000, dport=443, flags=S, seq=1000, window=64240, options=[MSS 1460,
// NOP, NOP, SAckOK, NOP, WScale 7]); the output built by Scapy with src=203.0.113.2, ttl=63,
// the gateway's and the WAN MACs; the SYN/ACK from the server to 203.0.113.2:40000 and its
// output to A, all checksums recomputed by Scapy.
TEST_F(RulesetEngineTest, MasqueradeTcpBothWaysExactBytes) {
  const auto syn = from_hex(
      "0200000001010200000001640800450000341c46400040063234c0a80164c633640a9c4001bb000003e8000000008002faf0"
      "e5f20000020405b40101040201030307");
  ASSERT_EQ(run(syn, kLan), Verdict::forward(kWan));
  EXPECT_EQ(out_hex(),
      "0200000002fe0200000002010800450000341c4640003f06b93dcb007102c633640a9c4001bb000003e8000000008002faf0"
      "6bfc0000020405b40101040201030307");
  const auto synack = from_hex(
      "0200000002010200000002fe080045000034000040003406e083c633640acb00710201bb9c4000001388000003e98012fe88"
      "54cb0000020405b40101040201030307");
  ASSERT_EQ(run(synack, kWan), Verdict::forward(kLan));
  EXPECT_EQ(out_hex(),
      "0200000001640200000001010800450000340000400033065b7ac633640ac0a8016401bb9c4000001388000003e98012fe88"
      "cec10000020405b40101040201030307");
  EXPECT_EQ(engine_.conntrack_dump(1s),
            "ipv4     2 tcp      6 60 SYN_RECV src=192.168.1.100 dst=198.51.100.10 sport=40000 dport=443 "
            "src=198.51.100.10 dst=203.0.113.2 sport=443 dport=40000 mark=0 use=2\n");
}

// Scapy: a client on the Internet (198.51.100.88:61000) opens 203.0.113.2:8080; the router
// forwards it to 192.168.1.100:80 (DNAT) and translates the answer back.
TEST_F(RulesetEngineTest, PortForwardBothWaysExactBytes) {
  const auto syn = from_hex(
      "0200000002010200000002fe080045000034007740003206e1bec6336458cb007102ee481f9000000007000000008002faf0"
      "ffb10000020405b40101040201030307");
  ASSERT_EQ(run(syn, kWan), Verdict::forward(kLan));
  EXPECT_EQ(out_hex(),
      "0200000001640200000001010800450000340077400031065cb5c6336458c0a80164ee48005000000007000000008002faf0"
      "98e80000020405b40101040201030307");
  const auto synack = from_hex(
      "0200000001010200000001640800450000340000400040064e2cc0a80164c63364580050ee4800000384000000088012fe88"
      "91bb0000020405b40101040201030307");
  ASSERT_EQ(run(synack, kLan), Verdict::forward(kWan));
  EXPECT_EQ(out_hex(),
      "0200000002fe020000000201080045000034000040003f06d535cb007102c63364581f90ee4800000384000000088012fe88"
      "f8840000020405b40101040201030307");
  EXPECT_EQ(engine_.conntrack_dump(1s),
            "ipv4     2 tcp      6 60 SYN_RECV src=198.51.100.88 dst=203.0.113.2 sport=61000 dport=8080 "
            "src=192.168.1.100 dst=198.51.100.88 sport=80 dport=61000 mark=0 use=2\n");
}

TEST_F(RulesetEngineTest, PolicyDropsUnsolicitedTrafficFromTheWan) {
  // To the router: input policy drop (only ICMP is accepted from the WAN).
  EXPECT_EQ(run(tcp4_frame({.dst_mac = kRouterWanMac, .src_mac = kGatewayMac, .src = v4("198.51.100.77"),
                            .dst = v4("203.0.113.2")},
                           {.sport = 5555, .dport = 23}),
                kWan),
            Verdict::drop(DropReason::kRulesetDrop));
  EXPECT_EQ(run(icmp4_echo_frame({.dst_mac = kRouterWanMac, .src_mac = kGatewayMac, .src = v4("198.51.100.77"),
                                  .dst = v4("203.0.113.2")},
                                 8, 1, 1),
                kWan),
            Verdict::drop_and_reply(DropReason::kLocalDelivery, kWan));  // answered: echo reply
  // Through the router: forward policy drop.
  EXPECT_EQ(run(udp4_frame({.dst_mac = kRouterWanMac, .src_mac = kGatewayMac, .src = v4("198.51.100.77"),
                            .dst = v4("192.168.1.101")},
                           {}),
                kWan),
            Verdict::drop(DropReason::kRulesetDrop));
  // ... but the answers of the LAN's own connections are established.
  ASSERT_EQ(run(udp4_frame({.src = v4("192.168.1.101"), .dst = v4("198.51.100.53")}, {.sport = 40000}), kLan),
            Verdict::forward(kWan));
  EXPECT_EQ(run(udp4_frame({.dst_mac = kRouterWanMac, .src_mac = kGatewayMac, .src = v4("198.51.100.53"),
                            .dst = v4("203.0.113.2")},
                           {.sport = 53, .dport = 40000}),
                kWan),
            Verdict::forward(kLan));
  EXPECT_EQ(net::load_be32(frame_.bytes().data() + 14 + 16), v4("192.168.1.101").value());
  // Invalid packets are dropped by the forward chain: a bad TCP checksum.
  auto bad = tcp4_frame({}, {.flags = kSyn});
  bad[14 + 20 + 16] ^= 0x55;
  EXPECT_EQ(run(bad, kLan), Verdict::drop(DropReason::kRulesetDrop));
  // A forwarded port whose host does not answer ARP: the neighbour is missing.
  EXPECT_EQ(run(tcp4_frame({.dst_mac = kRouterWanMac, .src_mac = kGatewayMac, .src = v4("198.51.100.77"),
                            .dst = v4("203.0.113.2")},
                           {.sport = 5556, .dport = 2222}),
                kWan),
            Verdict::drop(DropReason::kNoNeighbour));
}

// Scapy: a UDP probe with TTL 1 and TOS 0x10 from A; the answer from 192.168.1.1 with TOS
// 0xd0, TTL 64, no DF, quoting the probe as received. Its ID is the first the per-destination
// generator gives for 192.168.1.1 -> 192.168.1.100, ICMP (the expectation shows it as 0).
TEST_F(RulesetEngineTest, TtlExceededIsAnsweredWithExactIcmp) {
  const auto probe = from_hex(
      "02000000010102000000016408004510003c6001000001116d56c0a80164c633640aabe0829a0028e4d80000000000000000"
      "000000000000000000000000000000000000000000000000");
  ASSERT_EQ(run(probe, kLan), Verdict::drop_and_reply(DropReason::kTtlExceeded, kLan));
  ip::IpIdent ids(EngineConfig{}.ip_ident_seed);
  EXPECT_EQ(net::load_be16(frame_.bytes().data() + 14 + 4), ids.select(v4("192.168.1.1"), v4("192.168.1.100"), 1, 1s));
  EXPECT_EQ(generated_hex_padded(),
      "020000000164020000000101080045d00058000000004001f61fc0a80101c0a801640b00e183000000004510003c60010000"
      "01116d56c0a80164c633640aabe0829a0028e4d8000000000000000000000000000000000000000000000000000000000000"
      "0000");
  EXPECT_EQ(engine_.stats().generated, 1u);
  // The probe's connection was never confirmed: no entry is left behind.
  EXPECT_EQ(engine_.conntrack_dump(1s), "");
}

// Scapy: a UDP probe with hop limit 1 from A over IPv6; the ICMPv6 time exceeded from
// 2001:db8:1::1, hop limit 64, quoting it.
TEST_F(RulesetEngineTest, HopLimitExceededIsAnsweredWithExactIcmpv6) {
  const auto probe = from_hex(
      "02000000010102000000016486dd600000000028110120010db800010000000000000000010020010db8beef000000000000"
      "00000010abe1829a0028b5af0000000000000000000000000000000000000000000000000000000000000000");
  ASSERT_EQ(run(probe, kLan), Verdict::drop_and_reply(DropReason::kTtlExceeded, kLan));
  EXPECT_EQ(out_hex_padded(),
      "02000000016402000000010186dd6000000000583a4020010db800010000000000000000000120010db80001000000000000"
      "0000010003002f0800000000600000000028110120010db800010000000000000000010020010db8beef0000000000000000"
      "0010abe1829a0028b5af0000000000000000000000000000000000000000000000000000000000000000");
}

// Scapy: 1600-byte DF UDP from A toward the 1500-byte WAN: "fragmentation needed", next-hop
// MTU 1500, quoting the first 548 bytes.
TEST_F(RulesetEngineTest, FragmentationNeededIsAnsweredWithExactIcmp) {
  auto jumbo = udp4_frame({.id = 0x6201}, {.sport = 45000, .dport = 9000, .payload = 1572});
  // The Scapy packet has a zero payload and a Scapy checksum; rebuild it the same way.
  std::fill(jumbo.begin() + 14 + 28, jumbo.end(), 0);
  net::store_be16(jumbo.data() + 14 + 26, 0);
  net::store_be16(jumbo.data() + 14 + 26,
                  net::l4_checksum(v4("192.168.1.100"), v4("198.51.100.10"), 17, std::span(jumbo).subspan(34)));
  ASSERT_EQ(run(jumbo, kLan), Verdict::drop_and_reply(DropReason::kMtuExceeded, kLan));
  EXPECT_EQ(generated_hex(),
      "020000000164020000000101080045c00240000000004001f447c0a80101c0a801640304e9a7000005dc4500064062014000"
      "4011e661c0a80164c633640aafc82328062c345b000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "00000000000000000000000000000000000000000000000000000000000000000000000000000000");
}

class SmallWanMtuTest : public RulesetEngineTest {
 protected:
  static EngineConfig config() {
    EngineConfig c = home_router_config(kHomeRouterRules);
    c.interfaces[kWan].mtu = 1280;
    return c;
  }
  SmallWanMtuTest() : RulesetEngineTest(config()) {}
};

// Scapy: 1500-byte IPv6 UDP from A toward a 1280-byte WAN: "packet too big", MTU 1280,
// quoting 1232 bytes so that the error fits the IPv6 minimum MTU.
TEST_F(SmallWanMtuTest, PacketTooBigIsAnsweredWithExactIcmpv6) {
  Ipv6Spec s;
  s.l4_size = 1460;
  auto big = ipv6_frame(s);
  std::uint8_t* l4 = big.data() + 14 + 40;
  net::store_be16(l4, 44002);
  net::store_be16(l4 + 2, 9);
  net::store_be16(l4 + 4, 1460);
  net::store_be16(l4 + 6, net::l4_checksum(v6("2001:db8:1::100"), v6("2001:db8:beef::10"), 17,
                                            std::span(big).subspan(54)));
  ASSERT_EQ(run(big, kLan), Verdict::drop_and_reply(DropReason::kMtuExceeded, kLan));
  const std::string expected =
      "02000000016402000000010186dd6000000004d83a4020010db800010000000000000000000120010db80001000000000000"
      "0000010002002649000005006000000005b4114020010db800010000000000000000010020010db8beef0000000000000000"
      "0010abe2000905b42d2800000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000";
  EXPECT_EQ(out_hex(), expected);
}

// Two LAN hosts use the same source port toward the same server: the second connection's
// masquerade must pick another port, in the same class (>= 1024), unique, reproducible.
TEST_F(RulesetEngineTest, PortClashPicksAnotherPortInClass) {
  std::set<std::uint16_t> ports;
  for (const char* host : {"192.168.1.100", "192.168.1.101", "192.168.1.102", "192.168.1.103"}) {
    ASSERT_EQ(run(tcp4_frame({.src = v4(host)}, {.sport = 40000, .dport = 443}), kLan), Verdict::forward(kWan));
    const std::uint16_t port = net::load_be16(frame_.bytes().data() + 14 + 20);
    EXPECT_EQ(net::load_be32(frame_.bytes().data() + 14 + 12), v4("203.0.113.2").value());
    EXPECT_GE(port, 1024) << host;
    EXPECT_TRUE(ports.insert(port).second) << host << " got " << port << " again";
    // The checksum was updated for the new port.
    EXPECT_EQ(net::l4_checksum(v4("203.0.113.2"), v4("198.51.100.10"), 6, frame_.bytes().subspan(34)), 0);
  }
  EXPECT_TRUE(ports.contains(40000));  // the first one kept its port
  // Below 512 and between 512 and 1023 the port stays in its class.
  for (std::uint16_t base : {500, 700}) {
    for (const char* host : {"192.168.1.100", "192.168.1.101"}) {
      ASSERT_EQ(run(tcp4_frame({.src = v4(host)}, {.sport = base, .dport = 443}), kLan), Verdict::forward(kWan));
    }
    const std::uint16_t port = net::load_be16(frame_.bytes().data() + 14 + 20);
    if (base == 500) {
      EXPECT_TRUE(port >= 1 && port <= 511 && port != 500) << port;
    } else {
      EXPECT_TRUE(port >= 600 && port <= 1023 && port != 700) << port;
    }
  }
  // Same seed, same choices.
  Engine again(home_router_config(kHomeRouterRules));
  net::PacketBuffer f;
  std::vector<std::uint16_t> replay;
  for (const char* host : {"192.168.1.100", "192.168.1.101", "192.168.1.102", "192.168.1.103"}) {
    f.assign(tcp4_frame({.src = v4(host)}, {.sport = 40000, .dport = 443}));
    again.process(f, kLan, 1s);
    replay.push_back(net::load_be16(f.bytes().data() + 14 + 20));
  }
  EXPECT_EQ(std::set<std::uint16_t>(replay.begin(), replay.end()), ports);
}

TEST_F(RulesetEngineTest, DifferentSeedsMayPickDifferentPorts) {
  EngineConfig c = home_router_config(kHomeRouterRules);
  c.nat_seed = 12345;
  Engine other(c);
  net::PacketBuffer f;
  std::vector<std::uint16_t> mine, theirs;
  for (const char* host : {"192.168.1.100", "192.168.1.101", "192.168.1.102"}) {
    ASSERT_TRUE(run(tcp4_frame({.src = v4(host)}, {.sport = 40000}), kLan).forwarded());
    mine.push_back(net::load_be16(frame_.bytes().data() + 34));
    f.assign(tcp4_frame({.src = v4(host)}, {.sport = 40000}));
    ASSERT_TRUE(other.process(f, kLan, 1s).forwarded());
    theirs.push_back(net::load_be16(f.bytes().data() + 34));
  }
  EXPECT_EQ(mine[0], 40000);
  EXPECT_EQ(theirs[0], 40000);
  EXPECT_NE(mine, theirs);
}

TEST_F(RulesetEngineTest, UdpChecksumZeroStaysZeroThroughNat) {
  ASSERT_EQ(run(udp4_frame({}, {.checksum = false}), kLan), Verdict::forward(kWan));
  EXPECT_EQ(net::load_be16(frame_.bytes().data() + 14 + 26), 0);
  EXPECT_EQ(net::load_be32(frame_.bytes().data() + 14 + 12), v4("203.0.113.2").value());
}

// The home router's ruleset with counters on the rules a connection passes.
std::string counted_rules() {
  std::string r = kHomeRouterRules;
  const auto replace = [&](std::string_view from, std::string_view to) {
    const auto at = r.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    r.replace(at, from.size(), to);
  };
  replace("ct state established flow add @ft", "ct state established flow add @ft counter");
  replace("\t\tct state established,related accept\n\t\tiifname \"lan\" oifname",
          "\t\tct state established,related counter accept\n\t\tiifname \"lan\" oifname");
  replace("iifname \"lan\" oifname \"wan\" accept", "iifname \"lan\" oifname \"wan\" counter accept");
  replace("oifname \"wan\" masquerade", "oifname \"wan\" counter masquerade");
  return r;
}

class CountedRulesetTest : public RulesetEngineTest {
 protected:
  CountedRulesetTest() : RulesetEngineTest(home_router_config(counted_rules())) {}
  // The counter of the first listed rule that contains `rule` and a counter, as
  // "packets N bytes M".
  std::string counter_of(std::string_view rule) const {
    std::istringstream list(engine_.ruleset()->list());
    for (std::string line; std::getline(list, line);) {
      const auto c = line.find("counter packets ");
      if (line.find(rule) == std::string::npos || c == std::string::npos) continue;
      std::istringstream words(line.substr(c + 8));
      std::string packets, n, bytes, m;
      words >> packets >> n >> bytes >> m;
      return packets + " " + n + " " + bytes + " " + m;
    }
    return "(no counted rule " + std::string(rule) + ")";
  }
};

TEST_F(CountedRulesetTest, RulesetCountersAndTheDumpFollowTheTraffic) {
  TcpConversation tcp({}, kWebServer, 40000, 443);
  ASSERT_TRUE(run(tcp.from_client(kSyn), kLan, 1s).forwarded());
  // The SYN is NEW: forwarded by the lan->wan rule, masqueraded by the nat chain (52 bytes of
  // IP: 20 + 20 + 12 of options).
  EXPECT_EQ(counter_of("iifname \"lan\" oifname \"wan\""), "packets 1 bytes 52");
  EXPECT_EQ(counter_of("masquerade"), "packets 1 bytes 52");
  ASSERT_TRUE(run(tcp.from_server(kSyn | kAck), kWan, 1s).forwarded());
  // Established but not assured: `flow add` breaks its rule (not counted), the next rule accepts.
  EXPECT_EQ(counter_of("flow add @ft"), "packets 0 bytes 0");
  EXPECT_EQ(counter_of("ct state established,related"), "packets 1 bytes 52");
  ASSERT_TRUE(run(tcp.from_client(kAck), kLan, 1s).forwarded());  // flow add
  // The ACK offloads the connection; its rule goes on to `counter`, then the accept rule.
  EXPECT_EQ(counter_of("flow add @ft"), "packets 1 bytes 40");
  EXPECT_EQ(counter_of("ct state established,related"), "packets 2 bytes 92");
  // Offloaded: no timeout, no state, [OFFLOAD], the flowtable's reference in use=.
  EXPECT_EQ(engine_.conntrack_dump(2s),
            "ipv4     2 tcp      6 src=192.168.1.100 dst=198.51.100.10 sport=40000 dport=443 "
            "src=198.51.100.10 dst=203.0.113.2 sport=443 dport=40000 [OFFLOAD] mark=0 use=3\n");
  // Fast-path packets pass no hook: every counter stays where it was, NAT ran once.
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(run(tcp.from_client(kPsh | kAck, 100), kLan, 2s).fast_path);
    EXPECT_TRUE(run(tcp.from_server(kAck), kWan, 2s).fast_path);
  }
  EXPECT_EQ(engine_.stats().fast_path, 6u);
  EXPECT_EQ(counter_of("iifname \"lan\" oifname \"wan\""), "packets 1 bytes 52");
  EXPECT_EQ(counter_of("flow add @ft"), "packets 1 bytes 40");
  EXPECT_EQ(counter_of("ct state established,related"), "packets 2 bytes 92");
  EXPECT_EQ(counter_of("masquerade"), "packets 1 bytes 52");
}

// Scapy: A's UDP probe leaves masqueraded (203.0.113.2, TTL 63); the ISP gateway answers
// with ICMP time exceeded quoting it (IP header + 8 bytes). The error is RELATED to A's
// connection: the quote is translated back to A's addresses, the ICMP checksum recomputed,
// the outer destination becomes A, and the router forwards it with TTL - 1.
TEST_F(RulesetEngineTest, IcmpErrorAboutAMasqueradedPacketIsTranslatedBack) {
  ASSERT_EQ(run(from_hex("02000000010102000000016408004500003c6001000040112e66c0a80164c633640aabe0829a0028d4c8"
                         "0101010101010101010101010101010101010101010101010101010101010101"),
                kLan),
            Verdict::forward(kWan));
  const auto error = from_hex(
      "0200000002010200000002fe0800450000380099000040010228cb007101cb0071020b006b8a000000004500003c600100003f11b5"
      "6fcb007102c633640aabe0829a00285ad2");
  ASSERT_EQ(run(error, kWan), Verdict::forward(kLan));
  EXPECT_EQ(out_hex(),
            "020000000164020000000101080045000038009900003f017d1ecb007101c0a801640b00f193000000004500003c600100003f"
            "112f66c0a80164c633640aabe0829a0028d4c8");
}

TEST_F(RulesetEngineTest, IcmpEchoIdClashPicksAnotherId) {
  ASSERT_TRUE(run(icmp4_echo_frame({}, 8, 0x0b0b, 1), kLan).forwarded());
  EXPECT_EQ(net::load_be16(frame_.bytes().data() + 14 + 24), 0x0b0b);
  const Ipv4L4Spec host_b{.src_mac = kHostBMac, .src = v4("192.168.1.101")};
  ASSERT_TRUE(run(icmp4_echo_frame(host_b, 8, 0x0b0b, 1), kLan).forwarded());
  const std::uint16_t id = net::load_be16(frame_.bytes().data() + 14 + 24);
  EXPECT_NE(id, 0x0b0b);
  EXPECT_EQ(net::internet_checksum(frame_.bytes().subspan(34)), 0);
  // The reply to the translated id reaches host B with its own id back.
  const Ipv4L4Spec web{.dst_mac = kRouterWanMac, .src_mac = kGatewayMac, .src = v4("198.51.100.10"),
                       .dst = v4("203.0.113.2")};
  ASSERT_EQ(run(icmp4_echo_frame(web, 0, id, 1), kWan), Verdict::forward(kLan));
  EXPECT_EQ(net::EthernetHeader::at(frame_.bytes())->dst(), kHostBMac);
  EXPECT_EQ(net::load_be16(frame_.bytes().data() + 14 + 24), 0x0b0b);
  EXPECT_EQ(net::internet_checksum(frame_.bytes().subspan(34)), 0);
}

// `table inet nat`: masquerade applies to IPv6 too, with the egress interface's address.
TEST(RulesetIpv6Test, InetMasqueradeTranslatesIpv6) {
  Engine engine(home_router_config(R"(table inet nat {
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "wan" masquerade
	}
}
)"));
  Ipv6Spec s;
  s.next_header = 6;
  s.l4_size = 20;
  auto frame = ipv6_frame(s);
  std::uint8_t* tcp = frame.data() + 14 + 40;
  net::store_be16(tcp, 50000);
  net::store_be16(tcp + 2, 80);
  tcp[12] = 0x50;
  tcp[13] = kSyn;
  net::store_be16(tcp + 16, net::l4_checksum(v6("2001:db8:1::100"), v6("2001:db8:beef::10"), 6,
                                             std::span(frame).subspan(54, 20)));
  net::PacketBuffer f(frame);
  ASSERT_EQ(engine.process(f, kLan, 1s), Verdict::forward(kWan));
  EXPECT_EQ(net::Ipv6Header::at(f.bytes(), 14)->src(), v6("2001:db8:ffff::2"));
  EXPECT_EQ(net::l4_checksum(v6("2001:db8:ffff::2"), v6("2001:db8:beef::10"), 6, f.bytes().subspan(54)), 0);
}

// A forward chain that rejects: SMTP with a TCP reset, NetBIOS with the inet default
// (ICMP port unreachable).
constexpr const char* kRejectingRules = R"(table inet filter {
	chain forward {
		type filter hook forward priority filter; policy accept;
		tcp dport 25 reject with tcp reset
		udp dport 137 reject
	}
}
table ip nat {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "wan" masquerade
	}
}
)";

// Scapy: A's SYN to web:25 is answered with RST/ACK from web:25 (the address A wrote to),
// ack = seq + 1, TTL 64, ID 0, DF. The masquerade binding was never made (POSTROUTING was not
// reached), so nothing is translated.
TEST(RejectTest, TcpResetAnswersFromTheAddressTheSenderWroteTo) {
  Engine engine(home_router_config(kRejectingRules));
  net::PacketBuffer f(from_hex("0200000001010200000001640800450000280077400040064e0fc0a80164c633640a9c400019000003e8"
                               "000000005002faf028660000000000000000"));
  ASSERT_EQ(engine.process(f, kLan, 1s), Verdict::drop_and_reply(DropReason::kRulesetReject, kLan));
  EXPECT_EQ(to_hex(padded({f.bytes().begin(), f.bytes().end()})),
            "0200000001640200000001010800450000280000400040064e86c633640ac0a8016400199c4000000000000003e95014000023"
            "440000000000000000");
}

// Scapy: A's UDP to port 137 is answered with ICMP port unreachable from 192.168.1.1, quoting
// the packet as FORWARD saw it: TTL already decremented (63), header checksum updated.
TEST(RejectTest, IcmpRejectQuotesThePacketAsTheForwardChainSawIt) {
  Engine engine(home_router_config(kRejectingRules));
  net::PacketBuffer f(from_hex("0200000001010200000001640800450000200078000040118e0bc0a80164c633640ac3500089000c72dc"
                               "6e626e730000000000000000000000000000"));
  ASSERT_EQ(engine.process(f, kLan, 1s), Verdict::drop_and_reply(DropReason::kRulesetReject, kLan));
  EXPECT_EQ(to_hex(with_generated_ip_id_zeroed(f.bytes())),
            "020000000164020000000101080045c0003c000000004001f64bc0a80101c0a801640303e9640000000045000020007800003f"
            "118f0bc0a80164c633640ac3500089000c72dc6e626e73");
  // No answer to a packet whose checksum is wrong.
  auto bad = udp4_frame({}, {.dport = 137});
  bad[14 + 26] ^= 0x01;
  net::PacketBuffer g(bad);
  EXPECT_EQ(engine.process(g, kLan, 1s), Verdict::drop(DropReason::kRulesetReject));
}

// A real router's flowtable lists devices the model does not have (Wi-Fi, a WireGuard
// tunnel): they are software-only, and the ports' flows are offloaded as before.
TEST(SoftwareOnlyDeviceTest, FlowtableDevicesThatAreNotPortsLeaveThePortsOffloading) {
  std::string rules(kHomeRouterRules);
  rules.replace(rules.find("devices = { lan, wan }"), 22, "devices = { lan, wan, wlan0, wg0 }");
  Engine engine(home_router_config(rules));
  net::PacketBuffer f;
  const Ipv4L4Spec back{.dst_mac = kRouterWanMac, .src_mac = kGatewayMac, .src = v4("198.51.100.10"),
                        .dst = v4("203.0.113.2"), .ttl = 52};
  f.assign(tcp4_frame({}, {.sport = 40000, .dport = 443, .flags = kSyn, .seq = 1000}));
  ASSERT_EQ(engine.process(f, kLan, 1s), Verdict::forward(kWan));
  f.assign(tcp4_frame(back, {.sport = 443, .dport = 40000, .flags = kSyn | kAck, .seq = 5000, .ack = 1001}));
  ASSERT_EQ(engine.process(f, kWan, 1s), Verdict::forward(kLan));
  f.assign(tcp4_frame({}, {.sport = 40000, .dport = 443, .flags = kAck, .seq = 1001, .ack = 5001}));
  ASSERT_EQ(engine.process(f, kLan, 1s), Verdict::forward(kWan));
  EXPECT_NE(engine.conntrack_dump(1s).find("[OFFLOAD]"), std::string::npos) << engine.conntrack_dump(1s);
  f.assign(tcp4_frame({}, {.sport = 40000, .dport = 443, .flags = kAck | kPsh, .seq = 1001, .ack = 5001}));
  EXPECT_EQ(engine.process(f, kLan, 2s), Verdict::forward(kWan, true));
}

}  // namespace
}  // namespace flowsim::engine
