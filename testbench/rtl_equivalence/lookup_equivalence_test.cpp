// SPDX-License-Identifier: Apache-2.0
// The Verilated flow-table lookup against its C++ twin, bit for bit: random sequences (fixed
// seeds) of entry writes, reads, invalidations and batches of lookups, in direct and learn mode,
// for 1, 2 and 4 ways, compared result by result (reason, index, event, forwarded entry), with
// TB_USED and finally the whole table; then every TCP/UDP frame of the committed traces looked
// up against entries written for half of them. Also the index 0x7fff rule and the latency.
#include "model/rtl_twin/lookup_rtl.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <random>
#include <sstream>
#include <vector>

#include "model/rtl_twin/lookup_cpp.hpp"
#include "model/rtl_twin/parser_cpp.hpp"
#include "testbench/rtl_equivalence/test_frames.hpp"
#include "net/foe_hash.hpp"

namespace flowsim::model {
namespace {

using hw::desc::FoeEntry;
using Ib1 = FoeEntry::Ib1;
using Match = FoeEntry::Match;

std::uint32_t hash_of(const FlowKey& k) {
  const auto& w = k.words;
  return net::foe_hash(k.ipv6 ? net::foe_hash_words_ipv6({w[0], w[1], w[2], w[3]}, {w[4], w[5], w[6], w[7]}, w[8], 0)
                              : net::foe_hash_words_ipv4(w[0], w[1], w[2], 0));
}

std::string describe(const LookupResult& r) {
  std::ostringstream o;
  o << "forward " << r.forward << " reason " << hw::to_string(r.reason) << " index " << r.index << " event "
    << static_cast<int>(r.event);
  if (r.forward) {
    o << " entry" << std::hex;
    for (auto w : r.entry) o << ' ' << w;
  }
  return o.str();
}

// Both twins side by side; every operation is applied to both and its results compared.
class Twins {
 public:
  Twins(unsigned entries, unsigned ways) : cpp_(entries, ways), rtl_(entries, ways) {}

  void write(unsigned index, const EntryImage& e, std::uint16_t now) {
    cpp_.write(index, e, now);
    rtl_.write(index, e, now);
    check_used("write");
  }
  void invalidate(unsigned index) {
    cpp_.invalidate(index);
    rtl_.invalidate(index);
    check_used("invalidate");
  }
  void read(unsigned index) {
    if (cpp_.read(index) != rtl_.read(index)) fail("read of entry " + std::to_string(index));
  }
  void lookup(const LookupConfig& config, const std::vector<LookupRequest>& in,
              std::map<std::string, std::size_t>& outcomes) {
    std::vector<LookupResult> want(in.size()), got(in.size());
    cpp_.lookup(config, in, want);
    rtl_.lookup(config, in, got);
    for (std::size_t i = 0; i < in.size(); ++i) {
      ++outcomes[want[i].forward ? "forward" : std::string(hw::to_string(want[i].reason))];
      if (want[i].event == LookupEvent::kFin) ++outcomes["event_fin"];
      if (want[i].event == LookupEvent::kBucketFull) ++outcomes["event_bucket_full"];
      if (!want[i].forward && want[i].reason == hw::PuntReason::kHitBindTcpFin && want[i].event == LookupEvent::kNone &&
          in[i].tcp_teardown && !in[i].tcp_fin_rst) {
        ++outcomes["hit_bind_tcp_fin_syn_only"];
      }
      ++lookups_;
      if (got[i] != want[i]) fail("lookup " + std::to_string(i) + " of a batch of " + std::to_string(in.size()) +
                                  "\n  rtl " + describe(got[i]) + "\n  cpp " + describe(want[i]));
    }
    check_used("lookup batch");
  }
  void clear() {
    cpp_.clear();
    rtl_.clear();
    check_used("clear");
  }
  // Every entry of both tables.
  void compare_tables() {
    for (unsigned i = 0; i < cpp_.entries(); ++i) read(i);
  }
  std::size_t lookups() const { return lookups_; }
  std::size_t failures() const { return failures_; }

