// SPDX-License-Identifier: Apache-2.0
// The Verilated rewrite unit against its C++ twin, bit for bit (punt or forward, reason,
// destination port and every byte of the rewritten frame): on 120k random TCP/UDP frames (0..2
// VLAN tags, PPPoE, IPv4/IPv6, checksum edge values) with random entries and port settings from
// a fixed seed, and on every TCP/UDP frame of the committed traces with several random entries
// each; all outcomes of the unit are reached.
#include "model/rtl_twin/rewrite_rtl.hpp"

#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <vector>

#include "model/rtl_twin/parser_cpp.hpp"
#include "model/rtl_twin/rewrite_cpp.hpp"
#include "testbench/rtl_equivalence/test_frames.hpp"

namespace flowsim::model {
namespace {

using hw::desc::FoeEntry;
using hw::desc::FoeIpv4;
using Ib1 = FoeEntry::Ib1;
using testing::RandomFrames;

struct Case {
  std::string name;
  net::PacketBuffer frame;
  ParsedHeaders headers;
  EntryImage entry{};
};

// A BIND entry for `h` with random actions: NAT fields that change or keep each side, TTL
// decrement, 0..3 VLAN layers, PPPoE, a destination inside or beyond the ports, MTUs around the
// packet's length.
EntryImage random_entry(RandomFrames& g, const ParsedHeaders& h) {
  auto& rng = g.rng();
  EntryImage e{};
  for (auto& w : e) w = static_cast<std::uint32_t>(rng());
  static constexpr std::uint32_t kTypes[] = {Ib1::kTypeIpv4Hnapt, Ib1::kTypeIpv4Hnapt, Ib1::kTypeIpv4Route,
                                             Ib1::kTypeIpv6Route5T, Ib1::kTypeIpv6Route3T, 9};
  std::uint32_t ib1 = e[Ib1::kWord];
  ib1 = Ib1::kType.set(ib1, kTypes[g.below(std::size(kTypes))]);
  ib1 = Ib1::kState.set(ib1, Ib1::kStateBind);
  ib1 = Ib1::kVlanLayer.set(ib1, g.chance(85) ? g.below(3) : 3);
  e[Ib1::kWord] = ib1;
  e[FoeEntry::Ib2::kWord] = FoeEntry::Ib2::kDestPort.set(e[FoeEntry::Ib2::kWord], g.chance(90) ? g.below(8) : g.below(16));
  if (!h.ipv6) {
    // The key words as the packet has them, so that "changed" is decided field by field.
    e[FoeIpv4::OrigSip::kWord] = g.chance(95) ? h.key[0] : static_cast<std::uint32_t>(rng());
    e[FoeIpv4::OrigDip::kWord] = g.chance(95) ? h.key[1] : static_cast<std::uint32_t>(rng());
    e[FoeIpv4::OrigPorts::kWord] = g.chance(95) ? h.key[2] : static_cast<std::uint32_t>(rng());
    const std::uint32_t op = e[FoeIpv4::OrigPorts::kWord];
    using P = FoeIpv4::NewPorts;
    std::uint32_t np = op;
    if (g.chance(40)) np = P::kSport.set(np, static_cast<std::uint32_t>(rng()));
    if (g.chance(40)) np = P::kDport.set(np, static_cast<std::uint32_t>(rng()));
    e[FoeIpv4::NewPorts::kWord] = np;
    e[FoeIpv4::NewSip::kWord] = g.chance(50) ? e[FoeIpv4::OrigSip::kWord] : static_cast<std::uint32_t>(rng());
    e[FoeIpv4::NewDip::kWord] = g.chance(50) ? e[FoeIpv4::OrigDip::kWord] : static_cast<std::uint32_t>(rng());
  }
  const unsigned choice = g.below(4);
  const std::uint32_t mtu = choice == 0 ? 0 : choice == 1 ? h.l3_length : choice == 2 ? h.l3_length - 1 : rng() & 0xffff;
  e[FoeEntry::Mtu::kWord] = FoeEntry::Mtu::kMtu.make(mtu);
  return e;
}

RewriteConfig random_config(RandomFrames& g) {
  RewriteConfig c;
  c.ports = 1 + g.below(8);
  for (auto& m : c.port_mtu) m = g.chance(90) ? 1500 + g.below(8000) : (g.chance(50) ? g.below(1600) : g.rng()());
  return c;
}

std::string hex(std::span<const std::uint8_t> b) {
  std::ostringstream o;
  o << std::hex;
  for (auto x : b) o << (x < 16 ? "0" : "") << unsigned{x};
  return o.str();
}

// Runs `cases` through both twins in one batch; returns the mismatches (reported).
std::size_t compare(RewriteRtl& rtl, const RewriteConfig& config, const std::vector<Case>& cases,
                    std::map<std::string, std::size_t>& outcomes) {
  std::vector<net::PacketBuffer> a, b;
  for (const auto& c : cases) {
    a.push_back(c.frame);
    b.push_back(c.frame);
  }
  std::vector<RewriteRequest> in_cpp, in_rtl;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    in_cpp.push_back({&a[i], &cases[i].headers, &cases[i].entry});
    in_rtl.push_back({&b[i], &cases[i].headers, &cases[i].entry});
  }
  std::vector<RewriteResult> want(cases.size()), got(cases.size());
  RewriteCpp().rewrite(config, in_cpp, want);
  rtl.rewrite(config, in_rtl, got);
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    ++outcomes[want[i].forward ? "forward" : std::string(hw::to_string(want[i].reason))];
    if (want[i].forward) {
      const std::uint32_t ib1 = cases[i].entry[Ib1::kWord];
      if (!cases[i].headers.ipv6 && Ib1::kType.get(ib1) == Ib1::kTypeIpv4Hnapt) ++outcomes["forward_hnapt"];
      if (Ib1::kPppoe.get(ib1)) ++outcomes["forward_pppoe_push"];
      if (Ib1::kVlanLayer.get(ib1) == 2) ++outcomes["forward_two_tags"];
      if (cases[i].headers.pppoe || cases[i].headers.vlan_count) ++outcomes["forward_pop"];
    }
    if (got[i] == want[i] && a[i] == b[i]) continue;
    if (++mismatches <= 5) {
      ADD_FAILURE() << cases[i].name << ": rtl forward " << got[i].forward << " reason "
                    << hw::to_string(got[i].reason) << " dest " << unsigned{got[i].dest_port} << ", cpp forward "
                    << want[i].forward << " reason " << hw::to_string(want[i].reason) << " dest "
                    << unsigned{want[i].dest_port} << "\n  in  " << hex(cases[i].frame.bytes()) << "\n  rtl "
                    << hex(b[i].bytes()) << "\n  cpp " << hex(a[i].bytes());
    }
  }
  return mismatches;
}

