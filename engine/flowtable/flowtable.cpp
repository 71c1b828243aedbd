// SPDX-License-Identifier: Apache-2.0
#include "engine/flowtable/flowtable.hpp"

#include <algorithm>

#include "engine/conntrack/ct_tuple.hpp"
#include "engine/device/pppoe_device.hpp"
#include "engine/device/vlan_device.hpp"
#include "engine/flowtable/flow_nat.hpp"
#include "net/byte_order.hpp"
#include "net/checksum.hpp"
#include "net/ether_type.hpp"
#include "net/ethernet_header.hpp"
#include "net/ip_proto.hpp"
#include "net/ipv4_header.hpp"
#include "net/ipv6_header.hpp"
#include "net/tcp_header.hpp"
#include "net/udp_header.hpp"
#include "net/vlan_tag.hpp"

namespace flowsim::engine::flowtable {
namespace {

using std::chrono::nanoseconds;
using conntrack::Connection;
using conntrack::TcpState;

constexpr nanoseconds kDay = std::chrono::hours(24);
constexpr nanoseconds kHz = std::chrono::seconds(1);
constexpr nanoseconds kNfFlowTimeout = std::chrono::seconds(30);  // NF_FLOW_TIMEOUT
constexpr std::size_t kEth = net::EthernetHeader::kSize;
constexpr std::uint8_t kTcp = net::ip_proto::kTcp;
constexpr std::uint8_t kUdp = net::ip_proto::kUdp;
using net::tcp_flag::kFin;
using net::tcp_flag::kRst;
using net::tcp_flag::kSyn;

Flowtable::Result pass(SlowPathReason r) { return Flowtable::Result{Flowtable::Result::Kind::kPass, r, 0}; }

net::FiveTuple with_ports(const std::uint8_t* l4, net::FiveTuple t) {
  t.src_port = net::load_be16(l4);
  t.dst_port = net::load_be16(l4 + 2);
  return t;
}

// nf_flow_table_tcp_timeout: what a live offloaded TCP entry's timeout is extended to.
nanoseconds tcp_extension(TcpState s) {
  switch (s) {
    case TcpState::kEstablished: return kDay;
    case TcpState::kFinWait:
    case TcpState::kCloseWait:
    case TcpState::kLastAck:
    case TcpState::kTimeWait: return std::chrono::minutes(5);
    default: return nanoseconds(0);
  }
}

}  // namespace

Flowtable::Flowtable(FlowtableConfig config, conntrack::Conntrack& conntrack, const NeighbourTable& neighbours)
    : config_(std::move(config)), conntrack_(conntrack), neighbours_(neighbours) {}

Flowtable::~Flowtable() {
  for (auto& [id, flow] : flows_) conntrack_.put(*flow->ct);
}

bool Flowtable::hooks(unsigned ifindex) const {
  return std::find(config_.devices.begin(), config_.devices.end(), ifindex) != config_.devices.end();
}

nanoseconds Flowtable::flow_timeout(const Flow& flow) const {
  const conntrack::ConntrackTimeouts& t = conntrack_.config().timeouts;
  switch (flow.tuple[0].proto) {
    case kTcp: return t.tcp_offload;
    case kUdp: return t.udp_offload;
    default: return kNfFlowTimeout;
  }
}

Flow* Flowtable::add(Connection& ct, const std::array<FlowRoute, 2>& routes, nanoseconds now) {
  auto flow = std::make_unique<Flow>();
  flow->ct = &ct;
  flow->tuple = ct.tuple;
  flow->route = routes;
  if (ct.status & conntrack::kSrcNat) flow->flags |= kFlowSnat;
  if (ct.status & conntrack::kDstNat) flow->flags |= kFlowDnat;
  const FlowKey k0 = flow->key(0);
  const FlowKey k1 = flow->key(1);
  if (k0 == k1 || table_.contains(k0) || table_.contains(k1)) return nullptr;  // rhashtable -EEXIST
  flow->id = next_id_++;
  flow->timeout = now + flow_timeout(*flow);
  Flow* f = flow.get();
  table_.emplace(k1, KeyRef{f, 1});
  table_.emplace(k0, KeyRef{f, 0});
  flows_.emplace(f->id, std::move(flow));
  conntrack_.get(ct);
  ++stats_.flows_added;

  // Conntrack no longer sees this connection's packets: liberal window tracking from now on,
  // and an entry timeout far enough ahead (nf_ct_offload_timeout / nf_ct_refresh(NF_CT_DAY)).
  if (ct.l4proto() == kTcp) {
    ct.tcp.seen[0].flags |= conntrack::kTcpBeLiberal;
    ct.tcp.seen[1].flags |= conntrack::kTcpBeLiberal;
  }
  if (config_.semantics == FlowtableSemantics::kNew || ct.timeout - now < kDay / 2) ct.timeout = now + kDay;

  if (config_.hw_offload) {
    f->flags |= kFlowHw;
    hw_add(*f, now);
  }
  return f;
}

void Flowtable::hw_add(Flow& flow, nanoseconds now) {
  if (hw_ == nullptr || flow.in_hw) return;
  flow.last_hw_attempt = now;
  // Without the next hop's MAC the hardware cannot rewrite the frame (the kernel then keeps
  // the NEIGH transmit path, which no offloading driver supports).
  if (!flow.route[0].dst_mac || !flow.route[1].dst_mac) return;
  // Neither can it without the real devices (a VLAN/PPPoE device's own hook and transmit, NEIGH:
  // the driver finds no port of its own to send to and refuses, EOPNOTSUPP).
  if (!flow.route[0].direct || !flow.route[1].direct) {
    ++stats_.hw_replace_calls;
    ++stats_.hw_refused[static_cast<std::size_t>(OffloadRefusal::kUnsupported)];
    return;
  }
  OffloadFlow of;
  of.cookie = flow.id;
  of.snat = flow.has(kFlowSnat);
  of.dnat = flow.has(kFlowDnat);
  for (unsigned d = 0; d < 2; ++d) {
    OffloadDirection& od = of.dir[d];
    const net::FiveTuple& other = flow.tuple[1 - d];
    od.match = flow.tuple[d];
    od.ingress_port = flow.route[d].in_port;
    od.ingress_vlan = flow.route[d].in_vlan;
    od.ingress_pppoe_session = flow.route[d].in_pppoe;
    od.rewrite = flow.tuple[d];
    od.rewrite.src = other.dst;
    od.rewrite.dst = other.src;
    od.rewrite.src_port = other.dst_port;
    od.rewrite.dst_port = other.src_port;
    od.src_mac = flow.route[d].src_mac;
    od.dst_mac = *flow.route[d].dst_mac;
    od.egress_port = flow.route[d].out_port;
    od.egress_vlan = flow.route[d].out_vlan;
    od.egress_pppoe_session = flow.route[d].out_pppoe;
    od.mtu = flow.route[d].mtu;
  }
  ++stats_.hw_replace_calls;
  const OffloadRefusal r = hw_->replace(of);
  if (r == OffloadRefusal::kNone) {
    flow.in_hw = true;
    flow.ct->status |= conntrack::kHwOffload;
    ++stats_.hw_accepted;
  } else {
    ++stats_.hw_refused[static_cast<std::size_t>(r)];
  }
}

void Flowtable::hw_del(Flow& flow) {
  if (hw_ != nullptr) {
    hw_->destroy(flow.id);
    ++stats_.hw_destroy_calls;
  }
  // The offload port is synchronous: DESTROY is done when it returns.
  flow.flags |= kFlowHwDying | kFlowHwDead;
  flow.in_hw = false;
  flow.ct->status &= ~conntrack::kHwOffload;
}

void Flowtable::hw_stats(Flow& flow, nanoseconds now) {
  if (hw_ == nullptr || !flow.in_hw) return;
  const nanoseconds t = flow_timeout(flow);
  // nf_flow_offload_stats: only once a tenth of the timeout has passed without a refresh.
  // t - t / 10, not t * 9 / 10: a timeout near the sysctl maximum must not overflow.
  if (flow.timeout - now >= t - t / 10) return;
  const std::optional<OffloadStats> s0 = hw_->stats(flow.id, FlowDirection::kOriginal);
  const std::optional<OffloadStats> s1 = hw_->stats(flow.id, FlowDirection::kReply);
  stats_.hw_stats_calls += 2;
  if (!s0 && !s1) {
    // The hardware aged the entry out or evicted it: the flow is software-only again, and a
    // later fast-path packet re-offers it.
    flow.in_hw = false;
    flow.ct->status &= ~conntrack::kHwOffload;
    ++stats_.hw_lost;
    return;
  }
  nanoseconds last_used(0);
  if (s0) last_used = std::max(last_used, s0->last_used);
  if (s1) last_used = std::max(last_used, s1->last_used);
  const nanoseconds extension = config_.semantics == FlowtableSemantics::kOld ? kNfFlowTimeout : t;
  flow.timeout = std::max(flow.timeout, last_used + extension);
  if (config_.counter) {
    if (s0) {
      flow.ct->counters[0].packets += s0->packets;
      flow.ct->counters[0].bytes += s0->bytes;
    }
    if (s1) {
      flow.ct->counters[1].packets += s1->packets;
      flow.ct->counters[1].bytes += s1->bytes;
    }
  }
}

void Flowtable::refresh(Flow& flow, nanoseconds now) {
  const nanoseconds timeout = now + flow_timeout(flow);
  if (config_.semantics == FlowtableSemantics::kNew && timeout - flow.timeout <= kHz) return;
  flow.timeout = timeout;
  if (!config_.hw_offload || (config_.semantics == FlowtableSemantics::kNew && flow.has(kFlowClosing))) return;
  // The kernel re-queues a hardware add on every refresh; work-queue coalescing makes that
  // at most a few per second. Here the call is synchronous, so a refused flow is re-offered
  // at most once a second, and a flow the hardware holds is not offered again.
  if (!flow.in_hw && (!flow.last_hw_attempt || now - *flow.last_hw_attempt >= kHz)) hw_add(flow, now);
}

void Flowtable::fixup_ct(Flow& flow, nanoseconds now) {
  Connection& ct = *flow.ct;
  const conntrack::ConntrackTimeouts& t = conntrack_.config().timeouts;
  const bool is_new = config_.semantics == FlowtableSemantics::kNew;
  nanoseconds timeout(0);
  nanoseconds offload_timeout(0);
  bool expired_now = false;
  bool closing = false;
  if (ct.l4proto() == kTcp) {
    closing = is_new && flow.has(kFlowClosing);
    if (closing) {
      // FIN/RST was seen: CLOSE, so that a new SYN reopens the connection in conntrack.
      ct.tcp.state = TcpState::kClose;
      ct.tcp.seen[0].flags |= conntrack::kTcpCloseInit;
      timeout = t.tcp_state(TcpState::kClose);
    } else {
      timeout = t.tcp_state(ct.tcp.state);
      expired_now = expired(flow, now);
    }
    // Window tracking is stale after the bypass.
    for (conntrack::TcpPeer& p : ct.tcp.seen) {
      p.td_maxwin = 0;
      p.flags &= static_cast<std::uint8_t>(~conntrack::kTcpMaxackSet);
    }
    offload_timeout = t.tcp_offload;
  } else if (ct.l4proto() == kUdp) {
    timeout = (ct.status & conntrack::kSeenReply) ? nanoseconds(t.udp_replied) : nanoseconds(t.udp_unreplied);
    expired_now = expired(flow, now);
    offload_timeout = t.udp_offload;
  } else {
    return;
  }
  // Old kernels assume the flow idled out; new ones only subtract when it did.
  if (!is_new || expired_now) timeout -= offload_timeout;
  if (timeout < nanoseconds(0)) timeout = nanoseconds(0);
  if (closing || ct.timeout - now > timeout) ct.timeout = now + timeout;
}

void Flowtable::teardown(Flow& flow, nanoseconds now) {
  flow.ct->status &= ~conntrack::kOffload;
  if (flow.has(kFlowTeardown)) return;
  flow.flags |= kFlowTeardown;
  ++stats_.flows_torn_down;
  fixup_ct(flow, now);
}

void Flowtable::extend_ct_timeout(Flow& flow, nanoseconds now) {
  Connection& ct = *flow.ct;
  const nanoseconds expires = ct.timeout - now;
  if (expires <= nanoseconds(0) || expires >= std::chrono::minutes(5)) return;
  if (!(ct.status & conntrack::kConfirmed) || !(ct.status & conntrack::kOffload)) return;
  nanoseconds extension(0);
  if (ct.l4proto() == kUdp) extension = kDay;
  if (ct.l4proto() == kTcp) extension = tcp_extension(ct.tcp.state);
  if (extension > nanoseconds(0)) ct.timeout = now + extension;
}

void Flowtable::free_flow(std::map<std::uint64_t, std::unique_ptr<Flow>>::iterator it) {
  Flow& flow = *it->second;
  for (unsigned d = 0; d < 2; ++d) {
    const auto k = table_.find(flow.key(d));
    if (k != table_.end() && k->second.flow == &flow) table_.erase(k);
  }
  conntrack_.put(*flow.ct);
  flows_.erase(it);
  ++stats_.flows_freed;
}

void Flowtable::gc(nanoseconds now) {
  const bool is_new = config_.semantics == FlowtableSemantics::kNew;
  for (auto it = flows_.begin(); it != flows_.end();) {
    Flow& flow = *it->second;
    bool torn_down = flow.has(kFlowTeardown);
    if (expired(flow, now) || (flow.ct->status & conntrack::kDying)) {
      teardown(flow, now);
      torn_down = true;
    } else if (!torn_down && is_new) {
      extend_ct_timeout(flow, now);
    }
    if (torn_down) {
      if (flow.has(kFlowHw) && !flow.has(kFlowHwDying)) hw_del(flow);
      free_flow(it++);
      continue;
    }
    if (is_new && flow.has(kFlowClosing) && flow.has(kFlowHw) && !flow.has(kFlowHwDying)) {
      hw_del(flow);  // early DESTROY: the hardware must not forward a closing connection
    } else if (flow.has(kFlowHw)) {
      hw_stats(flow, now);
    }
    ++it;
  }
}

std::size_t Flowtable::teardown_if(const std::function<bool(const Flow&)>& stale, nanoseconds now) {
  std::size_t n = 0;
  for (auto& [id, flow] : flows_) {
    if (flow->has(kFlowTeardown) || !stale(*flow)) continue;
    teardown(*flow, now);
    ++n;
  }
  if (n > 0) gc(now);
  return n;
}

std::size_t Flowtable::cleanup(std::optional<unsigned> ifindex, nanoseconds now) {
  return teardown_if(
      [&](const Flow& f) { return !ifindex || f.route[0].iif == *ifindex || f.route[1].iif == *ifindex; }, now);
}

bool Flowtable::unhook(unsigned ifindex) {
  const auto it = std::find(config_.devices.begin(), config_.devices.end(), ifindex);
  if (it == config_.devices.end()) return false;
  config_.devices.erase(it);
  return true;
}

const Flow* Flowtable::find(const net::FiveTuple& tuple, unsigned iif) const {
  const auto it = table_.find(FlowKey{tuple, iif});
  return it == table_.end() ? nullptr : it->second.flow;
}

Flowtable::Result Flowtable::process(net::PacketBuffer& frame, unsigned iif, nanoseconds now) {
  std::span<std::uint8_t> bytes = frame.bytes();
  const auto eth = net::EthernetHeader::at(bytes);
  if (!eth) return pass(SlowPathReason::kNotOffloadable);
  // nf_flow_skb_encap_protocol: an 802.1Q tag or a PPPoE session header is looked through
  // when the hook is on the port (the flow's key then names the VLAN or PPPoE device, see
  // FlowKey); a hook on that device itself sees the packet after the encapsulation is gone,
  // with the same key.
  unsigned key_iif = iif;
  std::size_t l2 = kEth;
  std::uint16_t ether_type = eth->ether_type();
  std::optional<unsigned> dev;
  if (ether_type == net::ether_type::kVlan) {
    const auto tag = net::VlanTag::at(bytes, kEth);
    if (!tag) return pass(SlowPathReason::kNotOffloadable);
    dev = config_.encap_device(iif, EncapDevice::Kind::kVlan, tag->vid());
    l2 = kEth + net::VlanTag::kSize;
    ether_type = tag->inner_type();
  } else if (ether_type == net::ether_type::kPppoeSession) {
    const std::optional<device::PppoeFrame> pppoe = device::frame_pppoe(bytes);
    if (!pppoe || pppoe->ether_type == 0) return pass(SlowPathReason::kNotOffloadable);
    dev = config_.encap_device(iif, EncapDevice::Kind::kPppoe, pppoe->session);
    l2 = kEth + device::kPppoeOverhead;
    ether_type = pppoe->ether_type;
  }
  if (l2 != kEth) {
    if (!dev) return pass(SlowPathReason::kNotOffloadable);
    if (!hooks(iif) && !hooks(*dev)) return pass(SlowPathReason::kNoFlowtable);
    key_iif = *dev;
  } else if (!hooks(iif)) {
    return pass(SlowPathReason::kNoFlowtable);
  }
  std::span<std::uint8_t> l3 = bytes.subspan(l2);
  std::size_t l4_offset = 0;
  net::FiveTuple tuple;
  std::uint8_t proto = 0;
  bool v4 = false;
  // nf_flow_tuple_ip / nf_flow_tuple_ipv6: what may take the fast path at all.
  if (ether_type == net::ether_type::kIpv4) {
    v4 = true;
    // The header must be 20 bytes long and whole, so no options (ihl must be 5).
    if (l3.size() < net::Ipv4Header::kMinSize || (l3[0] & 0x0f) != 5) return pass(SlowPathReason::kNotOffloadable);
    const auto ip = net::Ipv4Header::at(l3, 0);
    if (!ip || ip->is_fragment()) return pass(SlowPathReason::kNotOffloadable);
    proto = ip->protocol();
    if (proto != kTcp && proto != kUdp) return pass(SlowPathReason::kNotOffloadable);
    if (ip->ttl() <= 1) return pass(SlowPathReason::kTtl);
    l4_offset = net::Ipv4Header::kMinSize;
    tuple = net::FiveTuple::ipv4(ip->src(), ip->dst(), proto, 0, 0);
  } else if (ether_type == net::ether_type::kIpv6) {
    const auto ip = net::Ipv6Header::at(l3, 0);
    if (!ip) return pass(SlowPathReason::kNotOffloadable);
    proto = ip->next_header();  // any extension header takes the slow path
    if (proto != kTcp && proto != kUdp) return pass(SlowPathReason::kNotOffloadable);
    if (ip->hop_limit() <= 1) return pass(SlowPathReason::kTtl);
    l4_offset = net::Ipv6Header::kSize;
    tuple = net::FiveTuple::ipv6(ip->src(), ip->dst(), proto, 0, 0);
  } else {
    return pass(SlowPathReason::kNotOffloadable);
  }
  // The fixed transport header must be there (the TCP options need not be).
  const std::size_t hdrsize = proto == kTcp ? net::TcpHeader::kMinSize : net::UdpHeader::kSize;
  if (l3.size() < l4_offset + hdrsize) return pass(SlowPathReason::kNotOffloadable);
  std::uint8_t* l4 = l3.data() + l4_offset;
  tuple = with_ports(l4, tuple);

  // flow_offload_lookup
  const auto it = table_.find(FlowKey{tuple, key_iif});
  if (it == table_.end()) return pass(SlowPathReason::kNoFlow);
  Flow& flow = *it->second.flow;
  const unsigned dir = it->second.dir;
  if (flow.has(kFlowTeardown) || (flow.ct->status & conntrack::kDying)) return pass(SlowPathReason::kFlowTeardown);

  // nf_flow_exceeds_mtu: skb->len at the ingress hook, i.e. including Ethernet padding.
  const std::size_t len = bytes.size() - l2;
  if (len > flow.route[dir].mtu) return pass(SlowPathReason::kMtu);

  // nf_flow_state_check
  if (proto == kTcp) {
    const std::uint8_t flags = l4[13];
    if (config_.semantics == FlowtableSemantics::kOld) {
      if (flags & (kFin | kRst)) {
        teardown(flow, now);
        return pass(SlowPathReason::kTcpFinRst);
      }
    } else {
      if ((flags & kSyn) && flow.has(kFlowClosing)) {
        teardown(flow, now);
        return pass(SlowPathReason::kSynOnClosing);
      }
      if (flags & (kFin | kRst)) flow.flags |= kFlowClosing;
    }
  }

  refresh(flow, now);
  if (config_.counter) conntrack_.account(*flow.ct, static_cast<conntrack::CtDir>(dir), len);

  // Transmit through the neighbour of the next hop: the route's gateway, or the translated
  // destination (the other direction's source).
  const FlowRoute& route = flow.route[dir];
  const net::FiveTuple& other = flow.tuple[1 - dir];
  const EncapDevice* out = config_.encap_of(route.oif);
  std::optional<net::MacAddr> next_hop;
  if (out != nullptr && out->kind == EncapDevice::Kind::kPppoe) {
    next_hop = out->peer;  // point to point: the access concentrator
  } else if (route.gateway) {
    next_hop = neighbours_.lookup(route.oif, *route.gateway);
  } else if (v4) {
    next_hop = neighbours_.lookup(route.oif, other.src_v4());
  } else {
    next_hop = neighbours_.lookup(route.oif, other.src_v6());
  }
  if (!next_hop) {
    if (config_.semantics == FlowtableSemantics::kNew) teardown(flow, now);
    return Result{Result::Kind::kDrop, SlowPathReason::kNoFlow, 0};
  }

  if (v4) {
    flow_nat_ipv4(l3, l4_offset, flow, dir);
    const auto ip = net::Ipv4Header::at(l3, 0).value();
    ip.set_ttl(static_cast<std::uint8_t>(ip.ttl() - 1));
    ip.set_checksum(net::ipv4_ttl_decrement_checksum(ip.checksum()));
  } else {
    flow_nat_ipv6(l3, l4_offset, flow, dir);
    const auto ip = net::Ipv6Header::at(l3, 0).value();
    ip.set_hop_limit(static_cast<std::uint8_t>(ip.hop_limit() - 1));
  }
  eth->set_dst(*next_hop);
  eth->set_src(route.src_mac);
  // The encapsulation popped on the way in goes; the way out pushes the egress device's
  // (directly, or through that device's own transmit: the same bytes on the wire).
  if (l2 != kEth) {
    net::store_be16(frame.bytes().data() + 12, ether_type);
    frame.erase(kEth, l2 - kEth);
  }
  if (out != nullptr && out->kind == EncapDevice::Kind::kVlan) device::push_vlan(frame, out->id);
  if (out != nullptr && out->kind == EncapDevice::Kind::kPppoe) device::push_pppoe(frame, out->id);
  ++stats_.fast_path_packets;
  return Result{Result::Kind::kForward, SlowPathReason::kNoFlow, config_.port_of(route.oif)};
}

}  // namespace flowsim::engine::flowtable
