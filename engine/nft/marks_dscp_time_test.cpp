// SPDX-License-Identifier: Apache-2.0
// fw4's mangle, time and raw rules with the kernel's semantics: `meta mark set` as one
// nft_bitwise (mask, xor) whatever the chain of and/or/xor written, seen by the rules after
// it; `ip/ip6 dscp` matched and set (nft_payload_set, for its own family only); `meta time`,
// `meta hour` and `meta day` against the wall clock in UTC (nft_meta_get_eval_time); `notrack`
// reported to the caller. The listings are real nft 1.0.6's (firewall4_suite_test checks
// fw4's whole rulesets, text and JSON).
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "engine/nft/nft_test_util.hpp"
#include "engine/nft/ruleset.hpp"
#include "net/input_error.hpp"

namespace flowsim::engine::nft {
namespace {

using testing::packet;
using testing::Pkt;

Ruleset text(std::string_view ruleset) { return Ruleset::parse_text(ruleset, "test.nft"); }

std::string load_error(std::string_view ruleset) {
  try {
    text(ruleset);
  } catch (const net::InputError& e) {
    return e.what();
  }
  return "loaded";
}

// 2022-05-30 21:51:23 UTC, a Monday.
constexpr std::uint64_t kMonday215123 = 1653947483ULL * 1'000'000'000ULL;
constexpr std::uint64_t kHour = 3600ULL * 1'000'000'000ULL;

TEST(MarksDscpTimeTest, MarkSetFoldsAndOrXorAsTheKernelRunsIt) {
  Ruleset r = text(R"(
table inet fw4 {
  chain mangle_prerouting {
    type filter hook prerouting priority mangle; policy accept;
    iifname "lan" meta mark set mark and 0xffff0054 xor 0xab
    iifname "wan" meta mark set mark or 0xaf
    iifname "br-lan" meta mark set 0xaa
    meta mark 0x123400fb counter
    meta mark & 0xff == 0xaa counter
  }
}
)");
  EXPECT_EQ(r.evaluate(Hook::kPrerouting, packet({.in = "lan", .mark = 0x12345678})).mark, 0x123400fbu);
  EXPECT_EQ(r.evaluate(Hook::kPrerouting, packet({.in = "wan", .mark = 0x12345678})).mark, 0x123456ffu);
  EXPECT_EQ(r.evaluate(Hook::kPrerouting, packet({.in = "br-lan", .mark = 0x12345678})).mark, 0xaau);
  // Unchanged by a hook that sets nothing.
  EXPECT_EQ(r.evaluate(Hook::kPrerouting, packet({.in = "eth9", .mark = 7})).mark, 7u);
  // The later rules saw the new mark: one each.
  EXPECT_EQ(r.list(), R"(table inet fw4 {
	chain mangle_prerouting {
		type filter hook prerouting priority mangle; policy accept;
		iifname "lan" meta mark set meta mark & 0xffff00ff | 0x000000ab
		iifname "wan" meta mark set meta mark | 0x000000af
		iifname "br-lan" meta mark set 0x000000aa
		meta mark 0x123400fb counter packets 1 bytes 60
		meta mark & 0x000000ff == 0x000000aa counter packets 1 bytes 60
	}
}
)");
}

TEST(MarksDscpTimeTest, MarkSetFromJsonIsTheSameStatement) {
  Ruleset r = Ruleset::parse_json(R"({"nftables": [
{"table": {"family": "inet", "name": "t"}},
{"chain": {"family": "inet", "table": "t", "name": "c", "type": "filter", "hook": "prerouting", "prio": -150, "policy": "accept"}},
{"rule": {"family": "inet", "table": "t", "chain": "c", "expr": [{"mangle": {"key": {"meta": {"key": "mark"}}, "value": {"^": [{"&": [{"meta": {"key": "mark"}}, 4294902015]}, 173]}}}]}}
]})",
                                  "test.json");
  EXPECT_EQ(r.evaluate(Hook::kPrerouting, packet({.in = "lan", .mark = 0x12345678})).mark, 0x123400d5u);
  EXPECT_NE(r.list().find("meta mark set meta mark & 0xffff00ff ^ 0x000000ad\n"), std::string::npos) << r.list();
}

TEST(MarksDscpTimeTest, DscpMatchAndSetForTheirOwnFamily) {
  Ruleset r = text(R"(
table inet fw4 {
  chain mangle_forward {
    type filter hook forward priority mangle; policy accept;
    ip dscp cs0 ip dscp set af41
    ip6 dscp != cs0 ip6 dscp set 0x3f
    ip dscp af41 counter
  }
}
)");
  const EvalResult v4 = r.evaluate(Hook::kForward, packet({.in = "lan", .out = "wan"}));
  ASSERT_TRUE(v4.dscp.has_value());
  EXPECT_EQ(*v4.dscp, 0x22);
  // An IPv6 packet with DSCP 0: no ip match (another family), and the ip6 rule's match fails.
  EXPECT_FALSE(r.evaluate(Hook::kForward, packet({.in = "lan", .out = "wan", .src = "fd00::2", .dst = "2001:db8::1"}))
                   .dscp.has_value());
  const EvalResult v6 =
      r.evaluate(Hook::kForward, packet({.in = "lan", .out = "wan", .src = "fd00::2", .dst = "2001:db8::1", .dscp = 8}));
  ASSERT_TRUE(v6.dscp.has_value());
  EXPECT_EQ(*v6.dscp, 0x3f);
  EXPECT_NE(r.list().find("ip dscp cs0 ip dscp set af41\n\t\tip6 dscp != cs0 ip6 dscp set 0x3f\n\t\tip dscp af41 counter packets 1"),
            std::string::npos)
      << r.list();
}

