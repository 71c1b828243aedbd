// SPDX-License-Identifier: Apache-2.0
// What fw4's mangle and raw rules do to traffic through the engine, as Linux does it: a DSCP
// set in a forward chain rewrites the packets that take the slow path (header checksum
// right) and not those the flowtable forwards afterwards (the QoS bypass users report); a
// mark set at prerouting is seen by the later hooks' rules of the same packet only; a
// `notrack` in the raw chain leaves the connection untracked: no conntrack entry, no NAT,
// never offloaded. Expected frames are built independently with full checksums.
#include <gtest/gtest.h>

#include "engine/engine.hpp"
#include "engine/nft/ruleset.hpp"
#include "engine/test_frames.hpp"

namespace flowsim::engine {
namespace {

using namespace std::chrono_literals;
using namespace testing;

const Ipv4L4Spec kOut{};  // LAN host A -> 198.51.100.10
const Ipv4L4Spec kBack{.dst_mac = kRouterWanMac, .src_mac = kGatewayMac, .src = v4("198.51.100.10"),
                       .dst = v4("203.0.113.2"), .ttl = 52};
// kOut as it leaves the WAN, masqueraded, with TOS `tos`.
Ipv4L4Spec wan_side(std::uint8_t tos) {
  return {.dst_mac = kGatewayMac, .src_mac = kRouterWanMac, .src = v4("203.0.113.2"), .ttl = 63, .tos = tos};
}

std::string out_hex(const net::PacketBuffer& frame) { return to_hex(padded({frame.bytes().begin(), frame.bytes().end()})); }

EngineConfig router_with(std::string_view extra) {
  return home_router_config(std::string(kHomeRouterRules) + std::string(extra));
}

TEST(SlowPathMangleTest, DscpIsSetOnSlowPathPacketsOnlyNotOnOffloadedOnes) {
  Engine engine(router_with(R"(
table inet fw4 {
	chain mangle_forward {
		type filter hook forward priority mangle; policy accept;
		oifname "wan" ip dscp set af41
	}
}
)"));
  net::PacketBuffer frame;
  const TcpSpec syn{.sport = 40000, .dport = 443, .flags = kSyn, .seq = 1000};
  frame.assign(tcp4_frame(kOut, syn));
  ASSERT_EQ(engine.process(frame, kLan, 1s), Verdict::forward(kWan));
  EXPECT_EQ(out_hex(frame), to_hex(tcp4_frame(wan_side(0x88), syn)));  // af41 = 0x22 << 2
  const TcpSpec synack{.sport = 443, .dport = 40000, .flags = kSyn | kAck, .seq = 5000, .ack = 1001};
  frame.assign(tcp4_frame(kBack, synack));
  ASSERT_EQ(engine.process(frame, kWan, 1s), Verdict::forward(kLan));
  EXPECT_EQ(frame.bytes()[14 + 1], 0) << "the reply leaves by the LAN: not rewritten";
  // The ACK establishes the connection and is offloaded in the forward chain, after the
  // mangle chain has rewritten it.
  const TcpSpec ack{.sport = 40000, .dport = 443, .flags = kAck, .seq = 1001, .ack = 5001};
  frame.assign(tcp4_frame(kOut, ack));
  ASSERT_EQ(engine.process(frame, kLan, 1s), Verdict::forward(kWan));
  EXPECT_EQ(out_hex(frame), to_hex(tcp4_frame(wan_side(0x88), ack)));
  // From now on the flowtable forwards the connection: no chain runs, the DSCP stays 0.
  const TcpSpec data{.sport = 40000, .dport = 443, .flags = kAck | kPsh, .seq = 1001, .ack = 5001};
  frame.assign(tcp4_frame(kOut, data));
  ASSERT_EQ(engine.process(frame, kLan, 2s), Verdict::forward(kWan, true));
  EXPECT_EQ(out_hex(frame), to_hex(tcp4_frame(wan_side(0), data)));
}

TEST(SlowPathMangleTest, AMarkSetAtPreroutingIsSeenByTheLaterHooksOfThatPacket) {
  Engine engine(router_with(R"(
table inet fw4 {
	chain mangle_prerouting {
		type filter hook prerouting priority mangle; policy accept;
		iifname "lan" meta mark set mark or 0x10
	}
	chain mangle_postrouting {
		type filter hook postrouting priority mangle; policy accept;
		meta mark & 0x10 == 0x10 counter
	}
}
)"));
  net::PacketBuffer frame;
  frame.assign(tcp4_frame(kOut, {.sport = 40000, .dport = 443, .flags = kSyn, .seq = 1000}));
  ASSERT_EQ(engine.process(frame, kLan, 1s), Verdict::forward(kWan));
  frame.assign(tcp4_frame(kBack, {.sport = 443, .dport = 40000, .flags = kSyn | kAck, .seq = 5000, .ack = 1001}));
  ASSERT_EQ(engine.process(frame, kWan, 1s), Verdict::forward(kLan));
  frame.assign(tcp4_frame(kOut, {.sport = 40000, .dport = 443, .flags = kAck, .seq = 1001, .ack = 5001}));
  ASSERT_EQ(engine.process(frame, kLan, 1s), Verdict::forward(kWan));
  frame.assign(tcp4_frame(kOut, {.sport = 40000, .dport = 443, .flags = kAck | kPsh, .seq = 1001, .ack = 5001}));
  ASSERT_EQ(engine.process(frame, kLan, 2s), Verdict::forward(kWan, true));
  // The SYN and the ACK from the LAN; not the reply, not the offloaded packet.
  EXPECT_NE(engine.ruleset()->list().find("meta mark & 0x00000010 == 0x00000010 counter packets 2 bytes 80\n"),
            std::string::npos)
      << engine.ruleset()->list();
}

TEST(SlowPathMangleTest, NotrackLeavesTheConnectionUntrackedUnnatedAndInSoftware) {
  Engine engine(router_with(R"(
table inet fw4 {
	chain raw_prerouting {
		type filter hook prerouting priority raw; policy accept;
		iifname "lan" tcp dport 443 counter notrack
	}
	chain untracked {
		type filter hook forward priority -10; policy accept;
		ct state untracked counter
	}
}
)"));
  net::PacketBuffer frame;
  // Not masqueraded (nf_nat needs a conntrack entry), TTL decremented, nothing recorded.
  const Ipv4L4Spec unnated{.dst_mac = kGatewayMac, .src_mac = kRouterWanMac, .ttl = 63};
  for (const TcpSpec& t : {TcpSpec{.sport = 40000, .dport = 443, .flags = kSyn, .seq = 1000},
                           TcpSpec{.sport = 40000, .dport = 443, .flags = kAck, .seq = 1001, .ack = 5001},
                           TcpSpec{.sport = 40000, .dport = 443, .flags = kAck | kPsh, .seq = 1001, .ack = 5001}}) {
    frame.assign(tcp4_frame(kOut, t));
    ASSERT_EQ(engine.process(frame, kLan, 1s), Verdict::forward(kWan));
    EXPECT_EQ(out_hex(frame), to_hex(tcp4_frame(unnated, t)));
  }
  EXPECT_EQ(engine.conntrack_dump(1s), "");
  const std::string list = engine.ruleset()->list();
  EXPECT_NE(list.find("iifname \"lan\" tcp dport 443 counter packets 3 bytes 120 notrack\n"), std::string::npos) << list;
  EXPECT_NE(list.find("ct state untracked counter packets 3 bytes 120\n"), std::string::npos) << list;
}

}  // namespace
}  // namespace flowsim::engine
