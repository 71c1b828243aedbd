// SPDX-License-Identifier: Apache-2.0
// Ruleset::evaluate against the kernel's semantics on small inline rulesets: verdicts across
// base chains, jump/goto/return, priority order (ties newest first), the nat group and its
// NEW-only rule, NAT families, reject kinds, `flow add` breaking, counters, and the
// implicit dependencies of matches (family, transport, devices not known yet).
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "engine/nft/nft_test_util.hpp"
#include "engine/nft/ruleset.hpp"

namespace flowsim::engine::nft {
namespace {

using testing::describe;
using testing::packet;
using testing::Pkt;

std::string eval(Ruleset& r, Hook hook, const Pkt& p) { return describe(r.evaluate(hook, packet(p))); }

Ruleset text(std::string_view ruleset) { return Ruleset::parse_text(ruleset, "test.nft"); }

TEST(EvaluateTest, AcceptEndsOnlyItsBaseChainDropEndsAll) {
  Ruleset r = text(R"(
table inet a {
  chain first { type filter hook forward priority -10; counter accept; }
  chain second { type filter hook forward priority 0; tcp dport 22 counter drop; counter; }
  chain third { type filter hook forward priority 10; counter; }
}
)");
  EXPECT_EQ(eval(r, Hook::kForward, {.in = "lan", .out = "wan", .dport = 443}), "accept");
  EXPECT_EQ(eval(r, Hook::kForward, {.in = "lan", .out = "wan", .dport = 22}), "drop");
  // first: 2; second: 1 drop + 1 fall-through; third: only the accepted packet.
  EXPECT_EQ(r.list(), R"(table inet a {
	chain first {
		type filter hook forward priority filter - 10; policy accept;
		counter packets 2 bytes 120 accept
	}

	chain second {
		type filter hook forward priority filter; policy accept;
		tcp dport 22 counter packets 1 bytes 60 drop
		counter packets 1 bytes 60
	}

	chain third {
		type filter hook forward priority filter + 10; policy accept;
		counter packets 1 bytes 60
	}
}
)");
}

TEST(EvaluateTest, PolicyAppliesWhenABaseChainFallsOffOrReturns) {
  Ruleset r = text(R"(
table ip t {
  chain fwd {
    type filter hook forward priority 0; policy drop;
    tcp dport 80 accept
    tcp dport 81 return
    tcp dport 82 jump sub
  }
  chain sub { tcp sport 1 accept; }
}
)");
  EXPECT_EQ(eval(r, Hook::kForward, {.dport = 80}), "accept");
  EXPECT_EQ(eval(r, Hook::kForward, {.dport = 81}), "drop");
  EXPECT_EQ(eval(r, Hook::kForward, {.dport = 82}), "drop");
  EXPECT_EQ(eval(r, Hook::kForward, {.sport = 1, .dport = 82}), "accept");
  EXPECT_EQ(eval(r, Hook::kForward, {.dport = 83}), "drop");
}

TEST(EvaluateTest, JumpReturnsGotoDoesNot) {
  Ruleset r = text(R"(
table ip t {
  chain fwd {
    type filter hook forward priority 0; policy accept;
    tcp dport 1 jump a
    tcp dport 2 goto a
    counter drop
  }
  chain a { tcp sport 7 return; jump b; counter; }
  chain b { tcp sport 8 accept; }
}
)");
  // jump: a falls off (via b) and returns to fwd, whose last rule drops.
  EXPECT_EQ(eval(r, Hook::kForward, {.sport = 9, .dport = 1}), "drop");
  // goto: a falls off and goes back to fwd's caller: the base chain's policy.
  EXPECT_EQ(eval(r, Hook::kForward, {.sport = 9, .dport = 2}), "accept");
  // return from a jumped-to chain continues after the jump; from a goto'd one, the policy.
  EXPECT_EQ(eval(r, Hook::kForward, {.sport = 7, .dport = 1}), "drop");
  EXPECT_EQ(eval(r, Hook::kForward, {.sport = 7, .dport = 2}), "accept");
  // accept deep down ends the base chain.
  EXPECT_EQ(eval(r, Hook::kForward, {.sport = 8, .dport = 1}), "accept");
}

TEST(EvaluateTest, EqualPrioritiesRunNewestFirst) {
  Ruleset r = text(R"(
table inet t {
  chain older { type filter hook input priority 0; counter; }
  chain newer { type filter hook input priority 0; counter drop; }
}
)");
  EXPECT_EQ(eval(r, Hook::kInput, {.in = "wan"}), "drop");
  EXPECT_NE(r.list().find("chain older {\n\t\ttype filter hook input priority filter; policy accept;\n"
                          "\t\tcounter packets 0 bytes 0\n"),
            std::string::npos);
}

TEST(EvaluateTest, FamiliesSelectTheirTables) {
  Ruleset r = text(R"(
table ip v4 { chain c { type filter hook input priority 0; counter drop; }; }
table ip6 v6 { chain c { type filter hook input priority 0; counter reject; }; }
table inet both { chain c { type filter hook input priority -1; counter; }; }
)");
  EXPECT_EQ(eval(r, Hook::kInput, {.in = "wan"}), "drop");
  EXPECT_EQ(eval(r, Hook::kInput, {.in = "wan", .src = "2001:db8::1", .dst = "2001:db8::2"}), "reject icmpv6 4");
  EXPECT_NE(r.list().find("table inet both {\n\tchain c {\n\t\ttype filter hook input priority filter - 1; "
                          "policy accept;\n\t\tcounter packets 2 bytes 120\n"),
            std::string::npos);
}

TEST(EvaluateTest, NatChainsRunOnlyForNewConnections) {
  Ruleset r = text(R"(
table ip nat {
  chain pre { type nat hook prerouting priority dstnat; tcp dport 8080 counter dnat to 192.168.1.100:80; }
}
)");
  EXPECT_EQ(eval(r, Hook::kPrerouting, {.in = "wan", .dport = 8080}), "accept dnat 192.168.1.100:80");
  EXPECT_EQ(eval(r, Hook::kPrerouting, {.in = "wan", .dport = 8080, .ct = kCtEstablished}), "accept");
  EXPECT_EQ(eval(r, Hook::kPrerouting, {.in = "wan", .dport = 8080, .ct = kCtRelated}), "accept");
  EXPECT_NE(r.list().find("counter packets 1 bytes 60 dnat to 192.168.1.100:80"), std::string::npos);
}

TEST(EvaluateTest, NatChainsRunAsOneGroupAtTheNatPriority) {
  // The nat chain says -150, but nf_nat_core runs all nat chains at -100: after the filter
  // chain at -120, whose drop therefore comes first.
  Ruleset r = text(R"(
table ip t {
  chain early_filter { type filter hook prerouting priority -120; tcp dport 8080 drop; }
  chain nat1 { type nat hook prerouting priority -150; tcp dport 8080 dnat to 10.0.0.1; }
}
)");
  EXPECT_EQ(eval(r, Hook::kPrerouting, {.in = "wan", .dport = 8080}), "drop");
}

TEST(EvaluateTest, TheFirstNatStatementEndsTheNatGroup) {
  Ruleset r = text(R"(
table ip t {
  chain a { type nat hook postrouting priority 100; tcp dport 1 snat to 10.0.0.1; accept; }
  chain b { type nat hook postrouting priority 110; counter; oifname "wan" snat to 10.0.0.2; }
  chain c { type nat hook postrouting priority 120; counter masquerade; }
}
)");
  // a accepts without NAT: the group goes on to b, which binds; c is never consulted.
  EXPECT_EQ(eval(r, Hook::kPostrouting, {.in = "lan", .out = "wan"}), "accept snat 10.0.0.2");
  EXPECT_EQ(eval(r, Hook::kPostrouting, {.in = "lan", .out = "wan", .dport = 1}), "accept snat 10.0.0.1");
  EXPECT_EQ(eval(r, Hook::kPostrouting, {.in = "wan", .out = "lan"}), "accept masquerade/4");
  EXPECT_NE(r.list().find("chain b {\n\t\ttype nat hook postrouting priority srcnat + 10; policy accept;\n"
                          "\t\tcounter packets 2 bytes 120\n"),
            std::string::npos);
  EXPECT_NE(r.list().find("counter packets 1 bytes 60 masquerade"), std::string::npos);
}

TEST(EvaluateTest, NatOfTheOtherFamilyDoesNothingInInet) {
  Ruleset r = text(R"(
table inet t {
  chain post {
    type nat hook postrouting priority srcnat;
    meta l4proto udp snat ip to 203.0.113.2:1000-2000 persistent
    masquerade random,fully-random
  }
  chain pre { type nat hook prerouting priority dstnat; tcp dport 80 dnat ip6 to [2001:db8::80]:8080; }
}
)");
  EXPECT_EQ(eval(r, Hook::kPostrouting, {.in = "lan", .out = "wan", .proto = 17}),
            "accept snat 203.0.113.2:1000-2000 persistent");
  EXPECT_EQ(eval(r, Hook::kPostrouting,
                 {.in = "lan", .out = "wan", .proto = 17, .src = "2001:db8:1::100", .dst = "2001:db8:2::1"}),
            "accept masquerade/6 random fully-random");
  EXPECT_EQ(eval(r, Hook::kPrerouting, {.in = "wan", .dport = 80}), "accept");
  EXPECT_EQ(eval(r, Hook::kPrerouting, {.in = "wan", .src = "2001:db8:2::1", .dst = "2001:db8::2", .dport = 80}),
            "accept dnat 2001:db8::80:8080");
}

TEST(EvaluateTest, RejectKinds) {
  Ruleset r = text(R"(
table inet i {
  chain c {
    type filter hook input priority 0;
    tcp dport 1 reject
    tcp dport 2 ip saddr 192.168.0.0/16 reject
    tcp dport 3 reject with tcp reset
    tcp dport 4 reject with icmpx admin-prohibited
    tcp dport 5 reject with icmp type host-prohibited
    udp dport 6 reject with icmpv6 admin-prohibited
  }
}
table ip p { chain c { type filter hook forward priority 0; reject; }; }
)");
  EXPECT_EQ(eval(r, Hook::kInput, {.in = "wan", .dport = 1}), "reject icmpx 1");
  EXPECT_EQ(eval(r, Hook::kInput, {.in = "wan", .dport = 2}), "reject icmp 3");
  EXPECT_EQ(eval(r, Hook::kInput, {.in = "wan", .dport = 3}), "reject tcp-reset");
  EXPECT_EQ(eval(r, Hook::kInput, {.in = "wan", .dport = 4}), "reject icmpx 3");
  EXPECT_EQ(eval(r, Hook::kInput, {.in = "wan", .dport = 5}), "reject icmp 10");
  // `reject with icmp` brings its own IPv4 dependency, as nft adds it.
  EXPECT_EQ(eval(r, Hook::kInput, {.in = "wan", .src = "2001:db8::1", .dst = "2001:db8::2", .dport = 5}), "accept");
  EXPECT_EQ(eval(r, Hook::kInput, {.in = "wan", .proto = 17, .dport = 6}), "accept");
  EXPECT_EQ(eval(r, Hook::kInput, {.in = "wan", .proto = 17, .src = "2001:db8::1", .dst = "2001:db8::2", .dport = 6}),
            "reject icmpv6 1");
  EXPECT_EQ(eval(r, Hook::kForward, {.in = "lan", .out = "wan"}), "reject icmp 3");
  EXPECT_EQ(r.list(), R"(table inet i {
	chain c {
		type filter hook input priority filter; policy accept;
		tcp dport 1 reject
		tcp dport 2 ip saddr 192.168.0.0/16 reject with icmp port-unreachable
		tcp dport 3 reject with tcp reset
		tcp dport 4 reject with icmpx admin-prohibited
		tcp dport 5 reject with icmp host-prohibited
		udp dport 6 reject with icmpv6 admin-prohibited
	}
}
table ip p {
	chain c {
		type filter hook forward priority filter; policy accept;
		reject
	}
}
)");
}

