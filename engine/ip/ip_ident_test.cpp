// SPDX-License-Identifier: Apache-2.0
// SipHash-2-4 against the reference vectors, and the IP ID generator's behaviour as Linux's
// ip_idents_reserve: consecutive IDs within a jiffy, a jump below the idle time after a
// pause, ID 0 with DF, nonzero IPv6 fragment IDs, and the same IDs from the same seed.
#include <chrono>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "engine/ip/ip_ident.hpp"
#include "engine/ip/siphash.hpp"

namespace flowsim::engine::ip {
namespace {

using namespace std::chrono_literals;

SipKey reference_key() {
  // Key bytes 00..0f, read as two little-endian words.
  return SipKey{{0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL}};
}

std::vector<std::uint8_t> counting(std::size_t n) {
  std::vector<std::uint8_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(i);
  return v;
}

TEST(SipHash, ReferenceVectors) {
  // Aumasson & Bernstein, "SipHash: a fast short-input PRF", appendix A and the reference
  // implementation's vectors for messages 00, 00..0e.
  EXPECT_EQ(siphash(counting(0), reference_key()), 0x726fdb47dd0e0e31ULL);
  EXPECT_EQ(siphash(counting(15), reference_key()), 0xa129ca6149be45e5ULL);
}

TEST(SipHash, ThreeWordsAreTwelveLittleEndianBytes) {
  const std::vector<std::uint8_t> bytes = {0xc0, 0x00, 0x02, 0x01, 0xcb, 0x00, 0x71, 0x02, 0x01, 0x00, 0x00, 0x00};
  EXPECT_EQ(siphash_3u32(0x010200c0u, 0x027100cbu, 1u, reference_key()), siphash(bytes, reference_key()));
}

const net::Ipv4Addr kRouter(0xcb007102);  // 203.0.113.2
const net::Ipv4Addr kHost(0xc0a80164);    // 192.168.1.100
constexpr std::uint8_t kIcmp = 1;
constexpr auto kJiffy = 4ms;  // HZ 250

TEST(IpIdent, ConsecutiveWithinOneJiffy) {
  IpIdent g(1);
  const std::uint16_t first = g.select(kRouter, kHost, kIcmp, 10s);
  EXPECT_EQ(g.select(kRouter, kHost, kIcmp, 10s), static_cast<std::uint16_t>(first + 1));
  EXPECT_EQ(g.select(kRouter, kHost, kIcmp, 10s + 1ms), static_cast<std::uint16_t>(first + 2));
  // Several segments reserve a run of IDs and get the first.
  EXPECT_EQ(g.select(kRouter, kHost, kIcmp, 10s + 2ms, 3), static_cast<std::uint16_t>(first + 3));
  EXPECT_EQ(g.select(kRouter, kHost, kIcmp, 10s + 3ms), static_cast<std::uint16_t>(first + 6));
}

TEST(IpIdent, JumpsLessThanTheIdleJiffiesAfterAPause) {
  IpIdent g(7);
  std::uint16_t last = g.select(kRouter, kHost, kIcmp, 10s);
  bool jumped = false;
  for (int i = 1; i <= 50; ++i) {
    const auto now = 10s + i * 25 * kJiffy;  // 25 jiffies later each time
    const std::uint16_t id = g.select(kRouter, kHost, kIcmp, now);
    const auto step = static_cast<std::uint16_t>(id - last);
    EXPECT_GE(step, 1) << i;
    EXPECT_LE(step, 25) << i;  // 1 + a jump in [0, 25)
    jumped |= step > 1;
    last = id;
  }
  EXPECT_TRUE(jumped) << "fifty pauses without a single perturbation";
}

TEST(IpIdent, SameSeedSameIds) {
  IpIdent a(42);
  IpIdent b(42);
  IpIdent c(43);
  std::vector<std::uint16_t> ia, ib, ic;
  for (int i = 0; i < 20; ++i) {
    const auto now = 1s + i * 7 * kJiffy;
    const net::Ipv4Addr dst(0xc6336400u + static_cast<std::uint32_t>(i % 3));
    ia.push_back(a.select(kRouter, dst, kIcmp, now));
    ib.push_back(b.select(kRouter, dst, kIcmp, now));
    ic.push_back(c.select(kRouter, dst, kIcmp, now));
  }
  EXPECT_EQ(ia, ib);
  EXPECT_NE(ia, ic);
}

TEST(IpIdent, DontFragmentMeansIdZero) {
  IpIdent g(3);
  std::vector<std::uint8_t> h(20, 0);
  h[0] = 0x45;
  h[6] = 0x40;  // DF
  h[9] = kIcmp;
  const auto ip = net::Ipv4Header::at(h, 0).value();
  ip.set_id(0x1234);
  ip.set_src(kRouter);
  ip.set_dst(kHost);
  g.select_for(ip, 1s);
  EXPECT_EQ(ip.id(), 0);
  IpIdent twin(3);
  g.select_for(ip, 1s, /*ignore_df=*/true);
  EXPECT_EQ(ip.id(), twin.select(kRouter, kHost, kIcmp, 1s));
}

TEST(IpIdent, Ipv6FragmentIdsAreNonzero) {
  IpIdent g(0);
  for (int i = 0; i < 1000; ++i) EXPECT_NE(g.select_ipv6(), 0u);
}

}  // namespace
}  // namespace flowsim::engine::ip
