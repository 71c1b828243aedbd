// SPDX-License-Identifier: Apache-2.0
// A PPPoE WAN end to end through the engine, frames compared byte for byte with Scapy's (the
// lines in the comments; the kernel here has no PPP, so Scapy is the oracle): `pppoe-wan`,
// session 0x1234 with the access concentrator 02:00:00:00:02:fe over port `wan`, address
// 100.64.0.2/32, the default route on it, MTU 1492.
// - the slow path takes session frames from the peer (header gone, the packet arrives on
//   pppoe-wan, which the ruleset names) and sends through pppoe-wan to the peer's MAC with the
//   session header (length: PPP protocol + packet) and PPP protocol 0x0021; frames from
//   another MAC or for another session are not the device's, LCP is not IP;
// - the MTU is 1492: a 1493-byte packet with DF gets "fragmentation needed" with 1492;
// - an established connection: the software fast path pops and pushes the same bytes; with
//   the port in the flowtable's devices (also with both the port and pppoe-wan, OpenWrt's
//   wan + pppoe-wan) the hardware is given the session to match and pop, and to push.
#include <gtest/gtest.h>

#include "engine/device/pppoe_device.hpp"
#include "engine/engine.hpp"
#include "engine/fake_flow_offload.hpp"
#include "engine/test_frames.hpp"