TEST(EvaluateTest, FlowAddIsReportedAndBreaksItsRuleWhenNotEligible) {
  Ruleset r = text(R"(
table inet t {
  flowtable ft { hook ingress priority 0; devices = { lan, wan }; }
  chain fwd {
    type filter hook forward priority 0; policy drop;
    meta l4proto { tcp, udp } flow add @ft counter accept
    counter
  }
}
)");
  EXPECT_EQ(eval(r, Hook::kForward, {.in = "lan", .out = "wan"}), "accept flow ft");
  EXPECT_EQ(eval(r, Hook::kForward, {.in = "lan", .out = "wan", .eligible = false}), "drop");
  EXPECT_EQ(eval(r, Hook::kForward, {.in = "lan", .out = "wan", .proto = 1}), "drop");
  ASSERT_EQ(r.flowtables().size(), 1u);
  EXPECT_EQ(r.evaluate(Hook::kForward, packet({.in = "lan", .out = "wan"})).flow_add, &r.flowtables()[0]);
  EXPECT_NE(r.list().find("meta l4proto { tcp, udp } flow add @ft counter packets 2 bytes 120 accept\n"
                          "\t\tcounter packets 2 bytes 120\n"),
            std::string::npos);
}

TEST(EvaluateTest, InterfacesByNameWildcardSetAndIndex) {
  Ruleset r = text(R"(
table inet t {
  chain c {
    type filter hook forward priority 0; policy drop;
    iifname "br-*" oifname { "wan", "wan6" } accept
    iif 2 oif "wan" udp dport 53 accept
    oifname != "lan" tcp dport 25 accept
  }
  chain pre { type filter hook prerouting priority 0; policy accept; oifname != "x" drop; }
}
)");
  EXPECT_EQ(eval(r, Hook::kForward, {.in = "br-lan", .out = "wan"}), "accept");
  EXPECT_EQ(eval(r, Hook::kForward, {.in = "lan", .out = "wan"}), "drop");
  EXPECT_EQ(eval(r, Hook::kForward, {.in = "lan", .out = "wan", .proto = 17, .dport = 53}), "accept");
  EXPECT_EQ(eval(r, Hook::kForward, {.in = "wan", .out = "wan", .dport = 25}), "accept");
  // No output device before routing: the match fails whatever its operator.
  EXPECT_EQ(eval(r, Hook::kPrerouting, {.in = "wan"}), "accept");
}

