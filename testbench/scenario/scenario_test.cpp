// SPDX-License-Identifier: Apache-2.0
// The scenario loader: the bundled home router loads with exactly the values in the file, and
// each kind of mistake a person makes in a scenario gives one exact "file:line:col: message".
#include "testbench/scenario/scenario.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "engine/nft/ruleset.hpp"
#include "net/input_error.hpp"
#include "testbench/scenario/scenario_file_fixture.hpp"

namespace flowsim::scenario {
namespace {

namespace fs = std::filesystem;

net::MacAddr mac(std::string_view s) { return net::MacAddr::parse(s).value(); }
net::Ipv4Addr v4(std::string_view s) { return net::Ipv4Addr::parse(s).value(); }
net::Ipv6Addr v6(std::string_view s) { return net::Ipv6Addr::parse(s).value(); }
net::Ipv4Prefix v4p(std::string_view s) { return net::Ipv4Prefix::parse(s).value(); }
net::Ipv6Prefix v6p(std::string_view s) { return net::Ipv6Prefix::parse(s).value(); }

const fs::path kHomeRouter = fs::path(FLOWSIM_SOURCE_DIR) / "scenarios" / "home_router.yaml";

TEST(ScenarioTest, BundledHomeRouterLoadsWithExactValues) {
  const Scenario s = load_scenario(kHomeRouter);
  EXPECT_EQ(s.file, kHomeRouter);
  EXPECT_EQ(s.name, "home_router");
  EXPECT_EQ(s.description,
            "LAN/WAN home router: 192.168.1.0/24 and 2001:db8:1::/64 on the LAN, an ISP uplink on 203.0.113.0/24 "
            "and 2001:db8:ffff::/64, default routes via the ISP gateway.");

  ASSERT_EQ(s.ports.size(), 2u);
  const PortSpec& lan = s.ports[0];
  EXPECT_EQ(lan.name, "lan");
  EXPECT_EQ(lan.mac, mac("02:00:00:00:01:01"));
  EXPECT_EQ(lan.ipv4, std::vector{v4p("192.168.1.1/24")});
  EXPECT_EQ(lan.ipv6, std::vector{v6p("2001:db8:1::1/64")});
  EXPECT_EQ(lan.speed_bps, 10'000'000'000u);
  EXPECT_EQ(lan.mtu, 1500u);
  EXPECT_EQ(lan.line, 17);
  const PortSpec& wan = s.ports[1];
  EXPECT_EQ(wan.name, "wan");
  EXPECT_EQ(wan.mac, mac("02:00:00:00:02:01"));
  EXPECT_EQ(wan.ipv4, std::vector{v4p("203.0.113.2/24")});
  EXPECT_EQ(wan.ipv6, std::vector{v6p("2001:db8:ffff::2/64")});
  EXPECT_EQ(wan.speed_bps, 10'000'000'000u);
  EXPECT_EQ(wan.mtu, 1500u);
  EXPECT_EQ(wan.line, 23);

  ASSERT_EQ(s.routes.size(), 2u);
  EXPECT_EQ(s.routes[0].prefix, (std::variant<net::Ipv4Prefix, net::Ipv6Prefix>(v4p("0.0.0.0/0"))));
  ASSERT_TRUE(s.routes[0].via.has_value());
  EXPECT_EQ(*s.routes[0].via, (std::variant<net::Ipv4Addr, net::Ipv6Addr>(v4("203.0.113.1"))));
  EXPECT_EQ(s.routes[0].dev, "wan");
  EXPECT_EQ(s.routes[0].port, 1u);
  EXPECT_EQ(s.routes[0].line, 33);
  EXPECT_EQ(s.routes[1].prefix, (std::variant<net::Ipv4Prefix, net::Ipv6Prefix>(v6p("::/0"))));
  EXPECT_EQ(*s.routes[1].via, (std::variant<net::Ipv4Addr, net::Ipv6Addr>(v6("2001:db8:ffff::1"))));
  EXPECT_EQ(s.routes[1].port, 1u);

  ASSERT_EQ(s.neighbours.size(), 5u);
  const std::vector<std::tuple<std::variant<net::Ipv4Addr, net::Ipv6Addr>, net::MacAddr, unsigned>> neighbours = {
      {v4("203.0.113.1"), mac("02:00:00:00:02:fe"), 1},
      {v6("2001:db8:ffff::1"), mac("02:00:00:00:02:fe"), 1},
      {v4("192.168.1.100"), mac("02:00:00:00:01:64"), 0},
      {v6("2001:db8:1::100"), mac("02:00:00:00:01:64"), 0},
      {v4("192.168.1.101"), mac("02:00:00:00:01:65"), 0}};
  for (std::size_t i = 0; i < neighbours.size(); ++i) {
    EXPECT_EQ(s.neighbours[i].ip, std::get<0>(neighbours[i])) << i;
    EXPECT_EQ(s.neighbours[i].mac, std::get<1>(neighbours[i])) << i;
    EXPECT_EQ(s.neighbours[i].port, std::get<2>(neighbours[i])) << i;
    EXPECT_EQ(s.neighbours[i].dev, std::get<2>(neighbours[i]) == 0 ? "lan" : "wan") << i;
  }

  EXPECT_EQ(s.asic.clock_mhz, 500);
  EXPECT_EQ(s.asic.datapath_bytes, 32u);
  EXPECT_EQ(s.asic.rx_ring_size, 256u);
  EXPECT_EQ(s.asic.tx_ring_size, 256u);
  EXPECT_EQ(s.asic.egress_queue_bytes, 262144u);
  EXPECT_EQ(s.asic.rtl, model::RtlBlocks::none());
  EXPECT_EQ(s.cpu.ns_per_packet, 2000u);
  EXPECT_EQ(s.cpu.irq_coalesce_pkts, 8u);
  EXPECT_EQ(s.cpu.irq_coalesce_us, 20u);
  EXPECT_EQ(s.timing, TimingMode::kRecorded);

  ASSERT_EQ(s.traffic.size(), 2u);
  EXPECT_EQ(s.traffic[0].port_name, "lan");
  EXPECT_EQ(s.traffic[0].port, 0u);
  EXPECT_EQ(s.traffic[0].pcap, fs::path(FLOWSIM_SOURCE_DIR) / "traces" / "default" / "lan.pcap");
  EXPECT_EQ(s.traffic[1].port_name, "wan");
  EXPECT_EQ(s.traffic[1].port, 1u);
  EXPECT_EQ(s.traffic[1].pcap, fs::path(FLOWSIM_SOURCE_DIR) / "traces" / "default" / "wan.pcap");

  EXPECT_EQ(s.ruleset, fs::path(FLOWSIM_SOURCE_DIR) / "scenarios" / "home_router.nft");
  EXPECT_EQ(s.engine.flowtable, engine::flowtable::FlowtableSemantics::kOld);
  EXPECT_EQ(s.engine.nat_seed, engine::EngineConfig{}.nat_seed);
  EXPECT_FALSE(s.engine.conntrack_acct);
  EXPECT_TRUE(s.engine.conntrack_checksum);
  EXPECT_TRUE(s.engine.tcp_loose);
  EXPECT_FALSE(s.engine.tcp_be_liberal);
  // The file spells out the kernel's defaults.
  const engine::conntrack::ConntrackTimeouts defaults;
  EXPECT_EQ(s.engine.timeouts.tcp, defaults.tcp);
  EXPECT_EQ(s.engine.timeouts.udp_unreplied, defaults.udp_unreplied);
  EXPECT_EQ(s.engine.timeouts.udp_replied, defaults.udp_replied);
  EXPECT_EQ(s.engine.timeouts.icmp, defaults.icmp);
  EXPECT_EQ(s.engine.timeouts.icmpv6, defaults.icmpv6);
  EXPECT_EQ(s.engine.timeouts.generic, defaults.generic);
  EXPECT_EQ(s.engine.timeouts.tcp_offload, defaults.tcp_offload);
  EXPECT_EQ(s.engine.timeouts.udp_offload, defaults.udp_offload);
}

TEST(ScenarioTest, ToEngineConfigKeepsPortOrderAsIfindex) {
  const engine::EngineConfig c = to_engine_config(load_scenario(kHomeRouter));
  ASSERT_EQ(c.interfaces.size(), 2u);
  EXPECT_EQ(c.interfaces[0].name, "lan");
  EXPECT_EQ(c.interfaces[0].mac, mac("02:00:00:00:01:01"));
  EXPECT_EQ(c.interfaces[0].ipv4, std::vector{v4p("192.168.1.1/24")});
  EXPECT_EQ(c.interfaces[0].ipv6, std::vector{v6p("2001:db8:1::1/64")});
  EXPECT_EQ(c.interfaces[0].mtu, 1500u);
  EXPECT_EQ(c.interfaces[1].name, "wan");
  ASSERT_EQ(c.routes.size(), 2u);
  EXPECT_EQ(c.routes[0].ifindex, 1u);
  EXPECT_EQ(*c.routes[0].gateway, (std::variant<net::Ipv4Addr, net::Ipv6Addr>(v4("203.0.113.1"))));
  EXPECT_EQ(c.routes[1].prefix, (std::variant<net::Ipv4Prefix, net::Ipv6Prefix>(v6p("::/0"))));
  ASSERT_EQ(c.neighbours.size(), 5u);
  EXPECT_EQ(c.neighbours[2].ip, (std::variant<net::Ipv4Addr, net::Ipv6Addr>(v4("192.168.1.100"))));
  EXPECT_EQ(c.neighbours[2].ifindex, 0u);
  ASSERT_NE(c.ruleset, nullptr);
  ASSERT_EQ(c.ruleset->flowtables().size(), 1u);
  EXPECT_EQ(c.ruleset->flowtables()[0].devices, (std::vector<std::string>{"lan", "wan"}));
  EXPECT_TRUE(c.ruleset->flowtables()[0].offload);
  EXPECT_EQ(c.flowtable_semantics, engine::flowtable::FlowtableSemantics::kOld);
  // Each call loads the ruleset afresh: engines do not share rule counters.
  EXPECT_NE(to_engine_config(load_scenario(kHomeRouter)).ruleset, c.ruleset);
}

// Writes scenario files into a fresh directory per test.
class ScenarioErrorTest : public ScenarioFileTest {
 protected:
  ScenarioErrorTest() : ScenarioFileTest("flowsim_scenario_") {}
};

// Two valid ports; tests append to or replace parts of it.
const std::string kPorts = R"(ports:
  - name: lan
    mac: "02:00:00:00:01:01"
    ipv4: 192.168.1.1/24
  - name: wan
    mac: "02:00:00:00:02:01"
    ipv4: [203.0.113.2/24, 198.51.100.1/30]
    ipv6: 2001:db8:ffff::2/64
)";

TEST_F(ScenarioErrorTest, MinimalScenarioUsesDefaults) {
  const Scenario s = load_scenario(write(kPorts, "tiny.yaml"));
  EXPECT_EQ(s.name, "tiny");
  EXPECT_EQ(s.description, "");
  ASSERT_EQ(s.ports.size(), 2u);
  EXPECT_EQ(s.ports[1].ipv4, (std::vector{v4p("203.0.113.2/24"), v4p("198.51.100.1/30")}));
  EXPECT_EQ(s.ports[0].ipv6.size(), 0u);
  EXPECT_EQ(s.ports[0].speed_bps, 10'000'000'000u);
  EXPECT_EQ(s.ports[0].mtu, 1500u);
  EXPECT_EQ(s.asic.clock_mhz, 500);
  EXPECT_EQ(s.asic.rtl, model::RtlBlocks::none());
  EXPECT_EQ(s.cpu.ns_per_packet, 2000u);
  EXPECT_EQ(s.timing, TimingMode::kRecorded);
  EXPECT_TRUE(s.routes.empty());
  EXPECT_TRUE(s.traffic.empty());
}

TEST_F(ScenarioErrorTest, OtherValuesAreAccepted) {
  write("", "x.pcap");
  const Scenario s = load_scenario(write(kPorts + R"(timing: line-rate
asic: {clock_mhz: 812.5, hash: rtl, datapath_bytes: 64}
routes:
  - {prefix: 10.0.0.0/8, dev: lan}
  - {prefix: 2001:db8::/32, via: 2001:db8:ffff::1, dev: wan}
  - {prefix: 192.0.2.7, via: 198.51.100.2, dev: wan}
traffic:
  - {port: wan, pcap: x.pcap}
)"));
  EXPECT_EQ(s.timing, TimingMode::kLineRate);
  EXPECT_EQ(s.asic.clock_mhz, 812.5);
  EXPECT_EQ(s.asic.rtl.to_string(), "hash");
  EXPECT_EQ(s.asic.datapath_bytes, 64u);
  ASSERT_EQ(s.routes.size(), 3u);
  EXPECT_FALSE(s.routes[0].via.has_value());
  EXPECT_EQ(s.routes[2].prefix, (std::variant<net::Ipv4Prefix, net::Ipv6Prefix>(v4p("192.0.2.7/32"))));
  EXPECT_EQ(s.routes[1].line, 13);
  EXPECT_EQ(s.traffic[0].pcap, dir_ / "x.pcap");
  EXPECT_EQ(s.traffic[0].port, 1u);
}

TEST_F(ScenarioErrorTest, AllSpeeds) {
  const std::vector<std::pair<std::string, std::uint64_t>> speeds = {
      {"1G", 1'000'000'000},   {"2.5G", 2'500'000'000}, {"5G", 5'000'000'000},    {"10G", 10'000'000'000},
      {"25G", 25'000'000'000}, {"40G", 40'000'000'000}, {"100G", 100'000'000'000}};
  for (const auto& [text, bps] : speeds) {
    const Scenario s = load_scenario(write(kPorts + "    speed: " + text + "\n"));
    EXPECT_EQ(s.ports[1].speed_bps, bps) << text;
  }
}

TEST_F(ScenarioErrorTest, CannotOpen) {
  const fs::path missing = dir_ / "nope.yaml";
  try {
    load_scenario(missing);
    FAIL() << "no error";
  } catch (const net::InputError& e) {
    EXPECT_EQ(std::string(e.what()), missing.string() + ": cannot open scenario file: No such file or directory");
  }
}

TEST_F(ScenarioErrorTest, YamlSyntaxError) {
  EXPECT_EQ(error_of("name: x\nports: [a, b\n"), "F:3:1: YAML syntax error: end of sequence flow not found");
  EXPECT_EQ(error_of("name: x\n  description: y\n"), "F:2:14: YAML syntax error: illegal map value");
}

TEST_F(ScenarioErrorTest, NotAMap) {
  EXPECT_EQ(error_of(""),
            "F:1:1: a scenario must be a YAML map with the keys name, description, ports, routes, neighbours, asic, "
            "cpu, timing, traffic, ruleset, engine, services, events, faults, got nothing");
  EXPECT_EQ(error_of("- a\n- b\n"),
            "F:1:1: a scenario must be a YAML map with the keys name, description, ports, routes, neighbours, asic, "
            "cpu, timing, traffic, ruleset, engine, services, events, faults, got a list");
}

TEST_F(ScenarioErrorTest, SecondDocument) {
  EXPECT_EQ(error_of(kPorts + "---\nname: other\n"),
            "F:10:1: a scenario file holds one YAML document, this is a second one");
}

TEST_F(ScenarioErrorTest, UnknownTopLevelKey) {
  EXPECT_EQ(error_of(kPorts + "trafic: []\n"),
            "F:9:1: unknown key 'trafic' at top level; allowed keys: name, description, ports, routes, neighbours, "
            "asic, cpu, timing, traffic, ruleset, engine, services, events, faults");
}

TEST_F(ScenarioErrorTest, UnknownPortKey) {
  EXPECT_EQ(error_of(kPorts + "    speeed: 10G\n"),
            "F:9:5: unknown key 'speeed' in ports[1]; allowed keys: name, mac, ipv4, ipv6, speed, mtu, link, vlan, "
            "pppoe");
}

TEST_F(ScenarioErrorTest, UnknownKeysInEverySection) {
  EXPECT_EQ(error_of(kPorts + "routes:\n  - {prefix: 10.0.0.0/8, gw: 1.2.3.4, dev: lan}\n"),
            "F:10:26: unknown key 'gw' in routes[0]; allowed keys: prefix, via, dev");
  EXPECT_EQ(error_of(kPorts + "neighbours:\n  - {ip: 1.2.3.4, lladdr: x}\n"),
            "F:10:19: unknown key 'lladdr' in neighbours[0]; allowed keys: ip, mac, dev");
  EXPECT_EQ(error_of(kPorts + "asic:\n  clock: 500\n"),
            "F:10:3: unknown key 'clock' in asic; allowed keys: clock_mhz, datapath_bytes, rx_ring_size, "
            "tx_ring_size, egress_queue_bytes, hash, table_entries, table_ways, bind_mode, punt_meter_pps, rtl, "
            "drop_ttl0, drop_bad_ipv4_checksum, drop_bad_l4_checksum");
  EXPECT_EQ(error_of(kPorts + "cpu: {ns_per_pkt: 5}\n"),
            "F:9:7: unknown key 'ns_per_pkt' in cpu; allowed keys: ns_per_packet, irq_coalesce_pkts, irq_coalesce_us");
  EXPECT_EQ(error_of(kPorts + "traffic:\n  - {port: lan, file: a.pcap}\n"),
            "F:10:17: unknown key 'file' in traffic[0]; allowed keys: port, pcap");
}

TEST_F(ScenarioErrorTest, DuplicateKey) {
  EXPECT_EQ(error_of(kPorts + "    mtu: 1500\n    mtu: 9000\n"),
            "F:10:5: duplicate key 'mtu' in ports[1] (first at line 9)");
}

TEST_F(ScenarioErrorTest, MissingRequiredKey) {
  EXPECT_EQ(error_of("name: x\n"), "F:1:1: missing required key 'ports' at top level");
  EXPECT_EQ(
      error_of("ports:\n  - name: lan\n    ipv4: 192.168.1.1/24\n  - name: wan\n    mac: \"02:00:00:00:02:01\"\n"),
      "F:2:5: missing required key 'mac' in ports[0]");
  EXPECT_EQ(error_of(kPorts + "routes:\n  - prefix: 10.0.0.0/8\n"), "F:10:5: missing required key 'dev' in routes[0]");
}

TEST_F(ScenarioErrorTest, WrongTypes) {
  EXPECT_EQ(error_of("ports:\n  lan: {}\n"), "F:2:3: ports: expected a list, got a map");
  EXPECT_EQ(error_of("ports: 3\n"), "F:1:8: ports: expected a list, got '3'");
  EXPECT_EQ(error_of("ports:\n  - lan\n  - wan\n"), "F:2:5: ports[0]: expected a map, got 'lan'");
  EXPECT_EQ(error_of(kPorts + "    mtu: [1500]\n"),
            "F:9:10: ports[1].mtu: expected a non-negative integer, got a list");
  EXPECT_EQ(error_of(kPorts + "    mtu: big\n"), "F:9:10: ports[1].mtu: expected a non-negative integer, got 'big'");
  EXPECT_EQ(error_of(kPorts + "    mtu: -1\n"), "F:9:10: ports[1].mtu: expected a non-negative integer, got '-1'");
  EXPECT_EQ(error_of(kPorts + "    mtu:\n"), "F:9:5: ports[1].mtu: expected a non-negative integer, got nothing");
  EXPECT_EQ(error_of("name: {a: b}\n" + kPorts), "F:1:7: name: expected a string, got a map");
  EXPECT_EQ(error_of(kPorts + "asic: [1]\n"), "F:9:7: asic: expected a map, got a list");
  EXPECT_EQ(error_of(kPorts + "asic: {clock_mhz: fast}\n"), "F:9:19: asic.clock_mhz: expected a number, got 'fast'");
  EXPECT_EQ(error_of(kPorts + "asic: {clock_mhz: 0}\n"), "F:9:19: asic.clock_mhz: 0 is out of range 1..10000 (MHz)");
  EXPECT_EQ(error_of(kPorts + "routes: {prefix: 10.0.0.0/8}\n"), "F:9:9: routes: expected a list, got a map");
  EXPECT_EQ(error_of(kPorts + "neighbours:\n  - {ip: [1.2.3.4], mac: \"02:00:00:00:00:07\", dev: lan}\n"),
            "F:10:10: neighbours[0].ip: expected an IP address, got a list");
  EXPECT_EQ(error_of(kPorts + "  - name: dmz\n    mac:\n"),
            "F:10:5: ports[2].mac: expected a MAC address, got nothing");
  EXPECT_EQ(error_of(kPorts + "  - name: dmz\n    mac: \"02:00:00:00:03:01\"\n    ipv4: {a: b}\n"),
            "F:11:11: ports[2].ipv4: expected an address/length or a list of them, got a map");
}

TEST_F(ScenarioErrorTest, BadMac) {
  EXPECT_EQ(error_of(kPorts + "  - name: dmz\n    mac: 02:00:00:00:01\n"),
            "F:10:10: ports[2].mac: bad MAC address '02:00:00:00:01' (expected six hex bytes like 02:00:00:00:01:01)");
  EXPECT_EQ(error_of(kPorts + "  - name: dmz\n    mac: 01:00:5e:00:00:01\n"),
            "F:10:10: ports[2].mac: 01:00:5e:00:00:01 is a multicast address; a port needs a unicast MAC");
  EXPECT_EQ(error_of(kPorts + "neighbours:\n  - {ip: 192.168.1.7, mac: zz, dev: lan}\n"),
            "F:10:28: neighbours[0].mac: bad MAC address 'zz' (expected six hex bytes like 02:00:00:00:01:01)");
}

TEST_F(ScenarioErrorTest, BadAddresses) {
  EXPECT_EQ(error_of(kPorts + "  - name: dmz\n    mac: \"02:00:00:00:03:01\"\n    ipv4: 10.0.0.300/24\n"),
            "F:11:11: ports[2].ipv4: bad IPv4 address '10.0.0.300/24' (expected address/length like 192.168.1.1/24)");
  EXPECT_EQ(error_of(kPorts + "  - name: dmz\n    mac: \"02:00:00:00:03:01\"\n    ipv4: [10.0.0.1/24, 10.0.1.1/33]\n"),
            "F:11:25: ports[2].ipv4[1]: bad IPv4 address '10.0.1.1/33' (expected address/length like 192.168.1.1/24)");
  EXPECT_EQ(error_of(kPorts + "  - name: dmz\n    mac: \"02:00:00:00:03:01\"\n    ipv4: 10.0.0.1\n"),
            "F:11:11: ports[2].ipv4: '10.0.0.1' has no prefix length (write it like 192.168.1.1/24)");
  EXPECT_EQ(
      error_of(kPorts + "  - name: dmz\n    mac: \"02:00:00:00:03:01\"\n    ipv6: 2001:db8::g/64\n"),
      "F:11:11: ports[2].ipv6: bad IPv6 address '2001:db8::g/64' (expected address/length like 2001:db8:1::1/64)");
  EXPECT_EQ(error_of(kPorts + "routes:\n  - {prefix: 10.0.0.0/40, dev: lan}\n"),
            "F:10:14: routes[0].prefix: bad prefix '10.0.0.0/40' (expected e.g. 10.0.0.0/8, 0.0.0.0/0, 2001:db8::/32 "
            "or ::/0)");
  EXPECT_EQ(error_of(kPorts + "neighbours:\n  - {ip: 192.168.1.7/32, mac: \"02:00:00:00:00:07\", dev: lan}\n"),
            "F:10:10: neighbours[0].ip: bad IP address '192.168.1.7/32' (expected an IPv4 or IPv6 address without "
            "prefix length)");
}

TEST_F(ScenarioErrorTest, UnknownSpeed) {
  EXPECT_EQ(error_of(kPorts + "    speed: 3G\n"),
            "F:9:12: ports[1].speed: unknown speed '3G'; allowed: 1G, 2.5G, 5G, 10G, 25G, 40G, 100G");
  EXPECT_EQ(error_of(kPorts + "    speed: 10000000000\n"),
            "F:9:12: ports[1].speed: unknown speed '10000000000'; allowed: 1G, 2.5G, 5G, 10G, 25G, 40G, 100G");
}

TEST_F(ScenarioErrorTest, MtuOutOfRange) {
  EXPECT_EQ(error_of(kPorts + "    mtu: 67\n"), "F:9:10: ports[1].mtu: 67 is out of range 68..9216");
  EXPECT_EQ(error_of(kPorts + "    mtu: 9217\n"), "F:9:10: ports[1].mtu: 9217 is out of range 68..9216");
  EXPECT_EQ(error_of(kPorts + "    mtu: 99999999999999999999999\n"),
            "F:9:10: ports[1].mtu: 99999999999999999999999 is out of range 68..9216");
  EXPECT_NO_THROW(load_scenario(write(kPorts + "    mtu: 68\n")));
  EXPECT_NO_THROW(load_scenario(write(kPorts + "    mtu: 9216\n")));
}

TEST_F(ScenarioErrorTest, DuplicatePortName) {
  EXPECT_EQ(error_of(kPorts + "  - name: lan\n    mac: \"02:00:00:00:03:01\"\n"),
            "F:9:11: ports[2].name: duplicate port name 'lan' (first defined at line 2)");
}

TEST_F(ScenarioErrorTest, BadPortName) {
  EXPECT_EQ(error_of(kPorts + "  - name: a very long port name\n    mac: \"02:00:00:00:03:01\"\n"),
            "F:9:11: ports[2].name: bad port name 'a very long port name' (like a Linux interface name: 1-15 "
            "characters, no spaces, '/' or ':')");
}

TEST_F(ScenarioErrorTest, TooFewOrTooManyPorts) {
  EXPECT_EQ(error_of("ports:\n  - name: lan\n    mac: \"02:00:00:00:01:01\"\n"),
            "F:2:3: ports: 1 port given; a router needs at least 2");
  EXPECT_EQ(error_of("ports: []\n"), "F:1:8: ports: 0 ports given; a router needs at least 2");
  std::string nine = "ports:\n";
  for (int i = 0; i < 9; ++i) {
    nine += "  - {name: p" + std::to_string(i) + ", mac: \"02:00:00:00:00:0" + std::to_string(i) + "\"}\n";
  }
  EXPECT_EQ(error_of(nine), "F:2:3: ports: 9 ports given; the ASIC has at most 8");
  nine.resize(nine.rfind("  - "));  // eight is fine
  EXPECT_NO_THROW(load_scenario(write(nine)));
}

TEST_F(ScenarioErrorTest, VlanAndPppoeDevicesComeAfterThePorts) {
  const Scenario s = load_scenario(write(kPorts + R"(  - name: wan.10
    link: wan
    vlan: 10
    ipv4: 10.10.0.1/24
  - name: pppoe-wan
    link: wan
    pppoe: {session: 4660, peer: "02:00:00:00:02:fe"}
    ipv4: 100.64.0.2/32
routes:
  - {prefix: 0.0.0.0/0, dev: pppoe-wan}
  - {prefix: 10.20.0.0/16, via: 10.10.0.254, dev: wan.10}
neighbours:
  - {ip: 10.10.0.254, mac: "02:00:00:00:0a:fe", dev: wan.10}
)"));
  ASSERT_EQ(s.ports.size(), 2u);
  ASSERT_EQ(s.vlan_devices.size(), 2u);
  EXPECT_EQ(s.vlan_devices[0].link, 1u);
  EXPECT_EQ(s.vlan_devices[0].vlan_id, 10);
  EXPECT_EQ(s.vlan_devices[0].mac, s.ports[1].mac);
  EXPECT_EQ(s.vlan_devices[0].mtu, 1500u);
  EXPECT_EQ(s.vlan_devices[1].pppoe_session, 4660);
  EXPECT_EQ(s.vlan_devices[1].pppoe_peer, net::MacAddr::parse("02:00:00:00:02:fe").value());
  EXPECT_EQ(s.vlan_devices[1].mtu, 1492u);
  EXPECT_EQ(s.routes[0].port, 3u);
  EXPECT_EQ(s.routes[1].port, 2u);
  EXPECT_EQ(s.neighbours[0].port, 2u);
  const engine::EngineConfig c = to_engine_config(s);
  ASSERT_EQ(c.interfaces.size(), 4u);
  EXPECT_EQ(c.interfaces[2].vlan, (engine::device::VlanLink{1, 10}));
  ASSERT_TRUE(c.interfaces[3].pppoe);
  EXPECT_EQ(c.interfaces[3].pppoe->session, 4660);
  EXPECT_EQ(c.interfaces[3].pppoe->lower, 1u);
}

TEST_F(ScenarioErrorTest, VlanAndPppoeDeviceMistakes) {
  EXPECT_EQ(error_of(kPorts + "  - {name: wan.10, link: dmz, vlan: 10}\n"),
            "F:9:26: ports[2].link: link 'dmz' is not a port listed before wan.10; ports are: lan, wan");
  EXPECT_EQ(error_of(kPorts + "  - {name: wan.10, link: wan, vlan: 4095}\n"),
            "F:9:37: ports[2].vlan: 4095 is out of range 1..4094");
  EXPECT_EQ(error_of(kPorts + "  - {name: a, link: wan, vlan: 7}\n  - {name: b, link: wan, vlan: 7}\n"),
            "F:10:32: ports[3].vlan: port 'wan' has VLAN 7 already ('a', line 9)");
  EXPECT_EQ(error_of(kPorts + "  - {name: wan.10, link: wan, vlan: 10, mtu: 1501}\n"),
            "F:9:46: ports[2].mtu: 1501 is out of range 68..1500");
  EXPECT_EQ(error_of(kPorts + "  - {name: ppp, link: wan, pppoe: {session: 1}}\n"),
            "F:9:35: missing required key 'peer' in ports[2].pppoe");
  EXPECT_EQ(error_of(kPorts + "  - {name: ppp, link: wan, pppoe: {session: 1, peer: \"02:00:00:00:02:fe\"}}\n" +
                     "neighbours:\n  - {ip: 10.0.0.1, mac: \"02:00:00:00:00:07\", dev: ppp}\n"),
            "F:11:51: neighbours[0].dev: 'ppp' is a PPPoE device: a point-to-point link has no neighbours (its peer "
            "is 02:00:00:00:02:fe)");
  EXPECT_EQ(error_of(kPorts + "  - {name: wan.10, link: wan, vlan: 10}\ntraffic:\n  - {port: wan.10, pcap: x.pcap}\n"),
            "F:11:12: traffic[0].port: 'wan.10' has no wire of its own: its traffic enters port 'wan' tagged with "
            "VLAN 10");
}

TEST_F(ScenarioErrorTest, UnknownPortReferences) {
  EXPECT_EQ(error_of(kPorts + "routes:\n  - {prefix: 10.0.0.0/8, dev: dmz}\n"),
            "F:10:31: routes[0].dev: unknown port 'dmz'; ports are: lan, wan");
  EXPECT_EQ(error_of(kPorts + "neighbours:\n  - {ip: 10.0.0.1, mac: \"02:00:00:00:00:07\", dev: eth0}\n"),
            "F:10:51: neighbours[0].dev: unknown port 'eth0'; ports are: lan, wan");
  EXPECT_EQ(error_of(kPorts + "traffic:\n  - {port: wlan, pcap: x.pcap}\n"),
            "F:10:12: traffic[0].port: unknown port 'wlan'; ports are: lan, wan");
}

TEST_F(ScenarioErrorTest, MissingPcap) {
  EXPECT_EQ(error_of(kPorts + "traffic:\n  - port: lan\n    pcap: ../traces/missing.pcap\n"),
            "F:11:11: traffic[0].pcap: pcap file '../traces/missing.pcap' not found (looked for " +
                (dir_.parent_path() / "traces" / "missing.pcap").string() + ")");
  fs::create_directory(dir_ / "adir.pcap");
  EXPECT_EQ(
      error_of(kPorts + "traffic:\n  - {port: lan, pcap: adir.pcap}\n"),
      "F:10:23: traffic[0].pcap: pcap file 'adir.pcap' not found (looked for " + (dir_ / "adir.pcap").string() + ")");
}

TEST_F(ScenarioErrorTest, BadTimingAndHash) {
  EXPECT_EQ(error_of(kPorts + "timing: fast\n"),
            "F:9:9: timing: unknown timing mode 'fast'; allowed: recorded, line-rate");
  EXPECT_EQ(error_of(kPorts + "asic:\n  hash: vhdl\n"),
            "F:10:9: asic.hash: unknown hash implementation 'vhdl'; allowed: cpp, rtl");
  EXPECT_EQ(error_of(kPorts + "asic:\n  rtl: [parser, egress]\n"),
            "F:10:17: asic.rtl[1]: unknown block 'egress'; blocks with an RTL twin: parser, hash, lookup, rewrite");
  EXPECT_EQ(error_of(kPorts + "asic:\n  rtl: some\n"),
            "F:10:8: asic.rtl: unknown block 'some'; blocks with an RTL twin: parser, hash, lookup, rewrite");
  EXPECT_EQ(error_of(kPorts + "asic:\n  rtl: {parser: yes}\n"),
            "F:10:8: asic.rtl: expected all, none, a block name or a list of them, got a map");
  EXPECT_EQ(error_of(kPorts + "asic:\n  rtl: [parser]\n  hash: rtl\n"),
            "F:11:9: asic.hash: hash: rtl contradicts rtl: parser");
}

TEST_F(ScenarioErrorTest, RtlBlocks) {
  EXPECT_EQ(load_scenario(write(kPorts + "asic: {rtl: all}\n")).asic.rtl, model::RtlBlocks::all());
  EXPECT_EQ(load_scenario(write(kPorts + "asic: {rtl: none}\n")).asic.rtl, model::RtlBlocks::none());
  EXPECT_EQ(load_scenario(write(kPorts + "asic: {rtl: lookup}\n")).asic.rtl.to_string(), "lookup");
  EXPECT_EQ(load_scenario(write(kPorts + "asic: {rtl: [rewrite, parser]}\n")).asic.rtl.to_string(), "parser,rewrite");
  EXPECT_EQ(load_scenario(write(kPorts + "asic: {rtl: [hash, lookup], hash: rtl}\n")).asic.rtl.to_string(),
            "hash,lookup");
  EXPECT_EQ(load_scenario(write(kPorts + "asic: {hash: rtl}\n")).asic.rtl.to_string(), "hash");
}

TEST_F(ScenarioErrorTest, AsicAndCpuRanges) {
  EXPECT_EQ(error_of(kPorts + "asic: {rx_ring_size: 300}\n"), "F:9:22: asic.rx_ring_size: 300 is not a power of two");
  EXPECT_EQ(error_of(kPorts + "asic: {tx_ring_size: 1}\n"), "F:9:22: asic.tx_ring_size: 1 is out of range 2..4096");
  EXPECT_EQ(error_of(kPorts + "asic: {table_ways: 3}\n"), "F:9:20: asic.table_ways: must be 1, 2 or 4, not 3");
  EXPECT_EQ(error_of(kPorts + "asic: {table_entries: 512}\n"),
            "F:9:23: asic.table_entries: 512 is out of range 1024..32768");
  EXPECT_EQ(error_of(kPorts + "asic: {bind_mode: fast}\n"),
            "F:9:19: asic.bind_mode: unknown mode 'fast'; allowed: direct, learn");
  EXPECT_EQ(error_of(kPorts + "asic: {datapath_bytes: 48}\n"), "F:9:24: asic.datapath_bytes: 48 is not a power of two");
  EXPECT_EQ(error_of(kPorts + "asic: {egress_queue_bytes: 0}\n"),
            "F:9:28: asic.egress_queue_bytes: 0 is out of range 1..67108864 (bytes)");
  EXPECT_EQ(error_of(kPorts + "cpu: {irq_coalesce_pkts: 256}\n"),
            "F:9:26: cpu.irq_coalesce_pkts: 256 is out of range 0..255 (packets, 0 = an interrupt per packet)");
}

TEST_F(ScenarioErrorTest, RouteMistakes) {
  EXPECT_EQ(error_of(kPorts + "routes:\n  - {prefix: 10.1.2.3/8, dev: lan}\n"),
            "F:10:14: routes[0].prefix: 10.1.2.3/8 has host bits set (did you mean 10.0.0.0/8?)");
  EXPECT_EQ(error_of(kPorts + "routes:\n  - {prefix: 2001:db8::1/32, dev: lan}\n"),
            "F:10:14: routes[0].prefix: 2001:db8::1/32 has host bits set (did you mean 2001:db8::/32?)");
  EXPECT_EQ(error_of(kPorts + "routes:\n  - {prefix: 0.0.0.0/0, via: 10.9.9.9, dev: wan}\n"),
            "F:10:30: routes[0].via: gateway 10.9.9.9 is not on a subnet of port 'wan' (203.0.113.2/24, "
            "198.51.100.1/30, 2001:db8:ffff::2/64)");
  EXPECT_EQ(error_of(kPorts + "routes:\n  - {prefix: 0.0.0.0/0, via: 2001:db8:ffff::1, dev: wan}\n"),
            "F:10:30: routes[0].via: gateway 2001:db8:ffff::1 is not of the same family as 0.0.0.0/0");
  EXPECT_EQ(error_of(kPorts + "routes:\n  - {prefix: 0.0.0.0/0, via: 203.0.113.1, dev: wan}\n"
                              "  - {prefix: 0.0.0.0/0, via: 192.168.1.2, dev: lan}\n"),
            "F:11:14: routes[1].prefix: duplicate route for 0.0.0.0/0 (first at line 10)");
}

TEST_F(ScenarioErrorTest, DuplicateNeighbour) {
  EXPECT_EQ(error_of(kPorts + "neighbours:\n  - {ip: 192.168.1.7, mac: \"02:00:00:00:00:07\", dev: lan}\n"
                              "  - {ip: 192.168.1.7, mac: \"02:00:00:00:00:08\", dev: lan}\n"),
            "F:11:10: neighbours[1].ip: duplicate neighbour 192.168.1.7 on port 'lan' (first at line 10)");
  // The same address on another port is another neighbour.
  EXPECT_NO_THROW(
      load_scenario(write(kPorts + "neighbours:\n  - {ip: 192.168.1.7, mac: \"02:00:00:00:00:07\", dev: lan}\n"
                                   "  - {ip: 192.168.1.7, mac: \"02:00:00:00:00:08\", dev: wan}\n")));
}


TEST_F(ScenarioErrorTest, Services) {
  const Scenario s = load_scenario(write(kPorts + "services:\n  - {proto: tcp, port: 22}\n  - proto: udp\n    port: 53\n"));
  ASSERT_EQ(s.services.size(), 2u);
  EXPECT_EQ(s.services[0].proto, 6);
  EXPECT_EQ(s.services[0].port, 22);
  EXPECT_EQ(s.services[1].proto, 17);
  EXPECT_EQ(s.services[1].port, 53);
  const engine::EngineConfig c = to_engine_config(s);
  ASSERT_EQ(c.services.size(), 2u);
  EXPECT_EQ(c.services[1].proto, 17);
  EXPECT_EQ(c.services[1].port, 53);
  EXPECT_EQ(error_of(kPorts + "services:\n  - {proto: sctp, port: 22}\n"),
            "F:10:13: services[0].proto: unknown protocol 'sctp'; allowed: tcp, udp");
  EXPECT_EQ(error_of(kPorts + "services:\n  - {proto: tcp, port: 0}\n"),
            "F:10:24: services[0].port: 0 is out of range 1..65535");
  EXPECT_EQ(error_of(kPorts + "services:\n  - {proto: tcp, port: 22}\n  - {proto: tcp, port: 22}\n"),
            "F:11:24: services[1].port: duplicate service tcp 22 (first at line 10)");
  EXPECT_EQ(error_of(kPorts + "services:\n  - {proto: tcp}\n"), "F:10:5: missing required key 'port' in services[0]");
}

TEST_F(ScenarioErrorTest, RulesetAndEngineSettings) {
  write("table ip nat {\n\tchain post {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
        "\t\toifname \"wan\" masquerade\n\t}\n}\n",
        "r.nft");
  const Scenario s = load_scenario(write(kPorts + R"(ruleset: r.nft
engine:
  flowtable: new
  nat_seed: 42
  conntrack_acct: true
  tcp_be_liberal: true
  timeouts: {tcp_established: 7440, udp: 60, udp_stream: 180, flowtable_tcp: 5, tcp_syn_sent: 10}
  wall_clock_start: "2022-05-30 21:51:23"
)"));
  EXPECT_EQ(s.ruleset, dir_ / "r.nft");
  EXPECT_EQ(s.ruleset_line, 9);
  EXPECT_EQ(s.engine.flowtable, engine::flowtable::FlowtableSemantics::kNew);
  EXPECT_EQ(s.engine.nat_seed, 42u);
  EXPECT_TRUE(s.engine.conntrack_acct);
  EXPECT_TRUE(s.engine.tcp_be_liberal);
  EXPECT_EQ(s.engine.timeouts.tcp[3], std::chrono::seconds(7440));
  EXPECT_EQ(s.engine.timeouts.tcp[0], std::chrono::seconds(10));  // NONE follows SYN_SENT
  EXPECT_EQ(s.engine.timeouts.tcp[1], std::chrono::seconds(10));
  EXPECT_EQ(s.engine.timeouts.udp_unreplied, std::chrono::seconds(60));
  EXPECT_EQ(s.engine.timeouts.udp_replied, std::chrono::seconds(180));
  EXPECT_EQ(s.engine.timeouts.tcp_offload, std::chrono::seconds(5));
  const engine::EngineConfig c = to_engine_config(s);
  ASSERT_NE(c.ruleset, nullptr);
  EXPECT_EQ(c.flowtable_semantics, engine::flowtable::FlowtableSemantics::kNew);
  EXPECT_EQ(c.nat_seed, 42u);
  EXPECT_TRUE(c.conntrack_acct);
  EXPECT_EQ(c.conntrack_timeouts.udp_replied, std::chrono::seconds(180));
  EXPECT_EQ(c.wall_clock_start_ns, 1653947483ULL * 1'000'000'000ULL);
}

TEST_F(ScenarioErrorTest, RulesetAndEngineMistakes) {
  EXPECT_EQ(error_of(kPorts + "ruleset: none.nft\n"),
            "F:9:10: ruleset: ruleset file 'none.nft' not found (looked for " + (dir_ / "none.nft").string() + ")");
  EXPECT_EQ(error_of(kPorts + "engine:\n  flowtable: newest\n"),
            "F:10:14: engine.flowtable: unknown flowtable semantics 'newest'; allowed: old (Linux up to 6.13), new "
            "(6.14+, CLOSING)");
  EXPECT_EQ(error_of(kPorts + "engine: {conntrack_acct: yes}\n"),
            "F:9:26: engine.conntrack_acct: expected true or false, got 'yes'");
  EXPECT_EQ(error_of(kPorts + "engine: {timeout: {}}\n"),
            "F:9:10: unknown key 'timeout' in engine; allowed keys: flowtable, nat_seed, conntrack_acct, "
            "conntrack_checksum, tcp_loose, tcp_be_liberal, timeouts, wall_clock_start");
  EXPECT_EQ(error_of(kPorts + "engine: {wall_clock_start: \"30.5.2022\"}\n"),
            "F:9:28: engine.wall_clock_start: invalid wall_clock_start '30.5.2022'; expected \"YYYY-MM-DD HH:MM:SS\" (UTC)");
  EXPECT_EQ(error_of(kPorts + "engine:\n  timeouts:\n    tcp_establised: 10\n"),
            "F:11:5: unknown key 'tcp_establised' in engine.timeouts; allowed keys: tcp_syn_sent, tcp_syn_recv, "
            "tcp_established, tcp_fin_wait, tcp_close_wait, tcp_last_ack, tcp_time_wait, tcp_close, tcp_max_retrans, "
            "tcp_unacknowledged, udp, udp_stream, icmp, icmpv6, generic, flowtable_tcp, flowtable_udp");
  EXPECT_EQ(error_of(kPorts + "engine: {timeouts: {udp: -1}}\n"),
            "F:9:26: engine.timeouts.udp: expected a non-negative integer, got '-1'");
  // A flowtable device that is not a port is a software-only device (Wi-Fi, a tunnel).
  write("table inet f {\n\tflowtable ft {\n\t\thook ingress priority filter\n\t\tdevices = { lan, wlan0, wg0 }\n\t}\n}\n",
        "ft.nft");
  EXPECT_EQ(load_scenario(write(kPorts + "ruleset: ft.nft\n")).software_devices, (std::vector<std::string>{"wg0", "wlan0"}));
  // Mistakes inside the ruleset name the ruleset file.
  write("table ip t {\n\tchain c {\n\t\tfrobnicate\n\t}\n}\n", "bad.nft");
  const std::string msg = error_of(kPorts + "ruleset: bad.nft\n");
  EXPECT_EQ(msg.rfind((dir_ / "bad.nft").string() + ":3:", 0), 0u) << msg;
}

}  // namespace
}  // namespace flowsim::scenario

namespace flowsim::scenario {
namespace {

class ScenarioEventsTest : public ScenarioFileTest {
 protected:
  ScenarioEventsTest() : ScenarioFileTest("flowsim_scenario_events_") {}
  void SetUp() override {
    ScenarioFileTest::SetUp();
    std::ofstream(dir_ / "r.nft") << "table inet f {\n\tflowtable ft {\n\t\thook ingress priority filter\n"
                                     "\t\tdevices = { lan, wan }\n\t}\n}\n";
  }
  std::string prologue() const override { return kPorts + "ruleset: r.nft\n"; }
};

TEST_F(ScenarioEventsTest, EveryCommandParsesIntoItsEventInTimeOrder) {
  const Scenario s = load_scenario(write(R"(events:
  - {at: 3s, run: ip link set dev wan up}
  - {at: 1500ms, run: ip link set wan down}
  - {at: 4s, run: "conntrack -D -p tcp -s 192.168.1.100 --sport 40000"}
  - {at: 4s, run: conntrack -F}
  - {at: 5s, run: ip route replace default via 203.0.113.254}
  - {at: 5s, run: ip -6 route del 2001:db8::/32}
  - {at: 6s, run: ip neigh replace 203.0.113.254 lladdr 02:00:00:00:02:fd dev wan}
  - {at: 7s, run: nft -f r.nft}
  - {at: 8s, run: "nft delete flowtable inet f ft { devices = { wan } ; }"}
  - {at: 9s, run: driver reset}
)"));
  using K = ControlEvent::Kind;
  ASSERT_EQ(s.events.size(), 10u);
  EXPECT_EQ(s.events[0].kind, K::kLinkDown);
  EXPECT_EQ(s.events[0].at, std::chrono::milliseconds(1500));
  EXPECT_EQ(s.events[0].ports, std::vector<unsigned>{1});
  EXPECT_EQ(s.events[0].line, 12);
  EXPECT_EQ(s.events[1].kind, K::kLinkUp);
  EXPECT_EQ(s.events[2].kind, K::kConntrackDelete);
  EXPECT_EQ(s.events[2].ct_filter.proto, 6);
  EXPECT_EQ(s.events[2].ct_filter.family, 4);
  EXPECT_EQ(s.events[2].ct_filter.orig_sport, 40000);
  EXPECT_FALSE(s.events[2].ct_filter.orig_dst);
  EXPECT_FALSE(s.events[3].ct_filter.proto);  // -F: an empty filter
  EXPECT_EQ(s.events[4].kind, K::kRouteReplace);
  EXPECT_EQ(s.events[4].route.prefix, (std::variant<net::Ipv4Prefix, net::Ipv6Prefix>(v4p("0.0.0.0/0"))));
  EXPECT_EQ(s.events[4].route.ifindex, 1u);  // the gateway's subnet is the wan port's
  EXPECT_EQ(s.events[5].kind, K::kRouteDelete);
  EXPECT_EQ(s.events[5].route.prefix, (std::variant<net::Ipv4Prefix, net::Ipv6Prefix>(v6p("2001:db8::/32"))));
  EXPECT_EQ(s.events[6].kind, K::kNeighbourSet);
  EXPECT_EQ(s.events[6].neighbour.mac, mac("02:00:00:00:02:fd"));
  EXPECT_EQ(s.events[7].kind, K::kRulesetReload);
  EXPECT_EQ(s.events[7].ruleset, dir_ / "r.nft");
  EXPECT_EQ(s.events[8].kind, K::kFlowtableDeviceRemove);
  EXPECT_EQ(s.events[8].ports, std::vector<unsigned>{1});
  EXPECT_EQ(s.events[9].kind, K::kDriverReset);
}

TEST_F(ScenarioEventsTest, MistakesNameTheLineAndWhatIsAllowed) {
  EXPECT_EQ(error_of("events:\n  - {at: 2, run: ip link set wan down}\n"),
            "F:11:10: events[0].at: bad time '2' (a number with a unit: ps, ns, us, ms, s; e.g. 1.5s)");
  EXPECT_EQ(error_of("events:\n  - {at: 2s, run: ip link set wlan0 down}\n"),
            "F:11:19: events[0].run: Cannot find device \"wlan0\" (ports are lan, wan)");
  EXPECT_EQ(error_of("events:\n  - {at: 2s, run: reboot}\n"),
            "F:11:19: events[0].run: unknown command 'reboot'; commands are: ip link set DEV down|up; conntrack -F; "
            "conntrack -D [filters]; ip route add|replace|change|del ...; ip neigh add|replace|change|del ...; nft -f "
            "FILE; nft delete flowtable FAMILY TABLE NAME { devices = { DEV } ; }; driver reset");
  EXPECT_EQ(error_of("events:\n  - {at: 2s, run: ip route add 10.0.0.1/8 dev lan}\n"),
            "F:11:19: events[0].run: Invalid prefix for given prefix length: 10.0.0.1/8");
  EXPECT_EQ(error_of("events:\n  - {at: 2s, run: ip route add 10.0.0.0/8 via 10.9.9.9}\n"),
            "F:11:19: events[0].run: Nexthop has invalid gateway: 10.9.9.9 is on no port's subnet");
  EXPECT_EQ(error_of("events:\n  - {at: 2s, run: conntrack -D --sport 1}\n"),
            "F:11:19: events[0].run: conntrack: --sport/--dport need -p (a protocol with ports)");
  EXPECT_EQ(error_of("events:\n  - {at: 2s, run: nft -f missing.nft}\n"),
            "F:11:19: events[0].run: Could not process rule: No such file or directory: " +
                (dir_ / "missing.nft").string());
  EXPECT_EQ(error_of("events:\n  - {at: 2s, cmd: x}\n"),
            "F:11:14: unknown key 'cmd' in events[0]; allowed keys: at, run");
}

}  // namespace
}  // namespace flowsim::scenario
