// SPDX-License-Identifier: Apache-2.0
// What OpenWrt firewall4 rulesets use beyond the basics, evaluated with the kernel's
// semantics: verdict maps (nft_lookup with a verdict map: no key, no verdict), `tcp flags`
// and `ct status` as bitmasks (nft_cmp / nft_bitwise), address masks, ICMP types and
// `type . code` concatenations, `limit rate` as nft_limit's token bucket in simulated time,
// `ct helper set` (nft_ct_helper_obj_eval), `tcp option maxseg size set`, `ip dscp set`. Listing forms are
// checked against real nft in text_parser_test (testdata/recorded/router_constructs).
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "engine/nft/nft_test_util.hpp"
#include "engine/nft/ruleset.hpp"
#include "net/input_error.hpp"

namespace flowsim::engine::nft {
namespace {

using testing::describe;
using testing::packet;
using testing::Pkt;

constexpr std::uint8_t kFin = 0x01;
constexpr std::uint8_t kSyn = 0x02;
constexpr std::uint8_t kRst = 0x04;
constexpr std::uint8_t kAck = 0x10;

std::string eval(Ruleset& r, Hook hook, const Pkt& p) { return describe(r.evaluate(hook, packet(p))); }

Ruleset text(std::string_view ruleset) { return Ruleset::parse_text(ruleset, "test.nft"); }

std::string load_error(std::string_view ruleset) {
  try {
    text(ruleset);
  } catch (const net::InputError& e) {
    return e.what();
  }
  return "loaded";
}

TEST(RouterConstructsTest, CtStateVerdictMapDecidesOrFallsThrough) {
  Ruleset r = text(R"(
table inet fw4 {
  chain input {
    type filter hook input priority filter; policy drop;
    ct state vmap { established : accept, related : accept, invalid : drop }
    tcp dport 22 accept
  }
}
)");
  EXPECT_EQ(eval(r, Hook::kInput, {.in = "wan", .dport = 80, .ct = kCtEstablished}), "accept");
  EXPECT_EQ(eval(r, Hook::kInput, {.in = "wan", .dport = 80, .ct = kCtRelated}), "accept");
  EXPECT_EQ(eval(r, Hook::kInput, {.in = "wan", .dport = 22, .ct = kCtInvalid}), "drop");
  // new is no key: the rule breaks and the next one decides.
  EXPECT_EQ(eval(r, Hook::kInput, {.in = "wan", .dport = 22, .ct = kCtNew}), "accept");
  EXPECT_EQ(eval(r, Hook::kInput, {.in = "wan", .dport = 80, .ct = kCtNew}), "drop");
}

TEST(RouterConstructsTest, InterfaceAndNfprotoVerdictMapsJumpAndGoto) {
  Ruleset r = text(R"(
table inet t {
  chain forward {
    type filter hook forward priority 0; policy drop;
    iifname vmap { "br-lan" : jump from_lan, "wg*" : goto from_vpn }
    counter
  }
  chain from_lan { meta nfproto vmap { ipv4 : accept, ipv6 : return }; }
  chain from_vpn { tcp dport 443 accept; }
}
)");
  EXPECT_EQ(eval(r, Hook::kForward, {.in = "br-lan", .out = "wan"}), "accept");
  // from_lan returns for IPv6, and the rule after the map counts it; policy drop.
  EXPECT_EQ(eval(r, Hook::kForward, {.in = "br-lan", .out = "wan", .src = "fd00::2", .dst = "2001:db8::1"}), "drop");
  EXPECT_EQ(eval(r, Hook::kForward, {.in = "wg0", .out = "wan", .dport = 443}), "accept");
  // goto: no return to `counter`, the base chain's policy applies.
  EXPECT_EQ(eval(r, Hook::kForward, {.in = "wg0", .out = "wan", .dport = 80}), "drop");
  EXPECT_NE(r.list().find("counter packets 1 bytes 60"), std::string::npos) << r.list();
}

TEST(RouterConstructsTest, TcpFlagsAsNftCompilesThem) {
  Ruleset r = text(R"(
table inet t {
  chain input {
    type filter hook input priority 0; policy accept;
    tcp flags & (fin | syn | rst | ack) == syn counter comment "syn only"
    tcp flags syn / fin,syn,rst counter comment "syn without fin or rst"
    tcp flags syn,rst counter comment "any of syn and rst"
    tcp flags ! syn,ack counter comment "neither"
    tcp flags == fin|ack counter comment "exactly"
    tcp flags { syn, ack } counter comment "set of exact values"
  }
}
)");
  for (std::uint8_t flags : {kSyn, static_cast<std::uint8_t>(kSyn | kAck), kFin, static_cast<std::uint8_t>(kFin | kAck),
                             kAck, kRst}) {
    r.evaluate(Hook::kInput, packet({.in = "wan", .tcp_flags = flags}));
  }
  EXPECT_EQ(r.list(), R"(table inet t {
	chain input {
		type filter hook input priority filter; policy accept;
		tcp flags syn / fin,syn,rst,ack counter packets 1 bytes 60 comment "syn only"
		tcp flags syn / fin,syn,rst counter packets 2 bytes 120 comment "syn without fin or rst"
		tcp flags syn,rst counter packets 3 bytes 180 comment "any of syn and rst"
		tcp flags ! syn,ack counter packets 2 bytes 120 comment "neither"
		tcp flags == fin,ack counter packets 1 bytes 60 comment "exactly"
		tcp flags { syn, ack } counter packets 2 bytes 120 comment "set of exact values"
	}
}
)");
  // A UDP packet has no TCP flags: no match breaks, whatever its form.
  Ruleset u = text("table ip t { chain c { type filter hook input priority 0; tcp flags ! syn drop; }; }");
  EXPECT_EQ(eval(u, Hook::kInput, {.in = "wan", .proto = 17}), "accept");
  EXPECT_EQ(eval(u, Hook::kInput, {.in = "wan", .tcp_flags = kAck}), "drop");
}

TEST(RouterConstructsTest, CtStatusAndAddressMasks) {
  Ruleset r = text(R"(
table inet t {
  chain forward {
    type filter hook forward priority 0; policy drop;
    ct status dnat accept
    ip saddr & 0.0.0.255 == 0.0.0.7 accept
    ip6 daddr & ::ffff:ffff:ffff:ffff != ::1 drop
    ip6 saddr fd00::/8 accept
  }
}
)");
  constexpr std::uint32_t kIpsDstNat = 0x20;
  EXPECT_EQ(eval(r, Hook::kForward, {.in = "wan", .out = "lan", .src = "198.51.100.9", .ct_status = kIpsDstNat | 0x8}),
            "accept");
  EXPECT_EQ(eval(r, Hook::kForward, {.in = "wan", .out = "lan", .src = "198.51.100.9", .ct_status = 0x10}), "drop");
  EXPECT_EQ(eval(r, Hook::kForward, {.in = "wan", .out = "lan", .src = "10.1.2.7"}), "accept");
  EXPECT_EQ(eval(r, Hook::kForward, {.in = "lan", .out = "wan", .src = "fd00::5", .dst = "2001:db8::1"}), "accept");
  EXPECT_EQ(eval(r, Hook::kForward, {.in = "lan", .out = "wan", .src = "fd00::5", .dst = "2001:db8::2"}), "drop");
}

TEST(RouterConstructsTest, IcmpTypesAndTypeCodeConcatenations) {
  Ruleset r = text(R"(
table inet fw4 {
  chain input_wan {
    type filter hook input priority 0; policy drop;
    meta nfproto ipv4 icmp type 8 counter accept
    ip6 saddr fe80::/10 icmpv6 type . icmpv6 code { 130 . 0, 131 . 0, 132 . 0, 143 . 0 } counter accept
    meta nfproto ipv6 icmpv6 type { 128, 129, 1, 3, 133, 134 } accept
  }
}
)");
  EXPECT_EQ(eval(r, Hook::kInput, {.in = "wan", .proto = 1, .src = "198.51.100.1", .dst = "192.0.2.1", .icmp_type = 8}),
            "accept");
  EXPECT_EQ(eval(r, Hook::kInput, {.in = "wan", .proto = 1, .src = "198.51.100.1", .dst = "192.0.2.1", .icmp_type = 13}),
            "drop");
  EXPECT_EQ(eval(r, Hook::kInput, {.in = "wan", .proto = 58, .src = "fe80::1", .dst = "ff02::1", .icmp_type = 131}),
            "accept");
  // MLD report with a code that is not 0 is no member; nor is one from a global address.
  EXPECT_EQ(eval(r, Hook::kInput,
                 {.in = "wan", .proto = 58, .src = "fe80::1", .dst = "ff02::1", .icmp_type = 131, .icmp_code = 1}),
            "drop");
  EXPECT_EQ(eval(r, Hook::kInput, {.in = "wan", .proto = 58, .src = "2001:db8::1", .dst = "ff02::1", .icmp_type = 131}),
            "drop");
  EXPECT_EQ(eval(r, Hook::kInput, {.in = "wan", .proto = 58, .src = "2001:db8::1", .dst = "2001:db8::2", .icmp_type = 128}),
            "accept");
  // ICMPv6 echo request is not ICMP's: the IPv4 rule's dependency fails.
  EXPECT_EQ(eval(r, Hook::kInput, {.in = "wan", .proto = 58, .src = "2001:db8::1", .dst = "2001:db8::2", .icmp_type = 8}),
            "drop");
  const std::string listed = r.list();
  EXPECT_NE(listed.find("\t\ticmp type echo-request counter packets 1 bytes 60 accept\n"), std::string::npos) << listed;
  EXPECT_NE(listed.find("icmpv6 type . icmpv6 code { mld-listener-query . no-route, mld-listener-report . no-route, "
                        "mld-listener-done . no-route, mld2-listener-report . no-route } counter packets 1 bytes 60 accept"),
            std::string::npos)
      << listed;
}

TEST(RouterConstructsTest, LimitIsATokenBucketInSimulatedTime) {
  // 2/second, burst 2: cost 500 ms of tokens, bucket 1 s, full at load.
  Ruleset r = text(R"(
table inet t {
  chain input {
    type filter hook input priority 0; policy drop;
    limit rate 2/second burst 2 packets counter accept
  }
  chain output {
    type filter hook output priority 0; policy accept;
    limit rate over 1/minute drop
  }
}
)");
  auto at = [&](std::uint64_t ms) { return eval(r, Hook::kInput, {.in = "wan", .now_ns = ms * 1'000'000}); };
  EXPECT_EQ(at(0), "accept");
  EXPECT_EQ(at(0), "accept");
  EXPECT_EQ(at(0), "drop");
  EXPECT_EQ(at(499), "drop");  // 499 ms of tokens, the cost is 500
  EXPECT_EQ(at(1000), "accept");  // 499 + 501 ms: the bucket is full again
  EXPECT_EQ(at(1000), "accept");
  EXPECT_EQ(at(1000), "drop");
  EXPECT_EQ(at(60'000), "accept");  // the bucket holds no more than its burst
  EXPECT_EQ(at(60'000), "accept");
  EXPECT_EQ(at(60'000), "drop");
  // `over`: the packets beyond the rate match (burst 5 by default).
  auto out = [&](std::uint64_t s) { return eval(r, Hook::kOutput, {.now_ns = s * 1'000'000'000}); };
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(out(0), "accept") << i;
  }
  EXPECT_EQ(out(0), "drop");
  EXPECT_EQ(out(60), "accept");
  EXPECT_EQ(out(60), "drop");
}

TEST(RouterConstructsTest, CtHelperSetNamesTheHelperForItsProtocolAndFamily) {
  Ruleset r = text(R"(
table inet fw4 {
  ct helper ftp { type "ftp" protocol tcp; }
  ct helper irc { type "irc" protocol tcp; }
  chain helper_lan {
    type filter hook prerouting priority filter; policy accept;
    tcp dport 21 ct helper set "ftp"
    tcp dport 6667 ct helper set "irc"
    meta l4proto udp ct helper set "ftp"
  }
}
)");
  auto helper = [&](const Pkt& p) { return std::string(r.evaluate(Hook::kPrerouting, packet(p)).helper); };
  EXPECT_EQ(helper({.in = "br-lan", .dport = 21}), "ftp");
  EXPECT_EQ(helper({.in = "br-lan", .src = "fd00::2", .dst = "2001:db8::1", .dport = 21}), "ftp");
  EXPECT_EQ(helper({.in = "br-lan", .dport = 6667}), "irc");
  // irc exists for IPv4 only (listed as l3proto ip); a UDP packet gets no TCP helper.
  EXPECT_EQ(helper({.in = "br-lan", .src = "fd00::2", .dst = "2001:db8::1", .dport = 6667}), "");
  EXPECT_EQ(helper({.in = "br-lan", .proto = 17, .dport = 53}), "");
  EXPECT_NE(r.list().find("\tct helper irc {\n\t\ttype \"irc\" protocol tcp\n\t\tl3proto ip\n\t}\n"), std::string::npos);
}

TEST(RouterConstructsTest, MssClampIsReportedForTcpOnly) {
  Ruleset r = text(R"(
table inet fw4 {
  chain mangle_forward {
    type filter hook forward priority mangle; policy accept;
    iifname "wan" tcp flags syn / syn,fin,rst tcp option maxseg size set rt mtu
    oifname "wan" tcp flags syn / syn,fin,rst tcp option maxseg size set 1400
  }
}
)");
  const EvalResult in = r.evaluate(Hook::kForward, packet({.in = "wan", .out = "lan", .tcp_flags = kSyn}));
  EXPECT_TRUE(in.mss_set);
  EXPECT_TRUE(in.mss_rt_mtu);
  const EvalResult out = r.evaluate(Hook::kForward, packet({.in = "lan", .out = "wan", .tcp_flags = kSyn}));
  EXPECT_TRUE(out.mss_set);
  EXPECT_FALSE(out.mss_rt_mtu);
  EXPECT_EQ(out.mss_value, 1400);
  // SYN+ACK is `syn / syn,fin,rst` too; an ACK is not.
  EXPECT_TRUE(r.evaluate(Hook::kForward, packet({.in = "wan", .out = "lan", .tcp_flags = kSyn | kAck})).mss_set);
  EXPECT_FALSE(r.evaluate(Hook::kForward, packet({.in = "wan", .out = "lan", .tcp_flags = kAck})).mss_set);
  EXPECT_FALSE(r.evaluate(Hook::kForward, packet({.in = "wan", .out = "lan", .proto = 17})).mss_set);
}

// `ip dscp set` / `ip6 dscp set` (nft_payload_set): names as nft's dscp_type_tbl has them,
// numbers up to 63; a packet of the other family breaks the rule (the payload expression's
// protocol dependency); the last one run wins; listed by name, else as 0x%.2x.
TEST(RouterConstructsTest, DscpSetByFamilyAndListedAsNftListsIt) {
  Ruleset r = text(R"(
table inet fw4 {
  chain mangle_forward {
    type filter hook forward priority mangle; policy accept;
    oifname "wan" ip dscp set cs3
    oifname "wan" ip6 dscp set 0x2f
    iifname "wan" ip dscp set 1
    iifname "wan" ip dscp set 0
  }
}
)");
  EXPECT_EQ(r.evaluate(Hook::kForward, packet({.in = "lan", .out = "wan"})).dscp, std::optional<std::uint8_t>(0x18));
  EXPECT_EQ(r.evaluate(Hook::kForward, packet({.in = "lan", .out = "wan", .src = "fd00::2", .dst = "2001:db8::1"})).dscp,
            std::optional<std::uint8_t>(0x2f));
  EXPECT_EQ(r.evaluate(Hook::kForward, packet({.in = "wan", .out = "lan"})).dscp, std::optional<std::uint8_t>(0));
  EXPECT_FALSE(r.evaluate(Hook::kForward, packet({.in = "wan", .out = "lan", .src = "2001:db8::1", .dst = "fd00::2"})).dscp);
  EXPECT_EQ(r.list(), R"(table inet fw4 {
	chain mangle_forward {
		type filter hook forward priority mangle; policy accept;
		oifname "wan" ip dscp set cs3
		oifname "wan" ip6 dscp set 0x2f
		iifname "wan" ip dscp set lephb
		iifname "wan" ip dscp set cs0
	}
}
)");
  // Real nft 1.0.6: "Error: Value 64 exceeds valid range 0-63".
  EXPECT_EQ(load_error("table inet t {\n  chain c {\n    ip dscp set 64\n  }\n}\n"),
            "test.nft:3:17: Value 64 exceeds valid range 0-63");
  EXPECT_EQ(load_error("table inet t {\n  chain c {\n    ip dscp sc3\n  }\n}\n"),
            "test.nft:3:13: invalid DSCP \"sc3\" (cs0-cs7, af11-af43, ef, va, lephb or 0-63)");
}

TEST(RouterConstructsTest, RedirectAndNatWithoutTo) {
  Ruleset r = text(R"(
table inet fw4 {
  chain dstnat {
    type nat hook prerouting priority dstnat; policy accept;
    meta nfproto ipv4 udp dport 53 redirect to 53
    meta nfproto ipv4 tcp dport 22 dnat 192.168.26.100:22
    ip6 daddr & ::ffff == ::9 dnat ::99
  }
}
)");
  EXPECT_EQ(eval(r, Hook::kPrerouting, {.in = "br-lan", .proto = 17, .dst = "8.8.8.8", .dport = 53}),
            "accept redirect/4 :53");
  EXPECT_EQ(eval(r, Hook::kPrerouting, {.in = "wan", .dst = "203.0.113.2", .dport = 22}), "accept dnat 192.168.26.100:22");
  EXPECT_EQ(eval(r, Hook::kPrerouting, {.in = "wan", .src = "2001:db8::1", .dst = "2001:db8:5::9", .dport = 80}),
            "accept dnat ::99");
  EXPECT_EQ(r.list(), R"(table inet fw4 {
	chain dstnat {
		type nat hook prerouting priority dstnat; policy accept;
		meta nfproto ipv4 udp dport 53 redirect to :53
		meta nfproto ipv4 tcp dport 22 dnat ip to 192.168.26.100:22
		ip6 daddr & ::ffff == ::9 dnat ip6 to ::99
	}
}
)");
  EXPECT_EQ(load_error("table ip t {\n  chain c {\n    type nat hook postrouting priority srcnat;\n    redirect\n  }\n}\n"),
            "test.nft:4:5: redirect is only allowed on the prerouting and output hooks");
}

TEST(RouterConstructsTest, ErrorsNameThePlaceAndSayWhatIsNotModelled) {
  EXPECT_EQ(load_error("table inet t {\n  chain c {\n    ct helper set \"ftp\"\n  }\n}\n"),
            "test.nft:3:19: unknown ct helper \"ftp\"");
  EXPECT_EQ(load_error("table inet t {\n  ct helper x { type \"nope\" protocol tcp; }\n}\n"),
            "test.nft:2:3: unknown ct helper type \"nope\" (the kernel has amanda, ftp, RAS, Q.931, irc, netbios-ns, "
            "pptp, sane, sip, snmp, tftp; OpenWrt adds rtsp)");
  EXPECT_EQ(load_error("table inet t {\n  chain c {\n    ct state vmap { new : accept, new : drop }\n  }\n}\n"),
            "test.nft:3:19: duplicate key new in verdict map");
  EXPECT_EQ(load_error("table inet t {\n  chain c {\n    ct state new / new,related\n  }\n}\n"),
            "test.nft:3:18: unsupported match: a mask on ct state");
  EXPECT_EQ(load_error("table inet t {\n  chain c {\n    limit rate 1 mbytes/second\n  }\n}\n"),
            "test.nft:3:5: unsupported statement \"limit\" with a byte rate");
  EXPECT_EQ(load_error("table inet t {\n  chain c {\n    icmpv6 type . icmpv6 code { 1 . 0, 2 }\n  }\n}\n"),
            "test.nft:3:40: a value of this concatenation has 2 parts, joined by \".\"");
  // nft's grammar wants a list after "/" (and lists `& ack == syn` as this unreadable form).
  EXPECT_EQ(load_error("table inet t {\n  chain c {\n    tcp flags syn / ack\n  }\n}\n"),
            "test.nft:3:24: syntax error, unexpected end of line, expecting \",\"");
}

}  // namespace
}  // namespace flowsim::engine::nft
