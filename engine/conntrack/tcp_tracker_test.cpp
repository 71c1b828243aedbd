// SPDX-License-Identifier: Apache-2.0
// The TCP tracker alone: the flag combinations conntrack accepts, simultaneous open, window
// checks (and being liberal), the shorter timeouts for retransmissions, zero windows and
// unacknowledged data, and reopening a closed connection with a new SYN.
#include "engine/conntrack/tcp_tracker.hpp"

#include <gtest/gtest.h>

namespace flowsim::engine::conntrack {
namespace {

using namespace std::chrono_literals;

constexpr std::uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08, kAck = 0x10, kUrg = 0x20, kEce = 0x40,
                       kCwr = 0x80;
constexpr CtDir kOrig = CtDir::kOriginal;
constexpr CtDir kReply = CtDir::kReply;

class TcpTrackerTest : public ::testing::Test {
 protected:
  TcpVerdict seg(CtDir dir, std::uint8_t flags, std::uint32_t seq, std::uint32_t ack, std::uint32_t len = 0,
                 std::uint16_t window = 500) {
    const TcpSegment s{flags, seq, ack, window, {}, len};
    const TcpVerdict v = TcpTracker::on_packet(ct_, dir, s, now_, timeouts_, config_);
    if (dir == kReply && v != TcpVerdict::kInvalid) ct_.status |= kSeenReply;
    return v;
  }
  void start(std::uint8_t flags = kSyn) {
    ASSERT_TRUE(TcpTracker::on_new(ct_, TcpSegment{flags, 1000, 0, 500, {}, 0}, config_));
  }
  // A normal handshake: client ISN 1000, server ISN 5000.
  void handshake() {
    start();
    ASSERT_EQ(seg(kOrig, kSyn, 1000, 0), TcpVerdict::kAccept);
    ASSERT_EQ(seg(kReply, kSyn | kAck, 5000, 1001), TcpVerdict::kAccept);
    ASSERT_EQ(seg(kOrig, kAck, 1001, 5001), TcpVerdict::kAccept);
    ASSERT_EQ(ct_.tcp.state, TcpState::kEstablished);
    ASSERT_TRUE(ct_.status & kAssured);
  }
  std::chrono::nanoseconds left() const { return ct_.timeout - now_; }

