// SPDX-License-Identifier: Apache-2.0
#include "model/rtl_twin/rewrite_cpp.hpp"

#include <optional>
#include <stdexcept>

#include "net/byte_order.hpp"
#include "net/checksum.hpp"
#include "net/ether_type.hpp"

namespace flowsim::model {
namespace {

using hw::desc::FoeEntry;
using hw::desc::FoeIpv4;
using Ib1 = FoeEntry::Ib1;

constexpr std::size_t kMacs = 12;  // destination + source MAC

// One NAT step on an IPv4 packet: a 16-bit port or a 32-bit address of the L4 header or the
// IPv4 header changes, and the checksums follow as in nf_flow_table_ip.c
// (nf_flow_nat_port_{tcp,udp}, nf_flow_nat_ip_l4): TCP always; UDP only when its checksum is
// not 0 (disabled), and an update that yields 0 is sent as 0xffff (CSUM_MANGLED_0) after
// each step, like the fast path.
class Ipv4Nat {
 public:
  Ipv4Nat(std::uint8_t* ip, std::uint8_t* l4, bool tcp) : ip_(ip), l4_(l4), check_(l4 + (tcp ? 16 : 6)), tcp_(tcp) {}

  void port(std::size_t l4_offset, std::uint16_t to) {
    const std::uint16_t from = net::load_be16(l4_ + l4_offset);
    net::store_be16(l4_ + l4_offset, to);
    update_l4([&](std::uint16_t c) { return net::csum_replace2(c, from, to); });
  }
  void address(std::size_t ip_offset, std::uint32_t to) {
    const std::uint32_t from = net::load_be32(ip_ + ip_offset);
    net::store_be32(ip_ + ip_offset, to);
    net::store_be16(ip_ + 10, net::csum_replace4(net::load_be16(ip_ + 10), from, to));
    update_l4([&](std::uint16_t c) { return net::csum_replace4(c, from, to); });  // pseudo-header
  }

 private:
  template <class F>
  void update_l4(F replace) {
    const std::uint16_t check = net::load_be16(check_);
    if (tcp_) {
      net::store_be16(check_, replace(check));
    } else if (check != 0) {
      net::store_be16(check_, net::udp_checksum_mangled(replace(check)));
    }
  }

