// SPDX-License-Identifier: Apache-2.0
// The software flowtable inside the engine: connections move to the fast path after the
// packet that offloads them, the fast path writes exactly the bytes the slow path writes,
// FIN/RST return a flow to the slow path (old semantics) or mark it CLOSING (new), idle flows
// expire by simulated time with the kernel's conntrack timeout fixup, and the offload port is
// called as the kernel calls a driver: REPLACE, refusals retried, DESTROY on teardown, STATS
// keeping a hardware-only flow alive.
#include "engine/flowtable/flowtable.hpp"

#include <gtest/gtest.h>

#include "engine/engine.hpp"
#include "engine/fake_flow_offload.hpp"
#include "engine/test_frames.hpp"
#include "net/byte_order.hpp"

namespace flowsim::engine {
namespace {

using namespace std::chrono_literals;
using namespace testing;
using std::chrono::nanoseconds;

const Ipv4L4Spec kClient{};  // A, on the LAN
const Ipv4L4Spec kWebServer{.dst_mac = kRouterWanMac, .src_mac = kGatewayMac, .src = v4("198.51.100.10"),
                            .dst = v4("203.0.113.2"), .ttl = 52};
const Ipv4L4Spec kRemoteClient{.dst_mac = kRouterWanMac, .src_mac = kGatewayMac, .src = v4("198.51.100.88"),
                               .dst = v4("203.0.113.2"), .ttl = 50};
const Ipv4L4Spec kLanServer{.src = v4("192.168.1.100"), .dst = v4("198.51.100.88")};

// Runs the flowtable GC (every simulated second) up to `to`.
void run_timers_until(Engine& e, nanoseconds to) {
  while (e.next_timer() <= to) e.run_timers(e.next_timer());
}

class FlowtableTest : public ::testing::Test {
 protected:
  explicit FlowtableTest(EngineConfig config = home_router_config(kHomeRouterRules)) : engine_(std::move(config)) {}

  Verdict run(const std::vector<std::uint8_t>& bytes, unsigned ingress, nanoseconds now) {
    run_timers_until(engine_, now);
    frame_.assign(bytes);
    return engine_.process(frame_, ingress, now);
  }
  std::string dump(nanoseconds now) { return engine_.conntrack_dump(now); }
  // Handshake of a masqueraded connection from A to the web server; the ACK offloads it.
  void handshake(TcpConversation& tcp, nanoseconds at) {
    ASSERT_TRUE(run(tcp.from_client(kSyn), kLan, at).forwarded());
    ASSERT_TRUE(run(tcp.from_server(kSyn | kAck), kWan, at + 10ms).forwarded());
    const Verdict v = run(tcp.from_client(kAck), kLan, at + 20ms);
    ASSERT_TRUE(v.forwarded());
    ASSERT_FALSE(v.fast_path);  // the packet that offloads goes the slow path itself
    ASSERT_EQ(engine_.flowtable()->size(), 1u);
  }

