// SPDX-License-Identifier: Apache-2.0
// The engine as a Linux router: exact output bytes of forwarded packets (expected frames are
// literal Scapy output), every drop reason from a packet that needs it, the order in which
// the kernel applies its checks, the TTL checksum update and the counters.
#include "engine/engine.hpp"

#include <gtest/gtest.h>

#include <random>
#include <stdexcept>

#include "engine/address_checks.hpp"
#include "engine/test_frames.hpp"
#include "net/checksum.hpp"
#include "net/ethernet_header.hpp"
#include "net/ipv4_header.hpp"
#include "net/ipv6_header.hpp"

namespace flowsim::engine {
namespace {

using namespace std::chrono_literals;
using namespace testing;

class EngineTest : public ::testing::Test {
 protected:
  explicit EngineTest(EngineConfig config = home_router_config()) : engine_(std::move(config)) {}
  Verdict run(const std::vector<std::uint8_t>& bytes, unsigned ingress) {
    frame_.assign(bytes);
    return engine_.process(frame_, ingress, 1ms);
  }
  std::string out_hex() const { return to_hex(frame_.bytes()); }

  Engine engine_;
  net::PacketBuffer frame_;
};

// --- forwarding, exact bytes -------------------------------------------------------------

// Scapy: Ether(dst=lan, src=A)/IP(src=192.168.1.100, dst=198.51.100.10, ttl=64, id=0x1c46,
// flags=DF)/TCP(sport=40000, dport=443, flags=PA, seq=1001, ack=2002, window=502)/"hello",
// padded to 60; the output was built by Scapy with ttl=63, the gateway's and WAN MACs, and
// every checksum recomputed.
TEST_F(EngineTest, ForwardsIpv4TcpExactBytes) {
  const auto in = from_hex(
      "02000000010102000000016408004500002d1c4640004006323bc0a80164c633640a9c4001bb000003e9000007d2501801f6d3fe0000"
      "68656c6c6f00");
  ASSERT_EQ(run(in, kLan), Verdict::forward(kWan));
  EXPECT_EQ(out_hex(),
            "0200000002fe02000000020108004500002d1c4640003f06333bc0a80164c633640a9c4001bb000003e9000007d2501801f6d3fe"
            "000068656c6c6f");
}

// Scapy: Ether(dst=wan, src=gw)/IP(src=198.51.100.53, dst=192.168.1.101, ttl=57, id=0xbeef)/
// UDP(sport=53, dport=53000)/"flowsim-udp", padded to 60 (7 bytes of padding).
TEST_F(EngineTest, ForwardsIpv4UdpExactBytes) {
  const auto in = from_hex(
      "0200000002010200000002fe080045000027beef00003911d660c6336435c0a801650035cf080013a834666c6f7773696d2d7564700000"
      "0000000000");
  ASSERT_EQ(run(in, kWan), Verdict::forward(kLan));
  EXPECT_EQ(
      out_hex(),
      "020000000165020000000101080045000027beef00003811d760c6336435c0a801650035cf080013a834666c6f7773696d2d756470");
}

// Scapy: Ether(dst=lan, src=A)/IPv6(src=2001:db8:1::100, dst=2001:db8:beef::10, hlim=64,
// fl=0x12345)/TCP(sport=50000, dport=80, flags=S, seq=7, window=64800).
TEST_F(EngineTest, ForwardsIpv6TcpExactBytes) {
  const auto in = from_hex(
      "02000000010102000000016486dd600123450014064020010db800010000000000000000010020010db8beef00000000000000000010c3"
      "50005000000007000000005002fd20d3a70000");
  ASSERT_EQ(run(in, kLan), Verdict::forward(kWan));
  EXPECT_EQ(
      out_hex(),
      "0200000002fe02000000020186dd600123450014063f20010db800010000000000000000010020010db8beef00000000000000000010"
      "c350005000000007000000005002fd20d3a70000");
}

TEST_F(EngineTest, TrimsEthernetPaddingEvenWhenItIsNotZero) {
  auto in = ipv4_frame({.l4_size = 8});  // 42 bytes of frame, padded to 60
  ASSERT_EQ(in.size(), 60u);
  std::fill(in.begin() + 42, in.end(), 0xa5);  // some NICs pad with garbage
  in.resize(100, 0x5a);
  ASSERT_TRUE(run(in, kLan).forwarded());
  EXPECT_EQ(frame_.size(), 14u + 20u + 8u);
}

TEST_F(EngineTest, Ipv6PaddingTrimmed) {
  auto in = ipv6_frame({.l4_size = 0});  // 54 bytes, padded to 60
  ASSERT_EQ(in.size(), 60u);
  ASSERT_TRUE(run(in, kLan).forwarded());
  EXPECT_EQ(frame_.size(), 54u);
}

TEST_F(EngineTest, ForwardsWanToLanHostsByNeighbourMac) {
  ASSERT_EQ(run(ipv4_frame({.dst_mac = kRouterWanMac,
                            .src_mac = kGatewayMac,
                            .src = v4("198.51.100.10"),
                            .dst = v4("192.168.1.100")}),
                kWan),
            Verdict::forward(kLan));
  auto eth = net::EthernetHeader::at(frame_.bytes());
  EXPECT_EQ(eth->dst(), kHostAMac);
  EXPECT_EQ(eth->src(), kRouterLanMac);

  ASSERT_EQ(run(ipv6_frame({.dst_mac = kRouterWanMac,
                            .src_mac = kGatewayMac,
                            .src = v6("2001:db8:beef::10"),
                            .dst = v6("2001:db8:1::100"),
                            .hop_limit = 2}),
                kWan),
            Verdict::forward(kLan));
  EXPECT_EQ(net::EthernetHeader::at(frame_.bytes())->dst(), kHostAMac);
  EXPECT_EQ(net::Ipv6Header::at(frame_.bytes(), 14)->hop_limit(), 1);
}

// Linux forwards a packet back out of the interface it came in on (and sends a redirect,
// which is not modelled yet).
TEST_F(EngineTest, HairpinsBackOutOfTheIngressInterface) {
  ASSERT_EQ(run(ipv4_frame({.dst = v4("192.168.1.101")}), kLan), Verdict::forward(kLan));
  EXPECT_EQ(net::EthernetHeader::at(frame_.bytes())->dst(), kHostBMac);
}

TEST_F(EngineTest, TtlTwoIsStillForwarded) {
  ASSERT_TRUE(run(ipv4_frame({.ttl = 2}), kLan).forwarded());
  EXPECT_EQ(net::Ipv4Header::at(frame_.bytes(), 14)->ttl(), 1);
}

TEST_F(EngineTest, IncrementalTtlChecksumEqualsFullRecompute) {
  std::mt19937 rng(1234);  // fixed seed: the same headers on every run
  for (int i = 0; i < 5000; ++i) {
    Ipv4Spec s;
    // Any source but the martians ip_route_input_slow drops (0/8, loopback, multicast, broadcast).
    do {
      s.src = net::Ipv4Addr(static_cast<std::uint32_t>(rng()));
    } while (ipv4_route_input_check(s.src, v4("1.1.1.1")) != RouteInputCheck::kRoute);
    // Unicast, off-link, not ours: 1.0.0.0 .. 126.255.255.255.
    s.dst = net::Ipv4Addr(0x01000000u + static_cast<std::uint32_t>(rng() % 0x7e000000u));
    s.ttl = static_cast<std::uint8_t>(2 + rng() % 254);
    s.proto = static_cast<std::uint8_t>(rng());
    s.id = static_cast<std::uint16_t>(rng());
    s.df = (rng() & 1) != 0;
    ASSERT_TRUE(run(ipv4_frame(s), kLan).forwarded()) << i;
    auto header = frame_.bytes().subspan(14, 20);
    const std::uint16_t incremental = net::load_be16(header.data() + 10);
    std::vector<std::uint8_t> zeroed(header.begin(), header.end());
    zeroed[10] = zeroed[11] = 0;
    ASSERT_EQ(incremental, net::internet_checksum(zeroed)) << "header " << i << ": " << to_hex(header);
  }
}

// The one corner of RFC 1624 where one's-complement arithmetic has two zeros: a checksum of
// 0xfeff becomes 0xffff (-0) incrementally; Linux (and a recompute) store 0x0000.
TEST_F(EngineTest, TtlChecksumNegativeZeroCornerMatchesRecompute) {
  for (std::uint32_t id = 0; id <= 0xffff; ++id) {
    auto in = ipv4_frame({.id = static_cast<std::uint16_t>(id)});
    if (net::load_be16(in.data() + 24) != 0xfeff) continue;
    ASSERT_TRUE(run(in, kLan).forwarded());
    EXPECT_EQ(net::load_be16(frame_.bytes().data() + 24), 0x0000);
    EXPECT_EQ(net::internet_checksum(frame_.bytes().subspan(14, 20)), 0);
    return;
  }
  FAIL() << "no IP ID gives checksum 0xfeff";
}

TEST_F(EngineTest, Ipv4OptionsAreForwardedWithTheChecksumUpdated) {
  // IHL 6: one 4-byte option word (NOP NOP NOP EOL).
  std::vector<std::uint8_t> ip = {0x46, 0, 0, 32, 0x12, 0x34, 0x40, 0, 64, 17, 0, 0};
  for (std::uint32_t a : {0xc0a80164u, 0xc633640au}) {
    for (int shift = 24; shift >= 0; shift -= 8) ip.push_back(static_cast<std::uint8_t>(a >> shift));
  }
  ip.insert(ip.end(), {1, 1, 1, 0});
  ip.resize(32, 0);
  net::store_be16(ip.data() + 10, net::internet_checksum(std::span(ip).first(24)));
  ASSERT_TRUE(run(padded(ethernet(kRouterLanMac, kHostAMac, 0x0800, ip)), kLan).forwarded());
  EXPECT_EQ(frame_.size(), 14u + 32u);
  EXPECT_EQ(net::internet_checksum(frame_.bytes().subspan(14, 24)), 0);
  EXPECT_EQ(frame_.bytes()[14 + 8], 63);
}

TEST_F(EngineTest, RecordRouteGetsTheOutgoingAddress) {
  // IHL 9: Record Route with three free slots (pointer 4) and END; LAN to the Internet, so
  // the router records its wan address (ip_forward_options), pointer 8, checksum recomputed.
  std::vector<std::uint8_t> ip = {0x49, 0, 0, 44, 0x12, 0x35, 0, 0, 64, 17, 0, 0};
  for (std::uint32_t a : {0xc0a80164u, 0xc633640au}) {
    for (int shift = 24; shift >= 0; shift -= 8) ip.push_back(static_cast<std::uint8_t>(a >> shift));
  }
  ip.insert(ip.end(), {7, 15, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  ip.resize(44, 0);
  net::store_be16(ip.data() + 10, net::internet_checksum(std::span(ip).first(36)));
  ASSERT_TRUE(run(padded(ethernet(kRouterLanMac, kHostAMac, 0x0800, ip)), kLan).forwarded());
  const std::span<const std::uint8_t> opt = frame_.bytes().subspan(14 + 20, 16);
  EXPECT_EQ(std::vector<std::uint8_t>(opt.begin(), opt.end()),
            (std::vector<std::uint8_t>{7, 15, 8, 203, 0, 113, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(net::internet_checksum(frame_.bytes().subspan(14, 36)), 0);
}

// --- drops, one packet per reason ----------------------------------------------------------

TEST_F(EngineTest, RuntFrameIsMalformed) {
  EXPECT_EQ(run(std::vector<std::uint8_t>(13, 0x02), kLan), Verdict::drop(DropReason::kMalformed));
}

TEST_F(EngineTest, Ipv4LongerThanTheFrameIsMalformed) {
  auto in = ipv4_frame({.l4_size = 200});
  in.resize(100);  // captured short: total length 220 does not fit
  EXPECT_EQ(run(in, kLan), Verdict::drop(DropReason::kMalformed));
}

TEST_F(EngineTest, BadIpVersionIsMalformed) {
  auto in = ipv4_frame({});
  in[14] = 0x65;  // version 6 under ethertype IPv4
  EXPECT_EQ(run(in, kLan), Verdict::drop(DropReason::kMalformed));
  auto in6 = ipv6_frame({});
  in6[14] = 0x45;
  EXPECT_EQ(run(in6, kLan), Verdict::drop(DropReason::kMalformed));
}

TEST_F(EngineTest, Ipv6PayloadLongerThanTheFrameIsMalformed) {
  auto in = ipv6_frame({.l4_size = 8});
  net::store_be16(in.data() + 14 + 4, 1000);
  EXPECT_EQ(run(in, kLan), Verdict::drop(DropReason::kMalformed));
}

TEST_F(EngineTest, ArpIsNotIp) {
  // who-has 192.168.1.1 tell 192.168.1.100, to the broadcast address.
  const auto arp = from_hex("0001080006040001020000000164c0a80164000000000000c0a80101");
  EXPECT_EQ(run(padded(ethernet(mac("ff:ff:ff:ff:ff:ff"), kHostAMac, 0x0806, arp)), kLan),
            Verdict::drop(DropReason::kNotIp));
  // PPPoE discovery is a control protocol, not an encapsulation of IP.
  EXPECT_EQ(run(padded(ethernet(mac("ff:ff:ff:ff:ff:ff"), kHostAMac, 0x8863, arp)), kLan),
            Verdict::drop(DropReason::kNotIp));
}

TEST_F(EngineTest, UnicastToAnotherMacIsNotForUs) {
  // A switch floods a LAN-local frame from A to B to the router's port too.
  EXPECT_EQ(run(ipv4_frame({.dst_mac = kHostBMac, .dst = v4("192.168.1.101")}), kLan),
            Verdict::drop(DropReason::kNotForUs));
  // The WAN MAC arriving on the LAN port is not the LAN interface's address.
  EXPECT_EQ(run(ipv4_frame({.dst_mac = kRouterWanMac}), kLan), Verdict::drop(DropReason::kNotForUs));
}

TEST_F(EngineTest, BroadcastAndMulticastFramesAreNotForwarded) {
  EXPECT_EQ(run(ipv4_frame({.dst_mac = mac("ff:ff:ff:ff:ff:ff"), .dst = v4("255.255.255.255")}), kLan),
            Verdict::drop(DropReason::kNotForUs));
  EXPECT_EQ(run(ipv4_frame({.dst_mac = mac("01:00:5e:00:00:fb"), .dst = v4("224.0.0.251")}), kLan),
            Verdict::drop(DropReason::kNotForUs));
  EXPECT_EQ(run(ipv6_frame({.dst_mac = mac("33:33:ff:00:00:01"), .dst = v6("ff02::1:ff00:1")}), kLan),
            Verdict::drop(DropReason::kNotForUs));
  // Even a routable destination is not forwarded when the frame was broadcast.
  EXPECT_EQ(run(ipv4_frame({.dst_mac = mac("ff:ff:ff:ff:ff:ff")}), kLan), Verdict::drop(DropReason::kNotForUs));
}

TEST_F(EngineTest, MulticastGroupWithOurUnicastMacIsNotForwarded) {
  EXPECT_EQ(run(ipv4_frame({.dst = v4("239.1.2.3")}), kLan), Verdict::drop(DropReason::kNotForUs));
  EXPECT_EQ(run(ipv6_frame({.dst = v6("ff0e::1")}), kLan), Verdict::drop(DropReason::kNotForUs));
}

TEST_F(EngineTest, BadIpv4HeaderChecksumIsDropped) {
  auto in = ipv4_frame({});
  in[24] ^= 0x01;
  EXPECT_EQ(run(in, kLan), Verdict::drop(DropReason::kIpChecksum));
}

TEST_F(EngineTest, ChecksumIsCheckedBeforeTheLength) {
  // ip_rcv_core: checksum first, then total length against the frame.
  auto in = ipv4_frame({.l4_size = 200});
  in.resize(100);
  in[24] ^= 0x01;
  EXPECT_EQ(run(in, kLan), Verdict::drop(DropReason::kIpChecksum));
}

TEST_F(EngineTest, TtlOneOrZeroIsExceededAndAnswered) {
  // The answer (ICMP time exceeded) goes back to the sender on the LAN.
  EXPECT_EQ(run(ipv4_frame({.ttl = 1}), kLan), Verdict::drop_and_reply(DropReason::kTtlExceeded, kLan));
  EXPECT_EQ(run(ipv4_frame({.ttl = 0}), kLan), Verdict::drop_and_reply(DropReason::kTtlExceeded, kLan));
  EXPECT_EQ(run(ipv6_frame({.hop_limit = 1}), kLan), Verdict::drop_and_reply(DropReason::kTtlExceeded, kLan));
  EXPECT_EQ(run(ipv6_frame({.hop_limit = 0}), kLan), Verdict::drop_and_reply(DropReason::kTtlExceeded, kLan));
}

// is_ineligible walks every extension header, AH included (its length counts 4-octet units):
// an ICMPv6 error behind AH is never answered, an informational message behind it is.
TEST_F(EngineTest, Icmpv6ErrorBehindAuthHeaderIsNotAnswered) {
  auto icmpv6_behind_ah = [](std::uint8_t type) {
    auto f = ipv6_frame({.hop_limit = 1, .next_header = 51, .l4_size = 24 + 8});
    std::uint8_t* ah = f.data() + 14 + 40;
    ah[0] = 58;  // next header: ICMPv6
    ah[1] = 4;   // (4 + 2) * 4 = 24 bytes
    ah[24] = type;
    return f;
  };
  EXPECT_EQ(run(icmpv6_behind_ah(1), kLan), Verdict::drop(DropReason::kTtlExceeded));  // destination unreachable
  EXPECT_EQ(run(icmpv6_behind_ah(128), kLan), Verdict::drop_and_reply(DropReason::kTtlExceeded, kLan));  // echo
}

TEST_F(EngineTest, TtlOneToTheRouterItselfIsLocalDelivery) {
  // Local delivery does not look at the TTL (ping -t 1 192.168.1.1 gets an answer).
  EXPECT_EQ(run(ipv4_frame({.dst = v4("192.168.1.1"), .ttl = 1}), kLan), Verdict::drop(DropReason::kLocalDelivery));
}

EngineConfig without_routes() {
  EngineConfig c = home_router_config();
  c.routes.clear();
  return c;
}

class NoDefaultRouteTest : public EngineTest {
 protected:
  NoDefaultRouteTest() : EngineTest(without_routes()) {}
};

TEST_F(NoDefaultRouteTest, UnroutableDestinationHasNoRoute) {
  EXPECT_EQ(run(ipv4_frame({.dst = v4("8.8.8.8")}), kLan), Verdict::drop(DropReason::kNoRoute));
  EXPECT_EQ(run(ipv6_frame({.dst = v6("2001:4860::8888")}), kLan), Verdict::drop(DropReason::kNoRoute));
  // Connected subnets still route.
  EXPECT_EQ(run(ipv4_frame({.dst = v4("192.168.1.101")}), kLan), Verdict::forward(kLan));
}

TEST_F(NoDefaultRouteTest, NoRouteWinsOverTtl) {
  // ip_route_input fails before ip_forward ever looks at the TTL.
  EXPECT_EQ(run(ipv4_frame({.dst = v4("8.8.8.8"), .ttl = 1}), kLan), Verdict::drop(DropReason::kNoRoute));
  EXPECT_EQ(run(ipv6_frame({.dst = v6("2001:4860::8888"), .hop_limit = 1}), kLan), Verdict::drop(DropReason::kNoRoute));
}

TEST_F(EngineTest, OnLinkDestinationWithoutNeighbourIsDropped) {
  EXPECT_EQ(run(ipv4_frame({.dst_mac = kRouterWanMac,
                            .src_mac = kGatewayMac,
                            .src = v4("198.51.100.10"),
                            .dst = v4("192.168.1.200")}),
                kWan),
            Verdict::drop(DropReason::kNoNeighbour));
  EXPECT_EQ(run(ipv6_frame({.dst_mac = kRouterWanMac,
                            .src_mac = kGatewayMac,
                            .src = v6("2001:db8:beef::10"),
                            .dst = v6("2001:db8:1::200")}),
                kWan),
            Verdict::drop(DropReason::kNoNeighbour));
}

TEST(EngineNeighbourTest, GatewayWithoutNeighbourIsDropped) {
  EngineConfig c = home_router_config();
  c.neighbours.erase(c.neighbours.begin(), c.neighbours.begin() + 2);  // the ISP gateway, v4 and v6
  Engine engine(c);
  net::PacketBuffer f(ipv4_frame({}));
  EXPECT_EQ(engine.process(f, kLan, 0ns), Verdict::drop(DropReason::kNoNeighbour));
  net::PacketBuffer f6(ipv6_frame({}));
  EXPECT_EQ(engine.process(f6, kLan, 0ns), Verdict::drop(DropReason::kNoNeighbour));
}

TEST_F(EngineTest, LargerThanEgressMtuIsDroppedWithDfOrIpv6FragmentedWithout) {
  // DF and IPv6: answered with "fragmentation needed" / "packet too big".
  EXPECT_EQ(run(ipv4_frame({.l4_size = 1481}), kLan), Verdict::drop_and_reply(DropReason::kMtuExceeded, kLan));
  EXPECT_EQ(run(ipv6_frame({.l4_size = 1461}), kLan), Verdict::drop_and_reply(DropReason::kMtuExceeded, kLan));
  // Without DF: fragmented (ip_fragment), 1480 data bytes and then the other 101.
  const Verdict v = run(ipv4_frame({.df = false, .l4_size = 1581}), kLan);
  EXPECT_TRUE(v.forwarded());
  EXPECT_EQ(v.egress_ifindex, kWan);
  EXPECT_EQ(v.extra_frames, 1);
  EXPECT_EQ(frame_.size(), 14u + 1500);
  ASSERT_EQ(engine_.extra_frames().size(), 1u);
  EXPECT_EQ(engine_.extra_frames()[0].size(), 14u + 121);
}

TEST_F(EngineTest, ExactlyTheEgressMtuIsForwarded) {
  EXPECT_EQ(run(ipv4_frame({.l4_size = 1480}), kLan), Verdict::forward(kWan));
  EXPECT_EQ(frame_.size(), 1514u);
  EXPECT_EQ(run(ipv6_frame({.l4_size = 1460}), kLan), Verdict::forward(kWan));
}

TEST(EngineMtuTest, Ipv6MtuIsNeverBelow1280) {
  EngineConfig c = home_router_config();
  c.interfaces[kWan].mtu = 1000;
  Engine engine(c);
  net::PacketBuffer v6_1280(ipv6_frame({.l4_size = 1240}));
  EXPECT_EQ(engine.process(v6_1280, kLan, 0ns), Verdict::forward(kWan));
  net::PacketBuffer v4_1001(ipv4_frame({.l4_size = 981}));
  EXPECT_EQ(engine.process(v4_1001, kLan, 0ns), Verdict::drop_and_reply(DropReason::kMtuExceeded, kLan));
}

TEST_F(EngineTest, ChecksOrderTtlThenMtuThenNeighbour) {
  EXPECT_EQ(run(ipv4_frame({.ttl = 1, .l4_size = 1600}), kLan),
            Verdict::drop_and_reply(DropReason::kTtlExceeded, kLan));
  EXPECT_EQ(run(ipv4_frame({.dst_mac = kRouterWanMac,
                            .src_mac = kGatewayMac,
                            .src = v4("198.51.100.10"),
                            .dst = v4("192.168.1.200"),
                            .l4_size = 1600}),
                kWan),
            Verdict::drop_and_reply(DropReason::kMtuExceeded, kWan));
}

TEST_F(EngineTest, RouterAddressesAreLocalDelivery) {
  for (const char* dst : {"192.168.1.1", "203.0.113.2", "192.168.1.255", "255.255.255.255"}) {
    EXPECT_EQ(run(ipv4_frame({.dst = v4(dst)}), kLan), Verdict::drop(DropReason::kLocalDelivery)) << dst;
  }
  // From the WAN too, including the LAN address (Linux's weak host model).
  EXPECT_EQ(run(ipv4_frame({.dst_mac = kRouterWanMac, .src_mac = kGatewayMac, .dst = v4("192.168.1.1")}), kWan),
            Verdict::drop(DropReason::kLocalDelivery));
  // The WAN subnet's broadcast address.
  EXPECT_EQ(run(ipv4_frame({.dst = v4("203.0.113.255")}), kLan), Verdict::drop(DropReason::kLocalDelivery));
  // The subnet-router anycast address (RFC 4291 §2.6.1) belongs to a forwarding router.
  for (const char* dst : {"2001:db8:1::1", "2001:db8:ffff::2", "2001:db8:1::", "2001:db8:ffff::"}) {
    EXPECT_EQ(run(ipv6_frame({.dst = v6(dst)}), kLan), Verdict::drop(DropReason::kLocalDelivery)) << dst;
  }
}

TEST_F(EngineTest, TaggedAndPppoeFramesAreUnsupported) {
  auto plain = ipv4_frame({});
  std::vector<std::uint8_t> tagged(plain.begin(), plain.begin() + 12);
  tagged.insert(tagged.end(), {0x81, 0x00, 0x00, 0x0a});  // 802.1Q, VLAN 10
  tagged.insert(tagged.end(), plain.begin() + 12, plain.end());
  EXPECT_EQ(run(tagged, kLan), Verdict::drop(DropReason::kEncapUnsupported));
  tagged[12] = 0x88;
  tagged[13] = 0xa8;  // QinQ outer tag
  EXPECT_EQ(run(tagged, kLan), Verdict::drop(DropReason::kEncapUnsupported));
  // A truncated tag is still "an encapsulation we do not terminate": the outer type decides.
  EXPECT_EQ(run(ethernet(kRouterLanMac, kHostAMac, 0x8100, std::vector<std::uint8_t>{0}), kLan),
            Verdict::drop(DropReason::kEncapUnsupported));
  const auto pppoe = from_hex(
      "110000010016"
      "0021");  // ver/type 1/1, session 1, PPP IPv4
  std::vector<std::uint8_t> payload(pppoe);
  payload.insert(payload.end(), plain.begin() + 14, plain.end());
  EXPECT_EQ(run(ethernet(kRouterLanMac, kHostAMac, 0x8864, payload), kLan),
            Verdict::drop(DropReason::kEncapUnsupported));
}

// --- configuration and counters -------------------------------------------------------------

TEST(EngineConfigTest, ConfiguredRouteReplacesTheConnectedOne) {
  EngineConfig c = home_router_config();
  c.routes.push_back({v4p("192.168.1.0/24"), v4("203.0.113.1"), kWan});
  Engine engine(c);
  net::PacketBuffer f(ipv4_frame(
      {.dst_mac = kRouterWanMac, .src_mac = kGatewayMac, .src = v4("198.51.100.10"), .dst = v4("192.168.1.100")}));
  EXPECT_EQ(engine.process(f, kWan, 0ns), Verdict::forward(kWan));
  // ... but the router's own addresses stay local: they live in a separate table.
  net::PacketBuffer local(ipv4_frame({.dst = v4("192.168.1.1")}));
  EXPECT_EQ(engine.process(local, kLan, 0ns), Verdict::drop(DropReason::kLocalDelivery));
}

TEST(EngineConfigTest, SlashThirtyTwoAddressIsLocalButAddsNoSubnet) {
  EngineConfig c = home_router_config();
  c.interfaces[kLan].ipv4.push_back(v4p("10.9.9.9/32"));
  Engine engine(c);
  net::PacketBuffer local(ipv4_frame({.dst = v4("10.9.9.9")}));
  EXPECT_EQ(engine.process(local, kLan, 0ns), Verdict::drop(DropReason::kLocalDelivery));
  net::PacketBuffer other(ipv4_frame({.dst = v4("10.9.9.8")}));
  EXPECT_EQ(engine.process(other, kLan, 0ns), Verdict::forward(kWan));  // default route
}

TEST(EngineConfigTest, RejectsUnknownInterfaceIndex) {
  EngineConfig c = home_router_config();
  c.routes.push_back({v4p("10.0.0.0/8"), std::nullopt, 2});
  EXPECT_THROW(Engine{c}, std::invalid_argument);
  EngineConfig d = home_router_config();
  d.neighbours.push_back({v4("192.168.1.7"), kHostAMac, 5});
  EXPECT_THROW(Engine{d}, std::invalid_argument);
}

TEST_F(EngineTest, RejectsUnknownIngressInterface) {
  frame_.assign(ipv4_frame({}));
  EXPECT_THROW(engine_.process(frame_, 2, 0ns), std::out_of_range);
  EXPECT_EQ(engine_.stats().received, 0u);
}

TEST_F(EngineTest, CountsEveryPacketOnce) {
  run(ipv4_frame({}), kLan);                          // forwarded to wan
  run(ipv4_frame({.ttl = 1}), kLan);                  // ttl_exceeded
  run(ipv4_frame({.ttl = 1}), kLan);                  // ttl_exceeded
  run(ipv4_frame({.dst = v4("192.168.1.1")}), kLan);  // local_delivery
  run(ipv4_frame(
          {.dst_mac = kRouterWanMac, .src_mac = kGatewayMac, .src = v4("198.51.100.10"), .dst = v4("192.168.1.101")}),
      kWan);  // forwarded to lan
  const EngineStats& s = engine_.stats();
  EXPECT_EQ(s.received, 5u);
  EXPECT_EQ(s.forwarded, 2u);
  EXPECT_EQ(s.dropped(DropReason::kTtlExceeded), 2u);
  EXPECT_EQ(s.dropped(DropReason::kLocalDelivery), 1u);
  EXPECT_EQ(s.dropped_total(), 3u);
  EXPECT_EQ(s.received, s.forwarded + s.dropped_total());
  EXPECT_EQ(s.generated, 2u);  // the two time-exceeded answers, on the side
  EXPECT_EQ(s.generated_by_ifindex, (std::vector<std::uint64_t>{2, 0}));
  EXPECT_EQ(s.received_by_ifindex, (std::vector<std::uint64_t>{4, 1}));
  EXPECT_EQ(s.forwarded_by_ifindex, (std::vector<std::uint64_t>{1, 1}));
}

TEST(DropReasonTest, NamesAreStableAndRoundTrip) {
  const std::vector<std::string_view> expected = {
      "malformed",      "not_ip",           "not_for_us",   "ip_checksum",    "ttl_exceeded",   "no_route",
      "no_neighbour",   "mtu_exceeded",     "local_delivery", "encap_unsupported", "ruleset_drop", "ruleset_reject",
      "conntrack_drop", "nat_failed", "martian_source", "martian_destination", "beyond_scope",
      "defrag_invalid", "defrag_overlap", "defrag_duplicate", "defrag_no_memory"};
  ASSERT_EQ(expected.size(), kDropReasonCount);
  for (std::size_t i = 0; i < kDropReasonCount; ++i) {
    const auto r = static_cast<DropReason>(i);
    EXPECT_EQ(to_string(r), expected[i]);
    EXPECT_EQ(drop_reason_from_string(expected[i]), r);
  }
  EXPECT_EQ(drop_reason_from_string("bogus"), std::nullopt);
}

}  // namespace
}  // namespace flowsim::engine