 private:
  void check_used(const std::string& after) {
    if (cpp_.used() != rtl_.used()) {
      fail("used " + std::to_string(rtl_.used()) + " (rtl) vs " + std::to_string(cpp_.used()) + " after " + after);
    }
  }
  void fail(const std::string& what) {
    if (++failures_ <= 5) ADD_FAILURE() << what;
  }

  LookupCpp cpp_;
  LookupRtl rtl_;
  std::size_t lookups_ = 0;
  std::size_t failures_ = 0;
};

class RandomFlows {
 public:
  RandomFlows(std::uint32_t seed, std::size_t pool) : rng_(seed) {
    for (std::size_t i = 0; i < pool; ++i) keys_.push_back(make_key());
  }

  std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(rng_() % n); }
  bool chance(unsigned percent) { return below(100) < percent; }
  const FlowKey& key() { return keys_[below(static_cast<std::uint32_t>(keys_.size()))]; }

  // A request for a pool key, sometimes arriving differently (port, VLAN, PPPoE) than learnt.
  LookupRequest request(std::uint16_t now) {
    LookupRequest r;
    r.key = key();
    if (chance(10)) r.key.port = below(4);
    if (chance(5)) r.key.vlan_count = below(3), r.key.vid = r.key.vlan_count ? r.key.vid : 0;
    if (chance(5)) r.key.pppoe = !r.key.pppoe, r.key.pppoe_sid = r.key.pppoe ? r.key.pppoe_sid : 0;
    r.hash = chance(95) ? hash_of(r.key) : static_cast<std::uint32_t>(rng_());
    r.tcp_teardown = !r.key.udp && chance(15);
    r.tcp_fin_rst = r.tcp_teardown && chance(70);
    r.now_s = now;
    return r;
  }

  // An entry for a pool key, mostly one that a request for it matches.
  EntryImage entry(const FlowKey& k) {
    EntryImage e{};
    for (auto& w : e) w = static_cast<std::uint32_t>(rng_());
    std::copy(k.words.begin(), k.words.end(), e.begin() + 1);
    std::uint32_t ib1 = e[Ib1::kWord];
    ib1 = Ib1::kUdp.set(ib1, chance(95) ? k.udp : !k.udp);
    static constexpr std::uint32_t kV4[] = {Ib1::kTypeIpv4Hnapt, Ib1::kTypeIpv4Route};
    std::uint32_t type = k.ipv6 ? Ib1::kTypeIpv6Route5T : kV4[below(2)];
    if (chance(5)) type = below(16);
    ib1 = Ib1::kType.set(ib1, type);
    static constexpr std::uint32_t kStates[] = {Ib1::kStateBind, Ib1::kStateBind, Ib1::kStateBind, Ib1::kStateUnbind,
                                                Ib1::kStateFin, Ib1::kStateInvalid};
    ib1 = Ib1::kState.set(ib1, kStates[below(6)]);
    if (chance(30)) ib1 = Ib1::kTimestamp.set(ib1, 0);
    e[Ib1::kWord] = ib1;
    std::uint32_t m = e[Match::kWord];
    m = Match::kInPortValid.set(m, chance(70));
    m = Match::kInPort.set(m, chance(85) ? k.port : below(16));
    m = Match::kInVlanValid.set(m, chance(90) ? k.vlan_count == 1 : chance(50));
    m = Match::kInVlan.set(m, chance(90) ? k.vid : below(4096));
    m = Match::kInPppoeValid.set(m, chance(95) ? k.pppoe : chance(50));
    e[Match::kWord] = m;
    e[FoeEntry::InPppoe::kWord] = FoeEntry::InPppoe::kInPppoeSid.set(e[FoeEntry::InPppoe::kWord],
                                                                      chance(90) ? k.pppoe_sid : below(65536));
    static constexpr std::uint32_t kPackets[] = {0, 1, 28, 29, 30, 0xfffe, 0xffff};
    e[FoeEntry::Unbind::kWord] = FoeEntry::Unbind::kPackets.set(e[FoeEntry::Unbind::kWord], kPackets[below(7)]);
    return e;
  }

