// SPDX-License-Identifier: Apache-2.0
#include "engine/engine.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <tuple>

#include "engine/conntrack/ct_tuple.hpp"
#include "engine/icmp/icmp_error.hpp"
#include "engine/ip/ip6_fragment.hpp"
#include "engine/ip/ip_fragment.hpp"
#include "engine/local/local_stack.hpp"
#include "engine/mangle/tcp_mss.hpp"
#include "engine/nat/nat_manip.hpp"
#include "engine/nft/ruleset.hpp"
#include "engine/address_checks.hpp"
#include "engine/reject/tcp_reset.hpp"
#include "net/address_scope.hpp"
#include "net/byte_order.hpp"
#include "net/checksum.hpp"
#include "net/ether_type.hpp"
#include "net/ethernet_header.hpp"
#include "net/icmp_header.hpp"
#include "net/ip_datagram.hpp"
#include "net/ip_proto.hpp"
#include "net/ipv4_header.hpp"
#include "net/ipv4_options.hpp"
#include "net/ipv6_ext_headers.hpp"
#include "net/ipv6_header.hpp"
#include "net/tcp_header.hpp"
#include "net/udp_header.hpp"

namespace flowsim::engine {
namespace {

using std::chrono::nanoseconds;
using conntrack::CtInfo;
using nat::ManipType;

// RFC 8200 §5: every IPv6 link carries at least 1280 bytes, and Linux clamps the forwarding
// MTU to it (ip6_forward).
constexpr std::uint32_t kIpv6MinMtu = 1280;
constexpr nanoseconds kGcInterval = std::chrono::seconds(1);
constexpr std::size_t kEth = net::EthernetHeader::kSize;
constexpr std::uint8_t kTcp = net::ip_proto::kTcp;
constexpr std::uint8_t kUdp = net::ip_proto::kUdp;


std::string prefix_text(const std::variant<net::Ipv4Prefix, net::Ipv6Prefix>& p) {
  return std::visit([](const auto& x) { return x.to_string(); }, p);
}

std::string address_text(const std::variant<net::Ipv4Addr, net::Ipv6Addr>& a) {
  return std::visit([](const auto& x) { return x.to_string(); }, a);
}

std::uint8_t ct_state_of(const conntrack::CtRef& ct) {
  switch (ct.info) {
    case CtInfo::kNew: return nft::kCtNew;
    case CtInfo::kEstablished:
    case CtInfo::kEstablishedReply: return nft::kCtEstablished;
    case CtInfo::kRelated:
    case CtInfo::kRelatedReply: return nft::kCtRelated;
    case CtInfo::kUntracked: return nft::kCtUntracked;
    case CtInfo::kInvalid: break;
  }
  return nft::kCtInvalid;
}

// The transport protocol and its offset behind any IPv6 extension headers (nft's
// pkt->tprot); {0, 40} when there is none (nft_set_pktinfo_unspec), offset = size for a
// non-first fragment (no transport header to read).
std::pair<std::uint8_t, std::size_t> ipv6_transport(std::span<const std::uint8_t> d) {
  const std::optional<net::Ipv6Transport> t = net::ipv6_find_transport(d);
  if (!t) return {0, net::Ipv6Header::kSize};
  return {t->next_header, t->offset};
}

const Route* lookup_route(const RouteTable& table, const net::IpAddr& dst) {
  return std::visit([&](const auto& a) { return table.lookup(a); }, dst);
}

// nat::NatRange from an nft NAT statement (addresses and ports as written).
nat::NatRange range_of(const nft::NatAction& a) {
  nat::NatRange r;
  if (a.addr_min) {
    r.flags |= nat::kMapIps;
    r.min_addr = *a.addr_min;
    r.max_addr = a.addr_max.value_or(*a.addr_min);
  }
  if (a.port_min) {
    r.flags |= nat::kProtoSpecified;
    r.min_port = *a.port_min;
    r.max_port = a.port_max.value_or(*a.port_min);
  }
  if (a.random) r.flags |= nat::kProtoRandom;
  if (a.fully_random) r.flags |= nat::kProtoRandomFully;
  if (a.persistent) r.flags |= nat::kPersistent;
  return r;
}

// nft_reject_icmp_code / nft_reject_icmpv6_code for `reject with icmpx ...`.
std::uint8_t icmpx_code(std::uint8_t code, bool v4) {
  switch (code) {
    case 0: return 0;                  // no-route: net unreachable / no route
    case 1: return v4 ? 3 : 4;         // port-unreachable
    case 2: return v4 ? 1 : 3;         // host-unreachable / address unreachable
    case 3: return v4 ? 13 : 1;        // admin-prohibited
    default: return v4 ? 3 : 4;
  }
}

}  // namespace

Engine::Engine(EngineConfig config)
    : local_stack_(config.services),
      ip_ident_(config.ip_ident_seed),
      wall_clock_start_ns_(config.wall_clock_start_ns),
      defrag_(config.ipv4_defrag),
      defrag6_(config.ipv6_defrag) {
  const std::size_t n = config.interfaces.size();
  interfaces_.reserve(n);
  for (unsigned ifindex = 0; ifindex < n; ++ifindex) {
    const InterfaceConfig& ifc = config.interfaces[ifindex];
    if (ifc.vlan || ifc.pppoe) {
      const unsigned lower = ifc.vlan ? ifc.vlan->lower : ifc.pppoe->lower;
      if (ifc.vlan && ifc.pppoe) throw std::invalid_argument("device " + ifc.name + ": VLAN and PPPoE at once");
      if (lower >= ifindex || config.interfaces[lower].vlan || config.interfaces[lower].pppoe) {
        throw std::invalid_argument("device " + ifc.name + ": its lower device (index " + std::to_string(lower) +
                                    ") is not a port listed before it");
      }
      flowtable::EncapDevice e;
      e.port = lower;
      e.ifindex = ifindex;
      if (ifc.vlan) {
        if (ifc.vlan->id == 0 || ifc.vlan->id > 4094) {
          throw std::invalid_argument("VLAN device " + ifc.name + ": VLAN id " + std::to_string(ifc.vlan->id) +
                                      " is not in 1..4094");
        }
        e.kind = flowtable::EncapDevice::Kind::kVlan;
        e.id = ifc.vlan->id;
      } else {
        if (ifc.pppoe->session == 0 || ifc.pppoe->session == 0xffff) {
          throw std::invalid_argument("PPPoE device " + ifc.name + ": session id " +
                                      std::to_string(ifc.pppoe->session) + " is not in 1..65534");
        }
        e.kind = flowtable::EncapDevice::Kind::kPppoe;
        e.id = ifc.pppoe->session;
        e.peer = ifc.pppoe->peer;
      }
      if (encap_device(e.port, e.kind, e.id)) {
        throw std::invalid_argument("device " + ifc.name + ": another device has the same port and id");
      }
      encap_devices_.push_back(e);
    }
    interfaces_.push_back(Interface{ifc.name, ifc.mac, ifc.mtu, ifc.ipv4, ifc.ipv6, net::eui64_link_local(ifc.mac)});
    local_.add(net::Ipv6Prefix(interfaces_.back().link_local, 128), Route{std::nullopt, ifindex});
    // fib_add_ifaddr: a local host entry per address, a broadcast entry for the subnet's
    // broadcast address when the prefix is shorter than /31, and a connected route unless
    // the address is a /32.
    for (const net::Ipv4Prefix& a : ifc.ipv4) {
      local_.add(net::Ipv4Prefix(a.addr(), 32), Route{std::nullopt, ifindex});
      if (a.length() < 31) {
        local_.add(net::Ipv4Prefix(net::Ipv4Addr(a.addr().value() | ~a.mask()), 32), Route{std::nullopt, ifindex});
      }
    }
    // addrconf: the address itself, the subnet-router anycast address (RFC 4291 §2.6.1,
    // joined by a forwarding router for prefixes shorter than /127) and the prefix route.
    for (const net::Ipv6Prefix& a : ifc.ipv6) {
      local_.add(net::Ipv6Prefix(a.addr(), 128), Route{std::nullopt, ifindex});
      if (a.length() < 127) {
        std::array<std::uint8_t, 16> anycast = a.addr().bytes();
        for (unsigned bit = a.length(); bit < 128; ++bit) {
          anycast[bit / 8] = static_cast<std::uint8_t>(anycast[bit / 8] & ~(0x80u >> (bit % 8)));
        }
        local_.add(net::Ipv6Prefix(net::Ipv6Addr(anycast), 128), Route{std::nullopt, ifindex});
      }
    }
    add_connected_routes(ifindex);
  }
  link_up_.assign(n, true);
  // The limited broadcast address is always local (ip_route_input_slow's brd_input).
  local_.add(net::Ipv4Prefix(net::Ipv4Addr(0xffffffff), 32), Route{std::nullopt, 0});

  for (const RouteConfig& r : config.routes) {
    if (r.ifindex >= n) {
      throw std::invalid_argument("route " + prefix_text(r.prefix) + ": interface index " + std::to_string(r.ifindex) +
                                  " does not exist (" + std::to_string(n) + " interfaces)");
    }
    std::visit([&](const auto& p) { routes_.add(p, Route{r.gateway, r.ifindex}); }, r.prefix);
  }
  configured_routes_ = config.routes;
  for (const NeighbourConfig& nb : config.neighbours) {
    if (nb.ifindex >= n) {
      throw std::invalid_argument("neighbour " + address_text(nb.ip) + ": interface index " +
                                  std::to_string(nb.ifindex) + " does not exist (" + std::to_string(n) +
                                  " interfaces)");
    }
    neighbours_.add(nb.ifindex, nb.ip, nb.mac);
  }
  stats_.received_by_ifindex.assign(n, 0);
  stats_.forwarded_by_ifindex.assign(n, 0);
  stats_.generated_by_ifindex.assign(n, 0);
  // The largest packet the router builds itself: an IPv6 error of 1280 bytes plus Ethernet.
  scratch_.reserve(kEth + kIpv6MinMtu);

  if (!config.ruleset) return;
  ruleset_ = std::move(config.ruleset);
  semantics_ = config.flowtable_semantics;
  conntrack::ConntrackConfig cc;
  cc.timeouts = config.conntrack_timeouts;
  cc.tcp.loose = config.tcp_loose;
  cc.tcp.be_liberal = config.tcp_be_liberal;
  cc.checksum = config.conntrack_checksum;
  cc.acct = config.conntrack_acct;
  conntrack_ = std::make_unique<conntrack::Conntrack>(cc);
  nat_ = std::make_unique<nat::NatCore>(*conntrack_, config.nat_seed, config.nat_port_slice);
  build_flowtable();
}

// The software flowtable of the ruleset's first flowtable (if any), hooked on its devices.
void Engine::build_flowtable() {
  const std::size_t n = interfaces_.size();
  const std::vector<nft::FlowtableSpec>& specs = ruleset_->flowtables();
  if (specs.empty()) return;
  // One software flowtable: the ruleset's first. Rules adding to another one are ignored.
  flowtable_spec_ = &specs.front();
  flowtable::FlowtableConfig fc;
  fc.name = flowtable_spec_->name;
  fc.hw_offload = flowtable_spec_->offload;
  fc.counter = flowtable_spec_->counter;
  fc.semantics = semantics_;
  fc.encap_devices = encap_devices_;
  for (const std::string& dev : flowtable_spec_->devices) {
    unsigned i = 0;
    while (i < n && interfaces_[i].name != dev) ++i;
    // A device the router has but the model does not (Wi-Fi, a tunnel: see the scenario's
    // software_devices) carries no traffic here; its flows would stay in software anyway.
    if (i < n) fc.devices.push_back(i);
  }
  flowtable_ = std::make_unique<flowtable::Flowtable>(fc, *conntrack_, neighbours_);
}

Engine::~Engine() = default;

void Engine::set_offload(FlowOffload* offload) {
  offload_ = offload;
  if (flowtable_) flowtable_->set_offload(offload);
}

void Engine::start_timers(nanoseconds now) {
  if (!next_gc_ && conntrack_) next_gc_ = now + kGcInterval;
}

nanoseconds Engine::next_timer() const { return next_gc_.value_or(nanoseconds::max()); }

void Engine::run_timers(nanoseconds now) {
  if (!next_gc_) {
    start_timers(now);
    return;
  }
  if (now < *next_gc_) return;
  if (flowtable_) flowtable_->gc(now);
  defrag_.expire(now);
  defrag6_.expire(now);
  conntrack_->gc(now, semantics_ == flowtable::FlowtableSemantics::kOld);
  *next_gc_ += kGcInterval;
  if (*next_gc_ <= now) *next_gc_ = now + kGcInterval;
}

std::string Engine::conntrack_dump(nanoseconds now) const { return conntrack_ ? conntrack_->dump(now) : std::string(); }

Verdict Engine::process(net::PacketBuffer& frame, unsigned ingress_ifindex, nanoseconds now) {
  if (ingress_ifindex >= interfaces_.size()) {
    throw std::out_of_range("Engine::process: ingress interface index " + std::to_string(ingress_ifindex) +
                            " does not exist");
  }
  start_timers(now);
  ++stats_.received;
  ++stats_.received_by_ifindex[ingress_ifindex];
  extra_count_ = 0;
  Verdict v = decide(frame, ingress_ifindex, now);
  if (v.forwarded() || v.generated) transmit_on_port(frame, v);
  if (v.forwarded()) {
    ++stats_.forwarded;
    ++stats_.forwarded_by_ifindex[v.egress_ifindex];
    if (v.fast_path) ++stats_.fast_path;
  } else if (v.kind == Verdict::Kind::kStolen) {
    ++stats_.stolen;
  } else {
    ++stats_.drops[static_cast<std::size_t>(v.reason)];
    if (v.generated) {
      ++stats_.generated;
      ++stats_.generated_by_ifindex[v.egress_ifindex];
    }
  }
  return v;
}

Verdict Engine::decide(net::PacketBuffer& frame, unsigned ingress_ifindex, nanoseconds now) {
  std::span<std::uint8_t> bytes = frame.bytes();
  auto eth = net::EthernetHeader::at(bytes);
  if (!eth) return Verdict::drop(DropReason::kMalformed);

  // An 802.1Q-tagged frame belongs to the VLAN device of its VID on this port (vlan_do_receive),
  // a PPPoE session frame from the peer to the session's device (pppoe_rcv), which then counts
  // as the interface the packet arrived on; without one, and for QinQ, Linux hands the frame
  // to no protocol at all. Session frames that are not IP (LCP, IPCP...) are pppd's.
  const unsigned port = ingress_ifindex;
  std::uint16_t outer_type = eth->ether_type();
  std::optional<device::PppoeFrame> pppoe;
  bool tagged = false;
  if (outer_type == net::ether_type::kVlan) {
    const std::optional<unsigned> dev =
        encap_device(port, flowtable::EncapDevice::Kind::kVlan, device::frame_vid(bytes).value_or(0));
    if (!dev) return Verdict::drop(DropReason::kEncapUnsupported);
    ingress_ifindex = *dev;
    outer_type = net::load_be16(bytes.data() + kEth + 2);
    tagged = true;
  } else if (outer_type == net::ether_type::kPppoeSession) {
    pppoe = device::frame_pppoe(bytes);
    if (!pppoe) return Verdict::drop(DropReason::kMalformed);
    const std::optional<unsigned> dev = encap_device(port, flowtable::EncapDevice::Kind::kPppoe, pppoe->session);
    if (!dev || encap_of(*dev)->peer != eth->src()) return Verdict::drop(DropReason::kEncapUnsupported);
    if (pppoe->ether_type == 0) return Verdict::drop(DropReason::kNotIp);
    ingress_ifindex = *dev;
    outer_type = pppoe->ether_type;
  }
  if (outer_type == net::ether_type::kVlan || outer_type == net::ether_type::kQinQ ||
      outer_type == net::ether_type::kPppoeSession) {
    return Verdict::drop(DropReason::kEncapUnsupported);  // no stacked devices on stacked devices
  }
  if (outer_type != net::ether_type::kIpv4 && outer_type != net::ether_type::kIpv6) {
    return Verdict::drop(DropReason::kNotIp);
  }

  // eth_type_trans + ip_rcv_core: a unicast frame for another MAC is PACKET_OTHERHOST and
  // dropped before any IP processing. Broadcast/multicast frames may be delivered locally
  // but ip_forward/ip6_forward never forward anything but PACKET_HOST; with no local stack
  // the outcome is the same drop, so they count here too. This check also stands for the
  // NIC's unicast filter in front of the flowtable's ingress hook.
  const net::MacAddr dst_mac = eth->dst();
  if (dst_mac.is_multicast() || dst_mac != interfaces_[ingress_ifindex].mac) {
    return Verdict::drop(DropReason::kNotForUs);
  }

  // The flowtable's netdev ingress hook runs before IP's own checks (no header checksum
  // verification, no padding trim), as in the kernel.
  if (flowtable_) {
    const flowtable::Flowtable::Result r = flowtable_->process(frame, port, now);
    switch (r.kind) {
      case flowtable::Flowtable::Result::Kind::kForward: return Verdict::forward(r.egress_ifindex, true);
      case flowtable::Flowtable::Result::Kind::kDrop: return Verdict::drop(DropReason::kNoNeighbour);
      case flowtable::Flowtable::Result::Kind::kPass: ++stats_.slow_path[static_cast<std::size_t>(r.reason)]; break;
    }
  } else {
    ++stats_.slow_path[static_cast<std::size_t>(SlowPathReason::kNoFlowtable)];
  }
  if (tagged) {
    device::pop_vlan(frame);
    bytes = frame.bytes();
  } else if (pppoe) {
    device::pop_pppoe(frame, *pppoe);
    bytes = frame.bytes();
  }

  if (outer_type == net::ether_type::kIpv4) {
    // ip_rcv_core checks the header checksum before the total length against the frame, so
    // a header that is readable but wrong counts as a checksum error first.
    if (auto ip = net::Ipv4Header::at(bytes, kEth)) {
      if (net::internet_checksum(bytes.subspan(kEth, ip->header_length())) != 0) {
        return Verdict::drop(DropReason::kIpChecksum);
      }
    }
  }
  SlowPacket p{frame, net::parse_frame(bytes), ingress_ifindex, now, {}, 4, 0, 0, false};
  if (p.parsed.error != net::ParseError::kNone) return Verdict::drop(DropReason::kMalformed);
  // ip_rcv_core's pskb_trim_rcsum: the packet is the IP datagram, Ethernet padding is gone.
  // Shrinking never reallocates.
  frame.resize(std::size_t{p.parsed.l3_offset} + p.parsed.l3_length);
  p.family = p.parsed.l3 == net::L3Kind::kIpv4 ? 4 : 6;
  if (p.family == 4) {
    p.l4proto = p.parsed.l4_proto;
    p.l4_offset = p.parsed.l4_offset - p.parsed.l3_offset;
  } else {
    std::tie(p.l4proto, p.l4_offset) = ipv6_transport(datagram(p));
  }
  return slow_path(p);
}

// dev_queue_xmit through a VLAN or PPPoE device: vlan_dev_hard_start_xmit tags the frame (and
// every fragment of it), pppoe_xmit puts the session header in front; the device below sends
// it, and the caller sees that port.
void Engine::transmit_on_port(net::PacketBuffer& frame, Verdict& v) {
  const flowtable::EncapDevice* e = encap_of(v.egress_ifindex);
  if (e == nullptr) return;
  for (std::size_t i = 0; i <= extra_count_; ++i) {
    net::PacketBuffer& f = i == 0 ? frame : extra_[i - 1];
    if (e->kind == flowtable::EncapDevice::Kind::kVlan) {
      device::push_vlan(f, e->id);
    } else {
      device::push_pppoe(f, e->id);
    }
  }
  v.egress_ifindex = e->port;
}

const flowtable::EncapDevice* Engine::encap_of(unsigned ifindex) const {
  for (const flowtable::EncapDevice& e : encap_devices_) {
    if (e.ifindex == ifindex) return &e;
  }
  return nullptr;
}

std::optional<unsigned> Engine::encap_device(unsigned port, flowtable::EncapDevice::Kind kind,
                                             std::uint16_t id) const {
  for (const flowtable::EncapDevice& e : encap_devices_) {
    if (e.port == port && e.kind == kind && e.id == id) return e.ifindex;
  }
  return std::nullopt;
}

std::optional<net::MacAddr> Engine::next_hop_mac(unsigned ifindex,
                                                 const std::variant<net::Ipv4Addr, net::Ipv6Addr>& ip) const {
  const flowtable::EncapDevice* e = encap_of(ifindex);
  if (e != nullptr && e->kind == flowtable::EncapDevice::Kind::kPppoe) return e->peer;
  return neighbours_.lookup(ifindex, ip);
}

std::span<std::uint8_t> Engine::datagram(SlowPacket& p) const { return p.frame.bytes().subspan(p.parsed.l3_offset); }

nft::PacketInfo Engine::packet_info(const SlowPacket& p, std::optional<unsigned> oif, ManipType nat_manip) const {
  nft::PacketInfo info;
  info.run_nat_chains = nat_pending(p, nat_manip);
  const std::span<const std::uint8_t> d = std::span<const std::uint8_t>(p.frame.bytes()).subspan(p.parsed.l3_offset);
  info.nfproto = p.family == 4 ? 2 : 10;
  if (p.local) {
    info.iif = ~0u;  // no device: matches no `iif` (Linux: ifindex 0)
  } else {
    info.iif = p.iif;
    info.iifname = interfaces_[p.iif].name;
  }
  if (oif) {
    info.oif = *oif;
    info.oifname = interfaces_[*oif].name;
  }
  info.l4proto = p.l4proto;
  bool later_fragment = false;
  if (p.family == 4) {
    const auto ip = net::ConstIpv4Header::at(d, 0).value();
    net::store_be32(info.saddr.data(), ip.src().value());
    net::store_be32(info.daddr.data(), ip.dst().value());
    later_fragment = ip.fragment_offset() != 0;
  } else {
    const auto ip = net::ConstIpv6Header::at(d, 0).value();
    info.saddr = ip.src().bytes();
    info.daddr = ip.dst().bytes();
  }
  // nft reads the ports as payload of the transport header: the first four bytes suffice.
  if ((p.l4proto == kTcp || p.l4proto == kUdp) && !later_fragment && p.l4_offset + 4 <= d.size()) {
    info.sport = net::load_be16(d.data() + p.l4_offset);
    info.dport = net::load_be16(d.data() + p.l4_offset + 2);
  }
  info.ct_state = ct_state_of(p.ct);
  if (p.ct.ct != nullptr) info.ct_original_packets = p.ct.ct->counters[0].packets;
  if (p.ct.ct != nullptr) info.ct_status = p.ct.ct->status;
  info.length = static_cast<std::uint32_t>(d.size());
  // `tcp flags`, `icmp type/code`: the transport header's first bytes, as nft's payload loads.
  if (!later_fragment && p.l4proto == kTcp && p.l4_offset + 14 <= d.size()) info.tcp_flags = d[p.l4_offset + 13];
  const bool icmp = p.l4proto == net::ip_proto::kIcmp || p.l4proto == net::ip_proto::kIcmpv6;
  if (!later_fragment && icmp && p.l4_offset + 2 <= d.size()) {
    info.icmp_type = d[p.l4_offset];
    info.icmp_code = d[p.l4_offset + 1];
  }
  info.now_ns = static_cast<std::uint64_t>(p.now.count());  // `limit` runs on simulated time
  info.wall_ns = wall_clock_start_ns_ + info.now_ns;
  info.mark = p.mark;
  info.dscp = p.family == 4 ? static_cast<std::uint8_t>(d[1] >> 2)
                            : static_cast<std::uint8_t>(((d[0] & 0x0f) << 2) | (d[1] >> 6));
  return info;
}

bool Engine::nat_hook(SlowPacket& p, ManipType type) {
  if (p.ct.ct == nullptr) return true;
  const std::span<std::uint8_t> d = datagram(p);
  const bool icmp = (p.family == 4 && p.l4proto == net::ip_proto::kIcmp) ||
                    (p.family == 6 && p.l4proto == net::ip_proto::kIcmpv6);
  if (p.ct.is_related() && icmp) return nat::icmp_reply_translation(d, p.family, *p.ct.ct, p.ct.dir, type);
  return nat::nat_packet(d, p.family, *p.ct.ct, p.ct.dir, type);
}

// nf_nat_inet_fn's test: a NEW or RELATED packet whose connection has no binding for this
// manip type yet runs the nat chains. An ICMP error RELATED to a connection is translated
// instead (nf_nat_ipv4_fn handles it before).
bool Engine::nat_pending(const SlowPacket& p, ManipType type) const {
  if (p.ct.ct == nullptr || nat::NatCore::initialized(*p.ct.ct, type)) return false;
  if (p.ct.is_related()) {
    return !((p.family == 4 && p.l4proto == net::ip_proto::kIcmp) ||
             (p.family == 6 && p.l4proto == net::ip_proto::kIcmpv6));
  }
  return p.ct.is_new();
}

// The NAT binding of a connection's first packet at this hook (nf_nat_inet_fn): the
// ruleset's NAT statement, or a null binding.
void Engine::setup_nat(SlowPacket& p, const nft::EvalResult& result, ManipType type, const Route* route) {
  if (!nat_pending(p, type)) return;
  conntrack::Connection& ct = *p.ct.ct;
  const nft::NatAction& a = result.nat;
  const bool family_ok = a.family == p.family;
  const bool wanted = type == ManipType::kDst ? (a.kind == nft::NatKind::kDnat || a.kind == nft::NatKind::kRedirect)
                                              : (a.kind == nft::NatKind::kSnat || a.kind == nft::NatKind::kMasquerade);
  const bool packet_family = a.kind == nft::NatKind::kMasquerade || a.kind == nft::NatKind::kRedirect;
  if (!wanted || (!packet_family && !family_ok)) {
    nat_->setup_null_binding(ct, type, p.now);
    return;
  }
  nat::NatRange range = range_of(a);
  if (a.kind == nft::NatKind::kMasquerade) {
    // nf_nat_masquerade_ipv4/ipv6: the egress interface's address toward the next hop.
    range.flags |= nat::kMapIps;
    const std::span<std::uint8_t> d = datagram(p);
    bool found = false;
    if (route != nullptr && p.family == 4) {
      const net::Ipv4Addr dst = std::get<net::Ipv4Addr>(net::datagram_dst(d));
      const net::Ipv4Addr nh = route->gateway ? std::get<net::Ipv4Addr>(*route->gateway) : dst;
      if (auto src = select_source(route->ifindex, nh)) {
        range.min_addr = {};
        net::store_be32(range.min_addr.data(), src->value());
        found = true;
      }
    } else if (route != nullptr) {
      const net::Ipv6Addr dst = std::get<net::Ipv6Addr>(net::datagram_dst(d));
      if (auto src = select_source(route->ifindex, dst)) {
        range.min_addr = src->bytes();
        found = true;
      }
    }
    if (!found) return;  // the caller drops: masquerade without an address
    range.max_addr = range.min_addr;
  }
  if (a.kind == nft::NatKind::kRedirect) {
    // nf_nat_redirect_ipv4/ipv6: the input interface's first address, loopback for the
    // router's own packets.
    range.flags |= nat::kMapIps;
    range.min_addr = {};
    if (p.local) {
      if (p.family == 4) {
        net::store_be32(range.min_addr.data(), 0x7f000001);
      } else {
        range.min_addr[15] = 1;
      }
    } else if (p.family == 4 && !interfaces_[p.iif].ipv4.empty()) {
      net::store_be32(range.min_addr.data(), interfaces_[p.iif].ipv4.front().addr().value());
    } else if (p.family == 6 && !interfaces_[p.iif].ipv6.empty()) {
      range.min_addr = interfaces_[p.iif].ipv6.front().addr().bytes();
    } else {
      nat_->setup_null_binding(ct, type, p.now);
      return;
    }
    range.max_addr = range.min_addr;
  }
  nat_->setup(ct, range, type, p.now);
}

Verdict Engine::slow_path(SlowPacket& p) {
  if (ruleset_) {
    // PREROUTING: nf_defrag_ipv4/ipv6 (-400) first.
    // (The parser marks an IPv6 Fragment header only right behind the fixed header; one
    // behind other extension headers is nf_defrag_ipv6's to find.)
    if (p.parsed.ip_fragment || (p.family == 6 && p.parsed.ipv6_ext_header)) {
      const Verdict v = p.family == 4 ? defragment(p) : defragment6(p);
      if (v.kind != Verdict::Kind::kForward) return v;
    }
    // PREROUTING: the raw chains, conntrack (-200), then the chains, with DNAT at -100.
    const nft::EvalResult res = raw_then_conntrack(p, nft::Hook::kPrerouting, std::nullopt);
    if (res.verdict != nft::Verdict::kAccept) return refuse(p, res);
    attach_helper(p, res);
    setup_nat(p, res, ManipType::kDst, nullptr);
    if (!nat_hook(p, ManipType::kDst)) return Verdict::drop(DropReason::kNatFailed);
  }
  // The route is looked up on the (translated) destination.
  const net::IpAddr dst = net::datagram_dst(datagram(p));
  if (p.family == 4) {
    switch (ipv4_route_input_check(std::get<net::Ipv4Addr>(net::datagram_src(datagram(p))),
                                   std::get<net::Ipv4Addr>(dst))) {
      case RouteInputCheck::kRoute: break;
      case RouteInputCheck::kBroadcastInput: return local_input(p);
      case RouteInputCheck::kMartianSource: return Verdict::drop(DropReason::kMartianSource);
      case RouteInputCheck::kMartianDestination: return Verdict::drop(DropReason::kMartianDestination);
    }
  }
  if (lookup_route(local_, dst) != nullptr) return local_input(p);
  // A multicast group with our unicast MAC: Linux delivers it only to a joined group and
  // forwards it only with a multicast router; neither exists here.
  if (std::visit([](const auto& a) { return net::is_multicast(a); }, dst)) return Verdict::drop(DropReason::kNotForUs);
  const std::optional<Route> route = route_input(dst, p.iif);
  if (!route) return Verdict::drop(DropReason::kNoRoute);
  return forward(p, *route);
}

std::optional<Route> Engine::route_input(const net::IpAddr& dst, unsigned iif) const {
  if (const auto* v6 = std::get_if<net::Ipv6Addr>(&dst); v6 != nullptr && net::is_link_local(*v6)) {
    return Route{std::nullopt, iif};
  }
  const Route* r = lookup_route(routes_, dst);
  return r != nullptr ? std::optional<Route>(*r) : std::nullopt;
}

Verdict Engine::local_input(SlowPacket& p) {
  if (ruleset_) {
    // INPUT: the chains, the source NAT hook (a null binding unless `snat` in an input nat
    // chain), conntrack confirmation.
    const nft::EvalResult res = ruleset_->evaluate(nft::Hook::kInput, packet_info(p, std::nullopt, ManipType::kSrc));
    if (res.verdict != nft::Verdict::kAccept) return refuse(p, res);
    apply_mangle(p, res);
    if (nat_pending(p, ManipType::kSrc)) {
      if (res.nat.kind == nft::NatKind::kSnat && res.nat.family == p.family) {
        nat_->setup(*p.ct.ct, range_of(res.nat), ManipType::kSrc, p.now);
      } else {
        nat_->setup_null_binding(*p.ct.ct, ManipType::kSrc, p.now);
      }
    }
    if (!nat_hook(p, ManipType::kSrc)) return Verdict::drop(DropReason::kNatFailed);
    if (!conntrack_->confirm(p.ct)) return Verdict::drop(DropReason::kConntrackDrop);
  }
  return deliver_local(p);
}

// A hook's chains around conntrack: those below its priority (raw) see the packet without
// an entry (`ct state invalid`, as nft_ct_get_eval finds none), and `notrack` there leaves
// it untracked (nf_conntrack_in skips it: no NAT, never offloaded); then conntrack, then the
// other chains. The result is theirs (a drop in the raw chains is returned as it is).
nft::EvalResult Engine::raw_then_conntrack(SlowPacket& p, nft::Hook hook, std::optional<unsigned> oif) {
  const ManipType manip = ManipType::kDst;
  const nft::EvalResult raw = ruleset_->evaluate(
      hook, packet_info(p, oif, manip), nft::PriorityRange{std::numeric_limits<int>::min(), nft::kConntrackPriority});
  if (raw.verdict != nft::Verdict::kAccept) return raw;
  apply_mangle(p, raw);
  if (raw.notrack) {
    p.ct = conntrack::CtRef{nullptr, conntrack::CtDir::kOriginal, CtInfo::kUntracked};
  } else {
    const conntrack::CtHook ct_hook = hook == nft::Hook::kOutput ? conntrack::CtHook::kLocalOut : conntrack::CtHook::kPrerouting;
    p.ct = conntrack_->in(datagram(p), p.family, ct_hook, p.now);
  }
  nft::EvalResult res = ruleset_->evaluate(hook, packet_info(p, oif, manip),
                                           nft::PriorityRange{nft::kConntrackPriority, std::numeric_limits<int>::max()});
  if (res.verdict == nft::Verdict::kAccept) apply_mangle(p, res);
  return res;
}

// What the chains wrote into the packet: its mark (skb->mark, which later hooks see) and
// its DSCP (set_dscp). Only this packet: a flow offloaded afterwards forwards its packets
// unchanged, as nf_flow_table does.
void Engine::apply_mangle(SlowPacket& p, const nft::EvalResult& res) {
  p.mark = res.mark;
  set_dscp(p, res);
}

// nft_ct_helper_obj_eval: `ct helper set` attaches the helper to a connection not yet
// confirmed and without one (IPS_HELPER); the flowtable then leaves it in software.
void Engine::attach_helper(SlowPacket& p, const nft::EvalResult& res) {
  if (res.helper.empty() || p.ct.ct == nullptr) return;
  if (p.ct.ct->status & (conntrack::kConfirmed | conntrack::kHelper)) return;
  p.ct.ct->status |= conntrack::kHelper;
}

// `tcp option maxseg size set rt mtu | N`: `rt mtu` is get_tcpmss's smaller MTU of the
// route out and the route back to the sender, less the headers.
void Engine::clamp_mss(SlowPacket& p, const nft::EvalResult& res, unsigned egress) {
  if (!res.mss_set || p.l4proto != kTcp) return;
  std::uint16_t mss = res.mss_value;
  if (res.mss_rt_mtu) {
    std::uint32_t mtu = route_mtu(egress, p.family);
    if (const Route* back = lookup_route(routes_, net::datagram_src(datagram(p)))) {
      mtu = std::min(mtu, route_mtu(back->ifindex, p.family));
    }
    mss = mangle::tcpmss_for_mtu(mtu, p.family);
  }
  const std::span<std::uint8_t> d = datagram(p);
  if (p.l4_offset < d.size()) mangle::lower_tcp_mss(d.subspan(p.l4_offset), mss);
}

// `ip dscp set` / `ip6 dscp set`: nft writes the header's first 16-bit word (version, IHL and
// TOS; version and traffic class), the IPv4 header checksum updated incrementally
// (nft_payload_set_eval); ECN is kept.
void Engine::set_dscp(SlowPacket& p, const nft::EvalResult& res) {
  if (!res.dscp) return;
  const std::span<std::uint8_t> d = datagram(p);
  if (d.size() < 2) return;
  const auto word = [&d] { return static_cast<std::uint16_t>(d[0] << 8 | d[1]); };
  const std::uint16_t before = word();
  if (p.family == 4) {
    d[1] = static_cast<std::uint8_t>((d[1] & 0x03) | (*res.dscp << 2));
    if (d.size() >= 12) {
      const std::uint16_t check = static_cast<std::uint16_t>(d[10] << 8 | d[11]);
      const std::uint16_t updated = net::csum_replace2(check, before, word());
      d[10] = static_cast<std::uint8_t>(updated >> 8);
      d[11] = static_cast<std::uint8_t>(updated);
    }
  } else {
    const auto tclass = static_cast<std::uint8_t>((*res.dscp << 2) | ((before >> 4) & 0x03));
    d[0] = static_cast<std::uint8_t>((d[0] & 0xf0) | (tclass >> 4));
    d[1] = static_cast<std::uint8_t>((d[1] & 0x0f) | ((tclass & 0x0f) << 4));
  }
}

// Whether the packet's destination is one of the router's own unicast addresses (not a
// broadcast or anycast address it also accepts): icmp_send's RTCF_LOCAL and icmp6_send's
// ipv6_chk_addr, which make an error about it come from that address.
bool Engine::is_own_unicast(const SlowPacket& p) const {
  const net::IpAddr dst = net::datagram_dst(std::span<const std::uint8_t>(p.frame.bytes()).subspan(p.parsed.l3_offset));
  for (const Interface& itf : interfaces_) {
    if (const auto* v4 = std::get_if<net::Ipv4Addr>(&dst)) {
      for (const net::Ipv4Prefix& a : itf.ipv4) {
        if (a.addr() == *v4) return true;
      }
    } else {
      for (const net::Ipv6Prefix& a : itf.ipv6) {
        if (a.addr() == std::get<net::Ipv6Addr>(dst)) return true;
      }
    }
  }
  return false;
}

local::LocalDest Engine::local_dest(const SlowPacket& p) const {
  if (is_own_unicast(p)) return local::LocalDest::kUnicast;
  return p.family == 4 ? local::LocalDest::kBroadcast : local::LocalDest::kAnycast;
}

// ip_local_deliver_finish: the router's own stack takes the packet (see LocalStack); its
// answer, if any, leaves through the output path. The delivered packet itself counts as
// local_delivery.
Verdict Engine::deliver_local(SlowPacket& p) {
  const std::span<const std::uint8_t> d = datagram(p);
  const local::LocalDest dest = local_dest(p);
  std::array<std::uint8_t, 16> anycast_src{};
  if (dest == local::LocalDest::kAnycast) {
    // The echo reply to an anycast address comes from the address routing picks toward the
    // sender (anycast_src_echo_reply = 0).
    const net::Ipv6Addr to = std::get<net::Ipv6Addr>(net::datagram_src(d));
    const std::optional<Route> back = route_input(to, p.iif);
    const std::optional<net::Ipv6Addr> src = back ? select_source(back->ifindex, to) : std::nullopt;
    if (!src) return Verdict::drop(DropReason::kLocalDelivery);
    anycast_src = src->bytes();
  }
  const local::LocalAnswer answer =
      local_stack_.receive(d, p.family, p.l4proto, p.l4_offset, dest, anycast_src, scratch_);
  switch (answer.action) {
    case local::LocalAction::kConsumed:
      break;
    case local::LocalAction::kEchoReply:
      if (p.family == 4) {
        // icmp_reply sends from the ICMP socket (not connected, no DF): the ID comes from the
        // per-destination generator, as for ICMP errors.
        const auto ip = net::Ipv4Header::at(scratch_, 0);
        ip_ident_.select_for(*ip, p.now);
        ip->set_checksum(0);
        ip->set_checksum(net::internet_checksum(ip->header()));
      }
      [[fallthrough]];
    case local::LocalAction::kReset:
      // Sent from a control socket without the request's conntrack entry: conntrack finds
      // the connection at LOCAL_OUT (the reply direction of the one the request created).
      return send_local(p, DropReason::kLocalDelivery, std::nullopt);
    case local::LocalAction::kIcmpError:
      return answer_with_icmp(p, answer.icmp_type, answer.icmp_code, answer.icmp_info, DropReason::kLocalDelivery);
  }
  return Verdict::drop(DropReason::kLocalDelivery);
}

std::uint32_t Engine::route_mtu(unsigned ifindex, std::uint8_t family) const {
  const std::uint32_t mtu = interfaces_[ifindex].mtu;
  return family == 4 ? mtu : std::max(mtu, kIpv6MinMtu);
}

Verdict Engine::forward(SlowPacket& p, const Route& route) {
  const bool v4 = p.family == 4;
  // ip_forward / ip6_forward: TTL, then MTU, then the TTL decrement, then FORWARD.
  if (p.parsed.ttl <= 1) {
    return answer_with_icmp(p, v4 ? net::icmp_type::kTimeExceeded : net::icmpv6_type::kTimeExceeded, 0, 0,
                            DropReason::kTtlExceeded);
  }
  const unsigned egress = route.ifindex;
  // ip6_forward: a packet leaving by another link than it came from must have a source that
  // means something there (a packet sent back out of its own link would get a redirect,
  // which is not modelled).
  if (!v4 && egress != p.iif) {
    const net::Ipv6Addr src = std::get<net::Ipv6Addr>(net::datagram_src(datagram(p)));
    switch (ipv6_forward_source_check(src)) {
      case ForwardSourceCheck::kOk: break;
      case ForwardSourceCheck::kMartian: return Verdict::drop(DropReason::kMartianSource);
      case ForwardSourceCheck::kBeyondScope:
        return answer_with_icmp(p, net::icmpv6_type::kDestUnreachable, net::icmpv6_code::kBeyondScope, 0,
                                DropReason::kBeyondScope);
    }
  }
  const std::uint32_t mtu = route_mtu(egress, p.family);
  if (p.parsed.l3_length > mtu) {
    if (v4) {
      // ip_exceeds_mtu: without DF the packet is fragmented on output; a datagram
      // nf_defrag_ipv4 reassembled (ignore_df) only if its largest fragment is too big.
      const bool df = net::Ipv4Header::at(p.frame.bytes(), p.parsed.l3_offset)->dont_fragment();
      if (df && (p.reassembled == nullptr || p.reassembled->frag_max_size > mtu)) {
        return answer_with_icmp(p, net::icmp_type::kDestUnreachable, net::icmp_code::kFragNeeded, mtu,
                                DropReason::kMtuExceeded);
      }
    } else if (p.reassembled == nullptr || p.reassembled->frag_max_size > mtu) {
      // ip6_pkt_too_big: a router never fragments, unless conntrack reassembled the packet
      // from fragments that each fit (frag_max_size, ignore_df).
      return answer_with_icmp(p, net::icmpv6_type::kPacketTooBig, 0, mtu, DropReason::kMtuExceeded);
    }
  }
  {
    const std::span<std::uint8_t> bytes = p.frame.bytes();
    if (v4) {
      auto ip = net::Ipv4Header::at(bytes, p.parsed.l3_offset);
      ip->set_ttl(static_cast<std::uint8_t>(ip->ttl() - 1));
      // Incremental, as ip_decrease_ttl and the hardware rewrite do: O(1), and on a header
      // whose checksum was valid (checked above) it equals a full recompute (tested).
      ip->set_checksum(net::ipv4_ttl_decrement_checksum(ip->checksum()));
    } else {
      auto ip = net::Ipv6Header::at(bytes, p.parsed.l3_offset);
      ip->set_hop_limit(static_cast<std::uint8_t>(ip->hop_limit() - 1));
    }
  }

  if (ruleset_) {
    // FORWARD: the chains; `flow add` offloads an eligible connection.
    nft::PacketInfo info = packet_info(p, egress, ManipType::kSrc);
    const std::optional<std::array<flowtable::FlowRoute, 2>> routes = flow_routes(p, route);
    info.flow_add_eligible = routes.has_value();
    nft::EvalResult res = ruleset_->evaluate(nft::Hook::kForward, info);
    if (res.verdict != nft::Verdict::kAccept) return refuse(p, res);
    apply_mangle(p, res);
    attach_helper(p, res);
    clamp_mss(p, res, egress);
    if (res.flow_add != nullptr && res.flow_add == flowtable_spec_ && routes) {
      p.ct.ct->status |= conntrack::kOffload;
      if (flowtable_->add(*p.ct.ct, *routes, p.now) == nullptr) p.ct.ct->status &= ~conntrack::kOffload;
    }
  }
  if (v4 && p.parsed.ipv4_options) record_route(p, route);
  if (ruleset_) {
    // POSTROUTING: the chains, SNAT/masquerade at 100, conntrack confirmation last.
    const bool binding_due = nat_pending(p, ManipType::kSrc);
    nft::EvalResult res = ruleset_->evaluate(nft::Hook::kPostrouting, packet_info(p, egress, ManipType::kSrc));
    if (res.verdict != nft::Verdict::kAccept) return refuse(p, res);
    apply_mangle(p, res);
    clamp_mss(p, res, egress);
    setup_nat(p, res, ManipType::kSrc, &route);
    if (binding_due && !nat::NatCore::initialized(*p.ct.ct, ManipType::kSrc)) {
      return Verdict::drop(DropReason::kNatFailed);  // masquerade found no address
    }
    if (!nat_hook(p, ManipType::kSrc)) return Verdict::drop(DropReason::kNatFailed);
    if (!conntrack_->confirm(p.ct)) return Verdict::drop(DropReason::kConntrackDrop);
  }

  // ip_finish_output2 / ip6_finish_output2: the neighbour of the next hop.
  const std::optional<net::MacAddr> dst_mac =
      next_hop_mac(egress, route.gateway ? *route.gateway : net::datagram_dst(datagram(p)));
  if (!dst_mac) return Verdict::drop(DropReason::kNoNeighbour);
  auto eth = net::EthernetHeader::at(p.frame.bytes());
  eth->set_dst(*dst_mac);
  eth->set_src(interfaces_[egress].mac);
  if (v4) {
    // ip_finish_output: too big, or reassembled by conntrack (frag_max_size set): ip_fragment.
    const auto ip = net::Ipv4Header::at(p.frame.bytes(), p.parsed.l3_offset);
    if (ip->total_length() > mtu || p.reassembled != nullptr) return fragment_output(p, egress);
  } else if (p.reassembled != nullptr) {
    // __ip6_finish_output: larger than the MTU or than the largest fragment received.
    const std::size_t len = p.frame.size() - p.parsed.l3_offset;
    if (len > mtu || len > p.reassembled->frag_max_size) return fragment6_output(p, egress);
  }
  return Verdict::forward(egress);
}

// ip6_fragment on the finished packet of a datagram nf_defrag_ipv6 reassembled.
Verdict Engine::fragment6_output(SlowPacket& p, unsigned egress) {
  ip::Fragment6Request request;
  request.mtu = route_mtu(egress, 6);
  request.frag_max_size = p.reassembled->frag_max_size;
  request.id = ip_ident_.select_ipv6();
  request.fragment_lengths = p.reassembled->fragment_lengths;
  request.reassembled_unfragmentable = p.reassembled->unfragmentable;
  std::size_t extra = 0;
  switch (ip::fragment_ipv6(p.frame, p.parsed.l3_offset, request, extra_, defrag_scratch_, extra)) {
    case ip::Fragment6Status::kDone: break;
    case ip::Fragment6Status::kMalformed: return Verdict::drop(DropReason::kMalformed);
    case ip::Fragment6Status::kTooBig:
      return answer_with_icmp(p, net::icmpv6_type::kPacketTooBig, 0, route_mtu(egress, 6), DropReason::kMtuExceeded);
  }
  extra_count_ = extra;
  ++stats_.fragmented;
  stats_.fragments_extra += extra_count_;
  Verdict v = Verdict::forward(egress);
  v.extra_frames = static_cast<std::uint16_t>(extra);
  return v;
}

defrag::DefragStats Engine::defrag_stats() const {
  defrag::DefragStats s = defrag_.stats();
  const defrag::DefragStats& s6 = defrag6_.stats();
  s.reassembled += s6.reassembled;
  s.joined += s6.joined;
  s.held += s6.held;
  s.timed_out += s6.timed_out;
  s.killed += s6.killed;
  return s;
}

// ip_fragment / ip_do_fragment on the finished packet (headers rewritten, NAT applied).
Verdict Engine::fragment_output(SlowPacket& p, unsigned egress) {
  ip::FragmentRequest request;
  request.mtu = route_mtu(egress, 4);
  if (p.reassembled != nullptr) {
    request.frag_max_size = p.reassembled->frag_max_size;
    request.keep_df = p.reassembled->pmtu;
    request.fragment_lengths = p.reassembled->fragment_lengths;
  }
  const int extra = ip::fragment_ipv4(p.frame, p.parsed.l3_offset, request, extra_, defrag_scratch_);
  if (extra < 0) return Verdict::drop(DropReason::kMtuExceeded);
  extra_count_ = static_cast<std::size_t>(extra);
  ++stats_.fragmented;
  stats_.fragments_extra += extra_count_;
  Verdict v = Verdict::forward(egress);
  v.extra_frames = static_cast<std::uint16_t>(extra);
  return v;
}

// nf_defrag_ipv4 (ipv4_conntrack_defrag -> ip_defrag): the fragment joins its queue; the one
// that completes the datagram carries it on (kForward here means "continue").
Verdict Engine::defragment(SlowPacket& p) {
  const defrag::Ipv4Defrag::Result r = defrag_.add(datagram(p), p.now, defrag_scratch_, reassembled_);
  switch (r.outcome) {
    case defrag::Ipv4Defrag::Outcome::kHeld: return Verdict::stolen();
    case defrag::Ipv4Defrag::Outcome::kDropped: return Verdict::drop(r.reason);
    case defrag::Ipv4Defrag::Outcome::kReassembled: break;
  }
  return continue_reassembled(p);
}

// nf_defrag_ipv6 (ipv6_defrag -> nf_ct_frag6_gather): as above; a packet it does not gather
// goes on as it is.
Verdict Engine::defragment6(SlowPacket& p) {
  const defrag::Ipv6Defrag::Result r = defrag6_.add(datagram(p), p.iif, p.now, defrag_scratch_, reassembled_);
  switch (r.outcome) {
    case defrag::Ipv6Defrag::Outcome::kPass: return Verdict::forward(p.iif);
    case defrag::Ipv6Defrag::Outcome::kHeld: return Verdict::stolen();
    case defrag::Ipv6Defrag::Outcome::kDropped: return Verdict::drop(r.reason);
    case defrag::Ipv6Defrag::Outcome::kReassembled: break;
  }
  return continue_reassembled(p);
}

// The reassembled datagram (in defrag_scratch_) replaces the packet.
Verdict Engine::continue_reassembled(SlowPacket& p) {
  p.frame.resize(p.parsed.l3_offset + defrag_scratch_.size());
  std::memcpy(p.frame.bytes().data() + p.parsed.l3_offset, defrag_scratch_.data(), defrag_scratch_.size());
  p.parsed = net::parse_frame(p.frame.bytes());
  if (p.parsed.error != net::ParseError::kNone) return Verdict::drop(DropReason::kMalformed);
  if (p.family == 4) {
    p.l4proto = p.parsed.l4_proto;
    p.l4_offset = p.parsed.l4_offset - p.parsed.l3_offset;
  } else {
    std::tie(p.l4proto, p.l4_offset) = ipv6_transport(datagram(p));
  }
  p.reassembled = &reassembled_;
  return Verdict::forward(p.iif);
}

// ip_forward_finish -> ip_forward_options: a Record Route option with room gets the address
// the packet leaves from (ip_rt_get_source), before POSTROUTING's NAT; the header checksum is
// computed again (ip_send_check). A malformed option, which Linux drops with a parameter
// problem at input, is forwarded unchanged (not modelled); Timestamp options, whose value is
// the wall clock, are left alone too.
void Engine::record_route(SlowPacket& p, const Route& route) {
  auto ip = net::Ipv4Header::at(p.frame.bytes(), p.parsed.l3_offset);
  const net::Ipv4Addr next_hop = route.gateway ? std::get<net::Ipv4Addr>(*route.gateway) : ip->dst();
  const std::optional<net::Ipv4Addr> outgoing = select_source(route.ifindex, next_hop);
  if (!outgoing || net::record_route(ip->options(), *outgoing) != net::Ipv4OptionsEdit::kChanged) return;
  ip->set_checksum(0);
  ip->set_checksum(net::internet_checksum(ip->header()));
}

// nft_flow_offload_eval's checks and nft_flow_route: the routes of both directions if this
// packet's connection may be offloaded now, nullopt otherwise (the rule then breaks).
std::optional<std::array<flowtable::FlowRoute, 2>> Engine::flow_routes(const SlowPacket& p,
                                                                     const Route& route) const {
  if (!flowtable_ || p.ct.ct == nullptr) return std::nullopt;
  if (p.family == 4 && p.parsed.ipv4_options) return std::nullopt;
  const conntrack::Connection& ct = *p.ct.ct;
  const std::uint8_t proto = ct.l4proto();
  if (proto == kTcp) {
    if (p.parsed.tcp_flags & (net::tcp_flag::kFin | net::tcp_flag::kRst)) return std::nullopt;
    if (ct.tcp.state != conntrack::TcpState::kEstablished || !(ct.status & conntrack::kAssured)) return std::nullopt;
  } else if (proto != kUdp) {
    return std::nullopt;
  }
  // nf_ct_ext_exist(ct, NF_CT_EXT_HELPER): a helped connection stays in software.
  if (ct.status & (conntrack::kSeqAdjust | conntrack::kNatClash | conntrack::kHelper)) return std::nullopt;
  if (!(ct.status & conntrack::kConfirmed) || (ct.status & conntrack::kOffload)) return std::nullopt;

  const unsigned d = conntrack::index_of(p.ct.dir);
  const net::FiveTuple& here = ct.tuple[d];
  const net::FiveTuple& there = ct.tuple[1 - d];
  // The route back to this direction's sender (nf_route for the other direction).
  const Route* back = p.family == 4 ? routes_.lookup(here.src_v4()) : routes_.lookup(here.src_v6());
  if (back == nullptr) return std::nullopt;
  auto neighbour = [&](unsigned ifindex, const std::optional<std::variant<net::Ipv4Addr, net::Ipv6Addr>>& gateway,
                       const net::FiveTuple& toward) -> std::optional<net::MacAddr> {
    if (gateway) return next_hop_mac(ifindex, *gateway);
    return p.family == 4 ? next_hop_mac(ifindex, toward.src_v4()) : next_hop_mac(ifindex, toward.src_v6());
  };
  std::array<flowtable::FlowRoute, 2> r;
  // This direction leaves by the packet's route toward the translated destination (the
  // other direction's source).
  r[d].iif = back->ifindex;
  r[d].oif = route.ifindex;
  r[d].mtu = route_mtu(route.ifindex, p.family);
  r[d].gateway = route.gateway;
  r[d].src_mac = interfaces_[route.ifindex].mac;
  r[d].dst_mac = neighbour(route.ifindex, route.gateway, there);
  r[1 - d].iif = route.ifindex;
  r[1 - d].oif = back->ifindex;
  r[1 - d].mtu = route_mtu(back->ifindex, p.family);
  r[1 - d].gateway = back->gateway;
  r[1 - d].src_mac = interfaces_[back->ifindex].mac;
  r[1 - d].dst_mac = neighbour(back->ifindex, back->gateway, here);
  // nft_dev_forward_path: each direction's way out, walked down to the port; recorded (and
  // the other direction's way in with it) when that port is one of the flowtable's devices.
  for (unsigned k = 0; k < 2; ++k) {
    const flowtable::EncapDevice* e = encap_of(r[k].oif);
    const unsigned out_port = e != nullptr ? e->port : r[k].oif;
    r[k].out_port = out_port;
    r[1 - k].in_port = out_port;
    if (e != nullptr && e->kind == flowtable::EncapDevice::Kind::kVlan) {
      r[k].out_vlan = e->id;
      r[1 - k].in_vlan = e->id;
    } else if (e != nullptr) {
      r[k].out_pppoe = e->id;
      r[1 - k].in_pppoe = e->id;
    }
    r[k].direct = e == nullptr || flowtable_->hooks(out_port);
  }
  // flow_offload_add fails (-EEXIST) while a torn-down flow of this connection is still
  // in the table.
  if (flowtable_->find(here, r[d].iif) != nullptr || flowtable_->find(there, r[1 - d].iif) != nullptr) {
    return std::nullopt;
  }
  return r;
}

Verdict Engine::refuse(SlowPacket& p, const nft::EvalResult& result) {
  if (result.verdict != nft::Verdict::kReject) return Verdict::drop(DropReason::kRulesetDrop);
  const bool v4 = p.family == 4;
  const nft::RejectAction& r = result.reject;
  if (r.kind == nft::RejectKind::kTcpReset) {
    // nf_send_reset: the RST travels as a reply of the rejected packet's connection.
    if (p.l4proto != kTcp || !reject::build_tcp_reset(scratch_, datagram(p), p.family, p.l4_offset)) {
      return Verdict::drop(DropReason::kRulesetReject);
    }
    return send_local(p, DropReason::kRulesetReject, related_to(p));
  }
  // nf_send_unreach: no answer to a TCP or UDP packet with a bad checksum (UDP over IPv4 with
  // none is fine).
  const std::span<const std::uint8_t> d = datagram(p);
  if ((p.l4proto == kTcp || p.l4proto == kUdp) && p.l4_offset + 8 <= d.size()) {
    const std::span<const std::uint8_t> l4 = d.subspan(p.l4_offset);
    const bool unchecked = p.l4proto == kUdp && v4 && net::ConstUdpHeader::at(l4, 0)->checksum() == 0;
    const std::uint16_t sum = std::visit(
        [&](const auto& src) {
          using Addr = std::decay_t<decltype(src)>;
          return net::l4_checksum(src, std::get<Addr>(net::datagram_dst(d)), p.l4proto, l4);
        },
        net::datagram_src(d));
    if (!unchecked && sum != 0) return Verdict::drop(DropReason::kRulesetReject);
  }
  switch (r.kind) {
    case nft::RejectKind::kIcmp:
      if (!v4) break;
      return answer_with_icmp(p, net::icmp_type::kDestUnreachable, r.code, 0, DropReason::kRulesetReject);
    case nft::RejectKind::kIcmpv6:
      if (v4) break;
      return answer_with_icmp(p, net::icmpv6_type::kDestUnreachable, r.code, 0, DropReason::kRulesetReject);
    case nft::RejectKind::kIcmpx:
      return answer_with_icmp(p, v4 ? net::icmp_type::kDestUnreachable : net::icmpv6_type::kDestUnreachable,
                              icmpx_code(r.code, v4), 0, DropReason::kRulesetReject);
    case nft::RejectKind::kTcpReset:
      break;
  }
  return Verdict::drop(DropReason::kRulesetReject);
}

// icmp_send / icmp6_send about the packet as it is now (after DNAT, before the TTL decrement
// when called from ip_forward). The error goes back to the offending packet's source, from
// the address it was sent to if that is one of the router's own (RTCF_LOCAL /
// ipv6_chk_addr), else from the address of the interface the route back leaves by
// (icmp_errors_use_inbound_ifaddr = 0); never about an IPv4 broadcast. It carries the
// offending packet's conntrack entry as RELATED (icmp_glue_bits' nf_ct_attach), so even the
// answer to a connection's first, unconfirmed packet is `ct state related` at OUTPUT.
Verdict Engine::answer_with_icmp(SlowPacket& p, std::uint8_t type, std::uint8_t code, std::uint32_t info,
                                 DropReason reason) {
  const bool v4 = p.family == 4;
  const std::span<const std::uint8_t> offending = datagram(p);
  if (!(v4 ? icmp::may_answer_ipv4(offending) : icmp::may_answer_ipv6(offending))) return Verdict::drop(reason);
  const bool from_destination = is_own_unicast(p);
  if (v4) {
    const net::Ipv4Addr to = std::get<net::Ipv4Addr>(net::datagram_src(offending));
    const net::Ipv4Addr dst = std::get<net::Ipv4Addr>(net::datagram_dst(offending));
    if (!from_destination && local_.lookup(dst) != nullptr && !is_multicast(dst)) {
      return Verdict::drop(reason);  // a broadcast destination (RTCF_BROADCAST): no answer
    }
    const Route* back = routes_.lookup(to);
    if (back == nullptr) return Verdict::drop(reason);
    const auto src = from_destination
                         ? std::optional<net::Ipv4Addr>(dst)
                         : select_source(back->ifindex, back->gateway ? std::get<net::Ipv4Addr>(*back->gateway) : to);
    if (!src) return Verdict::drop(reason);
    // icmp_send builds the error on the ICMP socket, which is not connected and does not set
    // DF: its ID comes from the per-destination generator (ip_select_ident).
    const std::uint16_t id = ip_ident_.select(*src, to, net::ip_proto::kIcmp, p.now);
    icmp::build_icmpv4_error(scratch_, offending, *src, type, code, info, id);
  } else {
    const net::Ipv6Addr to = std::get<net::Ipv6Addr>(net::datagram_src(offending));
    const std::optional<Route> back = route_input(to, p.iif);
    if (!back) return Verdict::drop(reason);
    const auto src = from_destination ? std::optional<net::Ipv6Addr>(std::get<net::Ipv6Addr>(net::datagram_dst(offending)))
                                      : select_source(back->ifindex, to);
    if (!src) return Verdict::drop(reason);
    icmp::build_icmpv6_error(scratch_, offending, *src, type, code, info);
  }
  return send_local(p, reason, related_to(p));
}

// nf_conntrack_attach: the entry of `p` as seen by a packet the router sends about it
// (an ICMP error, a reject's RST): RELATED_REPLY if `p` went the original way, else RELATED.
std::optional<conntrack::CtRef> Engine::related_to(const SlowPacket& p) const {
  if (p.ct.ct == nullptr) return std::nullopt;
  return conntrack::CtRef{p.ct.ct, conntrack::opposite(p.ct.dir),
                          p.ct.dir == conntrack::CtDir::kOriginal ? CtInfo::kRelatedReply : CtInfo::kRelated};
}

// The router's own packet in scratch_ (an ICMP error or a TCP RST) takes the local output
// path: conntrack at LOCAL_OUT (an ICMP error about a known connection is RELATED; a RST
// carries the rejected packet's connection, as nf_ct_attach does), the OUTPUT chains, NAT,
// the route, the POSTROUTING chains, NAT, the neighbour. The frame then holds it. Any failure
// on the way: the offending packet is still dropped, just not answered.
Verdict Engine::send_local(SlowPacket& p, DropReason reason, std::optional<conntrack::CtRef> attached) {
  const bool v4 = p.family == 4;
  p.frame.resize(kEth + scratch_.size());
  const std::span<std::uint8_t> bytes = p.frame.bytes();
  std::memcpy(bytes.data() + kEth, scratch_.data(), scratch_.size());
  net::EthernetHeader::at(bytes)->set_ether_type(v4 ? net::ether_type::kIpv4 : net::ether_type::kIpv6);
  SlowPacket out{p.frame, net::parse_frame(bytes), p.iif, p.now, {}, p.family, 0, 0, true};
  out.l4proto = out.parsed.l4_proto;  // the router's own packets carry no extension headers
  out.l4_offset = out.parsed.l4_offset - out.parsed.l3_offset;
  auto route_of = [&]() { return route_input(net::datagram_dst(datagram(out)), p.iif); };
  std::optional<Route> route = route_of();
  if (!route) return Verdict::drop(reason);
  if (ruleset_) {
    nft::EvalResult res;
    if (attached) {
      // nf_ct_attach gave it its entry before LOCAL_OUT: even the raw chains see it.
      out.ct = *attached;
      res = ruleset_->evaluate(nft::Hook::kOutput, packet_info(out, route->ifindex, ManipType::kDst));
      if (res.verdict == nft::Verdict::kAccept) apply_mangle(out, res);
    } else {
      res = raw_then_conntrack(out, nft::Hook::kOutput, route->ifindex);
    }
    if (res.verdict != nft::Verdict::kAccept) return Verdict::drop(reason);
    setup_nat(out, res, ManipType::kDst, route ? &*route : nullptr);
    if (!nat_hook(out, ManipType::kDst)) return Verdict::drop(reason);
    route = route_of();  // a translated destination is routed again (ip_route_me_harder)
    if (!route) return Verdict::drop(reason);
    res = ruleset_->evaluate(nft::Hook::kPostrouting, packet_info(out, route->ifindex, ManipType::kSrc));
    if (res.verdict != nft::Verdict::kAccept) return Verdict::drop(reason);
    apply_mangle(out, res);
    setup_nat(out, res, ManipType::kSrc, route ? &*route : nullptr);
    if (!nat_hook(out, ManipType::kSrc)) return Verdict::drop(reason);
    // No confirmation: what the router answers with never starts a connection (a reply of
    // the request's, or RELATED to the offending packet's, which conntrack does not confirm
    // from the reply direction).
  }
  const unsigned egress = route->ifindex;
  const std::optional<net::MacAddr> mac =
      next_hop_mac(egress, route->gateway ? *route->gateway : net::datagram_dst(datagram(out)));
  if (!mac) return Verdict::drop(reason);
  auto eth = net::EthernetHeader::at(p.frame.bytes());
  eth->set_dst(*mac);
  eth->set_src(interfaces_[egress].mac);
  return Verdict::drop_and_reply(reason, egress);
}

// inet_select_addr: the first primary address of the interface whose subnet holds the next
// hop, else its first primary address (an address inside an earlier one's subnet is
// secondary).
std::optional<net::Ipv4Addr> Engine::select_source(unsigned ifindex, net::Ipv4Addr next_hop) const {
  const std::vector<net::Ipv4Prefix>& addrs = interfaces_[ifindex].ipv4;
  std::optional<net::Ipv4Addr> first;
  for (std::size_t i = 0; i < addrs.size(); ++i) {
    const bool secondary = std::any_of(addrs.begin(), addrs.begin() + static_cast<std::ptrdiff_t>(i),
                                       [&](const net::Ipv4Prefix& e) {
                                         return e.length() == addrs[i].length() && e.contains(addrs[i].addr());
                                       });
    if (secondary) continue;
    if (addrs[i].contains(next_hop)) return addrs[i].addr();
    if (!first) first = addrs[i].addr();
  }
  return first;
}

// A simplification of ipv6_dev_get_saddr (RFC 6724): for a link-local destination the
// interface's link-local address (rule 2, appropriate scope); otherwise its first address
// whose prefix holds the destination, else its first address that is not link-local.
std::optional<net::Ipv6Addr> Engine::select_source(unsigned ifindex, const net::Ipv6Addr& next_hop) const {
  if (net::is_link_local(next_hop)) return interfaces_[ifindex].link_local;
  const std::vector<net::Ipv6Prefix>& addrs = interfaces_[ifindex].ipv6;
  for (const net::Ipv6Prefix& a : addrs) {
    if (a.contains(next_hop)) return a.addr();
  }
  for (const net::Ipv6Prefix& a : addrs) {
    const auto& b = a.addr().bytes();
    if (!(b[0] == 0xfe && (b[1] & 0xc0) == 0x80)) return a.addr();
  }
  if (!addrs.empty()) return addrs.front().addr();
  return std::nullopt;
}

}  // namespace flowsim::engine
