// SPDX-License-Identifier: Apache-2.0
// The Verilated parser against its C++ twin, bit for bit on every field of ParsedHeaders: on
// every frame of the committed traces and on 120k random frames from a fixed seed (in batches
// of many sizes), which must between them produce every outcome the parser has; also its
// latency contract.
#include "model/rtl_twin/parser_rtl.hpp"

#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <vector>

#include "model/rtl_twin/parser_cpp.hpp"
#include "testbench/rtl_equivalence/test_frames.hpp"

namespace flowsim::model {
namespace {

using testing::RandomFrames;

std::string describe(const ParsedHeaders& h) {
  std::ostringstream o;
  o << "exception " << h.exception << " reason " << hw::to_string(h.reason) << " ipv6 " << h.ipv6 << " udp " << h.udp
    << " flags " << unsigned{h.tcp_flags} << " ttl " << unsigned{h.ttl} << " vlans " << unsigned{h.vlan_count}
    << " vid " << h.vid << " pppoe " << h.pppoe << " sid " << h.pppoe_sid << " l3 " << h.l3_offset << " l4 "
    << h.l4_offset << " len " << h.l3_length << " key" << std::hex;
  for (auto w : h.key) o << ' ' << w;
  return o.str();
}

std::string hex(const std::vector<std::uint8_t>& b) {
  std::ostringstream o;
  o << std::hex;
  for (auto x : b) o << (x < 16 ? "0" : "") << unsigned{x};
  return o.str();
}

// Parses `frames` with both twins in one batch; returns the number of mismatches (reported).
std::size_t compare(ParserRtl& rtl, const std::vector<std::vector<std::uint8_t>>& frames,
                    const std::vector<std::string>& names, std::map<std::string, std::size_t>* outcomes) {
  std::vector<std::span<const std::uint8_t>> in(frames.begin(), frames.end());
  std::vector<ParsedHeaders> want(in.size()), got(in.size());
  ParserCpp().parse(in, want);
  rtl.parse(in, got);
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (outcomes) ++(*outcomes)[want[i].exception ? std::string(hw::to_string(want[i].reason)) : "lookup"];
    if (got[i] == want[i]) continue;
    if (++mismatches <= 5) {
      ADD_FAILURE() << names[i] << " (" << frames[i].size() << " bytes " << hex(frames[i]) << ")\n  rtl " << describe(got[i])
                    << "\n  cpp " << describe(want[i]);
    }
  }
  return mismatches;
}

TEST(ParserRtl, EqualsCppOnEveryCommittedTraceFrame) {
  std::vector<std::string> skipped;
  const auto trace = testing::committed_trace_frames(&skipped);
  // The reader hands every link type it takes over as Ethernet (cooked and raw IP captures
  // included): nothing is skipped.
  EXPECT_TRUE(skipped.empty()) << skipped.front();
  ASSERT_GT(trace.size(), 100u);
  std::vector<std::vector<std::uint8_t>> frames;
  std::vector<std::string> names;
  for (const auto& t : trace) {
    frames.push_back(t.bytes);
    names.push_back(t.where);
  }
  ParserRtl rtl;
  std::map<std::string, std::size_t> outcomes;
  EXPECT_EQ(compare(rtl, frames, names, &outcomes), 0u) << "of " << frames.size();
  // The traces exercise the fast path and the common exceptions.
  for (const char* o : {"lookup", "ppe_bypass", "not_tcp_udp", "option_header", "ipv4_frag", "ipv6_ext_header"}) {
    EXPECT_GT(outcomes[o], 0u) << o;
  }
}

TEST(ParserRtl, EqualsCppOnRandomFramesInBatches) {
  RandomFrames gen(0x50415253);  // fixed seed: reproducible
  ParserRtl rtl;
  std::map<std::string, std::size_t> outcomes;
  const std::vector<std::size_t> sizes = {1, 1, 2, 3, hw::datapath::kParserLatencyCycles + 1, 7, 64, 1000, 4096};
  std::size_t total = 0;
  std::size_t mismatches = 0;
  for (std::size_t batch = 0; total < 120000; ++batch) {
    const std::size_t n = batch < sizes.size() ? sizes[batch] : 1 + gen.below(3000);
    std::vector<std::vector<std::uint8_t>> frames(n);
    std::vector<std::string> names(n);
    for (std::size_t i = 0; i < n; ++i) {
      frames[i] = gen.any();
      names[i] = "random frame " + std::to_string(total + i);
    }
    mismatches += compare(rtl, frames, names, &outcomes);
    total += n;
  }
  EXPECT_EQ(mismatches, 0u) << "of " << total;
  EXPECT_GE(total, 100000u);
  // Every outcome the parser has is reached many times, so agreement means something.
  for (const char* o : {"lookup", "parse_error", "ppe_bypass", "option_header", "ipv4_frag", "ipv6_ext_header",
                        "not_tcp_udp"}) {
    EXPECT_GT(outcomes[o], 1000u) << o;
  }
}

TEST(ParserRtl, BatchTakesSizePlusLatencyCycles) {
  ParserRtl rtl;
  const std::uint64_t start = rtl.cycles();
  std::vector<std::uint8_t> frame(60, 0);
  std::vector<std::span<const std::uint8_t>> in(10, frame);
  std::vector<ParsedHeaders> out(10);
  rtl.parse(in, out);
  EXPECT_EQ(rtl.cycles() - start, 10u + hw::datapath::kParserLatencyCycles);
  EXPECT_EQ(out[9].reason, hw::PuntReason::kPpeBypass);  // ethertype 0
  rtl.parse({}, {});  // an empty batch costs nothing
  EXPECT_EQ(rtl.cycles() - start, 10u + hw::datapath::kParserLatencyCycles);
}

TEST(ParserRtl, RejectsMismatchedSpans) {
  ParserRtl rtl;
  std::vector<std::span<const std::uint8_t>> in(3);
  std::vector<ParsedHeaders> out(2);
  EXPECT_THROW(rtl.parse(in, out), std::invalid_argument);
}

}  // namespace
}  // namespace flowsim::model
