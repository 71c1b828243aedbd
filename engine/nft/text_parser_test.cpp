// SPDX-License-Identifier: Apache-2.0
// The text syntax against nft itself: every expected listing here is what nft 1.0.6 printed
// (`nft -f` then `nft list ruleset`, run in a private network namespace) for the same input,
// so these tests pin both the parser's reading and the printer's fidelity to nft: single
// rules below, whole files (variables, continuations, script commands) in testdata/recorded.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "engine/nft/nft_test_util.hpp"
#include "engine/nft/ruleset.hpp"
#include "net/input_error.hpp"

namespace flowsim::engine::nft {
namespace {

struct RuleCase {
  bool nat;  // in a nat prerouting chain, else a filter input chain (table inet)
  const char* rule;
  const char* listed;
};

// clang-format off
constexpr RuleCase kRuleCases[] = {
    {false, "meta nfproto ipv4 ip saddr 1.1.1.1",
     "ip saddr 1.1.1.1"},
    {false, "meta nfproto ipv4 tcp dport 22",
     "meta nfproto ipv4 tcp dport 22"},
    {false, "meta l4proto tcp tcp dport 22",
     "tcp dport 22"},
    {false, "meta nfproto ipv4 meta l4proto tcp reject with tcp reset",
     "meta l4proto tcp reject with tcp reset"},
    {false, "reject with icmp type host-unreachable",
     "reject with icmp host-unreachable"},
    {false, "meta nfproto ipv6 udp dport 546 counter accept",
     "meta nfproto ipv6 udp dport 546 counter packets 0 bytes 0 accept"},
    {false, "ip saddr 1.1.1.1 meta nfproto ipv4",
     "ip saddr 1.1.1.1 meta nfproto ipv4"},
    {false, "meta nfproto ipv4 iifname \"x\" ip saddr 1.1.1.1",
     "iifname \"x\" ip saddr 1.1.1.1"},
    {false, "meta l4proto tcp iifname \"x\" tcp dport 22",
     "iifname \"x\" tcp dport 22"},
    {false, "meta nfproto ipv4 iifname \"x\" reject",
     "iifname \"x\" reject with icmp port-unreachable"},
    {false, "meta l4proto tcp counter tcp dport 22",
     "meta l4proto tcp counter packets 0 bytes 0 tcp dport 22"},
    {false, "meta nfproto ipv6 meta l4proto udp udp dport 546",
     "meta nfproto ipv6 udp dport 546"},
    {false, "meta l4proto udp ip saddr 1.1.1.1 udp dport 53",
     "ip saddr 1.1.1.1 udp dport 53"},
    {false, "meta nfproto ipv4 ip protocol tcp",
     "ip protocol tcp"},
    {false, "meta nfproto ipv4 meta l4proto tcp reject",
     "meta l4proto tcp reject with icmp port-unreachable"},
    {false, "reject with tcp reset",
     "meta l4proto tcp reject with tcp reset"},
    {false, "ip6 saddr ::1 reject",
     "ip6 saddr ::1 reject with icmpv6 port-unreachable"},
    {false, "reject with icmpx type admin-prohibited",
     "reject with icmpx admin-prohibited"},
    {false, "counter accept comment \"x\"",
     "counter packets 0 bytes 0 accept comment \"x\""},
    {false, "ip protocol tcp tcp dport 22",
     "ip protocol tcp tcp dport 22"},
    {false, "tcp dport { 22 } accept",
     "tcp dport 22 accept"},
    {false, "ct state { new } accept",
     "ct state new accept"},
    {false, "ct state established, related accept",
     "ct state established,related accept"},
    {false, "ct state { new, established } counter",
     "ct state { established, new } counter packets 0 bytes 0"},
    {false, "ct state != established counter",
     "ct state != established counter packets 0 bytes 0"},
    {false, "ct state untracked,invalid accept",
     "ct state invalid,untracked accept"},
    {false, "iifname { \"a\" } accept",
     "iifname \"a\" accept"},
    {false, "ip daddr { 10.0.0.0/8 } accept",
     "ip daddr 10.0.0.0/8 accept"},
    {false, "tcp dport > 1024 accept",
     "tcp dport > 1024 accept"},
    {false, "ip saddr < 10.0.0.0 accept",
     "ip saddr < 10.0.0.0 accept"},
    {false, "iifname != { \"a\", \"b\" } accept",
     "iifname != { \"a\", \"b\" } accept"},
    {false, "iifname { \"lan\", \"br-lan\", \"eth*\" } accept",
     "iifname { \"br-lan\", \"eth*\", \"lan\" } accept"},
    {false, "log prefix \"a\" counter accept",
     "log prefix \"a\" counter packets 0 bytes 0 accept"},
    {false, "log level warn flags all",
     "log flags all"},
    {false, "tcp dport 22 counter packets 5 bytes 7 accept",
     "tcp dport 22 counter packets 5 bytes 7 accept"},
    {false, "ct original packets ge 5 return",
     "ct original packets >= 5 return"},
    {false, "ct original packets lt 10 accept",
     "ct original packets < 10 accept"},
    {false, "meta l4proto 58 accept",
     "meta l4proto ipv6-icmp accept"},
    {false, "ip protocol { tcp, 17 } accept",
     "ip protocol { tcp, udp } accept"},
    {false, "ip daddr 10.0.0.1/32 accept",
     "ip daddr 10.0.0.1 accept"},
    {false, "ip daddr 10.0.0.0-10.0.0.255 accept",
     "ip daddr 10.0.0.0-10.0.0.255 accept"},
    {false, "ip daddr { 10.0.0.0-10.0.0.255, 10.0.0.1/32 } accept",
     "ip daddr { 10.0.0.0/24 } accept"},
    {false, "tcp dport { 22, 23, 80-90, 91 } accept",
     "tcp dport { 22-23, 80-91 } accept"},
    {false, "tcp dport { 23, 22 } accept",
     "tcp dport { 22, 23 } accept"},
    {false, "ip6 daddr { ::1, fe80::1-fe80::5 } accept",
     "ip6 daddr { ::1, fe80::1-fe80::5 } accept"},
    {false, "tcp dport 22-22 accept",
     "tcp dport 22-22 accept"},
    {false, "th dport { 53, 67-68 } accept",
     "th dport { 53, 67-68 } accept"},
    {false, "ip daddr != { 10.1.0.0/16, 10.2.0.1 } accept",
     "ip daddr != { 10.1.0.0/16, 10.2.0.1 } accept"},
    {false, "meta iifname eth0 accept",
     "iifname \"eth0\" accept"},
    {false, "tcp dport ssh accept",
     "tcp dport 22 accept"},
    {true, "meta nfproto ipv4 meta l4proto { tcp, udp } th dport 8080 dnat ip to 1.2.3.4:80",
     "meta nfproto ipv4 meta l4proto { tcp, udp } th dport 8080 dnat ip to 1.2.3.4:80"},
    {true, "meta nfproto ipv4 tcp dport 8080 dnat ip to 1.2.3.4:80",
     "meta nfproto ipv4 tcp dport 8080 dnat ip to 1.2.3.4:80"},
    {true, "ip saddr 1.1.1.1 dnat to 2.2.2.2",
     "ip saddr 1.1.1.1 dnat ip to 2.2.2.2"},
    {true, "meta l4proto udp dnat ip6 to [2001:db8::1]:80",
     "meta l4proto udp dnat ip6 to [2001:db8::1]:80"},
    {true, "dnat ip6 to 2001:db8::1",
     "dnat ip6 to 2001:db8::1"},
    {true, "ip protocol tcp dnat ip to 192.168.1.100",
     "ip protocol tcp dnat ip to 192.168.1.100"},
    {true, "meta l4proto tcp dnat ip to 10.0.0.1-10.0.0.9:80-90 random,persistent",
     "meta l4proto tcp dnat ip to 10.0.0.1-10.0.0.9:80-90 random,persistent"},
};
// clang-format on

TEST(TextParserTest, RulesListAsNftPrintsThem) {
  for (const RuleCase& c : kRuleCases) {
    const std::string header =
        c.nat ? "type nat hook prerouting priority dstnat;" : "type filter hook input priority filter;";
    const std::string text = "table inet t {\n\tchain c {\n\t\t" + header + "\n\t\t" + c.rule + "\n\t}\n}\n";
    const Ruleset r = Ruleset::parse_text(text, "rule.nft");
    const std::string listed = r.list();
    const std::string policy = "policy accept;\n\t\t";
    const std::size_t begin = listed.find(policy) + policy.size();
    EXPECT_EQ(listed.substr(begin, listed.find('\n', begin) - begin), c.listed) << c.rule;
  }
}

// The recorded fixtures (testdata/recorded/README.md): whole files, both syntaxes' forms.
TEST(TextParserTest, RecordedRulesetsListLikeNft) {
  for (const char* name : {"sets", "mixed", "priorities", "nat", "merge", "wrap", "script", "variables",
                           "define_block", "table_commands", "router_constructs", "flag_matches", "named_sets"}) {
    const std::string base = std::string("recorded/") + name;
    const Ruleset r = Ruleset::parse_text(testing::read_testdata(base + ".nft"), base + ".nft");
    EXPECT_EQ(r.list(), testing::read_testdata(base + ".list")) << name;
  }
}

TEST(TextParserTest, FlowtableWithVariableDevicesAndAllOptions) {
  // nft 1.0.6 prints devices sorted and unquoted, then `flags offload`, then `counter`.
  const Ruleset r = Ruleset::parse_text(R"nft(define DEVS = { "wan", lan }
table ip t {
	flowtable f { hook ingress priority filter + 5; devices = $DEVS; counter; flags offload; }
	flowtable g {
		hook ingress priority -20
		devices = eth0
	}
}
add flowtable ip t h { hook ingress priority 0; }
)nft",
                                        "ft.nft");
  EXPECT_EQ(r.list(), R"nft(table ip t {
	flowtable f {
		hook ingress priority filter + 5
		devices = { lan, wan }
		flags offload
		counter
	}

	flowtable g {
		hook ingress priority -20
		devices = { eth0 }
	}

	flowtable h {
		hook ingress priority filter
	}
}
)nft");
  ASSERT_EQ(r.flowtables().size(), 3u);
  const FlowtableSpec& f = r.flowtables()[0];
  EXPECT_EQ(f.table, "t");
  EXPECT_EQ(f.family, Family::kIp);
  EXPECT_EQ(f.name, "f");
  EXPECT_EQ(f.priority, 5);
  EXPECT_EQ(f.devices, (std::vector<std::string>{"wan", "lan"}));  // as declared
  EXPECT_TRUE(f.offload);
  EXPECT_TRUE(f.counter);
  EXPECT_FALSE(r.flowtables()[1].offload);
  EXPECT_EQ(r.flowtables()[1].priority, -20);
}