 private:
  FlowKey make_key() {
    FlowKey k;
    k.ipv6 = chance(30);
    k.udp = chance(50);
    for (unsigned i = 0; i < k.key_words(); ++i) k.words[i] = static_cast<std::uint32_t>(rng_());
    k.port = below(4);
    k.vlan_count = chance(70) ? 0 : (chance(80) ? 1 : 2);
    static constexpr std::uint16_t kVids[] = {1, 2, 100, 4095};
    k.vid = k.vlan_count ? kVids[below(4)] : 0;
    k.pppoe = chance(20);
    k.pppoe_sid = k.pppoe ? static_cast<std::uint16_t>(1 + below(3)) : 0;
    return k;
  }

  std::mt19937 rng_;
  std::vector<FlowKey> keys_;
};

// A random session against both twins: returns the number of lookups done.
std::size_t random_session(unsigned ways, std::uint32_t seed, std::size_t pool, std::size_t lookups,
                           std::map<std::string, std::size_t>& outcomes) {
  constexpr unsigned kEntries = 1024;
  Twins t(kEntries, ways);
  RandomFlows g(seed, pool);
  std::uint16_t now = static_cast<std::uint16_t>(g.below(65536));
  const unsigned buckets = kEntries / ways;
  while (t.lookups() < lookups) {
    switch (g.below(10)) {
      case 0:
      case 1:
      case 2: {  // the driver writes an entry, mostly where its key's bucket is
        const FlowKey& k = g.key();
        const unsigned index = g.chance(90) ? (hash_of(k) & (buckets - 1)) * ways + g.below(ways) : g.below(kEntries);
        t.write(index, g.entry(k), now);
        break;
      }
      case 3:
        t.invalidate(g.below(kEntries));
        break;
      case 4:
        t.read(g.below(kEntries));
        break;
      default: {
        LookupConfig config;
        config.learn = g.chance(35);
        static constexpr std::uint32_t kRates[] = {0, 1, 2, 3, 30, 0xffff};
        config.bind_rate = kRates[g.below(6)];
        std::vector<LookupRequest> in(1 + g.below(g.chance(20) ? 500 : 20));
        for (auto& r : in) r = g.request(now);
        t.lookup(config, in, outcomes);
        now = static_cast<std::uint16_t>(now + g.below(3));  // seconds pass, and wrap
      }
    }
    if (t.failures() > 0) break;
  }
  t.compare_tables();
  if (g.chance(50)) t.clear();
  EXPECT_EQ(t.failures(), 0u) << ways << " ways, seed " << seed;
  return t.lookups();
}

TEST(LookupRtl, EqualsCppOnRandomSessions) {
  std::map<std::string, std::size_t> outcomes;
  std::size_t total = 0;
  for (unsigned ways : {1u, 2u, 4u}) {
    // Few flows (hits, UNBIND counting, FIN) and many (full buckets, misses).
    total += random_session(ways, 0x4c4b0000 + ways, 150, 25000, outcomes);
    total += random_session(ways, 0x4c4b1000 + ways, 3000, 12000, outcomes);
  }
  EXPECT_GE(total, 100000u);
  for (const auto& [o, n] : outcomes) std::printf("  %-26s %zu\n", o.c_str(), n);
  for (const char* o : {"forward", "no_flow", "event_bucket_full", "tcp_fin_syn_rst", "un_hit", "hit_unbind",
                        "hit_unbind_rate_reached", "hit_bind_tcp_fin", "event_fin", "hit_bind_tcp_fin_syn_only"}) {
    EXPECT_GT(outcomes[o], 50u) << o;
  }
}

TEST(LookupRtl, EqualsCppOnTheCommittedTraces) {
  // Every TCP/UDP frame of the traces becomes a lookup; the driver has written a BIND entry
  // for every other distinct key first; then the same frames again in learn mode.
  std::vector<std::string> skipped;
  std::vector<LookupRequest> in;
  for (const auto& f : testing::committed_trace_frames(&skipped)) {
    const ParsedHeaders h = ParserCpp::parse_one(f.bytes);
    if (h.exception) continue;
    LookupRequest r;
    r.key.ipv6 = h.ipv6;
    r.key.udp = h.udp;
    r.key.words = h.key;
    r.key.vlan_count = h.vlan_count;
    r.key.vid = h.vid;
    r.key.pppoe = h.pppoe;
    r.key.pppoe_sid = h.pppoe_sid;
    r.hash = hash_of(r.key);
    r.tcp_teardown = !h.udp && (h.tcp_flags & 0x07) != 0;
    r.tcp_fin_rst = !h.udp && (h.tcp_flags & 0x05) != 0;
    r.now_s = 7;
    in.push_back(r);
  }
  ASSERT_GT(in.size(), 100u);
  Twins t(16384, 4);
  RandomFlows g(0x54524143, 1);
  std::map<std::string, std::size_t> outcomes;
  for (std::size_t i = 0; i < in.size(); i += 2) {
    EntryImage e = g.entry(in[i].key);
    e[Ib1::kWord] = Ib1::kState.set(e[Ib1::kWord], Ib1::kStateBind);
    e[Match::kWord] = Match::kInVlanValid.make(in[i].key.vlan_count == 1) | Match::kInVlan.make(in[i].key.vid) |
                      Match::kInPppoeValid.make(in[i].key.pppoe);
    e[FoeEntry::InPppoe::kWord] = in[i].key.pppoe_sid;
    t.write((in[i].hash & 4095) * 4 + static_cast<unsigned>(i / 2 % 4), e, 3);
  }
  t.lookup(LookupConfig{false, 30}, in, outcomes);
  t.lookup(LookupConfig{true, 2}, in, outcomes);
  t.compare_tables();
  EXPECT_EQ(t.failures(), 0u);
  EXPECT_GT(outcomes["forward"], 20u);
}

TEST(LookupRtl, NeverLearnsIntoIndex7fff) {
  // 32768 entries, one way: bucket 0x7fff is entry 0x7fff, which RX_DESC cannot name.
  Twins t(32768, 1);
  std::map<std::string, std::size_t> outcomes;
  LookupRequest r;
  r.key.udp = true;
  r.key.words[0] = 1;
  r.hash = 0x7fff;
  LookupRequest ok = r;
  ok.hash = 0x7ffe;
  t.lookup(LookupConfig{true, 30}, {r, ok}, outcomes);
  EXPECT_EQ(outcomes["no_flow"], 1u);
  EXPECT_EQ(outcomes["un_hit"], 1u);
  EXPECT_EQ(t.failures(), 0u);
}

TEST(LookupRtl, ResultsComeLatencyCyclesAfterEachRequest) {
  LookupRtl rtl(1024, 4);
  std::vector<LookupRequest> in(10);
  std::vector<LookupResult> out(10);
  const std::uint64_t start = rtl.cycles();
  rtl.lookup(LookupConfig{}, in, out);  // throws if a result is late or early
  // One request per kLookupIiCycles; the last one's result kLookupLatencyCycles later, taken at
  // the end of that cycle (as the parser's and the hash's results are).
  EXPECT_EQ(rtl.cycles() - start, 9u * hw::datapath::kLookupIiCycles + hw::datapath::kLookupLatencyCycles + 1);
  EXPECT_EQ(out[9].reason, hw::PuntReason::kNoFlow);
  EXPECT_EQ(rtl.used(), 0u);
}

}  // namespace
}  // namespace flowsim::model
