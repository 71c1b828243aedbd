// SPDX-License-Identifier: Apache-2.0
// Every way a load fails, with its exact message: file, line and column of the offending
// word (text) or value (JSON, plus its index in the "nftables" array). Anything outside the
// subset must fail like this rather than be ignored.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>

#include "engine/nft/nft_test_util.hpp"
#include "engine/nft/ruleset.hpp"
#include "net/input_error.hpp"

namespace flowsim::engine::nft {
namespace {

std::string text_error(std::string_view text) {
  try {
    Ruleset::parse_text(text, "rules.nft");
  } catch (const net::InputError& e) {
    return e.what();
  }
  return "loaded";
}

std::string json_error(std::string_view text) {
  try {
    Ruleset::parse_json(text, "rules.json");
  } catch (const net::InputError& e) {
    return e.what();
  }
  return "loaded";
}

// A chain of `type` with one rule, the rule on line 5 (column 3).
std::string in_chain(std::string_view type, std::string_view rule) {
  return "table inet t {\n"
         "\tflowtable ft { hook ingress priority 0; devices = { lan }; }\n"
         "\tchain c {\n"
         "\t\t" + std::string(type) + "\n"
         "\t\t" + std::string(rule) + "\n"
         "\t}\n"
         "\tchain regular {\n"
         "\t}\n"
         "}\n";
}

constexpr std::string_view kForward = "type filter hook forward priority filter;";
constexpr std::string_view kInput = "type filter hook input priority filter;";
constexpr std::string_view kPrerouting = "type nat hook prerouting priority dstnat;";
constexpr std::string_view kPostrouting = "type nat hook postrouting priority srcnat;";

TEST(LoadErrorsTest, TheRequiredCases) {
  EXPECT_EQ(text_error(in_chain(kForward, "ip saddr 10.0.0.1 quota 10 mbytes")), "rules.nft:5:21: unsupported statement \"quota\"");
  EXPECT_EQ(text_error(in_chain(kForward, "ip saddr @lan_hosts accept")), "rules.nft:5:12: unknown set @lan_hosts");
  EXPECT_EQ(text_error(in_chain(kInput, "ct state established flow add @ft")),
            "rules.nft:5:24: flow add is only allowed in a chain on the forward hook");
  EXPECT_EQ(text_error(in_chain("type filter hook postrouting priority 100;", "oifname \"wan\" masquerade")),
            "rules.nft:5:17: masquerade is only allowed in a chain of type nat");
  EXPECT_EQ(text_error(in_chain(kForward, "ip daddr 192.168.1.300 accept")),
            "rules.nft:5:12: invalid IPv4 address \"192.168.1.300\"");
  EXPECT_EQ(text_error(in_chain(kForward, "iifname \"lan\" jump lan_forward")), "rules.nft:5:22: unknown chain \"lan_forward\"");
  // nft wants a newline or ";" before the "}" and resumes after the next one, taking the
  // stray "}" with the error: one error, not one for every line after it.
  EXPECT_EQ(text_error(in_chain(kForward, "ip saddr 10.0.0.1 accept }")),
            "rules.nft:5:28: syntax error, unexpected \"}\", expecting end of line or \";\"");
}

TEST(LoadErrorsTest, UnsupportedConstructsAreNamed) {
  EXPECT_EQ(text_error(in_chain(kForward, "meta secmark 0x1 accept")), "rules.nft:5:3: unsupported match \"meta secmark\"");
  EXPECT_EQ(text_error(in_chain(kForward, "tcp option sack-perm exists accept")),
            "rules.nft:5:3: unsupported match \"tcp option sack-perm\"");
  EXPECT_EQ(text_error(in_chain(kForward, "ct state vmap @states")), "rules.nft:5:17: unsupported statement: a named verdict map (vmap @states)");
  EXPECT_EQ(text_error(in_chain(kForward, "quota 10 mbytes accept")), "rules.nft:5:3: unsupported statement \"quota\"");
  EXPECT_EQ(text_error("table netdev n {\n}\n"),
            "rules.nft:1:14: unsupported table family \"netdev\" (ip, ip6 and inet are supported)");
  EXPECT_EQ(text_error("table bridge b {\n}\n"),
            "rules.nft:1:7: unsupported table family \"bridge\" (ip, ip6 and inet are supported)");
  EXPECT_EQ(text_error("table ip t {\n\tmap m { type ipv4_addr : verdict; }\n}\n"),
            "rules.nft:2:2: unsupported table statement \"map\"");
  EXPECT_EQ(text_error("table ip t {\n\tset s { type ifname; }\n}\n"),
            "rules.nft:2:15: unsupported set type \"ifname\" (ipv4_addr, ipv6_addr, inet_service, inet_proto, mark and "
            "their concatenations)");
  EXPECT_EQ(text_error("table ip t {\n\tset s { type ipv4_addr; policy memory; }\n}\n"),
            "rules.nft:2:26: unsupported set option \"policy\"");
  EXPECT_EQ(text_error("list ruleset\n"), "rules.nft:1:1: unsupported command \"list\"");
  EXPECT_EQ(text_error("table ip t {\n\tchain c {\n\t\ttype filter hook ingress device eth0 priority 0;\n\t}\n}\n"),
            "rules.nft:3:28: chain devices are not supported (netdev chains are outside the subset)");
}

TEST(LoadErrorsTest, SyntaxAndValues) {
  EXPECT_EQ(text_error(in_chain(kForward, "iifname \"lan accept")), "rules.nft:5:11: unterminated string");
  EXPECT_EQ(text_error(in_chain(kForward, "ip saddr $nope accept")), "rules.nft:5:12: undefined variable $nope");
  EXPECT_EQ(text_error(in_chain(kForward, "tcp dport 70000 drop")), "rules.nft:5:13: port 70000 is out of range");
  EXPECT_EQ(text_error(in_chain(kForward, "ip daddr 10.0.0.0/33 drop")),
            "rules.nft:5:12: Prefix length 33 is invalid for type of 32 bits width");
  EXPECT_EQ(text_error(in_chain(kForward, "ip saddr 10.0.0.9-10.0.0.1 drop")),
            "rules.nft:5:12: range \"10.0.0.9-10.0.0.1\" has a negative size");
  EXPECT_EQ(text_error(in_chain(kForward, "ct original packets > 1-2 accept")),
            "rules.nft:5:25: Relational expression (>) is undefined for range expressions");
  EXPECT_EQ(text_error(in_chain(kForward, "iifname > \"lan\" accept")),
            "rules.nft:5:13: Relational expression (>) is undefined for symbolic expressions");
  EXPECT_EQ(text_error(in_chain(kForward, "accept counter")), "rules.nft:5:10: Statement after terminal statement has no effect");
  EXPECT_EQ(text_error(in_chain(kForward, "accept comment \"a\" drop")), "rules.nft:5:22: syntax error, unexpected \"drop\"");
  EXPECT_EQ(text_error(in_chain(kForward, "tcp dport { 22, 23 accept")),
            "rules.nft:5:22: syntax error, unexpected \"accept\", expecting \",\" or \"}\"");
  EXPECT_EQ(text_error(in_chain(kForward, "reject with icmp type bogus")), "rules.nft:5:25: unknown icmp reject code \"bogus\"");
  EXPECT_EQ(text_error("table ip t {\n\tchain c {\n\t\ttype filter hook forward priority dstnat;\n\t}\n}\n"),
            "rules.nft:3:37: 'dstnat' is invalid priority in this context.");
  EXPECT_EQ(text_error("table ip t {\n\tchain c {\n\t\ttype filter hook sideways priority 0;\n\t}\n}\n"),
            "rules.nft:3:20: unknown hook \"sideways\"");
  EXPECT_EQ(text_error("define A = 1\ndefine A = 2\n"), "rules.nft:2:8: redefinition of variable $A");
  EXPECT_EQ(text_error("table ip t {\n\tchain c {\n\t\tpolicy drop;\n\t}\n}\n"),
            "rules.nft:3:3: policy is only valid on base chains");
}

TEST(LoadErrorsTest, ProtocolContext) {
  EXPECT_EQ(text_error(in_chain(kForward, "ip saddr 10.0.0.1 ip6 daddr ::1 accept")),
            "rules.nft:5:21: conflicting protocols specified: ip vs. ip6");
  EXPECT_EQ(text_error(in_chain(kForward, "meta l4proto udp tcp dport 22 accept")),
            "rules.nft:5:20: conflicting protocols specified: udp vs. tcp");
  EXPECT_EQ(text_error("table ip t {\n\tchain c {\n\t\tip6 saddr ::1\n\t}\n}\n"),
            "rules.nft:3:3: conflicting protocols specified: ip vs. ip6");
  EXPECT_EQ(text_error("table ip t {\n\tchain c {\n\t\tmeta nfproto ipv4\n\t}\n}\n"),
            "rules.nft:3:3: meta nfproto is only useful in the inet family");
  EXPECT_EQ(text_error(in_chain(kForward, "udp dport 53 reject with tcp reset")),
            "rules.nft:5:16: you cannot use tcp reset with this protocol");
  EXPECT_EQ(text_error(in_chain(kForward, "ip6 saddr ::1 reject with icmp type host-unreachable")),
            "rules.nft:5:17: conflicting protocols specified: ip6 vs. ip");
}

TEST(LoadErrorsTest, Nat) {
  EXPECT_EQ(text_error(in_chain(kPrerouting, "oifname \"wan\" masquerade")),
            "rules.nft:5:17: masquerade is only allowed on the postrouting hook");
  EXPECT_EQ(text_error(in_chain(kPrerouting, "snat ip to 203.0.113.2")),
            "rules.nft:5:3: snat is only allowed on the postrouting and input hooks");
  EXPECT_EQ(text_error(in_chain(kPostrouting, "dnat ip to 192.168.1.2")),
            "rules.nft:5:3: dnat is only allowed on the prerouting and output hooks");
  EXPECT_EQ(text_error(in_chain(kPrerouting, "dnat to 192.168.1.2")),
            "rules.nft:5:3: ip or ip6 must be specified with address for inet tables.");
  EXPECT_EQ(text_error(in_chain(kPrerouting, "dnat ip to 192.168.1.2:80")),
            "rules.nft:5:26: transport protocol mapping is only valid after transport protocol match");
  EXPECT_EQ(text_error(in_chain(kPrerouting, "dnat ip to 2001:db8::1")), "rules.nft:5:14: invalid IPv4 address \"2001:db8::1\"");
  EXPECT_EQ(text_error(in_chain(kPrerouting, "ip saddr 10.0.0.1 dnat ip6 to 2001:db8::1")),
            "rules.nft:5:21: conflicting protocols specified: ip vs. ip6");
  EXPECT_EQ(text_error(in_chain("type nat hook forward priority 0;", "accept")),
            "rules.nft:4:3: chain type nat does not support the forward hook");
  EXPECT_EQ(text_error(in_chain("type nat hook prerouting priority raw;", "accept")),
            "rules.nft:4:3: nat chain priority must be greater than -200 (after conntrack)");
  // Through a jump, the base chain's hook and type are what count (as the kernel's
  // table validation walks them).
  EXPECT_EQ(text_error("table ip t {\n"
                       "\tchain c { type filter hook postrouting priority 0; jump sub; }\n"
                       "\tchain sub {\n\t\tmasquerade\n\t}\n}\n"),
            "rules.nft:4:3: masquerade is only allowed in a chain of type nat");
}

TEST(LoadErrorsTest, References) {
  EXPECT_EQ(text_error(in_chain(kForward, "flow add @nope")), "rules.nft:5:12: unknown flowtable @nope");
  EXPECT_EQ(text_error("table ip t {\n\tset s { type ipv4_addr; }\n\tchain c {\n\t\ttcp dport @s accept\n\t}\n}\n"),
            "rules.nft:4:13: set @s has type ipv4_addr, tcp dport needs inet_service");
  EXPECT_EQ(text_error(in_chain(kForward, "jump c")), "rules.nft:5:8: cannot jump to base chain \"c\"");
  EXPECT_EQ(text_error("table ip t {\n\tchain a {\n\t\tjump b\n\t}\n\tchain b {\n\t\tgoto a\n\t}\n}\n"),
            "rules.nft:6:8: goto to chain \"a\" creates a loop");
  EXPECT_EQ(text_error("add rule ip t c accept\n"), "rules.nft:1:13: unknown table ip t");
  EXPECT_EQ(text_error("table ip t\nadd rule ip t c accept\n"), "rules.nft:2:15: unknown chain \"c\"");
  EXPECT_EQ(text_error("table ip t\ncreate table ip t\n"), "rules.nft:2:17: table ip t already exists");
  EXPECT_EQ(text_error("table ip t\nadd element ip t s { 1.2.3.4 }\n"), "rules.nft:2:18: unknown set @s");
  EXPECT_EQ(text_error("table ip t {\n"
                       "\tflowtable ft { hook ingress priority 0; }\n"
                       "\tchain c { type filter hook input priority 0; jump regular; }\n"
                       "\tchain regular {\n\t\tflow offload @ft\n\t}\n}\n"),
            "rules.nft:5:3: flow offload is only allowed in a chain on the forward hook");
  // A chain no base chain reaches is not checked against a hook (neither is it in the kernel).
  EXPECT_EQ(text_error("table ip t {\n\tflowtable ft { hook ingress priority 0; }\n\tchain r { flow add @ft; }\n}\n"),
            "loaded");
}

TEST(LoadErrorsTest, SetElements) {
  EXPECT_EQ(text_error("table ip t {\n\tset s {\n\t\ttype ipv4_addr\n\t\telements = { 10.0.0.0/8 }\n\t}\n}\n"),
            "rules.nft:4:16: Set member cannot be prefix, missing interval flag on declaration");
  EXPECT_EQ(text_error("table ip t {\n\tset s {\n\t\ttype inet_service\n\t\telements = { 1-2 }\n\t}\n}\n"),
            "rules.nft:4:16: Set member cannot be range, missing interval flag on declaration");
  EXPECT_EQ(text_error("table ip t {\n\tset s {\n\t\ttype ipv4_addr; flags interval\n"
                       "\t\telements = { 10.0.0.0/24, 10.0.0.1 }\n\t}\n}\n"),
            "rules.nft:4:29: conflicting intervals specified");
  EXPECT_EQ(text_error("table ip t {\n\tset s {\n\t\tflags interval\n\t}\n}\n"),
            "rules.nft:2:6: set definition does not specify its type");
}

// nft reports every error of a file; so does a load, one per line in file order, each
// statement after an error read on its own (a syntax error skips to the next newline or
// ";", a bad value to the end of its statement).
TEST(LoadErrorsTest, EveryErrorOfAFileInOnePass) {
  EXPECT_EQ(text_error("table inet t {\n"
                       "\tchain c {\n"
                       "\t\ttype filter hook forward priority filter; policy drop;\n"
                       "\t\tip daddr 10.0.0.300 accept\n"
                       "\t\ttcp dport { 22, 23 accept\n"
                       "\t\tip saddr @nowhere drop\n"
                       "\t\tiifname \"lan\" accept\n"
                       "\t\tmeta l4proto udp tcp dport 53 accept\n"
                       "\t}\n"
                       "\tchain d {\n"
                       "\t\tjump nothing\n"
                       "\t\tip daddr { 10.0.0.1,\n"
                       "\t\t\t10.0.0.999 } drop\n"
                       "\t\tpolicy accept\n"
                       "\t}\n"
                       "\tbogus thing\n"
                       "}\n"
                       "add rule inet t c ip saddr $undefined accept\n"
                       "add rule inet t nochain accept\n"),
            "rules.nft:4:12: invalid IPv4 address \"10.0.0.300\"\n"
            "rules.nft:5:22: syntax error, unexpected \"accept\", expecting \",\" or \"}\"\n"
            "rules.nft:6:12: unknown set @nowhere\n"
            "rules.nft:8:20: conflicting protocols specified: udp vs. tcp\n"
            "rules.nft:11:8: unknown chain \"nothing\"\n"
            "rules.nft:13:4: invalid IPv4 address \"10.0.0.999\"\n"
            "rules.nft:14:3: policy is only valid on base chains\n"
            "rules.nft:16:2: syntax error, unexpected \"bogus\", expecting \"chain\", \"set\" or \"flowtable\"\n"
            "rules.nft:18:28: undefined variable $undefined\n"
            "rules.nft:19:17: unknown chain \"nochain\"");
  // At most 100 are listed, then how many more there were.
  std::string many;
  for (int i = 0; i < 120; ++i) {
    many += "add table ip t" + std::to_string(i) + " { bogus; }\n";
  }
  const std::string listed = text_error(many);
  EXPECT_EQ(std::count(listed.begin(), listed.end(), '\n'), 100);
  EXPECT_TRUE(listed.starts_with("rules.nft:1:19: syntax error, unexpected \"bogus\"")) << listed;
  EXPECT_TRUE(listed.ends_with("\nrules.nft: 20 more errors not listed")) << listed;
}

// A JSON ruleset with one object per line, so that positions are easy to state.
std::string json_doc(std::string_view extra_items) {
  return std::string("{\"nftables\": [\n") +
         "  {\"table\": {\"family\": \"inet\", \"name\": \"t\"}},\n" +
         "  {\"flowtable\": {\"family\": \"inet\", \"table\": \"t\", \"name\": \"ft\", \"hook\": \"ingress\", \"prio\": 0}},\n" +
         "  {\"chain\": {\"family\": \"inet\", \"table\": \"t\", \"name\": \"in\", \"type\": \"filter\", \"hook\": \"input\", "
         "\"prio\": 0}},\n" +
         "  {\"chain\": {\"family\": \"inet\", \"table\": \"t\", \"name\": \"post\", \"type\": \"filter\", \"hook\": "
         "\"postrouting\", \"prio\": 0}},\n" +
         std::string(extra_items) + "\n]}\n";
}

std::string json_rule(std::string_view chain, std::string_view exprs) {
  return "  {\"rule\": {\"family\": \"inet\", \"table\": \"t\", \"chain\": \"" + std::string(chain) +
         "\", \"expr\": [" + std::string(exprs) + "]}}";
}

TEST(LoadErrorsTest, JsonErrorsNameTheObjectAndTheValue) {
  // The rule is item 4, on line 6; its first expression starts at column 69.
  EXPECT_EQ(json_error(json_doc(json_rule("in", "{\"synproxy\": null}"))),
            "rules.json:6:69: nftables[4]: unsupported statement \"synproxy\"");
  const std::string match_set = R"({"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": "@lan_hosts"}})";
  EXPECT_EQ(json_error(json_doc(json_rule("in", match_set))), "rules.json:6:160: nftables[4]: unknown set @lan_hosts");
  EXPECT_EQ(json_error(json_doc(json_rule("in", R"({"flow": {"op": "add", "flowtable": "@ft"}})"))),
            "rules.json:6:69: nftables[4]: flow add is only allowed in a chain on the forward hook");
  EXPECT_EQ(json_error(json_doc(json_rule("post", "{\"masquerade\": null}"))),
            "rules.json:6:71: nftables[4]: masquerade is only allowed in a chain of type nat");
  EXPECT_EQ(json_error(json_doc(json_rule("in", R"({"jump": {"target": "nowhere"}})"))),
            "rules.json:6:89: nftables[4]: unknown chain \"nowhere\"");
  const std::string bad_addr = R"({"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": "10.0.0.256"}})";
  EXPECT_EQ(json_error(json_doc(json_rule("in", bad_addr))), "rules.json:6:160: nftables[4]: invalid IPv4 address \"10.0.0.256\"");
  EXPECT_EQ(json_error(json_doc("  {\"map\": {\"family\": \"inet\", \"table\": \"t\", \"name\": \"m\"}}")),
            "rules.json:6:11: nftables[4]: unsupported command \"map\"");
  EXPECT_EQ(json_error(json_doc("  {\"rule\": {\"family\": \"inet\", \"table\": \"t\", \"expr\": []}}")),
            "rules.json:6:12: nftables[4]: missing \"chain\"");
  const std::string meta_secmark = R"({"match": {"op": "==", "left": {"meta": {"key": "secmark"}}, "right": 1}})";
  EXPECT_EQ(json_error(json_doc(json_rule("in", meta_secmark))), "rules.json:6:100: nftables[4]: unsupported match \"meta secmark\"");
}

TEST(LoadErrorsTest, JsonSyntaxAndShape) {
  EXPECT_EQ(json_error("{\"nftables\": [\n  {\"table\": {\"family\": \"ip\", \"name\": \"t\"}}\n  {\"table\": 1}\n]}\n"),
            "rules.json:3:3: invalid JSON: parse error at line 3, column 3: syntax error while parsing array - unexpected "
            "'{'; expected ']'");
  EXPECT_EQ(json_error("{\"rules\": []}"), "rules.json:1:1: expected {\"nftables\": [...]}");
  EXPECT_EQ(json_error("{\"nftables\": [{\"table\": {\"family\": \"netdev\", \"name\": \"t\"}}]}"),
            "rules.json:1:36: nftables[0]: unsupported table family \"netdev\" (ip, ip6 and inet are supported)");
  EXPECT_EQ(json_error("{\"nftables\": [{\"table\": {}, \"chain\": {}}]}"),
            "rules.json:1:15: nftables[0]: expected an object with exactly one member");
}

// Cut anywhere, a ruleset either still loads or fails with a located InputError: the parsers
// never read past what they were given or fail in another way.
TEST(LoadErrorsTest, EveryPrefixLoadsOrFailsCleanly) {
  for (const char* name : {"fw4.nft", "home_router.nft", "home_router.json"}) {
    const std::string text = testing::read_testdata(name);
    const bool json = std::string_view(name).ends_with(".json");
    std::size_t failed = 0;
    for (std::size_t n = 0; n <= text.size(); ++n) {
      const std::string error = json ? json_error(text.substr(0, n)) : text_error(text.substr(0, n));
      if (error != "loaded") {
        ++failed;
        EXPECT_TRUE(error.starts_with(json ? "rules.json:" : "rules.nft:")) << error;
      }
    }
    EXPECT_GT(failed, text.size() / 2) << name;
  }
}

TEST(LoadErrorsTest, EveryErrorOfAJsonFileInOnePass) {
  const std::string bad_addr = R"({"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": "10.0.0.256"}})";
  EXPECT_EQ(json_error(json_doc(json_rule("in", bad_addr) + ",\n" +
                                "  {\"map\": {\"family\": \"inet\", \"table\": \"t\", \"name\": \"m\"}},\n" +
                                json_rule("in", R"({"accept": null})") + ",\n" +
                                json_rule("in", R"({"jump": {"target": "nowhere"}})"))),
            "rules.json:6:160: nftables[4]: invalid IPv4 address \"10.0.0.256\"\n"
            "rules.json:7:11: nftables[5]: unsupported command \"map\"\n"
            "rules.json:9:89: nftables[7]: unknown chain \"nowhere\"");
}

}  // namespace
}  // namespace flowsim::engine::nft
