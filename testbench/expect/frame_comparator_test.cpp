// SPDX-License-Identifier: Apache-2.0
// What a conformance file may leave open and what it may not: don't-care nibbles, the named
// masks of the kernel differential, and checksums that must still be right.
#include "testbench/expect/frame_comparator.hpp"

#include <gtest/gtest.h>

#include "net/checksum.hpp"
#include "testbench/bench/test_frame.hpp"

namespace flowsim::expect {
namespace {

constexpr std::uint32_t kRouter = 0xc0a80101;  // 192.168.1.1
constexpr std::uint32_t kHostA = 0xc0a80164;   // 192.168.1.100
constexpr std::uint32_t kServer = 0xc6336416;  // 198.51.100.22

MaskSet masks_of(std::initializer_list<Mask> ms) {
  MaskSet m;
  for (const Mask x : ms) add(m, x);
  return m;
}

std::vector<std::string> names_of(const std::vector<FieldDiff>& d) {
  std::vector<std::string> out;
  for (const auto& x : d) out.push_back(x.name);
  return out;
}

void set_be16(std::vector<std::uint8_t>& f, std::size_t off, std::uint16_t v) {
  f[off] = static_cast<std::uint8_t>(v >> 8);
  f[off + 1] = static_cast<std::uint8_t>(v);
}

// An ICMP port unreachable the router sends to host A, with IPv4 ID `id`, quoting a UDP
// datagram from `quoted_sport`; every checksum right.
std::vector<std::uint8_t> icmp_error(std::uint16_t id, std::uint16_t quoted_sport = 5000) {
  auto inner = testbench::udp4_frame(kHostA, kServer, quoted_sport, 53, 4);
  std::vector<std::uint8_t> quote(inner.begin() + 14, inner.end());
  auto f = testbench::ipv4_frame(kRouter, kHostA, 1, 8, quote.size(), 64, {});
  f[34] = 3;
  f[35] = 3;
  std::copy(quote.begin(), quote.end(), f.begin() + 42);
  set_be16(f, 18, id);
  set_be16(f, 24, 0);
  set_be16(f, 24, net::internet_checksum(std::span(f).subspan(14, 20)));
  set_be16(f, 36, net::internet_checksum(std::span(f).subspan(34)));
  f.resize(std::max<std::size_t>(f.size(), 60));
  return f;
}

TEST(FrameComparator, EqualFramesMatchAndADifferenceIsNamedFieldByField) {
  FrameComparator c({"192.168.1.1"});
  const auto f = testbench::udp4_frame(kHostA, kServer, 5000, 53);
  EXPECT_TRUE(c.compare(f, FramePattern::exact(f), {}).empty());
  const auto g = testbench::udp4_frame(kHostA, kServer, 5000, 53, 18, 63);
  const auto diffs = c.compare(g, FramePattern::exact(f), {});
  EXPECT_EQ(names_of(diffs), (std::vector<std::string>{"ipv4.ttl", "ipv4.checksum"}));
  EXPECT_EQ(diffs[0].actual, "63");
  EXPECT_EQ(diffs[0].expected, "64");
  const auto rows = FrameComparator::side_by_side(g, FramePattern::exact(f), diffs);
  ASSERT_GT(rows.size(), 12u);
  EXPECT_EQ(rows[0].substr(0, 5), "field");
  bool ttl_marked = false;
  for (const auto& r : rows) ttl_marked |= r.rfind("ipv4.ttl", 0) == 0 && r.find("<<") != std::string::npos;
  EXPECT_TRUE(ttl_marked);
}

TEST(FrameComparator, DontCareNibblesMatchAnythingAndNothingElse) {
  FrameComparator c({});
  const auto f = testbench::udp4_frame(kHostA, kServer, 5000, 53);
  std::string hex = FramePattern::exact(f).to_string();
  hex.replace(2 * 22, 2, "**");  // TTL
  hex.replace(2 * 24, 4, "****");  // IPv4 checksum
  std::string error;
  const auto p = FramePattern::parse(hex, &error);
  ASSERT_TRUE(p) << error;
  EXPECT_TRUE(c.compare(testbench::udp4_frame(kHostA, kServer, 5000, 53, 18, 7), *p, {}).empty());
  const auto other_port = testbench::udp4_frame(kHostA, kServer, 5001, 53);
  EXPECT_EQ(names_of(c.compare(other_port, *p, {})), (std::vector<std::string>{"udp.sport", "udp.checksum"}));
  EXPECT_FALSE(FramePattern::parse("02:00*", &error));
  EXPECT_EQ(error, "odd number of hex digits (a frame is whole bytes)");
  EXPECT_FALSE(FramePattern::parse("0x12", &error));
}

TEST(FrameComparator, Ipv4IdMaskCoversTheRoutersOwnIcmpErrorsWithTheirChecksum) {
  FrameComparator c({"192.168.1.1"});
  const auto expected = FramePattern::exact(icmp_error(0));
  const auto actual = icmp_error(0x5a17);
  EXPECT_EQ(names_of(c.compare(actual, expected, {})), (std::vector<std::string>{"ipv4.id", "ipv4.checksum"}));
  EXPECT_TRUE(c.compare(actual, expected, masks_of({Mask::kIpv4Id})).empty());
  // A masked field is no licence for a wrong checksum.
  auto broken = actual;
  broken[25] ^= 0x01;
  EXPECT_EQ(names_of(c.compare(broken, expected, masks_of({Mask::kIpv4Id}))),
            (std::vector<std::string>{"ipv4.checksum"}));
  // As in the kernel differential, the mask is for what the router generates, not forwards.
  auto fwd = testbench::udp4_frame(kHostA, kServer, 5000, 53);
  auto fwd_other_id = fwd;
  set_be16(fwd_other_id, 18, 0x1234);
  set_be16(fwd_other_id, 24, 0);
  set_be16(fwd_other_id, 24, net::internet_checksum(std::span(fwd_other_id).subspan(14, 20)));
  EXPECT_EQ(names_of(c.compare(fwd_other_id, FramePattern::exact(fwd), masks_of({Mask::kIpv4Id}))),
            (std::vector<std::string>{"ipv4.id", "ipv4.checksum"}));
}

TEST(FrameComparator, L4PortMaskAllowsAOneToOnePortMapOverTheRun) {
  FrameComparator c({});
  const auto masks = masks_of({Mask::kL4Port});
  const auto want = FramePattern::exact(testbench::udp4_frame(kHostA, kServer, 5000, 53));
  // NAT chose 6000 where the expectation says 5000: fine, and the UDP checksum follows.
  EXPECT_TRUE(c.compare(testbench::udp4_frame(kHostA, kServer, 6000, 53), want, masks).empty());
  EXPECT_TRUE(c.compare(testbench::udp4_frame(kHostA, kServer, 6000, 53), want, masks).empty());
  // The same expected port later mapped to another one: that is not one to one.
  const auto diffs = c.compare(testbench::udp4_frame(kHostA, kServer, 6001, 53), want, masks);
  ASSERT_EQ(diffs.size(), 1u);
  EXPECT_EQ(diffs[0].name, "udp.sport");
  EXPECT_NE(diffs[0].expected.find("was 6000 earlier, now 6001"), std::string::npos) << diffs[0].expected;
  // Ports inside an ICMP error's quote are ports too, with the outer checksum carried.
  FrameComparator q({"192.168.1.1"});
  EXPECT_TRUE(q.compare(icmp_error(0, 7000), FramePattern::exact(icmp_error(0, 5000)), masks).empty());
  EXPECT_FALSE(q.compare(icmp_error(0, 7000), FramePattern::exact(icmp_error(0, 5000)), {}).empty());
}

TEST(FrameComparator, MaskNamesAreTheKernelDifferentials) {
  EXPECT_EQ(mask_vocabulary(), "ipv4.id, ipv6.flowlabel, l4.port, ipv6.fragid");
  EXPECT_EQ(mask_from_name("l4.port"), Mask::kL4Port);
  EXPECT_FALSE(mask_from_name("ipv4.ttl"));
}

}  // namespace
}  // namespace flowsim::expect