namespace flowsim::engine {
namespace {

using namespace std::chrono_literals;
using namespace testing;

constexpr unsigned kWanPort = 1;
constexpr unsigned kPppoe = 2;
constexpr std::uint16_t kSession = 0x1234;

// Ether(dst=02:00:00:00:01:01, src=A)/IP(192.168.1.100 > 198.51.100.10, ttl 64, id 0x1000|n, DF)
//   /UDP(40000 > 53)/bytes(range(32))
const char* const kQuery[] = {
    "02000000010102000000016408004500003c1000400040113e67c0a80164c633640a9c400035002885dd000102030405060708090a0b0c0d0e0f"
    "101112131415161718191a1b1c1d1e1f",
    "02000000010102000000016408004500003c1001400040113e66c0a80164c633640a9c400035002885dd000102030405060708090a0b0c0d0e0f"
    "101112131415161718191a1b1c1d1e1f"};
// Ether(dst=02:00:00:00:02:fe, src=02:00:00:00:02:01)/PPPoE(sessionid=0x1234)/b"\x00\x21"
//   /IP(100.64.0.2 > 198.51.100.10, ttl 63, ...)/same UDP
const char* const kQueryOut[] = {
    "0200000002fe020000000201886411001234003e00214500003c100040003f119d3164400002c633640a9c4000350028e3a7000102030405"
    "060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
    "0200000002fe020000000201886411001234003e00214500003c100140003f119d3064400002c633640a9c4000350028e3a7000102030405"
    "060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"};
// Ether(dst=02:00:00:00:02:01, src=02:00:00:00:02:fe)/PPPoE(sessionid=0x1234)/b"\x00\x21"
//   /IP(198.51.100.10 > 100.64.0.2, ttl 50, id 0x2000|n, DF)/UDP(53 > 40000)/bytes(range(100, 140))
const char* const kAnswer[] = {
    "0200000002010200000002fe88641100123400460021450000442000400032119a29c633640a6440000200359c4000307f2f6465666768696a"
    "6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b",
    "0200000002010200000002fe88641100123400460021450000442001400032119a28c633640a6440000200359c4000307f2f6465666768696a"
    "6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b"};
// Ether(dst=A, src=02:00:00:00:01:01)/IP(198.51.100.10 > 192.168.1.100, ttl 49, ...)/same UDP
const char* const kAnswerOut[] = {
    "0200000001640200000001010800450000442000400031113d5fc633640ac0a8016400359c40003021656465666768696a6b6c6d6e6f7071"
    "72737475767778797a7b7c7d7e7f808182838485868788898a8b",
    "0200000001640200000001010800450000442001400031113d5ec633640ac0a8016400359c40003021656465666768696a6b6c6d6e6f7071"
    "72737475767778797a7b7c7d7e7f808182838485868788898a8b"};
// kAnswer[0] from 02:00:00:00:02:fd (id 0x2005): not the session's peer.
const char* const kWrongPeer =
    "0200000002010200000002fd88641100123400460021450000442005400032119a24c633640a6440000200359c4000307f2f6465666768696a"
    "6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b";
// Ether(...)/PPPoE(sessionid=0x1234)/b"\xc0\x21"/LCP echo request: pppd's, not IP.
const char* const kLcp = "0200000002010200000002fe886411001234000ac02109010008deadbeef";

std::string pppoe_rules(std::string_view devices) {
  std::string r(kHomeRouterRules);
  auto replace_all = [&](const std::string& from, const std::string& to) {
    for (std::size_t at = r.find(from); at != std::string::npos; at = r.find(from, at + to.size())) {
      r.replace(at, from.size(), to);
    }
  };
  replace_all("\"wan\"", "\"pppoe-wan\"");
  replace_all("devices = { lan, wan }", "devices = { " + std::string(devices) + " }");
  return r;
}

EngineConfig pppoe_config(std::string rules = {}) {
  EngineConfig c;
  c.interfaces.push_back({"lan", kRouterLanMac, {v4p("192.168.1.1/24")}, {}, 1500});
  c.interfaces.push_back({"wan", kRouterWanMac, {}, {}, 1500});
  InterfaceConfig ppp{"pppoe-wan", kRouterWanMac, {v4p("100.64.0.2/32")}, {}, 1492};
  ppp.pppoe = device::PppoeLink{kWanPort, kSession, kGatewayMac};
  c.interfaces.push_back(ppp);
  c.routes.push_back({v4p("0.0.0.0/0"), std::nullopt, kPppoe});
  c.neighbours.push_back({v4("192.168.1.100"), kHostAMac, kLan});
  if (!rules.empty()) c.ruleset = std::make_shared<nft::Ruleset>(nft::Ruleset::parse_text(rules, "test.nft"));
  return c;
}

std::string run(Engine& engine, const std::string& hex, unsigned port, std::chrono::nanoseconds now, Verdict& v) {
  net::PacketBuffer frame(from_hex(hex));
  v = engine.process(frame, port, now);
  return v.forwarded() ? to_hex(frame.bytes()) : std::string();
}

TEST(PppoeDevice, PushAndPopAreTheSessionHeader) {
  net::PacketBuffer f(from_hex(kQueryOut[0]));
  const auto s = device::frame_pppoe(f.bytes());
  ASSERT_TRUE(s);
  EXPECT_EQ(s->session, kSession);
  EXPECT_EQ(s->ether_type, 0x0800);
  EXPECT_EQ(s->payload, 60u);
  device::pop_pppoe(f, *s);
  EXPECT_EQ(net::load_be16(f.bytes().data() + 12), 0x0800);
  device::push_pppoe(f, kSession);
  EXPECT_EQ(to_hex(f.bytes()), kQueryOut[0]);
}

TEST(PppoeDevice, SlowPathSendsThroughTheSessionAndTakesOnlyThePeersFrames) {
  Engine engine(pppoe_config(pppoe_rules("lan, wan")));
  Verdict v;
  EXPECT_EQ(run(engine, kQuery[0], kLan, 1s, v), kQueryOut[0]);  // masqueraded to 100.64.0.2
  EXPECT_EQ(v.egress_ifindex, kWanPort);
  EXPECT_EQ(run(engine, kAnswer[0], kWanPort, 1s, v), kAnswerOut[0]);
  EXPECT_EQ(v.egress_ifindex, kLan);
  run(engine, kWrongPeer, kWanPort, 1s, v);
  EXPECT_EQ(v, Verdict::drop(DropReason::kEncapUnsupported));
  run(engine, kLcp, kWanPort, 1s, v);
  EXPECT_EQ(v, Verdict::drop(DropReason::kNotIp));
}

TEST(PppoeDevice, TheMtuIs1492) {
  Engine engine(pppoe_config());
  const Ipv4L4Spec big{.src = v4("192.168.1.100"), .dst = v4("198.51.100.10"), .ttl = 64, .id = 1, .df = true};
  const std::vector<std::uint8_t> payload(1493 - 20 - 8);
  std::vector<std::uint8_t> udp(8);
  net::store_be16(udp.data(), 40001);
  net::store_be16(udp.data() + 2, 9);
  net::store_be16(udp.data() + 4, static_cast<std::uint16_t>(8 + payload.size()));
  udp.insert(udp.end(), payload.begin(), payload.end());
  net::PacketBuffer frame(ipv4_packet(big, 17, udp));
  const Verdict v = engine.process(frame, kLan, 1s);
  EXPECT_EQ(v.reason, DropReason::kMtuExceeded);
  ASSERT_TRUE(v.generated);
  EXPECT_EQ(v.egress_ifindex, kLan);
  EXPECT_EQ(net::load_be16(frame.bytes().data() + 14 + 20 + 6), 1492);  // next-hop MTU of the ICMP error
  // 1492 bytes pass.
  udp.resize(udp.size() - 1);
  net::store_be16(udp.data() + 4, static_cast<std::uint16_t>(udp.size()));
  frame.assign(ipv4_packet(big, 17, udp));
  const Verdict ok = engine.process(frame, kLan, 1s);
  ASSERT_TRUE(ok.forwarded());
  EXPECT_EQ(frame.size(), 14u + 8 + 1492);
  EXPECT_EQ(net::load_be16(frame.bytes().data() + 18), 1494);  // PPPoE length: PPP protocol + packet
}

class PppoeOffloadTest : public ::testing::TestWithParam<const char*> {};

TEST_P(PppoeOffloadTest, TheHardwareGetsTheSessionAndTheFastPathKeepsTheBytes) {
  Engine engine(pppoe_config(pppoe_rules(GetParam())));
  FakeFlowOffload hw;
  engine.set_offload(&hw);
  Verdict v;
  EXPECT_EQ(run(engine, kQuery[0], kLan, 1s, v), kQueryOut[0]);
  EXPECT_EQ(run(engine, kAnswer[0], kWanPort, 1s, v), kAnswerOut[0]);
  ASSERT_EQ(hw.replaced.size(), 1u);
  const OffloadFlow& f = hw.replaced[0];
  EXPECT_EQ(f.dir[0].ingress_port, kLan);
  EXPECT_EQ(f.dir[0].egress_port, kWanPort);
  EXPECT_EQ(f.dir[0].egress_pppoe_session, kSession);
  EXPECT_EQ(f.dir[0].ingress_pppoe_session, std::nullopt);
  EXPECT_EQ(f.dir[0].dst_mac, kGatewayMac);
  EXPECT_EQ(f.dir[0].src_mac, kRouterWanMac);
  EXPECT_EQ(f.dir[0].mtu, 1492u);
  EXPECT_EQ(f.dir[1].ingress_port, kWanPort);
  EXPECT_EQ(f.dir[1].ingress_pppoe_session, kSession);
  EXPECT_EQ(f.dir[1].egress_port, kLan);
  EXPECT_EQ(f.dir[1].egress_pppoe_session, std::nullopt);
  EXPECT_EQ(run(engine, kQuery[1], kLan, 2s, v), kQueryOut[1]);
  EXPECT_TRUE(v.fast_path);
  EXPECT_EQ(v.egress_ifindex, kWanPort);
  EXPECT_EQ(run(engine, kAnswer[1], kWanPort, 2s, v), kAnswerOut[1]);
  EXPECT_TRUE(v.fast_path);
  EXPECT_EQ(v.egress_ifindex, kLan);
}

INSTANTIATE_TEST_SUITE_P(DeviceLists, PppoeOffloadTest, ::testing::Values("lan, wan", "lan, wan, pppoe-wan"),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           return info.index == 0 ? std::string("Port") : std::string("PortAndPppoeDevice");
                         });

TEST(PppoeDevice, OnlyThePppoeDeviceListedKeepsTheFlowInSoftware) {
  Engine engine(pppoe_config(pppoe_rules("lan, pppoe-wan")));
  FakeFlowOffload hw;
  engine.set_offload(&hw);
  Verdict v;
  EXPECT_EQ(run(engine, kQuery[0], kLan, 1s, v), kQueryOut[0]);
  EXPECT_EQ(run(engine, kAnswer[0], kWanPort, 1s, v), kAnswerOut[0]);
  EXPECT_TRUE(hw.replaced.empty());
  EXPECT_EQ(engine.flowtable()->stats().hw_refused[static_cast<std::size_t>(OffloadRefusal::kUnsupported)], 1u);
  EXPECT_EQ(run(engine, kAnswer[1], kWanPort, 2s, v), kAnswerOut[1]);
  EXPECT_TRUE(v.fast_path);
}

}  // namespace
}  // namespace flowsim::engine
