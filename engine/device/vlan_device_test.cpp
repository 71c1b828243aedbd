// SPDX-License-Identifier: Apache-2.0
// VLAN sub-interfaces end to end through the engine, frames compared byte for byte with
// Scapy's (traces' origin: the Ether/Dot1Q/IP/UDP lines in the comments; the kernel here has
// no 8021q module, so Scapy is the oracle). The WAN is `wan`, VLAN 10 on port eth1:
// - the slow path pops the tag of a frame for VLAN 10 on eth1 (the packet arrives on `wan`,
//   which the ruleset names) and tags what leaves through `wan`; a VID without a device is
//   dropped (encap_unsupported);
// - an established connection goes into the flowtable: the software fast path pops and pushes
//   the same bytes; with the port in the flowtable's devices the hardware gets the flow with
//   the VLAN to match and pop on one side and to push on the other (dev_fill_forward_path's
//   encap, FLOW_OFFLOAD_XMIT_DIRECT); with only the VLAN device listed the software fast path
//   still works but the hardware is refused (unsupported).
#include <gtest/gtest.h>

#include "engine/device/vlan_device.hpp"
#include "engine/engine.hpp"
#include "engine/fake_flow_offload.hpp"
#include "engine/test_frames.hpp"

namespace flowsim::engine {
namespace {

using namespace std::chrono_literals;
using namespace testing;

constexpr unsigned kEth1 = 1;     // the port under the WAN
constexpr unsigned kWanVlan = 2;  // wan: VLAN 10 on eth1

// Ether(dst=02:00:00:00:01:01, src=A)/IP(192.168.1.100 > 198.51.100.10, ttl 64, id 0x1000|n, DF)
//   /UDP(40000 > 53)/bytes(range(32))
const char* const kQuery[] = {
    "02000000010102000000016408004500003c1000400040113e67c0a80164c633640a9c400035002885dd000102030405060708090a0b0c0d0e0f"
    "101112131415161718191a1b1c1d1e1f",
    "02000000010102000000016408004500003c1001400040113e66c0a80164c633640a9c400035002885dd000102030405060708090a0b0c0d0e0f"
    "101112131415161718191a1b1c1d1e1f"};
// Ether(dst=gateway, src=02:00:00:00:02:01)/Dot1Q(vlan=10)/IP(203.0.113.2 > 198.51.100.10, ttl 63, ...)/same UDP
const char* const kQueryOut[] = {
    "0200000002fe0200000002018100000a08004500003c100040003f11c570cb007102c633640a9c40003500280be7000102030405060708090a"
    "0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
    "0200000002fe0200000002018100000a08004500003c100140003f11c56fcb007102c633640a9c40003500280be7000102030405060708090a"
    "0b0c0d0e0f101112131415161718191a1b1c1d1e1f"};
// Ether(dst=02:00:00:00:02:01, src=gateway)/Dot1Q(vlan=10)/IP(198.51.100.10 > 203.0.113.2, ttl 50, id 0x2000|n, DF)
//   /UDP(53 > 40000)/bytes(range(100, 140))
const char* const kAnswer[] = {
    "0200000002010200000002fe8100000a080045000044200040003211c268c633640acb00710200359c400030a76e6465666768696a6b6c6d6e6f"
    "707172737475767778797a7b7c7d7e7f808182838485868788898a8b",
    "0200000002010200000002fe8100000a080045000044200140003211c267c633640acb00710200359c400030a76e6465666768696a6b6c6d6e6f"
    "707172737475767778797a7b7c7d7e7f808182838485868788898a8b"};
// Ether(dst=A, src=02:00:00:00:01:01)/IP(198.51.100.10 > 192.168.1.100, ttl 49, ...)/same UDP
const char* const kAnswerOut[] = {
    "0200000001640200000001010800450000442000400031113d5fc633640ac0a8016400359c40003021656465666768696a6b6c6d6e6f7071"
    "72737475767778797a7b7c7d7e7f808182838485868788898a8b",
    "0200000001640200000001010800450000442001400031113d5ec633640ac0a8016400359c40003021656465666768696a6b6c6d6e6f7071"
    "72737475767778797a7b7c7d7e7f808182838485868788898a8b"};
// kAnswer[0] with VLAN 20 (and id 0x2002): no device has that VID.
const char* const kAnswerVid20 =
    "0200000002010200000002fe81000014080045000044200240003211c266c633640acb00710200359c400030a76e6465666768696a6b6c6d6e6f"
    "707172737475767778797a7b7c7d7e7f808182838485868788898a8b";

// lan and eth1 are ports; wan (VLAN 10 on eth1) has the WAN address, route and gateway.
EngineConfig vlan_wan_config(std::string rules = {}) {
  EngineConfig c;
  c.interfaces.push_back({"lan", kRouterLanMac, {v4p("192.168.1.1/24")}, {}, 1500});
  c.interfaces.push_back({"eth1", kRouterWanMac, {}, {}, 1500});
  c.interfaces.push_back({"wan", kRouterWanMac, {v4p("203.0.113.2/24")}, {}, 1500, device::VlanLink{kEth1, 10}});
  c.routes.push_back({v4p("0.0.0.0/0"), v4("203.0.113.1"), kWanVlan});
  c.neighbours.push_back({v4("203.0.113.1"), kGatewayMac, kWanVlan});
  c.neighbours.push_back({v4("192.168.1.100"), kHostAMac, kLan});
  if (!rules.empty()) c.ruleset = std::make_shared<nft::Ruleset>(nft::Ruleset::parse_text(rules, "test.nft"));
  return c;
}

std::string run(Engine& engine, const char* hex, unsigned port, std::chrono::nanoseconds now, Verdict* out = nullptr) {
  net::PacketBuffer frame(from_hex(hex));
  const Verdict v = engine.process(frame, port, now);
  if (out != nullptr) *out = v;
  return v.forwarded() ? to_hex(frame.bytes()) : std::string();
}

TEST(VlanDevice, PushAndPopAreTheTagBytes) {
  net::PacketBuffer f(from_hex(kQueryOut[0]));
  EXPECT_EQ(device::frame_vid(f.bytes()), 10);
  device::pop_vlan(f);
  EXPECT_EQ(device::frame_vid(f.bytes()), std::nullopt);
  device::push_vlan(f, 10);
  EXPECT_EQ(to_hex(f.bytes()), kQueryOut[0]);
}

TEST(VlanDevice, SlowPathPopsOnTheWayInAndTagsOnTheWayOut) {
  Engine engine(vlan_wan_config());
  Verdict v;
  EXPECT_EQ(run(engine, kQuery[0], kLan, 1s, &v),
            // Without NAT (no ruleset) the source stays 192.168.1.100.
            "0200000002fe0200000002018100000a08004500003c100040003f113f67c0a80164c633640a9c400035002885dd0001020304050607"
            "08090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  EXPECT_EQ(v.egress_ifindex, kEth1);
  // An answer to 192.168.1.100 tagged 10 on eth1 arrives on wan and leaves the lan untagged.
  net::PacketBuffer back(from_hex(kAnswer[0]));
  auto bytes = back.bytes();
  // Readdress it to 192.168.1.100 (no NAT here): destination and header checksum.
  const auto ip = net::Ipv4Header::at(bytes, 18).value();
  ip.set_dst(v4("192.168.1.100"));
  ip.set_checksum(0);
  ip.set_checksum(net::internet_checksum(ip.header()));
  const Verdict vb = engine.process(back, kEth1, 1s);
  ASSERT_TRUE(vb.forwarded());
  EXPECT_EQ(vb.egress_ifindex, kLan);
  EXPECT_EQ(device::frame_vid(back.bytes()), std::nullopt);
  EXPECT_EQ(back.size(), from_hex(kAnswer[0]).size() - 4);
  EXPECT_EQ(engine.stats().received_by_ifindex[kEth1], 1u);
}

TEST(VlanDevice, AVidWithoutADeviceIsNotForUs) {
  Engine engine(vlan_wan_config(kHomeRouterRules));
  Verdict v;
  run(engine, kAnswerVid20, kEth1, 1s, &v);
  EXPECT_EQ(v, Verdict::drop(DropReason::kEncapUnsupported));
  // Untagged on eth1 (which has no address and no route): forwarded nowhere by the ruleset.
  EXPECT_EQ(engine.stats().dropped(DropReason::kEncapUnsupported), 1u);
}

// The home ruleset names `wan` (the VLAN device) in its rules; its flowtable lists `devices`.
std::string rules_with_devices(std::string_view devices) {
  std::string r(kHomeRouterRules);
  const std::string from = "devices = { lan, wan }";
  r.replace(r.find(from), from.size(), "devices = { " + std::string(devices) + " }");
  return r;
}

TEST(VlanDevice, FlowsTakeTheFastPathAndTheHardwarePushesAndPopsTheTag) {
  Engine engine(vlan_wan_config(rules_with_devices("lan, eth1")));
  FakeFlowOffload hw;
  engine.set_offload(&hw);
  Verdict v;
  EXPECT_EQ(run(engine, kQuery[0], kLan, 1s, &v), kQueryOut[0]);
  EXPECT_EQ(v.egress_ifindex, kEth1);
  EXPECT_FALSE(v.fast_path);
  EXPECT_EQ(run(engine, kAnswer[0], kEth1, 1s, &v), kAnswerOut[0]);
  EXPECT_EQ(v.egress_ifindex, kLan);
  // The answer made the connection established: the flow is in, with the encapsulation.
  ASSERT_EQ(hw.replaced.size(), 1u);
  const OffloadFlow& f = hw.replaced[0];
  EXPECT_EQ(f.dir[0].ingress_port, kLan);
  EXPECT_EQ(f.dir[0].ingress_vlan, std::nullopt);
  EXPECT_EQ(f.dir[0].egress_port, kEth1);
  EXPECT_EQ(f.dir[0].egress_vlan, 10);
  EXPECT_EQ(f.dir[0].src_mac, kRouterWanMac);
  EXPECT_EQ(f.dir[0].dst_mac, kGatewayMac);
  EXPECT_EQ(f.dir[1].ingress_port, kEth1);
  EXPECT_EQ(f.dir[1].ingress_vlan, 10);
  EXPECT_EQ(f.dir[1].egress_port, kLan);
  EXPECT_EQ(f.dir[1].egress_vlan, std::nullopt);
  // What the hardware punts takes the software fast path: the same bytes.
  EXPECT_EQ(run(engine, kQuery[1], kLan, 2s, &v), kQueryOut[1]);
  EXPECT_TRUE(v.fast_path);
  EXPECT_EQ(v.egress_ifindex, kEth1);
  EXPECT_EQ(run(engine, kAnswer[1], kEth1, 2s, &v), kAnswerOut[1]);
  EXPECT_TRUE(v.fast_path);
  EXPECT_EQ(v.egress_ifindex, kLan);
}

TEST(VlanDevice, OnlyTheVlanDeviceListedKeepsTheFlowInSoftware) {
  Engine engine(vlan_wan_config(rules_with_devices("lan, wan")));
  FakeFlowOffload hw;
  engine.set_offload(&hw);
  Verdict v;
  EXPECT_EQ(run(engine, kQuery[0], kLan, 1s, &v), kQueryOut[0]);
  EXPECT_EQ(run(engine, kAnswer[0], kEth1, 1s, &v), kAnswerOut[0]);
  EXPECT_TRUE(hw.replaced.empty());
  EXPECT_EQ(engine.flowtable()->stats().hw_refused[static_cast<std::size_t>(OffloadRefusal::kUnsupported)], 1u);
  EXPECT_EQ(run(engine, kQuery[1], kLan, 2s, &v), kQueryOut[1]);
  EXPECT_TRUE(v.fast_path);
  EXPECT_EQ(run(engine, kAnswer[1], kEth1, 2s, &v), kAnswerOut[1]);
  EXPECT_TRUE(v.fast_path);
}

TEST(VlanDevice, ConfigurationErrorsAreNamed) {
  EngineConfig c = vlan_wan_config();
  c.interfaces[kWanVlan].vlan->id = 4095;
  EXPECT_THROW(Engine{c}, std::invalid_argument);
  c = vlan_wan_config();
  c.interfaces[kWanVlan].vlan->lower = kWanVlan;
  EXPECT_THROW(Engine{c}, std::invalid_argument);
}

}  // namespace
}  // namespace flowsim::engine