  Connection ct_;
  ConntrackTimeouts timeouts_;
  TcpTrackerConfig config_;
  std::chrono::nanoseconds now_ = 10s;
};

TEST(TcpTrackerFlagsTest, ValidCombinationsAsTheKernelTable) {
  const int valid[] = {kSyn, kSyn | kAck, kRst, kRst | kAck, kFin | kAck, kAck, kAck | kUrg, kSyn | kUrg,
                       kFin | kAck | kUrg, kPsh | kAck, kSyn | kEce | kCwr};
  for (int f : valid) EXPECT_TRUE(TcpTracker::flags_valid(static_cast<std::uint8_t>(f))) << f;
  const int invalid[] = {0, kFin, kSyn | kFin, kSyn | kRst, kFin | kRst, kPsh, kUrg, kFin | kPsh | kUrg};
  for (int f : invalid) EXPECT_FALSE(TcpTracker::flags_valid(static_cast<std::uint8_t>(f))) << f;
}

TEST_F(TcpTrackerTest, NewConnectionsStartWithSynOrArePickedUp) {
  EXPECT_TRUE(TcpTracker::on_new(ct_, TcpSegment{kSyn, 1, 0, 0, {}, 0}, config_));
  EXPECT_FALSE(TcpTracker::on_new(ct_, TcpSegment{kSyn | kAck, 1, 1, 0, {}, 0}, config_));
  EXPECT_FALSE(TcpTracker::on_new(ct_, TcpSegment{kRst, 1, 0, 0, {}, 0}, config_));
  EXPECT_TRUE(TcpTracker::on_new(ct_, TcpSegment{kAck, 1, 1, 0, {}, 0}, config_));  // loose pick-up
  config_.loose = false;
  EXPECT_FALSE(TcpTracker::on_new(ct_, TcpSegment{kAck, 1, 1, 0, {}, 0}, config_));
}

TEST_F(TcpTrackerTest, SimultaneousOpen) {
  start();
  ASSERT_EQ(seg(kOrig, kSyn, 1000, 0), TcpVerdict::kAccept);
  // The peer's SYN moves the state but, like any SYN while SYN_SENT, renews no timeout.
  ASSERT_EQ(seg(kReply, kSyn, 5000, 0), TcpVerdict::kIgnore);
  EXPECT_EQ(ct_.tcp.state, TcpState::kSynSent2);
  ASSERT_EQ(seg(kOrig, kSyn | kAck, 1000, 5001), TcpVerdict::kAccept);
  EXPECT_EQ(ct_.tcp.state, TcpState::kSynRecv);
  ASSERT_EQ(seg(kReply, kAck, 5001, 1001), TcpVerdict::kAccept);
  EXPECT_EQ(ct_.tcp.state, TcpState::kEstablished);
}

TEST_F(TcpTrackerTest, DataOutsideTheWindowIsInvalidUnlessLiberal) {
  handshake();
  // Far beyond what the receiver advertised.
  EXPECT_EQ(seg(kOrig, kPsh | kAck, 1001 + 100000, 5001, 10), TcpVerdict::kInvalid);
  // An ACK for data never sent.
  EXPECT_EQ(seg(kOrig, kAck, 1001, 9000000), TcpVerdict::kInvalid);
  ct_.tcp.seen[0].flags |= kTcpBeLiberal;  // what flow offload sets
  EXPECT_EQ(seg(kOrig, kPsh | kAck, 1001 + 100000, 5001, 10), TcpVerdict::kAccept);
}

TEST_F(TcpTrackerTest, UnacknowledgedDataAndRetransmissionsShortenTheTimeout) {
  handshake();
  EXPECT_EQ(left(), 432000s);
  ASSERT_EQ(seg(kOrig, kPsh | kAck, 1001, 5001, 100), TcpVerdict::kAccept);
  EXPECT_EQ(left(), 300s);  // UNACK
  ASSERT_EQ(seg(kReply, kAck, 5001, 1101), TcpVerdict::kAccept);
  EXPECT_EQ(left(), 432000s);
  // The same ACK three more times: retransmissions.
  for (int i = 0; i < 3; ++i) ASSERT_EQ(seg(kReply, kAck, 5001, 1101), TcpVerdict::kAccept);
  EXPECT_EQ(ct_.tcp.retrans, 3);
  EXPECT_EQ(left(), 300s);  // RETRANS
  // A zero window.
  ASSERT_EQ(seg(kOrig, kAck, 1101, 5001, 0, 0), TcpVerdict::kAccept);
  EXPECT_EQ(left(), 300s);
}

TEST_F(TcpTrackerTest, CloseSequenceAndReopen) {
  handshake();
  ASSERT_EQ(seg(kOrig, kFin | kAck, 1001, 5001), TcpVerdict::kAccept);
  EXPECT_EQ(ct_.tcp.state, TcpState::kFinWait);
  EXPECT_TRUE(ct_.tcp.seen[0].flags & kTcpCloseInit);
  ASSERT_EQ(seg(kReply, kFin | kAck, 5001, 1002), TcpVerdict::kAccept);
  EXPECT_EQ(ct_.tcp.state, TcpState::kLastAck);
  EXPECT_EQ(left(), 30s);
  ASSERT_EQ(seg(kOrig, kAck, 1002, 5002), TcpVerdict::kAccept);
  EXPECT_EQ(ct_.tcp.state, TcpState::kTimeWait);
  EXPECT_EQ(left(), 120s);
  // A new SYN on the same ports: conntrack must forget the old connection and start anew.
  EXPECT_EQ(seg(kOrig, kSyn, 7000, 0), TcpVerdict::kReopen);
}

TEST_F(TcpTrackerTest, RstSetsCloseWithTenSeconds) {
  handshake();
  ASSERT_EQ(seg(kReply, kRst | kAck, 5001, 1001), TcpVerdict::kAccept);
  EXPECT_EQ(ct_.tcp.state, TcpState::kClose);
  EXPECT_EQ(left(), 10s);
}

TEST_F(TcpTrackerTest, SynAckInReplyToSynRetransmittedFromReplyIsIgnored) {
  handshake();
  // A late SYN/ACK in ESTABLISHED is ignored (sIG): no state change, no refresh.
  now_ += 5s;
  const auto before = ct_.timeout;
  EXPECT_EQ(seg(kReply, kSyn | kAck, 5000, 1001), TcpVerdict::kIgnore);
  EXPECT_EQ(ct_.tcp.state, TcpState::kEstablished);
  EXPECT_EQ(ct_.timeout, before);
}

}  // namespace
}  // namespace flowsim::engine::conntrack
