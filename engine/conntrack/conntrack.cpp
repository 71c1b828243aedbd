// SPDX-License-Identifier: Apache-2.0
#include "engine/conntrack/conntrack.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "engine/conntrack/ct_tuple.hpp"
#include "net/byte_order.hpp"
#include "net/checksum.hpp"
#include "net/icmp_header.hpp"
#include "net/ip_proto.hpp"
#include "net/ipv4_header.hpp"
#include "net/ipv6_ext_headers.hpp"
#include "net/ipv6_header.hpp"

namespace flowsim::engine::conntrack {
namespace {

using std::chrono::nanoseconds;

// Where the transport header of a datagram is (ipv4_get_l4proto / ipv6_get_l4proto):
// nullopt when it cannot be found, which includes every non-first fragment — conntrack
// expects defragmented packets (nf_defrag_ipv4/ipv6 run before it) and sees fragments only
// quoted inside ICMP errors.
struct L4Location {
  std::uint8_t proto = 0;
  std::size_t offset = 0;
};

std::optional<L4Location> locate_l4(std::span<const std::uint8_t> d, std::uint8_t family) {
  if (family == 4) {
    const auto ip = net::ConstIpv4Header::at(d, 0);
    if (!ip || ip->fragment_offset() != 0) return std::nullopt;
    return L4Location{ip->protocol(), ip->header_length()};
  }
  const std::optional<net::Ipv6Transport> t = net::ipv6_skip_exthdr(d);
  if (!t || t->later_fragment()) return std::nullopt;
  return L4Location{t->next_header, t->offset};
}

// The transport header and what follows it; empty when the IPv6 extension headers claim more
// than the datagram holds (ipv6_skip_exthdr then points beyond it and skb_header_pointer
// fails: TCP, UDP and ICMP get no tuple, other protocols need none).
std::span<const std::uint8_t> l4_of(std::span<const std::uint8_t> d, const L4Location& loc) {
  return loc.offset <= d.size() ? d.subspan(loc.offset) : std::span<const std::uint8_t>{};
}

net::FiveTuple addresses_of(std::span<const std::uint8_t> d, std::uint8_t family, std::uint8_t proto) {
  net::FiveTuple t;
  t.family = family;
  t.proto = proto;
  if (family == 4) {
    const auto ip = net::ConstIpv4Header::at(d, 0).value();
    net::store_be32(t.src.data(), ip.src().value());
    net::store_be32(t.dst.data(), ip.dst().value());
  } else {
    const auto ip = net::ConstIpv6Header::at(d, 0).value();
    t.src = ip.src().bytes();
    t.dst = ip.dst().bytes();
  }
  return t;
}

// The TCP/UDP/ICMPv6 checksum over `l4` with the datagram's pseudo-header; 0 when correct.
std::uint16_t l4_checksum_of(std::span<const std::uint8_t> d, std::uint8_t family, std::uint8_t proto,
                             std::span<const std::uint8_t> l4) {
  if (family == 4) {
    const auto ip = net::ConstIpv4Header::at(d, 0).value();
    return net::l4_checksum(ip.src(), ip.dst(), proto, l4);
  }
  const auto ip = net::ConstIpv6Header::at(d, 0).value();
  return net::l4_checksum(ip.src(), ip.dst(), proto, l4);
}

bool is_icmp(std::uint8_t proto, std::uint8_t family) {
  return (family == 4 && proto == net::ip_proto::kIcmp) || (family == 6 && proto == net::ip_proto::kIcmpv6);
}

// nf_ct_get_tuple: the tuple of the packet, or nullopt if its header is cut off.
std::optional<net::FiveTuple> tuple_of(std::span<const std::uint8_t> d, std::uint8_t family, const L4Location& loc) {
  net::FiveTuple t = addresses_of(d, family, loc.proto);
  const std::span<const std::uint8_t> l4 = l4_of(d, loc);
  if (loc.proto == net::ip_proto::kTcp || loc.proto == net::ip_proto::kUdp) {
    if (l4.size() < 4) return std::nullopt;
    t.src_port = net::load_be16(l4.data());
    t.dst_port = net::load_be16(l4.data() + 2);
  } else if (is_icmp(loc.proto, family)) {
    if (l4.size() < 8) return std::nullopt;
    t.src_port = net::load_be16(l4.data() + 4);                  // echo id
    t.dst_port = static_cast<std::uint16_t>(l4[0] << 8 | l4[1]);  // type, code
  }
  return t;
}

// ICMPv6 types conntrack leaves untracked (neighbour discovery and MLD: icmpv6_error's
// noct_valid_new).
bool icmpv6_untracked(std::uint8_t type) { return (type >= 130 && type <= 137) || type == 143; }

nanoseconds udp_stream_delay() { return std::chrono::seconds(2); }

}  // namespace

std::size_t Conntrack::SourceKeyHash::operator()(const SourceKey& k) const {
  net::FiveTuple t;
  t.src = k.addr;
  t.src_port = k.port;
  t.proto = k.proto;
  t.family = k.family;
  return TupleHash{}(t);
}

Conntrack::Conntrack(ConntrackConfig config)
    : config_(std::move(config)), unconfirmed_(std::make_unique<Connection>()) {}

Conntrack::~Conntrack() = default;

Connection& Conntrack::new_unconfirmed() {
  if (!unconfirmed_) unconfirmed_ = std::make_unique<Connection>();
  *unconfirmed_ = Connection{};
  unconfirmed_live_ = true;
  return *unconfirmed_;
}

void Conntrack::release_graveyard() {
  for (auto it = graveyard_.begin(); it != graveyard_.end();) {
    if (it->second->refs == 0) {
      it = graveyard_.erase(it);
    } else {
      ++it;
    }
  }
}

CtRef Conntrack::in(std::span<const std::uint8_t> datagram, std::uint8_t family, CtHook hook, nanoseconds now) {
  unconfirmed_live_ = false;
  release_graveyard();
  CtRef ref = resolve(datagram, family, hook, now);
  if (ref.info == CtInfo::kInvalid) ++stats_.invalid;
  return ref;
}

CtRef Conntrack::resolve(std::span<const std::uint8_t> d, std::uint8_t family, CtHook hook, nanoseconds now) {
  const std::optional<L4Location> loc = locate_l4(d, family);
  if (!loc) return CtRef{};
  const std::span<const std::uint8_t> l4 = l4_of(d, *loc);
  const bool verify = config_.checksum && hook == CtHook::kPrerouting;

  if (is_icmp(loc->proto, family)) {
    if (l4.size() < 8) return CtRef{};  // short packet
    const std::uint8_t type = l4[0];
    if (family == 4) {
      if (verify && net::internet_checksum(l4) != 0) return CtRef{};
      if (type > net::icmp_type::kMax) return CtRef{};
    } else {
      if (verify && l4_checksum_of(d, family, net::ip_proto::kIcmpv6, l4) != 0) return CtRef{};
      if (icmpv6_untracked(type)) return CtRef{nullptr, CtDir::kOriginal, CtInfo::kUntracked};
    }
    const bool error = family == 4 ? net::icmp_is_error(type) : net::icmpv6_is_error(type);
    if (error) {
      // nf_conntrack_inet_error: is the quoted packet one of our connections?
      const std::span<const std::uint8_t> inner = l4.subspan(8);
      if (inner.empty() || (inner[0] >> 4) != (family == 4 ? 4 : 6)) return CtRef{};
      const std::optional<L4Location> inner_loc = locate_l4(inner, family);
      if (!inner_loc) return CtRef{};
      const std::optional<net::FiveTuple> orig = tuple_of(inner, family, *inner_loc);
      if (!orig) return CtRef{};
      const std::optional<net::FiveTuple> wanted = invert_tuple(*orig);
      if (!wanted) return CtRef{};
      CtDir dir{};
      Connection* ct = find(*wanted, &dir, now);
      if (ct == nullptr) return CtRef{};
      // The error must be addressed to where the connection's packets in that direction go.
      const net::FiveTuple outer = addresses_of(d, family, loc->proto);
      if (outer.dst != ct->tuple[index_of(dir)].dst) return CtRef{};
      ++stats_.found;
      return CtRef{ct, dir, dir == CtDir::kReply ? CtInfo::kRelatedReply : CtInfo::kRelated};
    }
  }

  std::optional<net::FiveTuple> tuple = tuple_of(d, family, *loc);
  if (!tuple) return CtRef{};

  for (int attempt = 0; attempt < 2; ++attempt) {
    CtRef ref;
    Connection* ct = find(*tuple, &ref.dir, now);
    if (ct != nullptr) {
      ++stats_.found;
      ref.ct = ct;
      if (ref.dir == CtDir::kReply) {
        ref.info = CtInfo::kEstablishedReply;
      } else if (ct->status & kSeenReply) {
        ref.info = CtInfo::kEstablished;
      } else if (ct->status & kExpected) {
        ref.info = CtInfo::kRelated;
      } else {
        ref.info = CtInfo::kNew;
      }
    } else {
      const std::optional<net::FiveTuple> reply = invert_tuple(*tuple);
      if (!reply) return CtRef{};  // "Can't invert tuple"
      Connection& fresh = new_unconfirmed();
      fresh.tuple = {*tuple, *reply};
      ref.ct = &fresh;
      ref.dir = CtDir::kOriginal;
      ref.info = CtInfo::kNew;
    }
    Connection& c = *ref.ct;
    const bool confirmed = c.status & kConfirmed;
    const std::uint64_t bytes = d.size();
    const std::uint32_t status = c.status;  // as the protocol handlers read it: before SEEN_REPLY

    auto invalid = [&]() {
      if (!confirmed) unconfirmed_live_ = false;
      return CtRef{};
    };

    switch (loc->proto) {
      case net::ip_proto::kTcp: {
        // tcp_error: truncated, checksum, flag combination.
        if (l4.size() < 20) return invalid();
        const std::size_t doff = static_cast<std::size_t>(l4[12] >> 4) * 4;
        if (doff < 20 || l4.size() < doff) return invalid();
        if (verify && l4_checksum_of(d, family, net::ip_proto::kTcp, l4) != 0) return invalid();
        TcpSegment seg;
        seg.flags = l4[13];
        seg.seq = net::load_be32(l4.data() + 4);
        seg.ack = net::load_be32(l4.data() + 8);
        seg.window = net::load_be16(l4.data() + 14);
        seg.options = l4.subspan(20, doff - 20);
        seg.payload_length = static_cast<std::uint32_t>(l4.size() - doff);
        if (!TcpTracker::flags_valid(seg.flags)) return invalid();
        if (!confirmed && !TcpTracker::on_new(c, seg, config_.tcp)) return invalid();
        switch (TcpTracker::on_packet(c, ref.dir, seg, now, config_.timeouts, config_.tcp)) {
          case TcpVerdict::kInvalid: return invalid();
          case TcpVerdict::kReopen:
            // The kernel kills the old entry and repeats the lookup: the SYN starts anew.
            if (confirmed) kill(c);
            continue;
          case TcpVerdict::kAcceptAndKill:
            account(c, ref.dir, bytes);
            if (confirmed) kill(c);
            break;
          case TcpVerdict::kAccept: account(c, ref.dir, bytes); break;
          case TcpVerdict::kIgnore: break;
        }
        break;
      }
      case net::ip_proto::kUdp: {
        // udp_error: short, length field, checksum (0 = none).
        if (l4.size() < 8) return invalid();
        const std::uint16_t len = net::load_be16(l4.data() + 4);
        if (len > l4.size() || len < 8) return invalid();
        if (verify && net::load_be16(l4.data() + 6) != 0 &&
            l4_checksum_of(d, family, net::ip_proto::kUdp, l4.first(len)) != 0) {
          return invalid();
        }
        if (!confirmed) c.udp_stream_ts = now + udp_stream_delay();
        if (status & kSeenReply) {
          // Still active two seconds after the first packet: a stream, assured, longer timeout.
          nanoseconds extra = config_.timeouts.udp_unreplied;
          bool stream = false;
          if (now > c.udp_stream_ts) {
            extra = config_.timeouts.udp_replied;
            stream = (status & kAssured) == 0;
          }
          c.timeout = now + extra;
          account(c, ref.dir, bytes);
          if (stream && !(status & kNatClash)) c.status |= kAssured;
        } else {
          c.timeout = now + nanoseconds(config_.timeouts.udp_unreplied);
          account(c, ref.dir, bytes);
        }
        break;
      }
      case net::ip_proto::kIcmp:
      case net::ip_proto::kIcmpv6: {
        if (!is_icmp(loc->proto, family)) {  // ICMP in IPv6 or ICMPv6 in IPv4
          return invalid();
        }
        const std::uint8_t orig_type = icmp_type_of(c.tuple[0]);
        const bool may_start =
            family == 4 ? (orig_type == 8 || orig_type == 13 || orig_type == 15 || orig_type == 17)
                        : (orig_type == 128 || orig_type == 139);
        if ((family == 4 || !confirmed) && !may_start) return invalid();
        c.timeout = now + nanoseconds(family == 4 ? config_.timeouts.icmp : config_.timeouts.icmpv6);
        account(c, ref.dir, bytes);
        break;
      }
      default:
        c.timeout = now + nanoseconds(config_.timeouts.generic);
        account(c, ref.dir, bytes);
        break;
    }
    if (ref.info == CtInfo::kEstablishedReply) c.status |= kSeenReply;
    return ref;
  }
  return CtRef{};
}

bool Conntrack::confirm(const CtRef& ref) {
  if (ref.ct == nullptr || (ref.ct->status & kConfirmed)) return true;
  if (!unconfirmed_live_ || ref.ct != unconfirmed_.get()) return true;
  unconfirmed_live_ = false;
  Connection& c = *unconfirmed_;
  if (table_.contains(c.tuple[0]) || table_.contains(c.tuple[1])) {
    ++stats_.insert_failed;
    return false;
  }
  c.status |= kConfirmed;
  c.id = next_id_++;
  std::unique_ptr<Connection> owned = std::move(unconfirmed_);
  Connection* p = owned.get();
  table_.emplace(p->tuple[0], TupleRef{p, CtDir::kOriginal});
  table_.emplace(p->tuple[1], TupleRef{p, CtDir::kReply});
  if (p->status & kSrcNatDone) by_source_.emplace(source_key(p->tuple[0]), p);
  entries_.emplace(p->id, std::move(owned));
  ++stats_.insert;
  return true;
}

void Conntrack::set_reply_tuple(Connection& unconfirmed, const net::FiveTuple& reply) { unconfirmed.tuple[1] = reply; }

bool Conntrack::tuple_taken(const net::FiveTuple& t, const Connection* ignored, nanoseconds now) {
  Connection* ct = find(t, nullptr, now);
  return ct != nullptr && ct != ignored;
}

Connection* Conntrack::find(const net::FiveTuple& t, CtDir* dir, nanoseconds now) {
  const auto it = table_.find(t);
  if (it == table_.end()) return nullptr;
  Connection* ct = it->second.ct;
  if (expired(*ct, now)) {
    ++stats_.expired;
    kill(*ct);
    return nullptr;
  }
  if (dir != nullptr) *dir = it->second.dir;
  return ct;
}

void Conntrack::unlink(Connection& ct) {
  table_.erase(ct.tuple[0]);
  table_.erase(ct.tuple[1]);
  auto [lo, hi] = by_source_.equal_range(source_key(ct.tuple[0]));
  for (auto it = lo; it != hi; ++it) {
    if (it->second == &ct) {
      by_source_.erase(it);
      break;
    }
  }
}

void Conntrack::kill(Connection& ct) {
  if (!(ct.status & kConfirmed) || (ct.status & kDying)) return;
  ct.status |= kDying;
  unlink(ct);
  auto it = entries_.find(ct.id);
  if (it != entries_.end()) {
    // Kept until the packet being processed is done with it, and while referenced.
    graveyard_.emplace(ct.id, std::move(it->second));
    entries_.erase(it);
  }
}

std::size_t Conntrack::kill_if(const std::function<bool(const Connection&)>& pred) {
  std::vector<Connection*> doomed;
  for (const auto& [id, ct] : entries_) {
    if (pred(*ct)) doomed.push_back(ct.get());
  }
  for (Connection* ct : doomed) kill(*ct);
  return doomed.size();
}

void Conntrack::put(Connection& ct) {
  if (ct.refs > 0) --ct.refs;
}

void Conntrack::gc(nanoseconds now, bool offload_keepalive) {
  constexpr nanoseconds kDay = std::chrono::hours(24);
  for (auto it = entries_.begin(); it != entries_.end();) {
    Connection& ct = *it->second;
    ++it;  // kill() moves the entry out of entries_
    if (offload_keepalive && (ct.status & kOffload)) {
      if (ct.timeout - now < kDay / 2) ct.timeout = now + kDay;
      continue;
    }
    if (expired(ct, now)) {
      ++stats_.expired;
      kill(ct);
    }
  }
  release_graveyard();
}

void Conntrack::account(Connection& ct, CtDir dir, std::uint64_t bytes) const {
  CtCounter& c = ct.counters[index_of(dir)];
  ++c.packets;
  c.bytes += bytes;
}

void Conntrack::for_each_same_source(const net::FiveTuple& orig,
                                     const std::function<void(const Connection&)>& f) const {
  auto [lo, hi] = by_source_.equal_range(source_key(orig));
  for (auto it = lo; it != hi; ++it) f(*it->second);
}

std::string Conntrack::dump_line(const Connection& ct, nanoseconds now) const {
  const net::FiveTuple& o = ct.tuple[0];
  char head[64];
  std::snprintf(head, sizeof head, "%-8s %u %-8s %u ", o.family == 4 ? "ipv4" : "ipv6", o.family == 4 ? 2u : 10u,
                l4proto_name(o.proto), static_cast<unsigned>(o.proto));
  std::string s = head;
  const bool offloaded = ct.status & kOffload;
  if (!offloaded) {
    const nanoseconds left = ct.timeout > now ? ct.timeout - now : nanoseconds(0);
    s += std::to_string(std::chrono::duration_cast<std::chrono::seconds>(left).count()) + ' ';
    if (o.proto == net::ip_proto::kTcp) s += std::string(to_string(ct.tcp.state)) + ' ';
  }
  auto acct = [&](CtDir d) {
    if (!config_.acct) return;
    const CtCounter& c = ct.counters[index_of(d)];
    s += "packets=" + std::to_string(c.packets) + " bytes=" + std::to_string(c.bytes) + ' ';
  };
  s += tuple_text(o);
  acct(CtDir::kOriginal);
  if (!(ct.status & kSeenReply)) s += "[UNREPLIED] ";
  s += tuple_text(ct.tuple[1]);
  acct(CtDir::kReply);
  if (ct.status & kHwOffload) {
    s += "[HW_OFFLOAD] ";
  } else if (offloaded) {
    s += "[OFFLOAD] ";
  } else if (ct.status & kAssured) {
    s += "[ASSURED] ";
  }
  // use= counts the table's reference, the one ct_seq_show takes while printing, and the
  // flowtable's.
  s += "mark=" + std::to_string(ct.mark) + " use=" + std::to_string(2 + ct.refs) + '\n';
  return s;
}

std::string Conntrack::dump(nanoseconds now) const {
  std::string out;
  for (const auto& [id, ct] : entries_) {
    if (expired(*ct, now)) continue;  // ct_seq_show skips (and kills) expired entries
    out += dump_line(*ct, now);
  }
  return out;
}

}  // namespace flowsim::engine::conntrack