TEST(MarksDscpTimeTest, TimeHourAndDayReadTheWallClockInUtc) {
  Ruleset r = text(R"(
table inet fw4 {
  chain forward {
    type filter hook forward priority filter; policy drop;
    meta time "2022-05-30 21:51:23"-"2022-06-01 23:51:23" meta hour >= "21:00" meta day { "Monday", "Tuesday" } accept
  }
}
)");
  auto at = [&](std::uint64_t wall) {
    return r.evaluate(Hook::kForward, packet({.in = "lan", .out = "wan", .wall_ns = wall})).verdict == Verdict::kAccept;
  };
  EXPECT_TRUE(at(kMonday215123));
  EXPECT_FALSE(at(kMonday215123 - 1'000'000'000));  // a second before the range
  EXPECT_FALSE(at(kMonday215123 + 3 * kHour));      // Tuesday 00:51: before 21:00
  EXPECT_TRUE(at(kMonday215123 + 24 * kHour));      // Tuesday 21:51
  EXPECT_FALSE(at(kMonday215123 + 48 * kHour));     // Wednesday
  EXPECT_NE(r.list().find("meta time \"2022-05-30 21:51:23\"-\"2022-06-01 23:51:23\" meta hour >= \"21:00\" "
                          "meta day { \"Monday\", \"Tuesday\" } accept"),
            std::string::npos)
      << r.list();
  EXPECT_EQ(load_error("table inet t {\n  chain c {\n    meta hour \"25:00\" accept\n  }\n}\n"),
            "test.nft:3:15: invalid hour \"25:00\" (\"HH:MM\" or \"HH:MM:SS\")");
  EXPECT_EQ(load_error("table inet t {\n  chain c {\n    meta day \"Someday\" accept\n  }\n}\n"),
            "test.nft:3:14: invalid day \"Someday\" (Sunday to Saturday)");
}

// fw4 writes `start_time 22:00 stop_time 06:00` as a range across midnight; nft makes it the
// negated range (listing recorded from nft 1.0.6).
TEST(MarksDscpTimeTest, AnHourRangeAcrossMidnightIsTheNegatedRange) {
  Ruleset r = text(R"(
table inet t {
	chain c {
		type filter hook forward priority 0;
		meta hour "22:00"-"06:00" accept
		meta hour != "23:00"-"01:30" drop
		meta hour "08:00"-"09:00" counter
	}
}
)");
  EXPECT_EQ(r.list(), R"(table inet t {
	chain c {
		type filter hook forward priority filter; policy accept;
		meta hour != "06:00"-"22:00" accept
		meta hour "01:30"-"23:00" drop
		meta hour "08:00"-"09:00" counter packets 0 bytes 0
	}
}
)");
  auto at = [&](std::uint64_t hour, std::uint64_t minute) {
    const std::uint64_t wall = kMonday215123 - (21 * 3600 + 51 * 60 + 23) * 1'000'000'000ULL +
                               (hour * 3600 + minute * 60) * 1'000'000'000ULL;
    return testing::describe(r.evaluate(Hook::kForward, packet({.in = "lan", .out = "wan", .wall_ns = wall})));
  };
  EXPECT_EQ(at(23, 30), "accept");
  EXPECT_EQ(at(5, 59), "accept");
  EXPECT_EQ(at(12, 0), "drop");  // not in 22:00-06:00, but in 01:30-23:00
  EXPECT_EQ(at(0, 30), "accept");
  const Ruleset j = Ruleset::parse_json(R"({"nftables": [
{"table": {"family": "inet", "name": "t"}},
{"chain": {"family": "inet", "table": "t", "name": "c", "type": "filter", "hook": "forward", "prio": 0, "policy": "accept"}},
{"rule": {"family": "inet", "table": "t", "chain": "c", "expr": [{"match": {"op": "==", "left": {"meta": {"key": "hour"}}, "right": {"range": ["22:00", "06:00"]}}}, {"accept": null}]}}
]})",
                                        "t.json");
  EXPECT_NE(j.list().find("meta hour != \"06:00\"-\"22:00\" accept"), std::string::npos) << j.list();
}

TEST(MarksDscpTimeTest, NotrackIsReportedToTheCaller) {
  Ruleset r = text(R"(
table inet fw4 {
  chain raw_prerouting {
    type filter hook prerouting priority raw; policy accept;
    iifname "lan" udp dport 53 counter notrack
  }
}
)");
  EXPECT_TRUE(r.evaluate(Hook::kPrerouting, packet({.in = "lan", .proto = 17, .dport = 53})).notrack);
  EXPECT_FALSE(r.evaluate(Hook::kPrerouting, packet({.in = "lan", .proto = 17, .dport = 123})).notrack);
  // The raw chain is below conntrack's priority: a range above it skips it.
  EXPECT_FALSE(r.evaluate(Hook::kPrerouting, packet({.in = "lan", .proto = 17, .dport = 53}),
                          PriorityRange{kConntrackPriority, PriorityRange{}.to})
                   .notrack);
  EXPECT_NE(r.list().find("iifname \"lan\" udp dport 53 counter packets 1 bytes 60 notrack\n"), std::string::npos)
      << r.list();
}

}  // namespace
}  // namespace flowsim::engine::nft