TEST(RewriteRtl, EqualsCppOnRandomFlowsAndEntries) {
  RandomFrames g(0x52575254);  // fixed seed: reproducible
  RewriteRtl rtl;
  std::map<std::string, std::size_t> outcomes;
  const std::vector<std::size_t> sizes = {1, 1, 2, hw::datapath::kRewriteLatencyCycles + 1, 64, 1000};
  std::size_t total = 0;
  std::size_t mismatches = 0;
  for (std::size_t batch = 0; total < 120000; ++batch) {
    const std::size_t n = batch < sizes.size() ? sizes[batch] : 1 + g.below(3000);
    std::vector<Case> cases(n);
    for (std::size_t i = 0; i < n; ++i) {
      Case& c = cases[i];
      c.name = "random case " + std::to_string(total + i);
      const auto bytes = g.flow(g.chance(40), g.chance(50), g.below(3), g.chance(25));
      c.frame.assign(bytes);
      c.headers = ParserCpp::parse_one(bytes);
      ASSERT_FALSE(c.headers.exception) << c.name << ": " << hw::to_string(c.headers.reason) << " " << hex(bytes);
      c.entry = random_entry(g, c.headers);
    }
    mismatches += compare(rtl, random_config(g), cases, outcomes);
    total += n;
  }
  EXPECT_EQ(mismatches, 0u) << "of " << total;
  EXPECT_GE(total, 100000u);
  for (const char* o : {"forward", "forward_hnapt", "forward_pppoe_push", "forward_two_tags", "forward_pop",
                        "hit_bind_force_cpu", "hit_bind_vlan_violation", "hit_ttl_1", "exceed_mtu"}) {
    EXPECT_GT(outcomes[o], 1000u) << o;
  }
}

TEST(RewriteRtl, EqualsCppOnEveryTcpUdpFrameOfTheCommittedTraces) {
  RandomFrames g(0x54524345);
  RewriteRtl rtl;
  std::map<std::string, std::size_t> outcomes;
  std::vector<Case> cases;
  std::vector<std::string> skipped;  // not Ethernet
  for (const auto& t : testing::committed_trace_frames(&skipped)) {
    const ParsedHeaders h = ParserCpp::parse_one(t.bytes);
    if (h.exception) continue;
    for (int k = 0; k < 8; ++k) {
      Case c;
      c.name = t.where + " entry " + std::to_string(k);
      c.frame.assign(t.bytes);
      c.headers = h;
      c.entry = random_entry(g, h);
      cases.push_back(std::move(c));
    }
  }
  ASSERT_GT(cases.size(), 200u);
  RewriteConfig config;
  config.ports = 8;
  config.port_mtu.fill(1500);
  EXPECT_EQ(compare(rtl, config, cases, outcomes), 0u) << "of " << cases.size();
  EXPECT_GT(outcomes["forward_hnapt"], 50u);
}

TEST(RewriteRtl, BatchTakesSizePlusLatencyCycles) {
  RewriteRtl rtl;
  const std::uint64_t start = rtl.cycles();
  RewriteConfig config;
  rtl.rewrite(config, {}, {});
  EXPECT_EQ(rtl.cycles(), start);
  RandomFrames g(1);
  const auto bytes = g.flow(false, true, 0, false);
  net::PacketBuffer frame(bytes);
  const ParsedHeaders h = ParserCpp::parse_one(bytes);
  const EntryImage e{};
  std::vector<RewriteRequest> in(3, RewriteRequest{&frame, &h, &e});
  std::vector<RewriteResult> out(3);
  rtl.rewrite(config, in, out);  // no ports: every one is punted
  EXPECT_EQ(rtl.cycles() - start, 3u + hw::datapath::kRewriteLatencyCycles);
  EXPECT_EQ(out[2].reason, hw::PuntReason::kHitBindForceCpu);
  EXPECT_EQ(frame.size(), bytes.size());
}

}  // namespace
}  // namespace flowsim::model
