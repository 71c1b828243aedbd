// SPDX-License-Identifier: Apache-2.0
// net/ against Scapy: every frame of traces/unit/net_vectors.pcap is parsed and compared
// field by field with what Scapy dissected (net_vectors.json); the checksums are recomputed
// and compared with Scapy's; and the before/after pairs are rewritten with the incremental
// updates, which must give Scapy's freshly computed packet byte for byte.
#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "net/checksum.hpp"
#include "net/frame_parser.hpp"
#include "net/icmp_header.hpp"
#include "net/ipv4_header.hpp"
#include "net/ipv6_header.hpp"
#include "net/tcp_header.hpp"
#include "net/udp_header.hpp"
#include "testbench/pcap/pcap_reader.hpp"

namespace flowsim::net {
namespace {

using nlohmann::json;
using Bytes = std::vector<std::uint8_t>;

std::filesystem::path unit_trace(const char* name) {
  return std::filesystem::path(FLOWSIM_SOURCE_DIR) / "traces" / "unit" / name;
}

const json& vectors() {
  static const json doc = [] {
    std::ifstream in(unit_trace("net_vectors.json"));
    return json::parse(in);
  }();
  return doc;
}

const std::vector<Bytes>& frames() {
  static const std::vector<Bytes> all = [] {
    std::vector<Bytes> out;
    pcap::PcapReader reader(unit_trace("net_vectors.pcap"));
    pcap::PcapRecord rec;
    while (reader.next(rec)) out.push_back(rec.bytes);
    return out;
  }();
  return all;
}

Bytes from_hex(const std::string& hex) {
  Bytes out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const std::uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 0x0f];
  }
  return out;
}

ParseError parse_error_named(const std::string& name) {
  static const std::map<std::string, ParseError> kByName = {
      {"none", ParseError::kNone},
      {"runt", ParseError::kRunt},
      {"truncated_vlan", ParseError::kTruncatedVlan},
      {"too_many_vlans", ParseError::kTooManyVlans},
      {"truncated_pppoe", ParseError::kTruncatedPppoe},
      {"bad_pppoe", ParseError::kBadPppoe},
      {"bad_ipv4", ParseError::kBadIpv4},
      {"bad_ipv6", ParseError::kBadIpv6},
  };
  return kByName.at(name);
}

L3Kind l3_named(const std::string& name) {
  static const std::map<std::string, L3Kind> kByName = {
      {"none", L3Kind::kNone}, {"ipv4", L3Kind::kIpv4}, {"ipv6", L3Kind::kIpv6}, {"other", L3Kind::kOther}};
  return kByName.at(name);
}

FiveTuple tuple_from(const json& t) {
  if (t.is_null()) return FiveTuple{};
  const auto proto = t.at("proto").get<std::uint8_t>();
  const auto sp = t.at("src_port").get<std::uint16_t>();
  const auto dp = t.at("dst_port").get<std::uint16_t>();
  if (t.at("family").get<int>() == 4) {
    return FiveTuple::ipv4(Ipv4Addr::parse(t.at("src").get<std::string>()).value(),
                           Ipv4Addr::parse(t.at("dst").get<std::string>()).value(), proto, sp, dp);
  }
  return FiveTuple::ipv6(Ipv6Addr::parse(t.at("src").get<std::string>()).value(),
                         Ipv6Addr::parse(t.at("dst").get<std::string>()).value(), proto, sp, dp);
}

TEST(NetVectors, PcapAndJsonDescribeTheSamePackets) {
  const json& packets = vectors().at("packets");
  ASSERT_EQ(frames().size(), packets.size());
  ASSERT_GE(packets.size(), 25u);
  for (std::size_t i = 0; i < packets.size(); ++i) {
    EXPECT_EQ(packets[i].at("index").get<std::size_t>(), i + 1);
    EXPECT_EQ(packets[i].at("length").get<std::size_t>(), frames()[i].size()) << packets[i].at("name");
  }
}

