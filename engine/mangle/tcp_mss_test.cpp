// SPDX-License-Identifier: Apache-2.0
// `tcp option maxseg size set` (fw4's MSS clamping): the option rewrite on its own (lowered,
// never raised, checksum right at either alignment, malformed options left alone) and
// through the engine, where `rt mtu` is the smaller MTU of the routes out and back less 40
// (IPv4) - expected frames built independently with full checksums.
#include "engine/mangle/tcp_mss.hpp"

#include <gtest/gtest.h>

#include "engine/engine.hpp"
#include "engine/test_frames.hpp"
#include "net/byte_order.hpp"
#include "net/checksum.hpp"

namespace flowsim::engine {
namespace {

using namespace std::chrono_literals;
using namespace testing;

// A TCP segment with `options`, its checksum computed in full over a fixed pseudo-header.
std::vector<std::uint8_t> segment(std::vector<std::uint8_t> options) {
  std::vector<std::uint8_t> l4 = tcp_segment({.sport = 40000, .dport = 443, .flags = kSyn, .seq = 1000,
                                              .options = std::move(options)});
  net::store_be16(l4.data() + 16, net::l4_checksum(v4("192.168.1.100"), v4("198.51.100.10"), 6, l4));
  return l4;
}

TEST(TcpMssTest, LowersTheOptionNeverRaisesItAndKeepsTheChecksumRight) {
  auto l4 = segment({2, 4, 0x05, 0xb4, 1, 1, 4, 2});  // MSS 1460, NOP, NOP, SACK-permitted
  EXPECT_TRUE(mangle::lower_tcp_mss(l4, 1452));
  EXPECT_EQ(l4, segment({2, 4, 0x05, 0xac, 1, 1, 4, 2}));
  EXPECT_FALSE(mangle::lower_tcp_mss(l4, 1460));  // never raised
  EXPECT_FALSE(mangle::lower_tcp_mss(l4, 1452));
  EXPECT_EQ(l4, segment({2, 4, 0x05, 0xac, 1, 1, 4, 2}));
  // The value at an odd offset (one NOP before the option).
  auto odd = segment({1, 2, 4, 0x05, 0xb4, 1, 1, 0});
  EXPECT_TRUE(mangle::lower_tcp_mss(odd, 1400));
  EXPECT_EQ(odd, segment({1, 2, 4, 0x05, 0x78, 1, 1, 0}));
}

TEST(TcpMssTest, SegmentsWithoutAReadableMssOptionAreLeftAlone) {
  for (const std::vector<std::uint8_t>& options : std::vector<std::vector<std::uint8_t>>{
           {},                             // no options
           {0, 0, 0, 0},                   // end of options first
           {1, 1, 1, 1, 1, 1, 2, 4},       // an MSS option cut short by the header end
           {2, 0, 0x05, 0xb4},             // length 0
           {2, 3, 0x05, 0xb4}}) {          // MSS with a wrong length
    auto l4 = segment(options);
    const auto before = l4;
    EXPECT_FALSE(mangle::lower_tcp_mss(l4, 536));
    EXPECT_EQ(l4, before);
  }
  EXPECT_EQ(mangle::tcpmss_for_mtu(1492, 4), 1452);
  EXPECT_EQ(mangle::tcpmss_for_mtu(1492, 6), 1432);
  EXPECT_EQ(mangle::tcpmss_for_mtu(40, 4), 536);  // TCP_MSS_DEFAULT
}

// fw4's two MSS rules, the WAN a PPPoE link with MTU 1492.
EngineConfig clamping_router() {
  EngineConfig c = home_router_config(std::string(kHomeRouterRules) + R"(
table inet fw4 {
	chain mangle_postrouting {
		type filter hook postrouting priority mangle; policy accept;
		oifname "wan" tcp flags syn / syn,fin,rst tcp option maxseg size set rt mtu
	}
	chain mangle_forward {
		type filter hook forward priority mangle; policy accept;
		iifname "wan" tcp flags syn / syn,fin,rst tcp option maxseg size set rt mtu
	}
}
)");
  c.interfaces[kWan].mtu = 1492;
  return c;
}

TEST(TcpMssTest, TheRouterClampsSynsBothWaysToThePppoeMtu) {
  Engine engine(clamping_router());
  net::PacketBuffer frame;
  const std::vector<std::uint8_t> mss1460{2, 4, 0x05, 0xb4, 1, 1, 4, 2};
  const std::vector<std::uint8_t> mss1452{2, 4, 0x05, 0xac, 1, 1, 4, 2};
  // LAN -> WAN SYN, masqueraded: egress MTU 1492 -> MSS 1452.
  frame.assign(tcp4_frame({}, {.sport = 40000, .dport = 443, .flags = kSyn, .seq = 1000, .options = mss1460}));
  ASSERT_EQ(engine.process(frame, kLan, 1s), Verdict::forward(kWan));
  EXPECT_EQ(to_hex(padded({frame.bytes().begin(), frame.bytes().end()})),
            to_hex(tcp4_frame({.dst_mac = kGatewayMac, .src_mac = kRouterWanMac, .src = v4("203.0.113.2"), .ttl = 63},
                              {.sport = 40000, .dport = 443, .flags = kSyn, .seq = 1000, .options = mss1452})));
  // WAN -> LAN SYN/ACK: out on the LAN (1500), but the route back to the server is the WAN:
  // min(1500, 1492) - 40.
  frame.assign(tcp4_frame({.dst_mac = kRouterWanMac, .src_mac = kGatewayMac, .src = v4("198.51.100.10"),
                           .dst = v4("203.0.113.2"), .ttl = 52},
                          {.sport = 443, .dport = 40000, .flags = kSyn | kAck, .seq = 5000, .ack = 1001,
                           .options = mss1460}));
  ASSERT_EQ(engine.process(frame, kWan, 1s), Verdict::forward(kLan));
  EXPECT_EQ(to_hex(padded({frame.bytes().begin(), frame.bytes().end()})),
            to_hex(tcp4_frame({.dst_mac = kHostAMac, .src_mac = kRouterLanMac, .src = v4("198.51.100.10"),
                               .dst = v4("192.168.1.100"), .ttl = 51},
                              {.sport = 443, .dport = 40000, .flags = kSyn | kAck, .seq = 5000, .ack = 1001,
                               .options = mss1452})));
  // The ACK carries no flags the rule wants and passes untouched (it has no MSS anyway).
}

TEST(TcpMssTest, AHelpedConnectionIsNeverOffloaded) {
  // fw4's helper assignment for FTP; the same traffic without it is offloaded on the
  // established packet.
  const std::string helper_rules = std::string(kHomeRouterRules) + R"(
table inet fw4 {
	ct helper ftp {
		type "ftp" protocol tcp
	}
	chain helper_lan {
		type filter hook prerouting priority filter; policy accept;
		iifname "lan" tcp dport 21 ct helper set "ftp"
	}
}
)";
  for (const bool helped : {false, true}) {
    Engine engine(home_router_config(helped ? helper_rules : std::string(kHomeRouterRules)));
    net::PacketBuffer frame;
    const Ipv4L4Spec out{};
    const Ipv4L4Spec back{.dst_mac = kRouterWanMac, .src_mac = kGatewayMac, .src = v4("198.51.100.10"),
                          .dst = v4("203.0.113.2"), .ttl = 52};
    frame.assign(tcp4_frame(out, {.sport = 40000, .dport = 21, .flags = kSyn, .seq = 1000}));
    ASSERT_EQ(engine.process(frame, kLan, 1s), Verdict::forward(kWan));
    frame.assign(tcp4_frame(back, {.sport = 21, .dport = 40000, .flags = kSyn | kAck, .seq = 5000, .ack = 1001}));
    ASSERT_EQ(engine.process(frame, kWan, 1s), Verdict::forward(kLan));
    frame.assign(tcp4_frame(out, {.sport = 40000, .dport = 21, .flags = kAck, .seq = 1001, .ack = 5001}));
    ASSERT_EQ(engine.process(frame, kLan, 1s), Verdict::forward(kWan));
    const std::string dump = engine.conntrack_dump(1s);
    EXPECT_EQ(dump.find("[OFFLOAD]") != std::string::npos, !helped) << dump;
  }
}

}  // namespace
}  // namespace flowsim::engine
