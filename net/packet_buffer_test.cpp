// SPDX-License-Identifier: Apache-2.0
// PacketBuffer: insert and erase at the front, middle and back (both the "move the head"
// and the "move the tail" paths), growing past the headroom, assign and resize, with the
// exact bytes after every step.
#include <cstdint>
#include <numeric>
#include <vector>

#include <gtest/gtest.h>

#include "net/packet_buffer.hpp"

namespace flowsim::net {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes iota(std::size_t n, std::uint8_t first = 1) {
  Bytes b(n);
  std::iota(b.begin(), b.end(), first);
  return b;
}

Bytes contents(const PacketBuffer& p) { return Bytes(p.bytes().begin(), p.bytes().end()); }

TEST(PacketBuffer, StartsWithTheGivenBytes) {
  const PacketBuffer p(iota(6));
  EXPECT_EQ(p.size(), 6u);
  EXPECT_FALSE(p.empty());
  EXPECT_EQ(contents(p), iota(6));
  const PacketBuffer empty;
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(empty.bytes().size(), 0u);
}

TEST(PacketBuffer, InsertAtFrontUsesHeadroom) {
  PacketBuffer p(iota(10));
  const std::uint8_t* tail = p.bytes().data() + 9;
  p.insert(0, 4);
  EXPECT_EQ(contents(p), (Bytes{0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  EXPECT_EQ(p.bytes().data() + 13, tail) << "the bytes after the insertion point did not move";
}

TEST(PacketBuffer, InsertInTheFirstHalfMovesTheHead) {
  PacketBuffer p(iota(10));
  p.insert(3, 2);
  EXPECT_EQ(contents(p), (Bytes{1, 2, 3, 0, 0, 4, 5, 6, 7, 8, 9, 10}));
  p.bytes()[3] = 0xaa;
  p.bytes()[4] = 0xbb;
  p.insert(5, 4);  // 5 <= 12 - 5: head side again
  EXPECT_EQ(contents(p), (Bytes{1, 2, 3, 0xaa, 0xbb, 0, 0, 0, 0, 4, 5, 6, 7, 8, 9, 10}));
}

TEST(PacketBuffer, InsertInTheSecondHalfMovesTheTail) {
  PacketBuffer p(iota(10));
  p.insert(7, 3);
  EXPECT_EQ(contents(p), (Bytes{1, 2, 3, 4, 5, 6, 7, 0, 0, 0, 8, 9, 10}));
  p.insert(p.size(), 2);  // at the back
  EXPECT_EQ(contents(p), (Bytes{1, 2, 3, 4, 5, 6, 7, 0, 0, 0, 8, 9, 10, 0, 0}));
}

TEST(PacketBuffer, InsertZeroesReusedBytes) {
  PacketBuffer p(iota(10));
  p.erase(0, 4);        // the head moves forward over 1..4, which stay in storage
  p.insert(0, 4);       // and must come back as zeros
  EXPECT_EQ(contents(p), (Bytes{0, 0, 0, 0, 5, 6, 7, 8, 9, 10}));
  p.resize(6);          // 9, 10 stay in storage past the end
  p.insert(6, 2);
  EXPECT_EQ(contents(p), (Bytes{0, 0, 0, 0, 5, 6, 0, 0}));
}

TEST(PacketBuffer, InsertBeyondTheHeadroomGrows) {
  PacketBuffer p(iota(5), 2);
  p.insert(0, 3);  // needs 3 bytes of headroom, has 2
  EXPECT_EQ(contents(p), (Bytes{0, 0, 0, 1, 2, 3, 4, 5}));
  p.insert(1, 40);
  Bytes expected = {0};
  expected.insert(expected.end(), 40, 0);
  expected.insert(expected.end(), {0, 0, 1, 2, 3, 4, 5});
  EXPECT_EQ(contents(p), expected);
  PacketBuffer none(iota(3), 0);
  none.insert(0, 1);
  EXPECT_EQ(contents(none), (Bytes{0, 1, 2, 3}));
}

TEST(PacketBuffer, EraseAtFrontMiddleAndBack) {
  PacketBuffer p(iota(12));
  p.erase(0, 2);
  EXPECT_EQ(contents(p), (Bytes{3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));
  p.erase(1, 3);  // head side: 1 byte before, 6 after
  EXPECT_EQ(contents(p), (Bytes{3, 7, 8, 9, 10, 11, 12}));
  p.erase(4, 2);  // tail side: 4 bytes before, 1 after
  EXPECT_EQ(contents(p), (Bytes{3, 7, 8, 9, 12}));
  p.erase(4, 1);  // the last byte
  EXPECT_EQ(contents(p), (Bytes{3, 7, 8, 9}));
  p.erase(2, 0);
  EXPECT_EQ(contents(p), (Bytes{3, 7, 8, 9}));
  p.erase(0, 4);
  EXPECT_TRUE(p.empty());
  p.insert(0, 2);
  EXPECT_EQ(contents(p), (Bytes{0, 0}));
}

TEST(PacketBuffer, PushAndPopAVlanTag) {
  // The datapath's use: open 4 bytes after the MAC addresses, then remove them again.
  const Bytes frame = iota(60);
  PacketBuffer p(frame);
  p.insert(12, 4);
  p.bytes()[12] = 0x81;
  p.bytes()[13] = 0x00;
  p.bytes()[14] = 0x00;
  p.bytes()[15] = 0x64;
  ASSERT_EQ(p.size(), 64u);
  EXPECT_EQ(Bytes(p.bytes().begin(), p.bytes().begin() + 12), iota(12));
  EXPECT_EQ(Bytes(p.bytes().begin() + 12, p.bytes().begin() + 16), (Bytes{0x81, 0x00, 0x00, 0x64}));
  EXPECT_EQ(Bytes(p.bytes().begin() + 16, p.bytes().end()), iota(48, 13));
  p.erase(12, 4);
  EXPECT_EQ(contents(p), frame);
  EXPECT_EQ(p, PacketBuffer(frame, 0));
}

TEST(PacketBuffer, AssignAndResize) {
  PacketBuffer p(iota(20));
  p.assign(iota(5, 100));
  EXPECT_EQ(contents(p), (Bytes{100, 101, 102, 103, 104}));
  p.resize(8);
  EXPECT_EQ(contents(p), (Bytes{100, 101, 102, 103, 104, 0, 0, 0}));
  p.resize(2);
  EXPECT_EQ(contents(p), (Bytes{100, 101}));
  p.resize(4);
  EXPECT_EQ(contents(p), (Bytes{100, 101, 0, 0}));
  p.assign(iota(100));
  EXPECT_EQ(contents(p), iota(100));
  p.assign(Bytes{});
  EXPECT_TRUE(p.empty());
}

TEST(PacketBuffer, EqualityComparesBytesOnly) {
  EXPECT_EQ(PacketBuffer(iota(4), 0), PacketBuffer(iota(4), 64));
  EXPECT_FALSE(PacketBuffer(iota(4)) == PacketBuffer(iota(5)));
  EXPECT_FALSE(PacketBuffer(iota(4)) == PacketBuffer(iota(4, 2)));
}

}  // namespace
}  // namespace flowsim::net