TEST(NetVectors, ParseFrameMatchesScapy) {
  const json& packets = vectors().at("packets");
  ASSERT_EQ(frames().size(), packets.size());
  std::set<ParseError> errors_seen;
  for (std::size_t i = 0; i < packets.size(); ++i) {
    const json& e = packets[i].at("expect");
    SCOPED_TRACE("packet #" + std::to_string(i + 1) + " " + packets[i].at("name").get<std::string>());
    const ParsedFrame pf = parse_frame(frames()[i]);
    const ParseError error = parse_error_named(e.at("error").get<std::string>());
    errors_seen.insert(error);
    EXPECT_EQ(to_string(pf.error), to_string(error));
    if (error != ParseError::kNone) {
      // A malformed frame must never be taken for a flow.
      EXPECT_FALSE(pf.is_tcp_or_udp());
      EXPECT_EQ(pf.l3, L3Kind::kNone);
      continue;
    }
    const auto vlans = e.at("vlan_ids").get<std::vector<std::uint16_t>>();
    ASSERT_EQ(pf.vlan_count, vlans.size());
    for (std::size_t v = 0; v < pf.vlan_ids.size(); ++v) {
      EXPECT_EQ(pf.vlan_ids[v], v < vlans.size() ? vlans[v] : 0) << "vlan " << v;
    }
    EXPECT_EQ(pf.has_pppoe, !e.at("pppoe_session").is_null());
    EXPECT_EQ(pf.pppoe_session, e.at("pppoe_session").is_null() ? 0 : e.at("pppoe_session").get<int>());
    EXPECT_EQ(pf.ether_type, e.at("ether_type").get<int>());
    EXPECT_EQ(pf.l3, l3_named(e.at("l3").get<std::string>()));
    EXPECT_EQ(pf.l3_offset, e.at("l3_offset").get<int>());
    EXPECT_EQ(pf.l3_length, e.at("l3_length").get<int>());
    EXPECT_EQ(pf.ttl, e.at("ttl").get<int>());
    EXPECT_EQ(pf.l4_proto, e.at("l4_proto").get<int>());
    EXPECT_EQ(pf.l4_offset, e.at("l4_offset").get<int>());
    EXPECT_EQ(pf.l4_complete, e.at("l4_complete").get<bool>());
    EXPECT_EQ(pf.ipv4_options, e.at("ipv4_options").get<bool>());
    EXPECT_EQ(pf.ip_fragment, e.at("ip_fragment").get<bool>());
    EXPECT_EQ(pf.ipv6_ext_header, e.at("ipv6_ext_header").get<bool>());
    EXPECT_EQ(pf.tcp_flags, e.at("tcp_flags").get<int>());
    const FiveTuple expected = tuple_from(e.at("tuple"));
    EXPECT_EQ(pf.tuple, expected) << pf.tuple.to_string() << " vs " << expected.to_string();
  }
  // Every ParseError is exercised by some vector (kBadIpv6 is the last enumerator).
  EXPECT_EQ(errors_seen.size(), static_cast<std::size_t>(ParseError::kBadIpv6) + 1);
}

// The checksum field's offset inside the L4 header.
std::size_t l4_checksum_offset(std::uint8_t proto) {
  switch (proto) {
    case 6: return 16;
    case 17: return 6;
    default: return 2;  // ICMP, ICMPv6
  }
}

