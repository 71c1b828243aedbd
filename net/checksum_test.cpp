// SPDX-License-Identifier: Apache-2.0
// Checksum arithmetic on hand-made data: RFC 1071's example, the 0x0000/0xffff
// representations (ip_decrease_ttl, UDP's "no checksum" and CSUM_MANGLED_0), and the
// incremental updates against a full recompute over many deterministic pseudo-random
// buffers. The Scapy cross-checks are in net_vectors_test.cpp.
#include <array>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "net/byte_order.hpp"
#include "net/checksum.hpp"

namespace flowsim::net {
namespace {

using Bytes = std::vector<std::uint8_t>;

// A small deterministic generator (Knuth's MMIX LCG), so the property tests are repeatable.
class Lcg {
 public:
  explicit Lcg(std::uint64_t seed) : state_(seed) {}
  std::uint32_t next() {
    state_ = state_ * 6364136223846793005u + 1442695040888963407u;
    return static_cast<std::uint32_t>(state_ >> 32);
  }

 private:
  std::uint64_t state_;
};

TEST(Checksum, Rfc1071Example) {
  // RFC 1071 §3: the sum of 0001 f203 f4f5 f6f7 is ddf2 (after the end-around carry).
  const Bytes data = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(checksum_add(data), 0x2ddf0u);
  EXPECT_EQ(internet_checksum(data), 0x220d);
}

TEST(Checksum, OddLengthPadsWithZero) {
  EXPECT_EQ(internet_checksum(Bytes{0x01}), 0xfeff);
  EXPECT_EQ(internet_checksum(Bytes{0x12, 0x34, 0x56}), static_cast<std::uint16_t>(~(0x1234 + 0x5600)));
  EXPECT_EQ(checksum_add(Bytes{0xab}, 0x10), 0xab10u);
}

TEST(Checksum, ZeroAndAllOnesRepresentations) {
  EXPECT_EQ(internet_checksum(Bytes{}), 0xffff);
  EXPECT_EQ(internet_checksum(Bytes{0, 0}), 0xffff);
  EXPECT_EQ(internet_checksum(Bytes{0xff, 0xff}), 0x0000);  // sum is "negative zero"
  EXPECT_EQ(checksum_fold(0xffff), 0x0000);
  EXPECT_EQ(checksum_fold(0x0001'fffe), 0x0000);  // fffe + 1 folds to ffff
  EXPECT_EQ(checksum_fold(0), 0xffff);
}

TEST(Checksum, LongBufferKeepsEveryCarry) {
  const Bytes ones(1 << 20, 0xff);  // 512 Ki words of 0xffff
  EXPECT_EQ(internet_checksum(ones), 0x0000);
  Bytes data(70000, 0);
  for (std::size_t i = 0; i < data.size(); i += 2) data[i] = 0x80;  // 35000 * 0x8000
  // 35000 * 0x8000 = 0x445c_0000 -> 0x0000 + 0x445c = 0x445c, complemented 0xbba3.
  EXPECT_EQ(internet_checksum(data), 0xbba3);
}

TEST(Checksum, Ipv4PseudoHeaderSum) {
  // 192.0.2.1 -> 198.51.100.2, UDP, 12 bytes: c000+0201+c633+6402+0011+000c = 0x1ec53.
  EXPECT_EQ(pseudo_header_sum(Ipv4Addr(0xc0000201), Ipv4Addr(0xc6336402), 17, 12), 0x1ec53u);
}

TEST(Checksum, Ipv6PseudoHeaderSum) {
  const Ipv6Addr src = Ipv6Addr::parse("2001:db8::1").value();
  const Ipv6Addr dst = Ipv6Addr::parse("2001:db8::2").value();
  // 2001+0db8+1 + 2001+0db8+2 + length (0x0001_0000 split in words: 1 + 0) + 58.
  EXPECT_EQ(pseudo_header_sum(src, dst, 58, 0x10000), 0x2001u + 0x0db8 + 1 + 0x2001 + 0x0db8 + 2 + 1 + 58);
}

TEST(Checksum, TtlDecrementEdgeCases) {
  // Linux ip_decrease_ttl: +0x0100 with end-around carry; 0xffff is stored as 0x0000.
  EXPECT_EQ(ipv4_ttl_decrement_checksum(0x1234), 0x1334);
  EXPECT_EQ(ipv4_ttl_decrement_checksum(0xfeff), 0x0000);
  EXPECT_EQ(ipv4_ttl_decrement_checksum(0xff00), 0x0001);
  EXPECT_EQ(ipv4_ttl_decrement_checksum(0xffff), 0x0100);
  EXPECT_EQ(ipv4_ttl_decrement_checksum(0x0000), 0x0100);
}

TEST(Checksum, TtlDecrementEqualsFullRecomputeForEveryChecksum) {
  // A header whose ID sweeps all 65536 values takes every checksum value, 0xfeff included.
  std::array<std::uint8_t, 20> h = {0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 17, 0, 0, 192, 0, 2, 1, 203, 0, 113, 5};
  int to_zero = 0;
  for (std::uint32_t id = 0; id <= 0xffff; ++id) {
    store_be16(h.data() + 4, static_cast<std::uint16_t>(id));
    h[8] = 64;
    store_be16(h.data() + 10, 0);
    const std::uint16_t before = internet_checksum(h);
    store_be16(h.data() + 10, before);
    h[8] = 63;
    store_be16(h.data() + 10, 0);
    const std::uint16_t full = internet_checksum(h);
    ASSERT_EQ(ipv4_ttl_decrement_checksum(before), full) << "id " << id;
    ASSERT_EQ(csum_replace2(before, 0x4011, 0x3f11), full) << "id " << id;
    to_zero += full == 0;
  }
  EXPECT_EQ(to_zero, 1);
}

TEST(Checksum, UdpMangledZero) {
  EXPECT_EQ(udp_checksum_mangled(0x0000), 0xffff);
  EXPECT_EQ(udp_checksum_mangled(0xffff), 0xffff);
  EXPECT_EQ(udp_checksum_mangled(0x0001), 0x0001);
  EXPECT_EQ(udp_checksum_mangled(0x8000), 0x8000);
}

TEST(Checksum, UdpSegmentSummingToZeroIsSentAsAllOnes) {
  // src 0.0.0.1 -> 0.0.0.0, UDP length 8, ports 0 -> 0xffdd: the pseudo-header gives
  // 1 + 17 + 8 = 0x1a, the header 0xffdd + 8, so the sum is 0xffff ("negative zero") and
  // the computed checksum is 0, which goes on the wire as 0xffff.
  Bytes udp = {0x00, 0x00, 0xff, 0xdd, 0x00, 0x08, 0x00, 0x00};
  const std::uint16_t computed = l4_checksum(Ipv4Addr(1), Ipv4Addr(0), 17, udp);
  EXPECT_EQ(computed, 0x0000);
  EXPECT_EQ(udp_checksum_mangled(computed), 0xffff);
  store_be16(udp.data() + 6, 0xffff);
  EXPECT_EQ(l4_checksum(Ipv4Addr(1), Ipv4Addr(0), 17, udp), 0x0000) << "0xffff verifies as correct";
}

TEST(Checksum, IncrementalUpdateOfAZeroUdpChecksumIsNotZero) {
  // Why a UDP checksum of 0 ("none") must be left alone on rewrite: updating it would
  // invent a wrong checksum.
  EXPECT_NE(csum_replace2(0x0000, 4000, 1999), 0x0000);
  EXPECT_NE(csum_replace4(0x0000, 0xc0a8010a, 0xc6336401), 0x0000);
}

// Full recompute with the checksum field (at `at`) zeroed.
std::uint16_t recompute(Bytes data, std::size_t at) {
  data[at] = data[at + 1] = 0;
  return internet_checksum(data);
}

TEST(Checksum, IncrementalUpdatesEqualFullRecompute) {
  Lcg rng(20240611);
  for (int round = 0; round < 20000; ++round) {
    Bytes data(48);
    for (auto& b : data) b = static_cast<std::uint8_t>(rng.next());
    constexpr std::size_t kCheck = 0;  // checksum field at 0..1; fields change at 8.. (2/4/16 bytes)
    store_be16(data.data() + kCheck, recompute(data, kCheck));
    const std::uint16_t check = load_be16(data.data() + kCheck);

    Bytes two = data;
    const std::uint16_t new16 = static_cast<std::uint16_t>(rng.next());
    const std::uint16_t old16 = load_be16(two.data() + 8);
    store_be16(two.data() + 8, new16);
    ASSERT_EQ(csum_replace2(check, old16, new16), recompute(two, kCheck)) << "round " << round;

    Bytes four = data;
    const std::uint32_t new32 = rng.next();
    const std::uint32_t old32 = load_be32(four.data() + 12);
    store_be32(four.data() + 12, new32);
    ASSERT_EQ(csum_replace4(check, old32, new32), recompute(four, kCheck)) << "round " << round;

    Bytes sixteen = data;
    std::array<std::uint8_t, 16> to{};
    for (auto& b : to) b = static_cast<std::uint8_t>(rng.next());
    const Ipv6Addr from = Ipv6Addr::from_bytes(sixteen.data() + 16);
    Ipv6Addr(to).write_to(sixteen.data() + 16);
    ASSERT_EQ(csum_replace16(check, from, Ipv6Addr(to)), recompute(sixteen, kCheck)) << "round " << round;
  }
}

TEST(Checksum, IncrementalUpdateWithUnchangedFieldKeepsTheChecksum) {
  for (const std::uint16_t check : {0x0001, 0x1234, 0xfffe, 0x8000}) {
    EXPECT_EQ(csum_replace2(check, 0xabcd, 0xabcd), check);
    EXPECT_EQ(csum_replace4(check, 0xdeadbeef, 0xdeadbeef), check);
  }
}

}  // namespace
}  // namespace flowsim::net
