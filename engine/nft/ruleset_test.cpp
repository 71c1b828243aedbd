// SPDX-License-Identifier: Apache-2.0
// The two realistic rulesets in testdata/ (a home router after the nftables flowtable
// example, and a trimmed OpenWrt fw4): a table of packets through every hook with the exact
// verdict, NAT and `flow add` expected, the counters and listing that leaves, and the same
// results whether the ruleset was loaded from its text or from its JSON form.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/nft/nft_test_util.hpp"
#include "engine/nft/ruleset.hpp"

namespace flowsim::engine::nft {
namespace {

using testing::describe;
using testing::packet;
using testing::Pkt;

struct Case {
  const char* what;
  Hook hook;
  Pkt pkt;
  const char* expected;
};

// Addresses: lan 192.168.1.0/24 (web server .100), wan 203.0.113.2, an Internet host
// 192.0.2.10; IPv6 lan 2001:db8:1::/64, Internet 2001:db8:ffff::/48.
const std::vector<Case> kHomeRouterCases = {
    // forward: the flowtable documentation's policy
    {"lan->wan new", Hook::kForward, {.in = "lan", .out = "wan"}, "accept"},
    {"lan->wan established", Hook::kForward, {.in = "lan", .out = "wan", .ct = kCtEstablished, .length = 1500},
     "accept flow ft"},
    {"reply established", Hook::kForward,
     {.in = "wan", .out = "lan", .src = "192.0.2.10", .dst = "192.168.1.100", .sport = 443, .dport = 40000,
      .ct = kCtEstablished},
     "accept flow ft"},
    {"established, not offloadable", Hook::kForward,
     {.in = "lan", .out = "wan", .ct = kCtEstablished, .eligible = false}, "accept"},
    {"related icmp error", Hook::kForward, {.in = "wan", .out = "lan", .proto = 1, .ct = kCtRelated}, "accept"},
    {"port forward, after dnat", Hook::kForward,
     {.in = "wan", .out = "lan", .src = "192.0.2.10", .dst = "192.168.1.100", .dport = 80}, "accept"},
    {"wan->lan new, not forwarded", Hook::kForward,
     {.in = "wan", .out = "lan", .src = "192.0.2.10", .dst = "192.168.1.101", .dport = 22}, "drop"},
    {"invalid", Hook::kForward, {.in = "lan", .out = "wan", .ct = kCtInvalid}, "drop"},
    {"ipv6 lan->wan new", Hook::kForward,
     {.in = "lan", .out = "wan", .proto = 17, .src = "2001:db8:1::100", .dst = "2001:db8:ffff::1", .dport = 53},
     "accept"},
    {"ipv6 wan->lan new", Hook::kForward,
     {.in = "wan", .out = "lan", .src = "2001:db8:ffff::1", .dst = "2001:db8:1::100", .dport = 80}, "drop"},
    // prerouting: the port forward (nat chains see NEW only)
    {"wan:8080 new", Hook::kPrerouting, {.in = "wan", .src = "192.0.2.10", .dst = "203.0.113.2", .dport = 8080},
     "accept dnat 192.168.1.100:80"},
    {"wan:8080 established", Hook::kPrerouting,
     {.in = "wan", .src = "192.0.2.10", .dst = "203.0.113.2", .dport = 8080, .ct = kCtEstablished}, "accept"},
    {"wan udp 8080", Hook::kPrerouting, {.in = "wan", .proto = 17, .src = "192.0.2.10", .dst = "203.0.113.2", .dport = 8080},
     "accept"},
    {"ipv6 wan 8080", Hook::kPrerouting,
     {.in = "wan", .src = "2001:db8:ffff::1", .dst = "2001:db8:ffff::2", .dport = 8080}, "accept"},
    // postrouting: masquerade on wan
    {"lan->wan new", Hook::kPostrouting, {.in = "lan", .out = "wan"}, "accept masquerade/4"},
    {"lan->wan established", Hook::kPostrouting, {.in = "lan", .out = "wan", .ct = kCtEstablished}, "accept"},
    {"wan->lan new", Hook::kPostrouting, {.in = "wan", .out = "lan", .src = "192.0.2.10", .dst = "192.168.1.100"},
     "accept"},
    {"ipv6 lan->wan new", Hook::kPostrouting,
     {.in = "lan", .out = "wan", .src = "2001:db8:1::100", .dst = "2001:db8:ffff::1"}, "accept"},
    // input
    {"loopback", Hook::kInput, {.in = "lo", .src = "127.0.0.1", .dst = "127.0.0.1"}, "accept"},
    {"wan ssh", Hook::kInput, {.in = "wan", .src = "192.0.2.10", .dst = "203.0.113.2", .dport = 22, .length = 60},
     "reject tcp-reset"},
    {"wan ping", Hook::kInput, {.in = "wan", .proto = 1, .src = "192.0.2.10", .dst = "203.0.113.2", .sport = 0, .dport = 0},
     "accept"},
    {"wan ipv6 ping", Hook::kInput,
     {.in = "wan", .proto = 58, .src = "2001:db8:ffff::1", .dst = "2001:db8:ffff::2", .sport = 0, .dport = 0}, "accept"},
    {"wan http", Hook::kInput, {.in = "wan", .src = "192.0.2.10", .dst = "203.0.113.2", .dport = 80}, "drop"},
    {"wan invalid", Hook::kInput, {.in = "wan", .src = "192.0.2.10", .dst = "203.0.113.2", .ct = kCtInvalid}, "drop"},
    {"wan reply", Hook::kInput, {.in = "wan", .src = "192.0.2.10", .dst = "203.0.113.2", .ct = kCtEstablished},
     "accept"},
    {"lan dns", Hook::kInput, {.in = "lan", .proto = 17, .dst = "192.168.1.1", .dport = 53}, "accept"},
    // output
    {"router to wan", Hook::kOutput, {.out = "wan", .src = "203.0.113.2"}, "accept"},
};

const std::vector<Case> kFw4Cases = {
    // forward: `meta l4proto { tcp, udp } flow offload @ft` runs for every TCP/UDP packet
    {"lan->wan tcp new", Hook::kForward, {.in = "br-lan", .out = "wan"}, "accept flow ft"},
    {"lan->wan tcp new, not offloadable", Hook::kForward, {.in = "br-lan", .out = "wan", .eligible = false}, "accept"},
    {"lan->wan established", Hook::kForward, {.in = "br-lan", .out = "wan", .ct = kCtEstablished}, "accept flow ft"},
    {"lan->wan icmp", Hook::kForward, {.in = "br-lan", .out = "wan", .proto = 1, .sport = 0, .dport = 0}, "accept"},
    {"lan->blocked host", Hook::kForward, {.in = "br-lan", .out = "wan", .dst = "198.51.100.200", .length = 52},
     "reject icmp 3 flow ft"},
    {"lan->wan invalid", Hook::kForward, {.in = "br-lan", .out = "wan", .ct = kCtInvalid}, "drop flow ft"},
    {"ipv6 lan->wan", Hook::kForward,
     {.in = "br-lan", .out = "wan", .proto = 17, .src = "2001:db8:1::100", .dst = "2001:db8:ffff::1", .dport = 53},
     "accept flow ft"},
    {"port forward, after dnat", Hook::kForward,
     {.in = "wan", .out = "br-lan", .src = "192.0.2.10", .dst = "192.168.1.100", .dport = 80}, "accept flow ft"},
    {"wan->lan tcp, not forwarded", Hook::kForward,
     {.in = "wan", .out = "br-lan", .src = "192.0.2.10", .dst = "192.168.1.101", .dport = 22}, "reject tcp-reset flow ft"},
    {"wan->lan udp, not forwarded", Hook::kForward,
     {.in = "wan", .out = "br-lan", .proto = 17, .src = "192.0.2.10", .dst = "192.168.1.101", .dport = 5000},
     "reject icmpx 1 flow ft"},
    // input
    {"loopback", Hook::kInput, {.in = "lo", .src = "127.0.0.1", .dst = "127.0.0.1"}, "accept"},
    {"lan ssh", Hook::kInput, {.in = "br-lan", .dst = "192.168.1.1", .dport = 22}, "accept"},
    {"wan dhcp renew", Hook::kInput, {.in = "wan", .proto = 17, .src = "203.0.113.1", .dst = "203.0.113.2", .dport = 68},
     "accept"},
    {"wan dhcpv6", Hook::kInput,
     {.in = "wan", .proto = 17, .src = "fe80::1", .dst = "fe80::2", .sport = 547, .dport = 546}, "accept"},
    {"wan dhcpv6 port over ipv4", Hook::kInput,
     {.in = "wan", .proto = 17, .src = "203.0.113.1", .dst = "203.0.113.2", .dport = 546}, "reject icmpx 1"},
    {"wan admin https", Hook::kInput, {.in = "wan", .src = "192.0.2.10", .dst = "203.0.113.2", .dport = 443}, "accept"},
    {"wan http", Hook::kInput, {.in = "wan", .src = "192.0.2.10", .dst = "203.0.113.2", .dport = 80},
     "reject tcp-reset"},
    {"wan reply", Hook::kInput, {.in = "wan", .src = "192.0.2.10", .dst = "203.0.113.2", .ct = kCtEstablished},
     "accept"},
    // output
    {"to loopback", Hook::kOutput, {.out = "lo", .src = "127.0.0.1", .dst = "127.0.0.1"}, "accept"},
    {"to wan", Hook::kOutput, {.out = "wan", .src = "203.0.113.2"}, "accept"},
    // nat
    {"wan:8080 new", Hook::kPrerouting, {.in = "wan", .src = "192.0.2.10", .dst = "203.0.113.2", .dport = 8080},
     "accept dnat 192.168.1.100:80"},
    {"ipv6 wan:8080 new", Hook::kPrerouting,
     {.in = "wan", .src = "2001:db8:ffff::1", .dst = "2001:db8:ffff::2", .dport = 8080}, "accept"},
    {"lan:8080 new", Hook::kPrerouting, {.in = "br-lan", .dst = "192.0.2.10", .dport = 8080}, "accept"},
    {"lan->wan new", Hook::kPostrouting, {.in = "br-lan", .out = "wan"}, "accept masquerade/4"},
    {"ipv6 lan->wan new", Hook::kPostrouting,
     {.in = "br-lan", .out = "wan", .src = "2001:db8:1::100", .dst = "2001:db8:ffff::1"}, "accept"},
    {"lan->wan established", Hook::kPostrouting, {.in = "br-lan", .out = "wan", .ct = kCtEstablished}, "accept"},
};

std::vector<std::string> run(Ruleset& r, const std::vector<Case>& cases) {
  std::vector<std::string> out;
  for (const Case& c : cases) {
    out.push_back(describe(r.evaluate(c.hook, packet(c.pkt))));
  }
  return out;
}

void expect_cases(Ruleset& r, const std::vector<Case>& cases) {
  const std::vector<std::string> got = run(r, cases);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(got[i], cases[i].expected) << cases[i].what << " (case " << i << ")";
  }
}

TEST(RulesetTest, HomeRouterPacketsCountersAndListing) {
  Ruleset r = Ruleset::load(testing::testdata("home_router.nft"));
  ASSERT_EQ(r.flowtables().size(), 1u);
  const FlowtableSpec& ft = r.flowtables()[0];
  EXPECT_EQ(ft.table, "filter");
  EXPECT_EQ(ft.family, Family::kInet);
  EXPECT_EQ(ft.name, "ft");
  EXPECT_EQ(ft.priority, 0);
  EXPECT_EQ(ft.devices, (std::vector<std::string>{"lan", "wan"}));
  EXPECT_TRUE(ft.offload);
  EXPECT_TRUE(ft.counter);
  expect_cases(r, kHomeRouterCases);
  EXPECT_EQ(r.evaluate(Hook::kForward, packet({.in = "lan", .out = "wan", .ct = kCtEstablished})).flow_add, &ft);
  // Counted: input invalid 1 (60 B), ssh reject 1; forward invalid 1, established/related
  // 5 (1500 + 60 + 60 + 60 + the extra packet above), lan->wan 2, port forward 1;
  // prerouting dnat 1; postrouting masquerade 1.
  EXPECT_EQ(r.list(), R"(table inet filter {
	flowtable ft {
		hook ingress priority filter
		devices = { lan, wan }
		flags offload
		counter
	}

	chain input {
		type filter hook input priority filter; policy drop;
		iif "lo" accept
		ct state invalid counter packets 1 bytes 60 drop
		ct state established,related accept
		iifname "lan" accept
		iifname "wan" meta l4proto { icmp, ipv6-icmp } accept
		iifname "wan" tcp dport 22 counter packets 1 bytes 60 reject with tcp reset
	}

	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established flow add @ft
		ct state invalid counter packets 1 bytes 60 drop
		ct state established,related counter packets 5 bytes 1740 accept
		iifname "lan" oifname "wan" counter packets 2 bytes 120 accept
		iifname "wan" oifname "lan" ip daddr 192.168.1.100 tcp dport 80 ct state new counter packets 1 bytes 60 accept
	}

	chain output {
		type filter hook output priority filter; policy accept;
	}
}
table ip nat {
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		iifname "wan" tcp dport 8080 counter packets 1 bytes 60 dnat to 192.168.1.100:80
	}

	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "wan" counter packets 1 bytes 60 masquerade
	}
}
)");
}