TEST(NetVectors, ChecksumsMatchScapy) {
  const json& packets = vectors().at("packets");
  ASSERT_EQ(frames().size(), packets.size());
  std::map<std::string, int> checked;
  for (std::size_t i = 0; i < packets.size(); ++i) {
    if (!packets[i].contains("checksums")) continue;
    const json& sums = packets[i].at("checksums");
    SCOPED_TRACE("packet #" + std::to_string(i + 1) + " " + packets[i].at("name").get<std::string>());
    Bytes frame = frames()[i];
    const ParsedFrame pf = parse_frame(frame);
    ASSERT_EQ(pf.error, ParseError::kNone);

    if (sums.contains("ipv4_header")) {
      ASSERT_EQ(pf.l3, L3Kind::kIpv4);
      const auto ip = Ipv4Header::at(frame, pf.l3_offset);
      ASSERT_TRUE(ip.has_value());
      const std::span<const std::uint8_t> header(ip->data(), ip->header_length());
      EXPECT_EQ(internet_checksum(header), 0) << "a correct header sums to zero";
      Bytes zeroed(header.begin(), header.end());
      zeroed[10] = zeroed[11] = 0;
      EXPECT_EQ(internet_checksum(zeroed), sums.at("ipv4_header").get<int>());
      EXPECT_EQ(ip->checksum(), sums.at("ipv4_header").get<int>());
      ++checked["ipv4_header"];
    }
    if (!sums.contains("l4")) continue;
    const auto scapy = sums.at("l4").get<std::uint16_t>();
    const std::span<const std::uint8_t> l4 =
        std::span<const std::uint8_t>(frame).subspan(pf.l4_offset, pf.l3_offset + pf.l3_length - pf.l4_offset);
    const std::size_t at = l4_checksum_offset(pf.l4_proto);
    EXPECT_EQ(load_be16(l4.data() + at), scapy);
    const bool v4 = pf.l3 == L3Kind::kIpv4;
    const std::string kind = std::string(v4 ? "v4/" : "v6/") + std::to_string(pf.l4_proto);
    if (v4 && pf.l4_proto == 17 && scapy == 0) {
      ++checked[kind + "/none"];  // UDP over IPv4 without a checksum: nothing to verify
      continue;
    }
    Bytes zeroed(l4.begin(), l4.end());
    zeroed[at] = zeroed[at + 1] = 0;
    std::uint16_t computed = 0;
    std::uint16_t verify = 0;
    if (pf.l4_proto == 1) {  // ICMPv4 has no pseudo-header
      computed = internet_checksum(zeroed);
      verify = internet_checksum(l4);
    } else if (v4) {
      computed = l4_checksum(pf.tuple.src_v4(), pf.tuple.dst_v4(), pf.l4_proto, zeroed);
      verify = l4_checksum(pf.tuple.src_v4(), pf.tuple.dst_v4(), pf.l4_proto, l4);
    } else {
      computed = l4_checksum(pf.tuple.src_v6(), pf.tuple.dst_v6(), pf.l4_proto, zeroed);
      verify = l4_checksum(pf.tuple.src_v6(), pf.tuple.dst_v6(), pf.l4_proto, l4);
    }
    if (pf.l4_proto == 17) computed = udp_checksum_mangled(computed);  // 0 is sent as 0xffff
    EXPECT_EQ(computed, scapy);
    EXPECT_EQ(verify, 0) << "a correct segment sums to zero";
    ++checked[kind];
  }
  // Each family/protocol pair is covered (a vector set that lost them would pass vacuously).
  for (const char* kind : {"v4/6", "v4/17", "v4/17/none", "v4/1", "v6/6", "v6/17", "v6/58"}) {
    EXPECT_GE(checked[kind], 1) << kind;
  }
  EXPECT_GE(checked["ipv4_header"], 15);
}

// Applies one rewrite step of a pair to `frame` with the incremental updates, as a NAT
// datapath does (Linux nf_nat / ip_decrease_ttl semantics).
void apply_step(Bytes& frame, const ParsedFrame& pf, const json& step) {
  const std::string field = step.at("field").get<std::string>();
  const auto tcp = pf.l4_proto == 6 ? TcpHeader::at(frame, pf.l4_offset) : std::nullopt;
  const auto udp = pf.l4_proto == 17 ? UdpHeader::at(frame, pf.l4_offset) : std::nullopt;
  const auto icmp = pf.l4_proto == 1 || pf.l4_proto == 58 ? IcmpHeader::at(frame, pf.l4_offset) : std::nullopt;
  // TCP always carries a checksum; UDP's 0 means "none" and stays 0, and a result of 0 is
  // sent as 0xffff.
  auto update_l4 = [&](auto&& replace) {
    if (tcp) tcp->set_checksum(replace(tcp->checksum()));
    if (udp && udp->checksum() != 0) udp->set_checksum(udp_checksum_mangled(replace(udp->checksum())));
  };
  if (field == "src4" || field == "dst4") {
    const auto ip = Ipv4Header::at(frame, pf.l3_offset).value();
    const Ipv4Addr to = Ipv4Addr::parse(step.at("to").get<std::string>()).value();
    const Ipv4Addr from = field == "src4" ? ip.src() : ip.dst();
    ip.set_checksum(csum_replace4(ip.checksum(), from.value(), to.value()));
    update_l4([&](std::uint16_t c) { return csum_replace4(c, from.value(), to.value()); });
    field == "src4" ? ip.set_src(to) : ip.set_dst(to);
  } else if (field == "src6" || field == "dst6") {
    const auto ip = Ipv6Header::at(frame, pf.l3_offset).value();
    const Ipv6Addr to = Ipv6Addr::parse(step.at("to").get<std::string>()).value();
    const Ipv6Addr from = field == "src6" ? ip.src() : ip.dst();
    update_l4([&](std::uint16_t c) { return csum_replace16(c, from, to); });
    if (icmp) icmp->set_checksum(csum_replace16(icmp->checksum(), from, to));  // ICMPv6 pseudo-header
    field == "src6" ? ip.set_src(to) : ip.set_dst(to);
  } else if (field == "src_port" || field == "dst_port") {
    const auto to = step.at("to").get<std::uint16_t>();
    ASSERT_TRUE(tcp || udp);
    const std::uint16_t from = tcp ? (field == "src_port" ? tcp->src_port() : tcp->dst_port())
                                   : (field == "src_port" ? udp->src_port() : udp->dst_port());
    update_l4([&](std::uint16_t c) { return csum_replace2(c, from, to); });
    if (tcp) field == "src_port" ? tcp->set_src_port(to) : tcp->set_dst_port(to);
    if (udp) field == "src_port" ? udp->set_src_port(to) : udp->set_dst_port(to);
  } else if (field == "icmp_id") {
    ASSERT_TRUE(icmp);
    const auto to = step.at("to").get<std::uint16_t>();
    icmp->set_checksum(csum_replace2(icmp->checksum(), icmp->echo_id(), to));
    icmp->set_rest(std::uint32_t{to} << 16 | icmp->echo_sequence());
  } else if (field == "ttl") {
    const auto ip = Ipv4Header::at(frame, pf.l3_offset).value();
    // ip_decrease_ttl's shortcut must agree with the general 16-bit replacement.
    const std::uint16_t word = static_cast<std::uint16_t>(ip.ttl() << 8 | ip.protocol());
    const std::uint16_t check = ipv4_ttl_decrement_checksum(ip.checksum());
    EXPECT_EQ(check, csum_replace2(ip.checksum(), word, static_cast<std::uint16_t>(word - 0x100)));
    ip.set_checksum(check);
    ip.set_ttl(static_cast<std::uint8_t>(ip.ttl() - 1));
  } else if (field == "hop_limit") {
    const auto ip = Ipv6Header::at(frame, pf.l3_offset).value();
    ip.set_hop_limit(static_cast<std::uint8_t>(ip.hop_limit() - 1));
  } else {
    FAIL() << "unknown step " << field;
  }
}