  std::uint8_t* ip_;
  std::uint8_t* l4_;
  std::uint8_t* check_;
  bool tcp_;
};

std::optional<hw::PuntReason> exception_of(const RewriteConfig& config, const ParsedHeaders& h, const EntryImage& entry) {
  const std::uint32_t ib1 = entry[Ib1::kWord];
  const unsigned dest = FoeEntry::Ib2::kDestPort.get(entry[FoeEntry::Ib2::kWord]);
  if (dest >= config.ports) return hw::PuntReason::kHitBindForceCpu;
  if (Ib1::kVlanLayer.get(ib1) > 2) return hw::PuntReason::kHitBindVlanViolation;
  if (Ib1::kTtlDec.get(ib1) && h.ttl <= 1) return hw::PuntReason::kHitTtl1;
  const std::uint32_t entry_mtu = FoeEntry::Mtu::kMtu.get(entry[FoeEntry::Mtu::kWord]);
  if ((entry_mtu != 0 && h.l3_length > entry_mtu) || h.l3_length > config.port_mtu[dest]) {
    return hw::PuntReason::kExceedMtu;
  }
  return std::nullopt;
}

void edit(net::PacketBuffer& frame, const ParsedHeaders& h, const EntryImage& entry) {
  const std::uint32_t ib1 = entry[Ib1::kWord];

  // 1. Pop what lies between the MACs and L3 (the VLAN tag and/or PPPoE session the entry
  //    matched; MATCH guarantees nothing else is there), leaving Ethernet II + IP.
  const std::size_t encap = h.l3_offset - (kMacs + 2);
  if (encap > 0) frame.erase(kMacs, encap);
  std::uint8_t* b = frame.bytes().data();
  net::store_be16(b + kMacs, h.ipv6 ? net::ether_type::kIpv6 : net::ether_type::kIpv4);
  std::uint8_t* ip = b + kMacs + 2;
  std::uint8_t* l4 = ip + (h.l4_offset - h.l3_offset);

  // 2. NAT, IPv4 HNAPT only, source before destination and port before address within each,
  //    as nf_flow_nat_ip does (SNAT step, then DNAT step). A side is rewritten as a pair
  //    when either of its fields changes, which is when Linux sets NF_FLOW_SNAT/DNAT.
  if (!h.ipv6 && Ib1::kType.get(ib1) == Ib1::kTypeIpv4Hnapt) {
    using Ports = FoeIpv4::OrigPorts;
    Ipv4Nat nat(ip, l4, !h.udp);
    const std::uint32_t orig_ports = entry[FoeIpv4::OrigPorts::kWord];
    const std::uint32_t new_ports = entry[FoeIpv4::NewPorts::kWord];
    const std::uint32_t new_sip = entry[FoeIpv4::NewSip::kWord];
    const std::uint32_t new_dip = entry[FoeIpv4::NewDip::kWord];
    if (new_sip != entry[FoeIpv4::OrigSip::kWord] || Ports::kSport.get(new_ports) != Ports::kSport.get(orig_ports)) {
      nat.port(0, static_cast<std::uint16_t>(Ports::kSport.get(new_ports)));
      nat.address(12, new_sip);
    }
    if (new_dip != entry[FoeIpv4::OrigDip::kWord] || Ports::kDport.get(new_ports) != Ports::kDport.get(orig_ports)) {
      nat.port(2, static_cast<std::uint16_t>(Ports::kDport.get(new_ports)));
      nat.address(16, new_dip);
    }
  }

  // 3. TTL / hop limit, after NAT (ip_decrease_ttl: checksum += 0x0100, 0xffff stored as 0).
  if (Ib1::kTtlDec.get(ib1)) {
    if (h.ipv6) {
      --ip[7];
    } else {
      --ip[8];
      net::store_be16(ip + 10, net::ipv4_ttl_decrement_checksum(net::load_be16(ip + 10)));
    }
  }

  // 4. MACs.
  net::store_be32(b, entry[FoeEntry::DmacHi::kWord]);
  net::store_be16(b + 4, static_cast<std::uint16_t>(FoeEntry::DmacLo::kDmacLo.get(entry[FoeEntry::DmacLo::kWord])));
  net::store_be32(b + 6, entry[FoeEntry::SmacHi::kWord]);
  net::store_be16(b + 10, static_cast<std::uint16_t>(FoeEntry::SmacLo::kSmacLo.get(entry[FoeEntry::SmacLo::kWord])));

  // 5. Push: outer VLAN1, inner VLAN2, then the PPPoE session (nf_flow_encap_push order:
  //    ver=1 type=1 code=0, length = L3 length + 2 for the PPP protocol).
  const unsigned vlans = Ib1::kVlanLayer.get(ib1);
  const bool pppoe = Ib1::kPppoe.get(ib1) != 0;
  const std::size_t push = 4 * vlans + (pppoe ? 8 : 0);
  if (push == 0) return;
  frame.insert(kMacs, push);
  b = frame.bytes().data();
  std::uint8_t* p = b + kMacs;
  const std::uint32_t vlan = entry[FoeEntry::Vlan::kWord];
  for (unsigned i = 0; i < vlans; ++i, p += 4) {
    net::store_be16(p, net::ether_type::kVlan);
    net::store_be16(p + 2, static_cast<std::uint16_t>(i == 0 ? FoeEntry::Vlan::kVlan1.get(vlan)
                                                              : FoeEntry::Vlan::kVlan2.get(vlan)));
  }
  if (!pppoe) {
    net::store_be16(p, h.ipv6 ? net::ether_type::kIpv6 : net::ether_type::kIpv4);
    return;
  }
  net::store_be16(p, net::ether_type::kPppoeSession);
  p[2] = 0x11;  // version 1, type 1
  p[3] = 0x00;  // code: session data
  net::store_be16(p + 4, static_cast<std::uint16_t>(FoeEntry::Pppoe::kPppoeSid.get(entry[FoeEntry::Pppoe::kWord])));
  net::store_be16(p + 6, static_cast<std::uint16_t>(h.l3_length + 2));
  net::store_be16(p + 8, h.ipv6 ? net::ppp_proto::kIpv6 : net::ppp_proto::kIpv4);
}

}  // namespace

RewriteResult RewriteCpp::rewrite_one(const RewriteConfig& config, const RewriteRequest& request) {
  RewriteResult r;
  if (const auto reason = exception_of(config, *request.headers, *request.entry)) {
    r.reason = *reason;
    return r;
  }
  edit(*request.frame, *request.headers, *request.entry);
  r.forward = true;
  r.dest_port = static_cast<std::uint8_t>(FoeEntry::Ib2::kDestPort.get((*request.entry)[FoeEntry::Ib2::kWord]));
  return r;
}

void RewriteCpp::rewrite(const RewriteConfig& config, std::span<const RewriteRequest> in, std::span<RewriteResult> out) {
  if (out.size() != in.size()) throw std::invalid_argument("RewriteCpp::rewrite: out.size() != in.size()");
  for (std::size_t i = 0; i < in.size(); ++i) out[i] = rewrite_one(config, in[i]);
}

}  // namespace flowsim::model
