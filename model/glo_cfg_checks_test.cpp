// SPDX-License-Identifier: Apache-2.0
// The GLO_CFG drop checks on frames the C++ parser hands on: each bit drops exactly what it
// names (a wrong IPv4 header checksum, a wrong TCP/UDP checksum, TTL 0), nothing while its
// bit is clear, never a parser exception, and a UDP checksum of 0 means "none".
#include "model/glo_cfg_checks.hpp"

#include <gtest/gtest.h>

#include "model/rtl_twin/parser_cpp.hpp"
#include "testbench/bench/test_frame.hpp"

namespace flowsim::model {
namespace {

using hw::reg::GloCfg;

constexpr std::uint32_t kHost = 0xc0a80164;    // 192.168.1.100
constexpr std::uint32_t kServer = 0xc633640a;  // 198.51.100.10
const std::uint32_t kEn = GloCfg::kEn.make(1);
const std::uint32_t kIp4 = GloCfg::kIp4CsDrop.make(1);
const std::uint32_t kL4 = GloCfg::kL4CsDrop.make(1);
const std::uint32_t kTtl0 = GloCfg::kTtl0Drop.make(1);
const std::uint32_t kAll = kEn | kIp4 | kL4 | kTtl0;

std::optional<ModelDropReason> check(std::uint32_t glo, const std::vector<std::uint8_t>& f) {
  return glo_cfg_drop(glo, f, ParserCpp::parse_one(f));
}

// Byte 24/25 of the frame is the IPv4 header checksum; byte 40/41 the UDP one, 50/51 TCP's.
std::vector<std::uint8_t> flipped(std::vector<std::uint8_t> f, std::size_t at) {
  f[at] ^= 0x11;
  return f;
}

TEST(GloCfgChecks, CorrectFramesPassEveryCheck) {
  EXPECT_EQ(check(kAll, testbench::udp4_frame(kHost, kServer, 5000, 7000)), std::nullopt);
  EXPECT_EQ(check(kAll, testbench::tcp4_frame(kHost, kServer, 40000, 443)), std::nullopt);
  EXPECT_EQ(check(kAll, testbench::udp4_frame(kHost, kServer, 5000, 7000, 18, 1)), std::nullopt);  // TTL 1 punts
}

TEST(GloCfgChecks, EachBitDropsWhatItNamesAndNothingElse) {
  const auto bad_ip = flipped(testbench::udp4_frame(kHost, kServer, 5000, 7000), 24);
  const auto bad_udp = flipped(testbench::udp4_frame(kHost, kServer, 5000, 7000), 40);
  const auto bad_tcp = flipped(testbench::tcp4_frame(kHost, kServer, 40000, 443), 50);
  const auto ttl0 = testbench::udp4_frame(kHost, kServer, 5000, 7000, 18, 0);

  EXPECT_EQ(check(kEn, bad_ip), std::nullopt);
  EXPECT_EQ(check(kEn, bad_udp), std::nullopt);
  EXPECT_EQ(check(kEn, ttl0), std::nullopt);

  EXPECT_EQ(check(kEn | kIp4, bad_ip), ModelDropReason::kIpChecksum);
  EXPECT_EQ(check(kEn | kIp4, bad_udp), std::nullopt);
  EXPECT_EQ(check(kEn | kIp4, ttl0), std::nullopt);

  EXPECT_EQ(check(kEn | kL4, bad_udp), ModelDropReason::kL4Checksum);
  EXPECT_EQ(check(kEn | kL4, bad_tcp), ModelDropReason::kL4Checksum);
  EXPECT_EQ(check(kEn | kL4, bad_ip), std::nullopt);

  EXPECT_EQ(check(kEn | kTtl0, ttl0), ModelDropReason::kTtlZero);
  EXPECT_EQ(check(kEn | kTtl0, bad_ip), std::nullopt);
}

TEST(GloCfgChecks, TtlZeroComesFirstThenTheHeaderThenTheSegment) {
  auto f = testbench::udp4_frame(kHost, kServer, 5000, 7000, 18, 0);
  f[40] ^= 0x11;  // bad UDP checksum
  f[24] ^= 0x11;  // bad header checksum
  EXPECT_EQ(check(kAll, f), ModelDropReason::kTtlZero);
  EXPECT_EQ(check(kEn | kIp4 | kL4, f), ModelDropReason::kIpChecksum);
  EXPECT_EQ(check(kEn | kL4, f), ModelDropReason::kL4Checksum);
}

TEST(GloCfgChecks, UdpChecksumZeroMeansNone) {
  auto f = testbench::udp4_frame(kHost, kServer, 5000, 7000);
  f[40] = 0;
  f[41] = 0;
  EXPECT_EQ(check(kAll, f), std::nullopt);
}

TEST(GloCfgChecks, ParserExceptionsAreLeftToTheCpu) {
  // A fragment (MF set) with a wrong header checksum: punted ipv4_frag, not dropped here.
  auto f = testbench::udp4_frame(kHost, kServer, 5000, 7000);
  f[20] = 0x20;
  ASSERT_TRUE(ParserCpp::parse_one(f).exception);
  EXPECT_EQ(check(kAll, flipped(f, 24)), std::nullopt);
}

}  // namespace
}  // namespace flowsim::model