TEST(NetVectors, IncrementalUpdatesReproduceScapysRecompute) {
  const json& pairs = vectors().at("pairs");
  ASSERT_GE(pairs.size(), 10u);
  std::set<std::string> fields;
  for (const json& pair : pairs) {
    SCOPED_TRACE(pair.at("name").get<std::string>());
    Bytes frame = from_hex(pair.at("before").get<std::string>());
    const Bytes after = from_hex(pair.at("after").get<std::string>());
    const ParsedFrame pf = parse_frame(frame);
    ASSERT_EQ(pf.error, ParseError::kNone);
    ASSERT_TRUE(pf.l4_complete);
    for (const json& step : pair.at("steps")) {
      apply_step(frame, pf, step);
      fields.insert(step.at("field").get<std::string>());
    }
    EXPECT_EQ(to_hex(frame), to_hex(after));
  }
  EXPECT_EQ(fields, (std::set<std::string>{"dst4", "dst6", "dst_port", "hop_limit", "icmp_id", "src4", "src6",
                                           "src_port", "ttl"}));
}

// The edge-case pairs really hold the representations they exist for.
TEST(NetVectors, EdgePairsHoldTheirRepresentations) {
  std::map<std::string, const json*> by_name;
  for (const json& pair : vectors().at("pairs")) by_name[pair.at("name").get<std::string>()] = &pair;
  ASSERT_EQ(by_name.count("ipv4_ttl_checksum_to_zero"), 1u);
  ASSERT_EQ(by_name.count("ipv4_udp_mangled_zero"), 1u);
  ASSERT_EQ(by_name.count("ipv4_udp_no_checksum_snat"), 1u);
  const json& ttl = by_name["ipv4_ttl_checksum_to_zero"]->at("checksums");
  EXPECT_EQ(ttl.at("before").at("ipv4_header").get<int>(), 0xfeff);
  EXPECT_EQ(ttl.at("after").at("ipv4_header").get<int>(), 0x0000);
  EXPECT_EQ(by_name["ipv4_udp_mangled_zero"]->at("checksums").at("after").at("l4").get<int>(), 0xffff);
  const json& none = by_name["ipv4_udp_no_checksum_snat"]->at("checksums");
  EXPECT_EQ(none.at("before").at("l4").get<int>(), 0);
  EXPECT_EQ(none.at("after").at("l4").get<int>(), 0);
}

}  // namespace
}  // namespace flowsim::net