TEST(EvaluateTest, ConntrackStateForms) {
  Ruleset r = text(R"(
table ip t {
  chain c {
    type filter hook forward priority 0; policy drop;
    ct state invalid drop
    ct state { established, related } counter accept
    ct state != new reject
    ct state new ct original packets >= 3 drop
    ct state new accept
  }
}
)");
  EXPECT_EQ(eval(r, Hook::kForward, {.ct = kCtEstablished}), "accept");
  EXPECT_EQ(eval(r, Hook::kForward, {.ct = kCtRelated}), "accept");
  EXPECT_EQ(eval(r, Hook::kForward, {.ct = kCtInvalid}), "drop");
  EXPECT_EQ(eval(r, Hook::kForward, {.ct = kCtUntracked}), "reject icmp 3");
  EXPECT_EQ(eval(r, Hook::kForward, {.ct = kCtNew}), "accept");
  EXPECT_EQ(eval(r, Hook::kForward, {.ct = kCtNew, .ct_packets = 3}), "drop");
}

TEST(EvaluateTest, PayloadMatchesImplyTheirProtocol) {
  Ruleset r = text(R"(
table inet t {
  chain c {
    type filter hook input priority 0; policy accept;
    ip saddr != 10.0.0.0/8 counter drop
    tcp dport != 22 counter drop
    th dport 53 counter drop
  }
}
)");
  // An IPv6 packet is not "an IPv4 packet from outside 10/8".
  EXPECT_EQ(eval(r, Hook::kInput, {.in = "lan", .proto = 17, .src = "2001:db8::1", .dst = "2001:db8::2", .dport = 22}),
            "accept");
  EXPECT_EQ(eval(r, Hook::kInput, {.in = "lan", .proto = 17, .src = "192.0.2.1"}), "drop");
  // A UDP packet is not "a TCP packet to a port other than 22".
  EXPECT_EQ(eval(r, Hook::kInput, {.in = "lan", .proto = 17, .src = "10.1.1.1", .dport = 80}), "accept");
  EXPECT_EQ(eval(r, Hook::kInput, {.in = "lan", .src = "10.1.1.1", .dport = 80}), "drop");
  // th: any protocol with ports, none without.
  EXPECT_EQ(eval(r, Hook::kInput, {.in = "lan", .proto = 17, .src = "10.1.1.1", .dport = 53}), "drop");
  EXPECT_EQ(eval(r, Hook::kInput, {.in = "lan", .proto = 1, .src = "10.1.1.1", .sport = 0, .dport = 53}), "accept");
}

