// SPDX-License-Identifier: Apache-2.0
// The flow table and rewrite unit against vectors Scapy built independently
// (traces/model/make_model_vectors.py): per case, a BIND entry written through ENTRY_CTRL /
// ENTRY_DATA, one frame into a port, and either the exact frame that must leave the egress
// port (NAPT SNAT/DNAT both ways, routing, IPv6, VLAN and PPPoE pop/push, UDP checksum rules)
// or the punt reason it must get (TTL 1, MTU, TCP FIN/RST/SYN, options, fragments, IPv6
// extension headers, not TCP/UDP, MATCH misses, ...). One case per process (SystemC).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hw/flowsim_hw.hpp"  // Generated.
#include "testbench/bench/asic_bench.hpp"
#include "testbench/bench/model_ops.hpp"

namespace flowsim::model {
namespace {

using hw::desc::FoeEntry;
using nlohmann::json;
using testbench::AsicBench;

const json& vectors() {
  static const json doc = [] {
    std::ifstream in(std::filesystem::path(FLOWSIM_SOURCE_DIR) / "traces/model/model_vectors.json");
    return json::parse(in);
  }();
  return doc;
}

std::vector<std::string> case_names() {
  std::vector<std::string> out;
  for (const auto& c : vectors()["cases"]) out.push_back(c["name"].get<std::string>());
  return out;
}

const json& find_case(const std::string& name) {
  for (const auto& c : vectors()["cases"]) {
    if (c["name"] == name) return c;
  }
  throw std::runtime_error("no vector " + name);
}

std::vector<std::uint8_t> hex(const std::string& s) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < s.size(); i += 2) out.push_back(static_cast<std::uint8_t>(std::stoul(s.substr(i, 2), nullptr, 16)));
  return out;
}

net::FiveTuple tuple_of(const json& t, bool ipv6, bool udp) {
  const std::uint8_t proto = udp ? 17 : 6;
  const auto sport = t["sport"].get<std::uint16_t>();
  const auto dport = t["dport"].get<std::uint16_t>();
  if (ipv6) {
    return net::FiveTuple::ipv6(*net::Ipv6Addr::parse(t["sip"].get<std::string>()),
                                *net::Ipv6Addr::parse(t["dip"].get<std::string>()), proto, sport, dport);
  }
  return net::FiveTuple::ipv4(*net::Ipv4Addr::parse(t["sip"].get<std::string>()),
                              *net::Ipv4Addr::parse(t["dip"].get<std::string>()), proto, sport, dport);
}

testbench::EntrySpec spec_of(const json& e) {
  using Ib1 = FoeEntry::Ib1;
  testbench::EntrySpec s;
  const std::string type = e["type"];
  s.type = type == "ipv4_hnapt" ? Ib1::kTypeIpv4Hnapt : type == "ipv4_route" ? Ib1::kTypeIpv4Route : Ib1::kTypeIpv6Route5T;
  const bool ipv6 = s.type == Ib1::kTypeIpv6Route5T;
  const bool udp = e["udp"];
  s.orig = tuple_of(e["orig"], ipv6, udp);
  if (e.contains("new")) s.nat = tuple_of(e["new"], ipv6, udp);
  s.ttl_dec = e["ttl_dec"];
  s.dmac = *net::MacAddr::parse(e["dmac"].get<std::string>());
  s.smac = *net::MacAddr::parse(e["smac"].get<std::string>());
  s.dest_port = e["dest_port"];
  s.in_port = e["in_port"].get<unsigned>();
  s.mtu = e["mtu"];
  if (e.contains("vlan_layer")) s.vlan_layer = e["vlan_layer"];
  if (e.contains("vlan1")) s.vlan1 = e["vlan1"];
  if (e.contains("vlan2")) s.vlan2 = e["vlan2"];
  if (e.contains("pppoe_sid")) s.pppoe_sid = e["pppoe_sid"].get<std::uint16_t>();
  if (e.contains("in_vlan")) s.in_vlan = e["in_vlan"].get<std::uint16_t>();
  if (e.contains("in_pppoe_sid")) s.in_pppoe_sid = e["in_pppoe_sid"].get<std::uint16_t>();
  return s;
}

