// SPDX-License-Identifier: Apache-2.0
#include "driver/flow_entry_encoder.hpp"

#include <algorithm>
#include <array>

#include "hw/flowsim_hw.hpp"  // Generated.
#include "net/byte_order.hpp"
#include "net/ip_proto.hpp"
#include "net/vlan_tag.hpp"

namespace flowsim::driver {
namespace {

using hw::desc::FoeEntry;
using hw::desc::FoeIpv4;
using hw::desc::FoeIpv6;

constexpr std::uint8_t kTcp = net::ip_proto::kTcp;
constexpr std::uint8_t kUdp = net::ip_proto::kUdp;
constexpr std::uint16_t kMaxVid = net::VlanTag::kVidMask;

// Words that identify an entry, per address family (FoeIpv4 keys w1..w3, FoeIpv6 w1..w9).
constexpr std::array<unsigned, 6> kIpv4Identity = {FoeEntry::Ib1::kWord,       FoeIpv4::OrigSip::kWord,
                                                   FoeIpv4::OrigDip::kWord,    FoeIpv4::OrigPorts::kWord,
                                                   FoeEntry::Match::kWord,     FoeEntry::InPppoe::kWord};
constexpr std::array<unsigned, 12> kIpv6Identity = {
    FoeEntry::Ib1::kWord,  FoeIpv6::Sip0::kWord, FoeIpv6::Sip1::kWord, FoeIpv6::Sip2::kWord,
    FoeIpv6::Sip3::kWord,  FoeIpv6::Dip0::kWord, FoeIpv6::Dip1::kWord, FoeIpv6::Dip2::kWord,
    FoeIpv6::Dip3::kWord,  FoeIpv6::Ports::kWord, FoeEntry::Match::kWord, FoeEntry::InPppoe::kWord};

bool fail(std::string* why, const char* text) {
  if (why != nullptr) *why = text;
  return false;
}

bool is_ipv6_type(std::uint32_t type) {
  return type == FoeEntry::Ib1::kTypeIpv6Route3T || type == FoeEntry::Ib1::kTypeIpv6Route5T;
}

std::uint32_t mac_hi(const net::MacAddr& m) { return net::load_be32(m.bytes().data()); }
std::uint32_t mac_lo(const net::MacAddr& m) { return net::load_be16(m.bytes().data() + 4); }
std::uint32_t ports_word(const net::FiveTuple& t) { return (std::uint32_t{t.src_port} << 16) | t.dst_port; }
std::uint32_t addr_word(const std::array<std::uint8_t, 16>& a, unsigned i) { return net::load_be32(a.data() + 4 * i); }

bool validate(const net::OffloadDirection& d, const EncodeOptions& o, std::string* why) {
  const net::FiveTuple& m = d.match;
  const net::FiveTuple& r = d.rewrite;
  if (m.family != 4 && m.family != 6) return fail(why, "address family is neither IPv4 nor IPv6");
  if (m.proto != kTcp && m.proto != kUdp) return fail(why, "protocol is neither TCP nor UDP");
  if (r.family != m.family || r.proto != m.proto) return fail(why, "rewrite changes family or protocol");
  // This entry revision has no IPv6 rewrite words at all; CAPS.IPV6_NAT = 1 would need a new
  // layout, so IPv6 NAT is refused whatever the capability says (MT7621, hardware.md §1.10).
  if (m.family == 6 && r != m) return fail(why, "IPv6 NAT (the hardware routes IPv6 only)");
  const unsigned max_port = std::min<unsigned>(o.num_ports, 1u << FoeEntry::Ib2::kDestPort.width);
  if (d.ingress_port >= max_port || d.egress_port >= max_port) return fail(why, "port beyond the device's ports");
  if (d.ingress_vlan && *d.ingress_vlan > kMaxVid) return fail(why, "ingress VID beyond 12 bits");
  if (d.egress_vlan && *d.egress_vlan > kMaxVid) return fail(why, "egress VID beyond 12 bits");
  if (d.mtu == 0) return fail(why, "MTU 0");
  return true;
}

}  // namespace

std::optional<FlowEntry> encode_flow_entry(const net::OffloadDirection& d, const EncodeOptions& o,
                                           std::string* why) {
  if (!validate(d, o, why)) return std::nullopt;
  const net::FiveTuple& m = d.match;
  const net::FiveTuple& r = d.rewrite;
  FlowEntry e;
  auto& w = e.words;

  std::uint32_t type = FoeEntry::Ib1::kTypeIpv6Route5T;
  if (m.family == 4) {
    // NAT for this direction = any of the four rewritten fields differs (flags alone are not
    // enough: a null binding sets none).
    type = r == m ? FoeEntry::Ib1::kTypeIpv4Route : FoeEntry::Ib1::kTypeIpv4Hnapt;
    w[FoeIpv4::OrigSip::kWord] = addr_word(m.src, 0);
    w[FoeIpv4::OrigDip::kWord] = addr_word(m.dst, 0);
    w[FoeIpv4::OrigPorts::kWord] = ports_word(m);
    if (type == FoeEntry::Ib1::kTypeIpv4Hnapt) {
      w[FoeIpv4::NewSip::kWord] = addr_word(r.src, 0);
      w[FoeIpv4::NewDip::kWord] = addr_word(r.dst, 0);
      w[FoeIpv4::NewPorts::kWord] = ports_word(r);
    }
  } else {
    constexpr std::array<unsigned, 4> kSip = {FoeIpv6::Sip0::kWord, FoeIpv6::Sip1::kWord, FoeIpv6::Sip2::kWord,
                                              FoeIpv6::Sip3::kWord};
    constexpr std::array<unsigned, 4> kDip = {FoeIpv6::Dip0::kWord, FoeIpv6::Dip1::kWord, FoeIpv6::Dip2::kWord,
                                              FoeIpv6::Dip3::kWord};
    for (unsigned i = 0; i < 4; ++i) {
      w[kSip[i]] = addr_word(m.src, i);
      w[kDip[i]] = addr_word(m.dst, i);
    }
    w[FoeIpv6::Ports::kWord] = ports_word(m);
  }

  using Ib1 = FoeEntry::Ib1;
  w[Ib1::kWord] = Ib1::kState.make(Ib1::kStateBind) | Ib1::kUdp.make(m.proto == kUdp) | Ib1::kType.make(type) |
                  Ib1::kVlanLayer.make(d.egress_vlan ? 1 : 0) | Ib1::kPppoe.make(d.egress_pppoe_session ? 1 : 0) |
                  Ib1::kTtlDec.make(1) | Ib1::kMibEn.make(o.mib ? 1 : 0);
  w[FoeEntry::Ib2::kWord] = FoeEntry::Ib2::kDestPort.make(d.egress_port);
  w[FoeEntry::DmacHi::kWord] = mac_hi(d.dst_mac);
  w[FoeEntry::DmacLo::kWord] = FoeEntry::DmacLo::kDmacLo.make(mac_lo(d.dst_mac));
  w[FoeEntry::SmacHi::kWord] = mac_hi(d.src_mac);
  w[FoeEntry::SmacLo::kWord] = FoeEntry::SmacLo::kSmacLo.make(mac_lo(d.src_mac));
  if (d.egress_vlan) w[FoeEntry::Vlan::kWord] = FoeEntry::Vlan::kVlan1.make(*d.egress_vlan);
  if (d.egress_pppoe_session) w[FoeEntry::Pppoe::kWord] = FoeEntry::Pppoe::kPppoeSid.make(*d.egress_pppoe_session);

  using Match = FoeEntry::Match;
  // The kernel matches the ingress interface (META ingress_ifindex), so the port always is.
  std::uint32_t match = Match::kInPort.make(d.ingress_port) | Match::kInPortValid.make(1);
  if (d.ingress_vlan) match |= Match::kInVlan.make(*d.ingress_vlan) | Match::kInVlanValid.make(1);
  if (d.ingress_pppoe_session) {
    match |= Match::kInPppoeValid.make(1);
    w[FoeEntry::InPppoe::kWord] = FoeEntry::InPppoe::kInPppoeSid.make(*d.ingress_pppoe_session);
  }
  w[Match::kWord] = match;
  // No IP packet is longer than 0xffff, so a larger path MTU is the same as 0xffff.
  w[FoeEntry::Mtu::kWord] = FoeEntry::Mtu::kMtu.make(std::min<std::uint32_t>(d.mtu, 0xffff));
  return e;
}

std::span<const unsigned> identity_words(const FlowEntry& e) {
  if (is_ipv6_type(FoeEntry::Ib1::kType.get(e.words[FoeEntry::Ib1::kWord]))) return kIpv6Identity;
  return kIpv4Identity;
}

std::uint32_t entry_state(const FlowEntry& e) { return FoeEntry::Ib1::kState.get(e.words[FoeEntry::Ib1::kWord]); }

bool same_identity(const FlowEntry& a, const FlowEntry& b) {
  using Ib1 = FoeEntry::Ib1;
  const std::uint32_t id_bits = Ib1::kUdp.mask() | Ib1::kType.mask();
  const std::uint32_t ib1_a = a.words[Ib1::kWord];
  if (((ib1_a ^ b.words[Ib1::kWord]) & id_bits) != 0) return false;
  for (const unsigned w : identity_words(a)) {
    if (w == Ib1::kWord) continue;
    if (w == FoeEntry::InPppoe::kWord && !FoeEntry::Match::kInPppoeValid.get(a.words[FoeEntry::Match::kWord])) {
      continue;
    }
    if (a.words[w] != b.words[w]) return false;
  }
  return true;
}

bool learned_matches(const FlowEntry& parked, const FlowEntry& learned) {
  using Ib1 = FoeEntry::Ib1;
  const std::uint32_t p = parked.words[Ib1::kWord];
  const std::uint32_t l = learned.words[Ib1::kWord];
  if (Ib1::kUdp.get(p) != Ib1::kUdp.get(l)) return false;
  const bool v6 = is_ipv6_type(Ib1::kType.get(p));
  if (v6 != is_ipv6_type(Ib1::kType.get(l))) return false;
  const unsigned last_key = v6 ? FoeIpv6::Ports::kWord : FoeIpv4::OrigPorts::kWord;
  for (unsigned w = 1; w <= last_key; ++w) {
    if (parked.words[w] != learned.words[w]) return false;
  }
  return true;
}

bool same_written_image(const FlowEntry& written, const FlowEntry& read_back) {
  using Ib1 = FoeEntry::Ib1;
  for (unsigned w = 0; w < FlowEntry::kWords; ++w) {
    const std::uint32_t ignore = w == Ib1::kWord ? Ib1::kTimestamp.mask() : 0;
    if (((written.words[w] ^ read_back.words[w]) & ~ignore) != 0) return false;
  }
  return true;
}

}  // namespace flowsim::driver