  Engine engine_;
  net::PacketBuffer frame_;
};

// The same packets through an engine that offloads and one whose ruleset has no `flow add`:
// every output frame is the same, byte for byte (as the wire shows it, padded to 60).
TEST(FlowtableEquivalenceTest, FastPathWritesTheSameBytesAsTheSlowPath) {
  Engine fast(home_router_config(kHomeRouterRules));
  Engine slow(home_router_config(without_lines(kHomeRouterRules, "flow add")));
  struct Step {
    std::vector<std::uint8_t> frame;
    unsigned port;
  };
  std::vector<Step> steps;
  TcpConversation masq(kClient, kWebServer, 40000, 443);
  steps.push_back({masq.from_client(kSyn), kLan});
  steps.push_back({masq.from_server(kSyn | kAck), kWan});
  steps.push_back({masq.from_client(kAck), kLan});
  for (std::size_t n : {100u, 1460u, 0u, 517u, 1u}) {
    steps.push_back({masq.from_client(kPsh | kAck, n), kLan});
    steps.push_back({masq.from_server(kPsh | kAck, std::min<std::size_t>(n + 3, 1460)), kWan});
  }
  // The port forward: the client talks to port 8080, the server answers from port 80 (after
  // DNAT). One conversation helper per port pair; both advance in step.
  TcpConversation dnat(kRemoteClient, kLanServer, 61000, 8080);
  TcpConversation server_side(kRemoteClient, kLanServer, 61000, 80);
  steps.push_back({dnat.from_client(kSyn), kWan});
  server_side.from_client(kSyn);
  steps.push_back({server_side.from_server(kSyn | kAck), kLan});
  dnat.from_server(kSyn | kAck);
  steps.push_back({dnat.from_client(kAck), kWan});
  server_side.from_client(kAck);
  for (std::size_t n : {40u, 700u}) {
    steps.push_back({dnat.from_client(kPsh | kAck, n), kWan});
    server_side.from_client(kPsh | kAck, n);
    steps.push_back({server_side.from_server(kPsh | kAck, n * 2), kLan});
    dnat.from_server(kPsh | kAck, n * 2);
  }
  // UDP, masqueraded, offloaded on the first answer.
  const Ipv4L4Spec dns{.dst_mac = kRouterWanMac, .src_mac = kGatewayMac, .src = v4("198.51.100.53"),
                       .dst = v4("203.0.113.2")};
  steps.push_back({udp4_frame({.dst = v4("198.51.100.53")}, {.sport = 50001}), kLan});
  for (int i = 0; i < 3; ++i) {
    steps.push_back({udp4_frame(dns, {.sport = 53, .dport = 50001, .payload = 30u + i}), kWan});
    steps.push_back({udp4_frame({.dst = v4("198.51.100.53")}, {.sport = 50001, .payload = 10u + i}), kLan});
  }
  // The close.
  steps.push_back({masq.from_client(kFin | kAck), kLan});
  steps.push_back({masq.from_server(kFin | kAck), kWan});
  steps.push_back({masq.from_client(kAck), kLan});

  net::PacketBuffer a, b;
  nanoseconds now = 1s;
  for (std::size_t i = 0; i < steps.size(); ++i, now += 1ms) {
    a.assign(steps[i].frame);
    b.assign(steps[i].frame);
    const Verdict va = fast.process(a, steps[i].port, now);
    const Verdict vb = slow.process(b, steps[i].port, now);
    ASSERT_EQ(va.kind, vb.kind) << "step " << i;
    ASSERT_TRUE(va.forwarded()) << "step " << i << ": " << to_string(va.reason);
    EXPECT_EQ(va.egress_ifindex, vb.egress_ifindex) << "step " << i;
    EXPECT_FALSE(vb.fast_path);
    EXPECT_EQ(to_hex(padded({a.bytes().begin(), a.bytes().end()})),
              to_hex(padded({b.bytes().begin(), b.bytes().end()})))
        << "step " << i << (va.fast_path ? " (fast path)" : " (slow path)");
  }
  // 10 masqueraded data packets, 4 port-forward ones, 5 UDP after the first answer.
  EXPECT_EQ(fast.stats().fast_path, 10u + 4u + 5u);
  EXPECT_EQ(slow.stats().fast_path, 0u);
}

TEST_F(FlowtableTest, FinTearsTheFlowDownAndTheCloseGoesTheSlowPath) {
  TcpConversation tcp(kClient, kWebServer, 40000, 443);
  handshake(tcp, 1s);
  EXPECT_TRUE(run(tcp.from_client(kPsh | kAck, 100), kLan, 2s).fast_path);
  EXPECT_TRUE(run(tcp.from_server(kAck), kWan, 2s + 1ms).fast_path);
  // FIN: the fast path tears the flow down and hands the packet to the slow path.
  Verdict v = run(tcp.from_client(kFin | kAck), kLan, 3s);
  EXPECT_TRUE(v.forwarded());
  EXPECT_FALSE(v.fast_path);
  EXPECT_EQ(engine_.stats().slow(SlowPathReason::kTcpFinRst), 1u);
  // The torn-down flow stays in the table (invisible to lookups) until the GC frees it.
  v = run(tcp.from_server(kFin | kAck), kWan, 3s + 10ms);
  EXPECT_FALSE(v.fast_path);
  EXPECT_EQ(engine_.stats().slow(SlowPathReason::kFlowTeardown), 1u);
  EXPECT_EQ(dump(3s + 10ms),
            "ipv4     2 tcp      6 30 LAST_ACK src=192.168.1.100 dst=198.51.100.10 sport=40000 dport=443 "
            "src=198.51.100.10 dst=203.0.113.2 sport=443 dport=40000 [ASSURED] mark=0 use=3\n");
  run_timers_until(engine_, 4s);
  EXPECT_EQ(engine_.flowtable()->size(), 0u);
  EXPECT_NE(dump(4s).find("[ASSURED] mark=0 use=2"), std::string::npos);
  // TIME_WAIT is not ESTABLISHED: the last ACK does not offload the connection again.
  EXPECT_FALSE(run(tcp.from_client(kAck), kLan, 4s + 1ms).fast_path);
  EXPECT_EQ(engine_.flowtable()->size(), 0u);
}

TEST_F(FlowtableTest, RstTearsTheFlowDown) {
  TcpConversation tcp(kClient, kWebServer, 40000, 443);
  handshake(tcp, 1s);
  EXPECT_TRUE(run(tcp.from_server(kPsh | kAck, 10), kWan, 2s).fast_path);
  const Verdict v = run(tcp.from_server(kRst | kAck), kWan, 2s + 1ms);
  EXPECT_TRUE(v.forwarded());
  EXPECT_FALSE(v.fast_path);
  EXPECT_NE(dump(2s + 1ms).find(" 10 CLOSE src="), std::string::npos) << dump(2s + 1ms);
}

TEST_F(FlowtableTest, IdleUdpFlowExpiresAtTheFlowtableTimeout) {
  const Ipv4L4Spec dns{.dst_mac = kRouterWanMac, .src_mac = kGatewayMac, .src = v4("198.51.100.53"),
                       .dst = v4("203.0.113.2")};
  ASSERT_TRUE(run(udp4_frame({.dst = v4("198.51.100.53")}, {}), kLan, 1s).forwarded());
  ASSERT_FALSE(run(udp4_frame(dns, {.sport = 53, .dport = 50000}), kWan, 1100ms).fast_path);  // flow add
  ASSERT_TRUE(run(udp4_frame({.dst = v4("198.51.100.53")}, {}), kLan, 1200ms).fast_path);
  EXPECT_EQ(dump(1200ms),
            "ipv4     2 udp      17 src=192.168.1.100 dst=198.51.100.53 sport=50000 dport=53 src=198.51.100.53 "
            "dst=203.0.113.2 sport=53 dport=50000 [OFFLOAD] mark=0 use=3\n");
  // The flow times out 30 s after its last packet (1.2 s); the GC runs every second from 2 s.
  run_timers_until(engine_, 31s);
  EXPECT_EQ(engine_.flowtable()->size(), 1u);
  run_timers_until(engine_, 32s);
  EXPECT_EQ(engine_.flowtable()->size(), 0u);
  // Teardown fixup: the replied UDP timeout minus the flowtable timeout, 120 - 30 s.
  EXPECT_EQ(dump(32s),
            "ipv4     2 udp      17 90 src=192.168.1.100 dst=198.51.100.53 sport=50000 dport=53 "
            "src=198.51.100.53 dst=203.0.113.2 sport=53 dport=50000 mark=0 use=2\n");
  EXPECT_EQ(dump(122s), "");
  // Back on the slow path, the next answer offloads the connection again.
  ASSERT_FALSE(run(udp4_frame(dns, {.sport = 53, .dport = 50000}), kWan, 40s).fast_path);
  EXPECT_EQ(engine_.flowtable()->size(), 1u);
  EXPECT_TRUE(run(udp4_frame({.dst = v4("198.51.100.53")}, {}), kLan, 41s).fast_path);
}

TEST_F(FlowtableTest, TrafficKeepsTheFlowAlive) {
  const Ipv4L4Spec dns{.dst_mac = kRouterWanMac, .src_mac = kGatewayMac, .src = v4("198.51.100.53"),
                       .dst = v4("203.0.113.2")};
  ASSERT_TRUE(run(udp4_frame({.dst = v4("198.51.100.53")}, {}), kLan, 1s).forwarded());
  ASSERT_TRUE(run(udp4_frame(dns, {.sport = 53, .dport = 50000}), kWan, 1s + 1ms).forwarded());
  for (int t = 20; t <= 200; t += 20) {
    EXPECT_TRUE(run(udp4_frame({.dst = v4("198.51.100.53")}, {}), kLan, std::chrono::seconds(t)).fast_path) << t;
  }
  EXPECT_NE(dump(200s).find("[OFFLOAD]"), std::string::npos);
}

// The IPv4 frame `ip` carrying ICMP `type`/`code` with the 4-byte `rest` and `quote`, every
// checksum computed from scratch (an oracle independent of the engine's incremental updates).
std::vector<std::uint8_t> icmp4_error_frame(const Ipv4L4Spec& ip, std::uint8_t type, std::uint8_t code,
                                            std::uint32_t rest, std::vector<std::uint8_t> quote) {
  std::vector<std::uint8_t> l4(8, 0);
  l4[0] = type;
  l4[1] = code;
  net::store_be32(l4.data() + 4, rest);
  l4.insert(l4.end(), quote.begin(), quote.end());
  net::store_be16(l4.data() + 2, net::internet_checksum(l4));
  return ipv4_packet(ip, 1, l4);
}

// `datagram` with its IPv4 source replaced and the header checksum recomputed.
std::vector<std::uint8_t> with_source(std::vector<std::uint8_t> datagram, net::Ipv4Addr src) {
  net::store_be32(datagram.data() + 12, src.value());
  net::store_be16(datagram.data() + 10, 0);
  net::store_be16(datagram.data() + 10, net::internet_checksum(std::span(datagram).first(20)));
  return datagram;
}

TEST_F(FlowtableTest, MtuTtlAndIcmpTakeTheSlowPathWithoutTearingDown) {
  TcpConversation tcp(kClient, kWebServer, 40000, 443);
  handshake(tcp, 1s);
  const Ipv4L4Spec router_to_a{.dst_mac = kHostAMac, .src_mac = kRouterLanMac, .src = v4("192.168.1.1"),
                               .dst = v4("192.168.1.100"), .ttl = 64, .id = 0, .df = false, .tos = 0xc0};

  // TTL 1 on an offloaded flow: the slow path answers time exceeded, quoting the packet whole.
  auto low = tcp.from_client(kPsh | kAck, 10);
  low[14 + 8] = 1;
  net::store_be16(low.data() + 24, 0);
  net::store_be16(low.data() + 24, net::internet_checksum(std::span(low).subspan(14, 20)));
  EXPECT_EQ(run(low, kLan, 2s), Verdict::drop_and_reply(DropReason::kTtlExceeded, kLan));
  // The router's own ICMP carries its generated IP ID: compared with it zeroed (test_frames.hpp).
  EXPECT_EQ(to_hex(with_generated_ip_id_zeroed(frame_.bytes())),
            to_hex(icmp4_error_frame(router_to_a, 11, 0, 0, datagram_of(low))));
  EXPECT_EQ(engine_.stats().slow(SlowPathReason::kTtl), 1u);

  // One byte over the 1500-byte MTU with DF: the slow path sends fragmentation needed with the
  // MTU, quoting the first 548 bytes (576 in all); the flow is kept (nf_flow_exceeds_mtu).
  const auto big = tcp.from_client(kPsh | kAck, 1461);
  ASSERT_EQ(datagram_of(big).size(), 1501u);
  EXPECT_EQ(run(big, kLan, 3s), Verdict::drop_and_reply(DropReason::kMtuExceeded, kLan));
  const auto big_quote = datagram_of(big);
  EXPECT_EQ(to_hex(with_generated_ip_id_zeroed(frame_.bytes())),
            to_hex(icmp4_error_frame(router_to_a, 3, 4, 1500, {big_quote.begin(), big_quote.begin() + 548})));
  EXPECT_EQ(engine_.stats().slow(SlowPathReason::kMtu), 1u);

  // Exactly the MTU: fast path.
  const Verdict at_mtu = run(tcp.from_client(kPsh | kAck, 1460), kLan, 4s);
  EXPECT_TRUE(at_mtu.fast_path);
  const auto sent = datagram_of(std::vector<std::uint8_t>(frame_.bytes().begin(), frame_.bytes().end()));

  // An ICMP error from the Internet about the flow (RELATED) is not TCP/UDP: slow path, the
  // destination and the quoted source translated back to host A, the flow untouched.
  const Ipv4L4Spec from_server{.dst_mac = kRouterWanMac, .src_mac = kGatewayMac, .src = v4("198.51.100.10"),
                               .dst = v4("203.0.113.2"), .ttl = 52, .id = 0x7777, .df = false};
  const std::vector<std::uint8_t> quote(sent.begin(), sent.begin() + 28);
  const Verdict related = run(icmp4_error_frame(from_server, 3, 4, 1400, quote), kWan, 5s);
  EXPECT_EQ(related, Verdict::forward(kLan));
  Ipv4L4Spec to_a = from_server;
  to_a.dst_mac = kHostAMac;
  to_a.src_mac = kRouterLanMac;
  to_a.dst = v4("192.168.1.100");
  to_a.ttl = 51;
  EXPECT_EQ(to_hex(frame_.bytes()), to_hex(icmp4_error_frame(to_a, 3, 4, 1400, with_source(quote, v4("192.168.1.100")))));
  EXPECT_EQ(engine_.stats().slow(SlowPathReason::kNotOffloadable), 1u);

  // None of it tore the flow down.
  EXPECT_TRUE(run(tcp.from_client(kPsh | kAck, 100), kLan, 6s).fast_path);
  EXPECT_EQ(engine_.flowtable()->size(), 1u);
  EXPECT_EQ(engine_.flowtable()->stats().flows_torn_down, 0u);
  EXPECT_NE(dump(6s).find("[OFFLOAD]"), std::string::npos);
}

class NewSemanticsTest : public FlowtableTest {
 protected:
  static EngineConfig config() {
    EngineConfig c = home_router_config(kHomeRouterRules);
    c.flowtable_semantics = flowtable::FlowtableSemantics::kNew;
    return c;
  }
  NewSemanticsTest() : FlowtableTest(config()) {}
};

TEST_F(NewSemanticsTest, FinKeepsTheFlowClosingAndItEndsInClose) {
  TcpConversation tcp(kClient, kWebServer, 40000, 443);
  handshake(tcp, 1s);
  EXPECT_TRUE(run(tcp.from_client(kFin | kAck), kLan, 2s).fast_path);
  EXPECT_TRUE(run(tcp.from_server(kFin | kAck), kWan, 2s + 1ms).fast_path);
  EXPECT_TRUE(run(tcp.from_client(kAck), kLan, 2s + 2ms).fast_path);
  EXPECT_EQ(engine_.stats().slow(SlowPathReason::kTcpFinRst), 0u);
  // New semantics only move the flow timeout when that gains more than a second: it still
  // ends 30 s after the handshake, and the GC at 32 s tears the CLOSING flow down, leaving the
  // entry in CLOSE for 10 s.
  run_timers_until(engine_, 31s);
  EXPECT_EQ(engine_.flowtable()->size(), 1u);
  run_timers_until(engine_, 32s);
  EXPECT_EQ(engine_.flowtable()->size(), 0u);
  EXPECT_EQ(dump(32s),
            "ipv4     2 tcp      6 10 CLOSE src=192.168.1.100 dst=198.51.100.10 sport=40000 dport=443 "
            "src=198.51.100.10 dst=203.0.113.2 sport=443 dport=40000 [ASSURED] mark=0 use=2\n");
}

TEST_F(NewSemanticsTest, SynOnAClosingFlowReopensTheConnection) {
  TcpConversation tcp(kClient, kWebServer, 40000, 443);
  handshake(tcp, 1s);
  EXPECT_TRUE(run(tcp.from_client(kRst), kLan, 2s).fast_path);
  // The client reuses the port: SYN on the CLOSING flow tears it down, conntrack reopens.
  TcpConversation again(kClient, kWebServer, 40000, 443);
  const Verdict v = run(again.from_client(kSyn), kLan, 3s);
  EXPECT_TRUE(v.forwarded());
  EXPECT_FALSE(v.fast_path);
  EXPECT_EQ(engine_.stats().slow(SlowPathReason::kSynOnClosing), 1u);
  EXPECT_EQ(dump(3s),
            "ipv4     2 tcp      6 120 SYN_SENT src=192.168.1.100 dst=198.51.100.10 sport=40000 dport=443 "
            "[UNREPLIED] src=198.51.100.10 dst=203.0.113.2 sport=443 dport=40000 mark=0 use=2\n");
}

// --- the offload port ----------------------------------------------------------------------

class OffloadTest : public FlowtableTest {
 protected:
  OffloadTest() { engine_.set_offload(&hw_); }
  FakeFlowOffload hw_;
};

TEST_F(OffloadTest, AcceptedFlowIsHwOffloadedWithBothDirectionsFilledIn) {
  TcpConversation tcp(kClient, kWebServer, 40000, 443);
  handshake(tcp, 1s);
  ASSERT_EQ(hw_.replaced.size(), 1u);
  const OffloadFlow& f = hw_.replaced[0];
  EXPECT_TRUE(f.snat);
  EXPECT_FALSE(f.dnat);
  const OffloadDirection& o = f.dir[0];
  EXPECT_EQ(o.match, net::FiveTuple::ipv4(v4("192.168.1.100"), v4("198.51.100.10"), 6, 40000, 443));
  EXPECT_EQ(o.ingress_port, kLan);
  EXPECT_EQ(o.rewrite, net::FiveTuple::ipv4(v4("203.0.113.2"), v4("198.51.100.10"), 6, 40000, 443));
  EXPECT_EQ(o.src_mac, kRouterWanMac);
  EXPECT_EQ(o.dst_mac, kGatewayMac);
  EXPECT_EQ(o.egress_port, kWan);
  EXPECT_EQ(o.mtu, 1500u);
  const OffloadDirection& r = f.dir[1];
  EXPECT_EQ(r.match, net::FiveTuple::ipv4(v4("198.51.100.10"), v4("203.0.113.2"), 6, 443, 40000));
  EXPECT_EQ(r.ingress_port, kWan);
  EXPECT_EQ(r.rewrite, net::FiveTuple::ipv4(v4("198.51.100.10"), v4("192.168.1.100"), 6, 443, 40000));
  EXPECT_EQ(r.src_mac, kRouterLanMac);
  EXPECT_EQ(r.dst_mac, kHostAMac);
  EXPECT_EQ(r.egress_port, kLan);
  EXPECT_EQ(dump(2s),
            "ipv4     2 tcp      6 src=192.168.1.100 dst=198.51.100.10 sport=40000 dport=443 src=198.51.100.10 "
            "dst=203.0.113.2 sport=443 dport=40000 [HW_OFFLOAD] mark=0 use=3\n");
  EXPECT_EQ(engine_.flowtable()->stats().hw_accepted, 1u);
  // A packet the hardware punts (it arrives here) does not re-offer a flow the hardware holds.
  EXPECT_TRUE(run(tcp.from_client(kPsh | kAck, 5), kLan, 3s).fast_path);
  EXPECT_EQ(hw_.replaced.size(), 1u);
  // FIN: torn down in software, DESTROY at the next GC.
  run(tcp.from_client(kFin | kAck), kLan, 4s);
  EXPECT_TRUE(hw_.destroyed.empty());
  EXPECT_NE(dump(4s).find("[HW_OFFLOAD]"), std::string::npos);  // until the DESTROY ran
  run_timers_until(engine_, 5s);
  EXPECT_EQ(hw_.destroyed, std::vector<std::uint64_t>{f.cookie});
  EXPECT_NE(dump(5s).find("[ASSURED]"), std::string::npos);
}

TEST_F(OffloadTest, RefusedFlowStaysInSoftwareAndIsRetriedFromTheFastPath) {
  hw_.refusal = OffloadRefusal::kBucketFull;
  TcpConversation tcp(kClient, kWebServer, 40000, 443);
  handshake(tcp, 1s);
  EXPECT_NE(dump(1s + 20ms).find("[OFFLOAD]"), std::string::npos);
  EXPECT_EQ(engine_.flowtable()->stats().hw_refused[static_cast<std::size_t>(OffloadRefusal::kBucketFull)], 1u);
  EXPECT_EQ(to_string(OffloadRefusal::kBucketFull), "bucket_full");
  // Within a second of the refusal the fast path does not ask again.
  EXPECT_TRUE(run(tcp.from_client(kPsh | kAck, 5), kLan, 1s + 500ms).fast_path);
  EXPECT_EQ(hw_.replaced.size(), 1u);
  // Later it does; the hardware has room now.
  hw_.refusal = OffloadRefusal::kNone;
  EXPECT_TRUE(run(tcp.from_client(kPsh | kAck, 5), kLan, 2s + 100ms).fast_path);
  EXPECT_EQ(hw_.replaced.size(), 2u);
  EXPECT_NE(dump(2s + 100ms).find("[HW_OFFLOAD]"), std::string::npos);
}

TEST_F(OffloadTest, HardwareStatsKeepAHardwareOnlyFlowAliveBeyondThirtySeconds) {
  TcpConversation tcp(kClient, kWebServer, 40000, 443);
  handshake(tcp, 1s);
  // All further traffic is forwarded by the hardware: the engine sees no packet, only stats.
  for (int s = 2; s <= 120; ++s) {
    hw_.last_used = std::chrono::seconds(s);
    run_timers_until(engine_, std::chrono::seconds(s));
  }
  EXPECT_EQ(engine_.flowtable()->size(), 1u);
  EXPECT_NE(dump(120s).find("[HW_OFFLOAD]"), std::string::npos);
  EXPECT_GT(hw_.stats_calls, 0u);
  EXPECT_TRUE(hw_.destroyed.empty());
  // The traffic stops: 30 s after the hardware last used it the flow expires and is destroyed.
  run_timers_until(engine_, 149s);
  EXPECT_EQ(engine_.flowtable()->size(), 1u);
  run_timers_until(engine_, 151s);
  EXPECT_EQ(engine_.flowtable()->size(), 0u);
  EXPECT_EQ(hw_.destroyed.size(), 1u);
  EXPECT_NE(dump(151s).find("ESTABLISHED"), std::string::npos);
}

TEST_F(OffloadTest, FlowTheHardwareLostIsOfferedAgain) {
  TcpConversation tcp(kClient, kWebServer, 40000, 443);
  handshake(tcp, 1s);
  hw_.installed.clear();  // aged out in hardware
  run_timers_until(engine_, 5s);   // the first STATS poll after 10 % of the timeout
  EXPECT_NE(dump(5s).find("[OFFLOAD]"), std::string::npos);
  EXPECT_EQ(engine_.flowtable()->stats().hw_lost, 1u);
  EXPECT_TRUE(run(tcp.from_client(kPsh | kAck, 5), kLan, 6s).fast_path);
  EXPECT_EQ(hw_.replaced.size(), 2u);
  EXPECT_NE(dump(6s).find("[HW_OFFLOAD]"), std::string::npos);
}

TEST(OffloadCounterTest, HardwareCountsReachConntrackWithFlowtableCounter) {
  EngineConfig c = home_router_config(std::string(kHomeRouterRules).replace(
      std::string(kHomeRouterRules).find("flags offload"), 13, "flags offload\n\t\tcounter"));
  c.conntrack_acct = true;
  Engine engine(std::move(c));
  FakeFlowOffload hw;
  engine.set_offload(&hw);
  net::PacketBuffer f;
  TcpConversation tcp(kClient, kWebServer, 40000, 443);
  for (auto [frame, port] : {std::pair{tcp.from_client(kSyn), kLan}, std::pair{tcp.from_server(kSyn | kAck), kWan},
                             std::pair{tcp.from_client(kAck), kLan}}) {
    f.assign(frame);
    engine.process(f, port, 1s);
  }
  hw.packets = 10;
  hw.bytes = 15000;
  hw.last_used = 4s;
  run_timers_until(engine, 5s);
  // Slow path: SYN and ACK (52 + 40 bytes); hardware: 10 packets, 15000 bytes.
  EXPECT_NE(engine.conntrack_dump(5s).find("dport=443 packets=12 bytes=15092 src="), std::string::npos)
      << engine.conntrack_dump(5s);
}

}  // namespace
}  // namespace flowsim::engine
