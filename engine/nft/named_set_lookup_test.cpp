// SPDX-License-Identifier: Apache-2.0
// Lookups in named sets of concatenated types (nft_lookup on the concatenated registers):
// exact verdicts for hash and interval (prefix) sets, `!=`, and the per-element counters a
// set declared with `counter` keeps (listed as nft lists them: testdata/recorded/named_sets).
#include <gtest/gtest.h>

#include <string>

#include "engine/nft/nft_test_util.hpp"
#include "engine/nft/ruleset.hpp"
#include "net/input_error.hpp"

namespace flowsim::engine::nft {
namespace {

using testing::packet;
using testing::Pkt;

std::string load_error(std::string_view ruleset) {
  try {
    Ruleset::parse_text(ruleset, "test.nft");
  } catch (const net::InputError& e) {
    return e.what();
  }
  return "loaded";
}

TEST(NamedSetLookupTest, ConcatenatedKeysDecideAndCountPerElement) {
  Ruleset r = Ruleset::parse_text(testing::read_testdata("recorded/named_sets.nft"), "named_sets.nft");
  auto verdict = [&](const Pkt& p) { return testing::describe(r.evaluate(Hook::kForward, packet(p))); };
  EXPECT_EQ(verdict({.in = "wan", .out = "lan", .dst = "192.168.1.20", .dport = 443}), "accept");
  EXPECT_EQ(verdict({.in = "wan", .out = "lan", .dst = "192.168.1.20", .dport = 444}), "drop");
  EXPECT_EQ(verdict({.in = "wan", .out = "lan", .dst = "192.168.1.10", .dport = 22}), "accept");
  EXPECT_EQ(verdict({.in = "wan", .out = "lan", .dst = "192.168.1.10", .dport = 22}), "accept");
  // A UDP packet to a listed port: `tcp dport` needs TCP, the rule breaks.
  EXPECT_EQ(verdict({.in = "wan", .out = "lan", .proto = 17, .dst = "192.168.1.10", .dport = 22}), "drop");
  // IPv6: inside both prefixes and port 80; the second element's ::/0 takes any daddr.
  EXPECT_EQ(verdict({.in = "wan", .out = "lan", .src = "2001:db8:1:ff::7", .dst = "2001:db8:2::99", .dport = 80}),
            "accept");
  EXPECT_EQ(verdict({.in = "wan", .out = "lan", .src = "2001:db8::1", .dst = "2001:db8:77::1", .dport = 443}),
            "accept");
  EXPECT_EQ(verdict({.in = "wan", .out = "lan", .src = "2001:db8::2", .dst = "2001:db8:77::1", .dport = 443}),
            "drop");
  const std::string list = r.list();
  EXPECT_NE(list.find("elements = { 192.168.1.10 . 22 counter packets 5 bytes 300,\n"
                      "\t\t\t     192.168.1.5 . 80 counter packets 0 bytes 0,\n"
                      "\t\t\t     192.168.1.20 . 443 counter packets 1 bytes 60 }"),
            std::string::npos)
      << list;
  EXPECT_NE(list.find("ip daddr . tcp dport @allowed counter packets 3 bytes 180 accept"), std::string::npos) << list;
  EXPECT_NE(list.find("ip6 saddr . ip6 daddr . tcp dport != @nets counter packets 1 bytes 60 drop"), std::string::npos)
      << list;
}

TEST(NamedSetLookupTest, TypesMustAgreeAndElementsFitThem) {
  EXPECT_EQ(load_error("table inet t {\n  set s { type ipv4_addr . inet_service; }\n  chain c {\n"
                       "    ip saddr . ip daddr @s accept\n  }\n}\n"),
            "test.nft:4:25: set @s has type ipv4_addr . inet_service, ip saddr . ip daddr needs ipv4_addr . ipv4_addr");
  EXPECT_EQ(load_error("table inet t {\n  set s { type ipv4_addr . inet_service; elements = { 10.0.0.0/8 . 22 }; }\n}\n"),
            "test.nft:2:55: Set member cannot be prefix, missing interval flag on declaration");
  EXPECT_EQ(load_error("table inet t {\n  set s { type ipv4_addr . inet_service; elements = { 10.0.0.1 . 22 . 3 }; }\n}\n"),
            "test.nft:2:55: a value of this concatenation has 2 parts, joined by \".\"");
  EXPECT_EQ(load_error("table inet t {\n  set s { type ipv4_addr; elements = { 10.0.0.1 timeout 1m }; }\n}\n"),
            "test.nft:2:40: an element timeout needs a set with `flags timeout` or a `timeout`");
}

}  // namespace
}  // namespace flowsim::engine::nft