hw::PuntReason reason_named(const std::string& name) {
  for (hw::PuntReason r : hw::kPuntReasons) {
    if (hw::to_string(r) == name) return r;
  }
  throw std::runtime_error("unknown reason " + name);
}

std::uint32_t state_named(const std::string& name) {
  using Ib1 = FoeEntry::Ib1;
  return name == "fin" ? Ib1::kStateFin : name == "bind" ? Ib1::kStateBind : name == "unbind" ? Ib1::kStateUnbind
                                                                                                : Ib1::kStateInvalid;
}

// Reasons the parser gives before any lookup, and misses: the descriptor carries no index.
bool carries_index(hw::PuntReason r) {
  switch (r) {
    case hw::PuntReason::kOptionHeader:
    case hw::PuntReason::kIpv4Frag:
    case hw::PuntReason::kIpv6ExtHeader:
    case hw::PuntReason::kNotTcpUdp:
    case hw::PuntReason::kNoFlow:
      return false;
    default:
      return true;
  }
}

class ScapyVector : public testing::TestWithParam<std::string> {};

TEST_P(ScapyVector, ExactFrameOrPuntReason) {
  const json& c = find_case(GetParam());
  SCOPED_TRACE(c["what"].get<std::string>());
  const testbench::EntrySpec spec = spec_of(c["entry"]);
  const std::vector<std::uint8_t> in = hex(c["frame"]);
  const unsigned in_port = c["in_port"];
  const json& expect = c["expect"];
  const unsigned index = testbench::entry_index(spec.orig);
  const testbench::EntryWords words = testbench::encode_entry(spec);

  AsicBench b;
  testbench::EntryWords after{};
  testbench::MibCounters mib;
  std::uint32_t reason_count = 0;
  b.run([&] {
    testbench::bring_up(b.hal, 3);
    testbench::make_rx_ring(b.hal, 8);
    testbench::write_entry(b.hal, index, words);
    b.asic.receive(in_port, in);
    b.hal.sleep(std::chrono::microseconds(20));
    after = testbench::read_entry(b.hal, index);
    mib = testbench::read_mib(b.hal, index);
    if (expect.contains("punt")) {
      const auto code = static_cast<unsigned>(reason_named(expect["punt"]));
      reason_count = b.hal.read32(hw::reg::ReasonCnt::offset(code));
    }
  });

  if (expect.contains("frame")) {
    ASSERT_EQ(b.observer.transmitted.size(), 1u);
    EXPECT_TRUE(b.observer.punted.empty());
    EXPECT_EQ(b.observer.transmitted[0].port, expect["port"].get<unsigned>());
    EXPECT_EQ(b.observer.transmitted[0].origin, FrameOrigin::kWire);
    EXPECT_EQ(b.observer.transmitted[0].bytes, hex(expect["frame"]));
    // The entry counted the frame as received.
    EXPECT_EQ(mib.packets, 1u);
    EXPECT_EQ(mib.bytes, in.size());
    EXPECT_EQ(testbench::entry_state(after), FoeEntry::Ib1::kStateBind);
  } else {
    const hw::PuntReason reason = reason_named(expect["punt"]);
    EXPECT_TRUE(b.observer.transmitted.empty());
    ASSERT_EQ(b.observer.punted.size(), 1u);
    EXPECT_EQ(b.observer.punted[0].reason, reason);
    EXPECT_EQ(b.observer.punted[0].bytes, in);  // the CPU gets the packet as received
    EXPECT_EQ(b.observer.punted[0].foe_index, carries_index(reason) ? index : 0x7fffu);
    EXPECT_EQ(reason_count, 1u);
    EXPECT_EQ(mib.packets, 0u);  // punted packets are the software path's to count
    if (expect.contains("state_after")) {
      EXPECT_EQ(testbench::entry_state(after), state_named(expect["state_after"]));
    }
  }
  EXPECT_TRUE(b.observer.dropped.empty());
}

INSTANTIATE_TEST_SUITE_P(Traces, ScapyVector, testing::ValuesIn(case_names()),
                         [](const testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace flowsim::model