TEST(RulesetTest, Fw4PacketsCountersAndListing) {
  Ruleset r = Ruleset::load(testing::testdata("fw4.nft"));
  ASSERT_EQ(r.flowtables().size(), 1u);
  EXPECT_EQ(r.flowtables()[0].devices, (std::vector<std::string>{"br-lan", "wan"}));
  EXPECT_TRUE(r.flowtables()[0].offload);
  expect_cases(r, kFw4Cases);
  EXPECT_EQ(r.list(), testing::read_testdata("fw4.list"));
}

// The same packets give the same results, and leave the same listing, whichever syntax the
// ruleset came from.
TEST(RulesetTest, TextAndJsonBehaveTheSame) {
  for (const auto& [name, cases] : {std::pair{"home_router", &kHomeRouterCases}, std::pair{"fw4", &kFw4Cases}}) {
    Ruleset from_text = Ruleset::load_text(testing::testdata(std::string(name) + ".nft"));
    Ruleset from_json = Ruleset::load_json(testing::testdata(std::string(name) + ".json"));
    EXPECT_EQ(from_text.list(), from_json.list()) << name;
    EXPECT_EQ(run(from_text, *cases), run(from_json, *cases)) << name;
    EXPECT_EQ(from_text.list(), from_json.list()) << name << " after evaluation";
    ASSERT_EQ(from_json.flowtables().size(), 1u);
    const FlowtableSpec& a = from_text.flowtables()[0];
    const FlowtableSpec& b = from_json.flowtables()[0];
    EXPECT_EQ(std::tie(a.table, a.family, a.name, a.priority, a.devices, a.offload, a.counter),
              std::tie(b.table, b.family, b.name, b.priority, b.devices, b.offload, b.counter))
        << name;
  }
}

TEST(RulesetTest, MovingKeepsResultPointersValid) {
  Ruleset r = Ruleset::load(testing::testdata("home_router.json"));
  const FlowtableSpec* ft = &r.flowtables()[0];
  Ruleset moved = std::move(r);
  EXPECT_EQ(moved.evaluate(Hook::kForward, packet({.in = "lan", .out = "wan", .ct = kCtEstablished})).flow_add, ft);
}

}  // namespace
}  // namespace flowsim::engine::nft
