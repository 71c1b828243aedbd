// SPDX-License-Identifier: Apache-2.0
// The NAT port slice of a shard: masquerade chooses source ports (and ICMP ids) only in the
// shard's part of the port class, keeps an original port that lies there, and two shards
// never map onto one tuple.
#include <gtest/gtest.h>

#include <set>

#include "engine/engine.hpp"
#include "engine/test_frames.hpp"
#include "net/byte_order.hpp"

namespace flowsim::engine {
namespace {

using namespace std::chrono_literals;
using namespace testing;

EngineConfig sliced(unsigned index, unsigned count) {
  EngineConfig c = home_router_config(kHomeRouterRules);
  c.nat_port_slice = {index, count};
  return c;
}

// The WAN-side source port of a masqueraded LAN packet (or ICMP id).
std::uint16_t masqueraded_port(Engine& e, const std::vector<std::uint8_t>& frame, unsigned offset = 34) {
  net::PacketBuffer f;
  f.assign(frame);
  EXPECT_EQ(e.process(f, kLan, 1s), Verdict::forward(kWan));
  return net::load_be16(f.bytes().data() + offset);
}

TEST(NatPortSliceTest, SourcePortsStayInTheShardsPartOfTheirClass) {
  Engine e(sliced(1, 4));
  // 1024..65535 has 64512 ports: shard 1 of 4 owns 17152..33279.
  EXPECT_EQ(masqueraded_port(e, tcp4_frame({.src = v4("192.168.1.100")}, {.sport = 20000})), 20000);  // kept
  const std::uint16_t moved = masqueraded_port(e, tcp4_frame({.src = v4("192.168.1.100")}, {.sport = 40000}));
  EXPECT_TRUE(moved >= 17152 && moved < 33280) << moved;
  // 1..511 (511 ports): 128..255; 600..1023 (424 ports): 706..811.
  const std::uint16_t low = masqueraded_port(e, tcp4_frame({.src = v4("192.168.1.100")}, {.sport = 500}));
  EXPECT_TRUE(low >= 128 && low < 256) << low;
  EXPECT_EQ(masqueraded_port(e, tcp4_frame({.src = v4("192.168.1.101")}, {.sport = 200})), 200);  // kept
  const std::uint16_t mid = masqueraded_port(e, udp4_frame({.src = v4("192.168.1.100")}, {.sport = 700}));
  EXPECT_TRUE(mid >= 706 && mid < 812) << mid;
  // ICMP echo ids: 0..65535, shard 1 of 4 owns 16384..32767.
  const std::uint16_t id = masqueraded_port(e, icmp4_echo_frame({.src = v4("192.168.1.100")}, 8, 5, 1), 38);
  EXPECT_TRUE(id >= 16384 && id < 32768) << id;
}

TEST(NatPortSliceTest, ShardsNeverMapTwoConversationsOntoOneTuple) {
  // The same source port from 50 hosts to one server: unsharded, one keeps it and the others
  // move; split over four shards, every shard's choices stay in its slice, so none collide.
  std::set<std::uint16_t> all;
  std::size_t mapped = 0;
  for (unsigned k = 0; k < 4; ++k) {
    Engine e(sliced(k, 4));
    const unsigned lo = 1024 + 64512 * k / 4;
    const unsigned hi = 1024 + 64512 * (k + 1) / 4;
    for (unsigned h = 0; h < 50; ++h) {
      if (h % 4 != k) continue;  // this host's conversation is in shard k
      const std::string host = "192.168.1." + std::to_string(10 + h);
      const std::uint16_t p = masqueraded_port(e, udp4_frame({.src = v4(host)}, {.sport = 40000, .dport = 53}));
      EXPECT_TRUE(p >= lo && p < hi) << "shard " << k << " port " << p;
      all.insert(p);
      ++mapped;
    }
  }
  EXPECT_EQ(mapped, 50u);
  EXPECT_EQ(all.size(), 50u);
}

TEST(NatPortSliceTest, OneSliceIsTheKernelsBehaviour) {
  Engine whole(sliced(0, 1));
  Engine plain(home_router_config(kHomeRouterRules));
  for (const char* host : {"192.168.1.100", "192.168.1.101", "192.168.1.102"}) {
    EXPECT_EQ(masqueraded_port(whole, tcp4_frame({.src = v4(host)}, {.sport = 40000})),
              masqueraded_port(plain, tcp4_frame({.src = v4(host)}, {.sport = 40000})));
  }
}

}  // namespace
}  // namespace flowsim::engine