TEST(EvaluateTest, SetsRangesAndRelationalOperators) {
  Ruleset r = text(R"(
table inet t {
  set nets { type ipv4_addr; flags interval; elements = { 10.0.0.0/8, 192.168.1.10-192.168.1.20 } }
  set v6 { type ipv6_addr; flags interval; elements = { 2001:db8:1::/48 } }
  set ports { type inet_service; elements = { 22, 443 } }
  set protos { type inet_proto; elements = { tcp, udp } }
  chain c {
    type filter hook input priority 0; policy drop;
    ip saddr @nets tcp dport @ports accept
    ip6 saddr @v6 meta l4proto @protos accept
    tcp dport < 1024 tcp sport >= 50000 accept
    udp dport { 67-68, 123, 5000-5100 } accept
  }
}
)");
  EXPECT_EQ(eval(r, Hook::kInput, {.in = "wan", .src = "10.9.9.9", .dport = 22}), "accept");
  EXPECT_EQ(eval(r, Hook::kInput, {.in = "wan", .src = "192.168.1.15", .dport = 443}), "accept");
  EXPECT_EQ(eval(r, Hook::kInput, {.in = "wan", .src = "192.168.1.21", .dport = 443}), "drop");
  EXPECT_EQ(eval(r, Hook::kInput, {.in = "wan", .proto = 17, .src = "2001:db8:1:ff::1", .dst = "2001:db8::1"}),
            "accept");
  EXPECT_EQ(eval(r, Hook::kInput, {.in = "wan", .proto = 17, .src = "2001:db8:2::1", .dst = "2001:db8::1"}), "drop");
  EXPECT_EQ(eval(r, Hook::kInput, {.in = "wan", .src = "198.51.100.1", .sport = 50000, .dport = 1023}), "accept");
  EXPECT_EQ(eval(r, Hook::kInput, {.in = "wan", .src = "198.51.100.1", .sport = 49999, .dport = 1023}), "drop");
  EXPECT_EQ(eval(r, Hook::kInput, {.in = "wan", .proto = 17, .src = "198.51.100.1", .dport = 68}), "accept");
  EXPECT_EQ(eval(r, Hook::kInput, {.in = "wan", .proto = 17, .src = "198.51.100.1", .dport = 5050}), "accept");
  EXPECT_EQ(eval(r, Hook::kInput, {.in = "wan", .proto = 17, .src = "198.51.100.1", .dport = 124}), "drop");
}

TEST(EvaluateTest, HooksWithoutChainsAccept) {
  Ruleset r = text("table inet t { chain c { type filter hook input priority 0; policy drop; }; }\n");
  EXPECT_EQ(eval(r, Hook::kForward, {.in = "lan", .out = "wan"}), "accept");
  EXPECT_EQ(eval(r, Hook::kIngress, {.in = "lan"}), "accept");
  Ruleset empty;
  EXPECT_EQ(eval(empty, Hook::kInput, {.in = "lan"}), "accept");
  EXPECT_EQ(empty.list(), "");
}

}  // namespace
}  // namespace flowsim::engine::nft
