// SPDX-License-Identifier: Apache-2.0
// Addresses with a scope, as Linux treats them: an IPv6 link-local source never leaves its
// link (answered with ICMPv6 "beyond scope of source address"), a link-local destination is
// looked up on the arrival link only (never by the default route), the router's own EUI-64
// link-local address is local; IPv4 martians are dropped by ip_route_input_slow's rules, and
// IPv4 link-local (169.254/16) is routed like any other address, as the kernel does.
#include <gtest/gtest.h>

#include "engine/address_checks.hpp"
#include "engine/engine.hpp"
#include "engine/test_frames.hpp"
#include "net/address_scope.hpp"
#include "net/checksum.hpp"
#include "net/ethernet_header.hpp"

namespace flowsim::engine {
namespace {

using namespace std::chrono_literals;
using namespace testing;  // engine/test_frames.hpp

const net::Ipv6Addr kHostALinkLocal = v6("fe80::1:64");
const net::Ipv6Addr kRouterLanLinkLocal = v6("fe80::ff:fe00:101");  // EUI-64 of 02:00:00:00:01:01

EngineConfig config_with_link_local_neighbours() {
  EngineConfig c = home_router_config();
  c.neighbours.push_back({kHostALinkLocal, kHostAMac, kLan});
  c.neighbours.push_back({v6("fe80::99"), kHostBMac, kLan});
  c.neighbours.push_back({v6("fe80::99"), kGatewayMac, kWan});
  return c;
}

class AddressScopeTest : public ::testing::Test {
 protected:
  Verdict run(const std::vector<std::uint8_t>& bytes, unsigned ingress) {
    frame_.assign(bytes);
    return engine_.process(frame_, ingress, 1ms);
  }
  Engine engine_{config_with_link_local_neighbours()};
  net::PacketBuffer frame_;
};

TEST(AddressScope, Eui64LinkLocalIsAddrconfs) {
  EXPECT_EQ(net::eui64_link_local(kRouterLanMac), kRouterLanLinkLocal);
  EXPECT_EQ(net::eui64_link_local(mac("00:1b:21:3a:4f:50")), v6("fe80::21b:21ff:fe3a:4f50"));
}

TEST_F(AddressScopeTest, LinkLocalSourceIsAnsweredBeyondScopeAndNeverForwarded) {
  const auto in = ipv6_frame({.src = kHostALinkLocal, .dst = v6("2001:db8:beef::10")});
  const Verdict v = run(in, kLan);
  ASSERT_EQ(v, Verdict::drop_and_reply(DropReason::kBeyondScope, kLan));
  // ICMPv6 destination unreachable, code 2, from the router's link-local address to the
  // sender, out of the LAN to its MAC, quoting the offending packet.
  const auto out = frame_.bytes();
  ASSERT_GE(out.size(), 14u + 40u + 8u + 48u);
  EXPECT_EQ(net::EthernetHeader::at(out)->dst(), kHostAMac);
  EXPECT_EQ(net::EthernetHeader::at(out)->src(), kRouterLanMac);
  EXPECT_EQ(out[14 + 6], 58);  // ICMPv6
  EXPECT_EQ(net::Ipv6Addr::from_bytes(out.data() + 14 + 8), kRouterLanLinkLocal);
  EXPECT_EQ(net::Ipv6Addr::from_bytes(out.data() + 14 + 24), kHostALinkLocal);
  EXPECT_EQ(out[54], 1);  // destination unreachable
  EXPECT_EQ(out[55], 2);  // beyond scope of source address
  EXPECT_EQ(std::vector<std::uint8_t>(out.begin() + 62, out.begin() + 62 + 48),
            std::vector<std::uint8_t>(in.begin() + 14, in.begin() + 14 + 48));
  EXPECT_EQ(net::l4_checksum(kRouterLanLinkLocal, kHostALinkLocal, 58, out.subspan(54)), 0);
  EXPECT_EQ(engine_.stats().dropped(DropReason::kBeyondScope), 1u);
  EXPECT_EQ(engine_.stats().forwarded, 0u);
}

TEST_F(AddressScopeTest, TtlExceededComesBeforeTheScopeCheck) {
  // ip6_forward checks the hop limit first.
  const Verdict v = run(ipv6_frame({.src = kHostALinkLocal, .dst = v6("2001:db8:beef::10"), .hop_limit = 1}), kLan);
  EXPECT_EQ(v.reason, DropReason::kTtlExceeded);
}

TEST_F(AddressScopeTest, LinkLocalDestinationStaysOnItsLink) {
  // From the LAN with a global source: looked up on the LAN only, so it goes back out there,
  // never to the WAN's default route.
  ASSERT_EQ(run(ipv6_frame({.src = v6("2001:db8:1::100"), .dst = v6("fe80::99")}), kLan), Verdict::forward(kLan));
  EXPECT_EQ(net::EthernetHeader::at(frame_.bytes())->dst(), kHostBMac);
  // From the WAN: back out of the WAN, to the neighbour there.
  ASSERT_EQ(run(ipv6_frame({.dst_mac = kRouterWanMac, .src_mac = kGatewayMac, .src = v6("2001:db8:beef::10"),
                            .dst = v6("fe80::99")}),
                kWan),
            Verdict::forward(kWan));
  EXPECT_EQ(net::EthernetHeader::at(frame_.bytes())->dst(), kGatewayMac);
  // An unknown link-local neighbour: no neighbour on the LAN, not a route elsewhere.
  EXPECT_EQ(run(ipv6_frame({.src = v6("2001:db8:1::100"), .dst = v6("fe80::1234")}), kLan),
            Verdict::drop(DropReason::kNoNeighbour));
}

TEST_F(AddressScopeTest, RoutersOwnLinkLocalAddressIsLocal) {
  EXPECT_EQ(run(ipv6_frame({.src = kHostALinkLocal, .dst = kRouterLanLinkLocal}), kLan),
            Verdict::drop(DropReason::kLocalDelivery));
}

TEST_F(AddressScopeTest, Ipv6MartianSourcesAreDroppedUnanswered) {
  for (const char* src : {"ff02::1", "::1", "::"}) {
    SCOPED_TRACE(src);
    EXPECT_EQ(run(ipv6_frame({.src = v6(src), .dst = v6("2001:db8:beef::10")}), kLan),
              Verdict::drop(DropReason::kMartianSource));
  }
}

TEST_F(AddressScopeTest, Ipv4MartiansAsIpRouteInputSlow) {
  struct Case {
    const char* src;
    const char* dst;
    DropReason reason;
  };
  for (const Case& c : {Case{"224.0.0.5", "198.51.100.10", DropReason::kMartianSource},
                        Case{"255.255.255.255", "198.51.100.10", DropReason::kMartianSource},
                        Case{"0.0.0.0", "198.51.100.10", DropReason::kMartianSource},
                        Case{"127.0.0.1", "198.51.100.10", DropReason::kMartianSource},
                        Case{"192.168.1.100", "0.1.2.3", DropReason::kMartianDestination},
                        Case{"192.168.1.100", "127.0.0.1", DropReason::kMartianDestination},
                        // DHCP DISCOVER: broadcast input, delivered locally.
                        Case{"0.0.0.0", "255.255.255.255", DropReason::kLocalDelivery}}) {
    SCOPED_TRACE(std::string(c.src) + " -> " + c.dst);
    EXPECT_EQ(run(ipv4_frame({.src = v4(c.src), .dst = v4(c.dst)}), kLan), Verdict::drop(c.reason));
  }
}

TEST_F(AddressScopeTest, Ipv4LinkLocalIsRoutedLikeAnyAddressAsLinuxDoes) {
  // Linux's forwarding path has no check for 169.254/16 (RFC 3927's "MUST NOT forward" is left
  // to the ruleset): the default route takes both directions.
  EXPECT_EQ(run(ipv4_frame({.src = v4("169.254.10.20"), .dst = v4("198.51.100.10")}), kLan), Verdict::forward(kWan));
  EXPECT_EQ(run(ipv4_frame({.src = v4("192.168.1.100"), .dst = v4("169.254.1.1")}), kLan), Verdict::forward(kWan));
  EXPECT_TRUE(net::is_link_local(v4("169.254.0.1")));
  EXPECT_FALSE(net::is_link_local(v4("169.253.255.255")));
}

TEST(AddressChecks, OrderOfIpRouteInputSlow) {
  // A multicast source is martian even toward the broadcast address; 0 -> 0 is broadcast input.
  EXPECT_EQ(ipv4_route_input_check(v4("224.0.0.1"), v4("255.255.255.255")), RouteInputCheck::kMartianSource);
  EXPECT_EQ(ipv4_route_input_check(v4("0.0.0.0"), v4("0.0.0.0")), RouteInputCheck::kBroadcastInput);
  EXPECT_EQ(ipv4_route_input_check(v4("10.0.0.1"), v4("10.0.0.2")), RouteInputCheck::kRoute);
  EXPECT_EQ(ipv6_forward_source_check(v6("2001:db8::1")), ForwardSourceCheck::kOk);
  EXPECT_EQ(ipv6_forward_source_check(v6("febf::1")), ForwardSourceCheck::kBeyondScope);
  EXPECT_EQ(ipv6_forward_source_check(v6("fec0::1")), ForwardSourceCheck::kOk);
}

}  // namespace
}  // namespace flowsim::engine