TEST(TextParserTest, BlockItemsEndWithASeparatorAsInNft) {
  // nft wants a newline or ";" after a rule and after a chain's "}" (a misplaced "}" is then
  // found where it is), but none after a set's elements or a flowtable's counter.
  const Ruleset r = Ruleset::parse_text(
      "table ip t { chain c { type filter hook input priority 0; accept; }; set s { type ipv4_addr; elements = { 10.0.0.1 } }\n"
      "flowtable f { hook ingress priority 0; devices = { lan }; counter }; }",
      "x.nft");
  EXPECT_NE(r.list().find("\t\taccept\n"), std::string::npos);
  try {
    Ruleset::parse_text("table ip t { chain c { type filter hook input priority 0; accept } }", "x.nft");
    FAIL() << "loaded";
  } catch (const net::InputError& e) {
    EXPECT_STREQ(e.what(),
                 "x.nft:1:66: syntax error, unexpected \"}\", expecting end of line or \";\"\n"
                 "x.nft:1:69: syntax error, unexpected end of file, expecting \"}\"");
  }
}

TEST(TextParserTest, LoadPicksTheSyntaxByContent) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "flowsim_nft_load_test";
  std::filesystem::create_directories(dir);
  {
    std::ofstream(dir / "rules.conf") << "table ip t {\n\tchain c {\n\t}\n}\n";
    std::ofstream(dir / "rules.txt") << "  {\"nftables\": [{\"table\": {\"family\": \"ip\", \"name\": \"t\"}}]}\n";
  }
  EXPECT_EQ(Ruleset::load(dir / "rules.conf").list(), "table ip t {\n\tchain c {\n\t}\n}\n");
  EXPECT_EQ(Ruleset::load(dir / "rules.txt").list(), "table ip t {\n}\n");
  EXPECT_EQ(Ruleset::load_text(dir / "rules.conf").list(), "table ip t {\n\tchain c {\n\t}\n}\n");
  EXPECT_EQ(Ruleset::load_json(dir / "rules.txt").list(), "table ip t {\n}\n");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace flowsim::engine::nft
