// SPDX-License-Identifier: Apache-2.0
#include "engine/nat/nat_core.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <utility>

#include "engine/conntrack/ct_tuple.hpp"
#include "engine/nat/jhash.hpp"
#include "net/byte_order.hpp"
#include "net/ip_proto.hpp"

namespace flowsim::engine::nat {
namespace {

using conntrack::Connection;

constexpr unsigned kMaxAttempts = 128;                    // NF_NAT_MAX_ATTEMPTS
constexpr unsigned kHarderThreshold = kMaxAttempts / 4;  // NF_NAT_HARDER_THRESH

bool has_ports(std::uint8_t proto) {
  return proto == net::ip_proto::kTcp || proto == net::ip_proto::kUdp || proto == net::ip_proto::kDccp ||
         proto == net::ip_proto::kSctp || proto == net::ip_proto::kUdpLite;
}
bool is_icmp(std::uint8_t proto) { return proto == net::ip_proto::kIcmp || proto == net::ip_proto::kIcmpv6; }

// nf_nat_inet_in_range: the source address within [min, max] (byte order compares as ntohl
// for IPv4 and ipv6_addr_cmp for IPv6).
bool address_in_range(const net::FiveTuple& t, const NatRange& range) {
  const std::size_t n = t.family == 4 ? 4 : 16;
  return std::memcmp(t.src.data(), range.min_addr.data(), n) >= 0 &&
         std::memcmp(t.src.data(), range.max_addr.data(), n) <= 0;
}

bool l4proto_in_range(const net::FiveTuple& t, ManipType type, std::uint16_t min, std::uint16_t max) {
  if (is_icmp(t.proto)) return t.src_port >= min && t.src_port <= max;
  if (has_ports(t.proto) || t.proto == 47) {
    const std::uint16_t port = type == ManipType::kSrc ? t.src_port : t.dst_port;
    return port >= min && port <= max;
  }
  return true;
}

// nf_in_range: would mapping the source to this tuple satisfy the range?
bool in_range(const net::FiveTuple& t, const NatRange& range) {
  if ((range.flags & kMapIps) && !address_in_range(t, range)) return false;
  if (!(range.flags & kProtoSpecified)) return true;
  return l4proto_in_range(t, ManipType::kSrc, range.min_port, range.max_port);
}

// The address as the kernel's __be32 words are seen by a little-endian CPU.
std::uint32_t raw_word(const std::array<std::uint8_t, 16>& a, unsigned i) { return net::load_le32(a.data() + 4 * i); }
std::uint32_t host_word(const std::array<std::uint8_t, 16>& a, unsigned i) { return net::load_be32(a.data() + 4 * i); }

// find_best_ips_proto: a hash of the addresses picks one address of a multi-address range,
// so that a client keeps its public address across connections.
void find_best_ips(net::FiveTuple& tuple, const NatRange& range, ManipType type) {
  if (!(range.flags & kMapIps)) return;
  std::array<std::uint8_t, 16>& var = type == ManipType::kSrc ? tuple.src : tuple.dst;
  if (range.min_addr == range.max_addr) {
    var = range.min_addr;
    return;
  }
  const unsigned max = tuple.family == 4 ? 0 : 3;
  std::array<std::uint32_t, 4> words{};
  for (unsigned i = 0; i < 4; ++i) words[i] = raw_word(tuple.src, i);
  std::uint32_t j = jhash2(words, (range.flags & kPersistent) ? 0 : raw_word(tuple.dst, max));
  bool full_range = false;
  for (unsigned i = 0; i <= max; ++i) {
    std::uint32_t minip = 0;
    std::uint32_t dist = ~std::uint32_t{0};
    if (!full_range) {
      minip = host_word(range.min_addr, i);
      dist = host_word(range.max_addr, i) - minip + 1;
    }
    net::store_be32(var.data() + 4 * i, minip + reciprocal_scale(j, dist));
    if (raw_word(var, i) != raw_word(range.max_addr, i)) full_range = true;
    if (!(range.flags & kPersistent)) j ^= raw_word(tuple.dst, i);
  }
}

}  // namespace

NatCore::NatCore(conntrack::Conntrack& conntrack, std::uint64_t seed, PortSlice slice)
    : conntrack_(conntrack), rng_state_(seed), slice_(slice) {}

void NatCore::narrow_to_slice(unsigned& min, unsigned& size) const {
  // A range smaller than the number of slices cannot be split; it stays whole.
  if (slice_.count <= 1 || size < slice_.count) return;
  const unsigned lo = static_cast<unsigned>(std::uint64_t{size} * slice_.index / slice_.count);
  const unsigned hi = static_cast<unsigned>(std::uint64_t{size} * (slice_.index + 1) / slice_.count);
  min += lo;
  size = hi - lo;
}

bool NatCore::port_in_slice(const net::FiveTuple& tuple, const NatRange& range) const {
  if (slice_.count <= 1) return true;
  unsigned min = 0;
  unsigned size = 0;
  const unsigned port = tuple.src_port;
  if (range.flags & kProtoSpecified) {
    min = std::min(range.min_port, range.max_port);
    size = static_cast<unsigned>(std::max(range.min_port, range.max_port)) - min + 1;
  } else if (is_icmp(tuple.proto)) {
    size = 65536;
  } else if (has_ports(tuple.proto)) {
    min = port < 512 ? 1 : port < 1024 ? 600 : 1024;
    size = port < 512 ? 511 : port < 1024 ? 424 : 64512;
  } else {
    return true;
  }
  narrow_to_slice(min, size);
  return port >= min && port < min + size;
}

std::uint16_t NatCore::random_u16() {
  // splitmix64: tiny, and the same sequence on every platform and standard library.
  ++draws_;
  std::uint64_t z = (rng_state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return static_cast<std::uint16_t>(z >> 48);
}

// nf_nat_used_tuple: would the connection's reply tuple collide with another entry?
bool NatCore::used_tuple(const net::FiveTuple& tuple, const Connection& ct) {
  const std::optional<net::FiveTuple> reply = conntrack::invert_tuple(tuple);
  return reply && conntrack_.tuple_taken(*reply, &ct, now_);
}

// nf_nat_used_tuple_harder: in the last attempts for a TCP SYN, a colliding SNATed entry in
// TIME_WAIT (or later) whose sequence numbers the new connection has passed is evicted.
bool NatCore::used_tuple_harder(const net::FiveTuple& tuple, const Connection& ct, unsigned attempts_left) {
  if (attempts_left > kHarderThreshold || tuple.proto != net::ip_proto::kTcp ||
      ct.tcp.state != conntrack::TcpState::kSynSent) {
    return used_tuple(tuple, ct);
  }
  const std::optional<net::FiveTuple> reply = conntrack::invert_tuple(tuple);
  if (!reply) return true;
  conntrack::CtDir dir{};
  Connection* other = conntrack_.find(*reply, &dir, now_);
  if (other == nullptr) return false;
  if (dir == conntrack::CtDir::kOriginal || other == &ct) return true;
  const std::uint32_t flags = other->status;
  if (other->tcp.state < conntrack::TcpState::kTimeWait || (flags & (conntrack::kFixedTimeout | conntrack::kDying)) ||
      !(flags & conntrack::kSrcNat)) {
    return true;
  }
  if (static_cast<std::int32_t>(ct.tcp.seen[0].td_end - other->tcp.seen[0].td_end) <= 0) return true;
  conntrack_.kill(*other);
  // Even when evicted, an offloaded entry's tuple is not reused.
  return (flags & (conntrack::kOffload | conntrack::kHwOffload)) != 0;
}

bool NatCore::find_appropriate_src(const net::FiveTuple& orig, const NatRange& range, net::FiveTuple& result) const {
  bool found = false;
  conntrack_.for_each_same_source(orig, [&](const Connection& other) {
    if (found) return;
    const std::optional<net::FiveTuple> mapped = conntrack::invert_tuple(other.tuple[1]);
    if (!mapped) return;
    net::FiveTuple candidate = *mapped;
    candidate.dst = orig.dst;
    candidate.dst_port = orig.dst_port;
    candidate.proto = orig.proto;
    if (in_range(candidate, range)) {
      result = candidate;
      found = true;
    }
  });
  return found;
}

void NatCore::l4proto_unique_tuple(net::FiveTuple& tuple, const NatRange& range, ManipType type,
                                   const Connection& ct) {
  std::uint16_t* key = nullptr;
  unsigned min = 0;
  unsigned range_size = 0;
  if (is_icmp(tuple.proto)) {
    key = &tuple.src_port;  // the id is the same in both directions
    if (!(range.flags & kProtoSpecified)) {
      min = 0;
      range_size = 65536;
    } else {
      min = range.min_port;
      range_size = static_cast<unsigned>(range.max_port) - range.min_port + 1;
    }
  } else if (has_ports(tuple.proto)) {
    key = type == ManipType::kSrc ? &tuple.src_port : &tuple.dst_port;
    if (!(range.flags & kProtoSpecified)) {
      if (type == ManipType::kDst) return;  // a destination rewrite cannot change the port
      if (*key < 1024) {
        // Loose convention: ports below 512 are credential passing.
        if (*key < 512) {
          min = 1;
          range_size = 511;
        } else {
          min = 600;
          range_size = 1023 - 600 + 1;
        }
      } else {
        min = 1024;
        range_size = 65535 - 1024 + 1;
      }
    } else {
      unsigned lo = range.min_port;
      unsigned hi = range.max_port;
      if (hi < lo) std::swap(lo, hi);
      min = lo;
      range_size = hi - lo + 1;
    }
  } else {
    return;
  }
  if (type == ManipType::kSrc) narrow_to_slice(min, range_size);

  std::uint16_t off = 0;
  if (range.flags & kProtoOffset) {
    off = static_cast<std::uint16_t>(*key - range.base_port);
  } else if ((range.flags & kProtoRandomAll) || type != ManipType::kDst) {
    off = random_u16();
  }
  unsigned attempts = std::min(range_size, kMaxAttempts);
  // Probing the whole range could take long when it is full; shrink the window instead.
  for (;;) {
    for (unsigned i = 0; i < attempts; ++i, ++off) {
      *key = static_cast<std::uint16_t>(min + off % range_size);
      if (!used_tuple_harder(tuple, ct, attempts - i)) return;
    }
    if (attempts >= range_size || attempts < 16) return;
    attempts /= 2;
    off = random_u16();
  }
}

net::FiveTuple NatCore::unique_tuple(const net::FiveTuple& orig, const NatRange& range, const Connection& ct,
                                     ManipType type) {
  // 1) Source mappings: keep the original tuple, or reuse this source's existing mapping.
  if (type == ManipType::kSrc && !(range.flags & kProtoRandomAll)) {
    if (in_range(orig, range) && port_in_slice(orig, range)) {
      if (!used_tuple(orig, ct)) return orig;
    } else {
      net::FiveTuple mapped;
      if (find_appropriate_src(orig, range, mapped) && !used_tuple(mapped, ct)) return mapped;
    }
  }
  // 2) The address.
  net::FiveTuple tuple = orig;
  find_best_ips(tuple, range, type);
  // 3) The port, only if not already in range and unique.
  const bool slice_allows = type != ManipType::kSrc || port_in_slice(tuple, range);
  if (!(range.flags & kProtoRandomAll) && slice_allows) {
    if (range.flags & kProtoSpecified) {
      if (!(range.flags & kProtoOffset) && l4proto_in_range(tuple, type, range.min_port, range.max_port) &&
          (range.min_port == range.max_port || !used_tuple(tuple, ct))) {
        return tuple;
      }
    } else if (!used_tuple(tuple, ct)) {
      return tuple;
    }
  }
  l4proto_unique_tuple(tuple, range, type, ct);
  return tuple;
}

void NatCore::setup(Connection& ct, const NatRange& range, ManipType type, std::chrono::nanoseconds now) {
  if (ct.status & conntrack::kConfirmed) return;
  now_ = now;
  const std::optional<net::FiveTuple> curr = conntrack::invert_tuple(ct.tuple[1]);
  if (curr) {
    const net::FiveTuple chosen = unique_tuple(*curr, range, ct, type);
    if (chosen != *curr) {
      conntrack_.set_reply_tuple(ct, *conntrack::invert_tuple(chosen));
      ct.status |= type == ManipType::kSrc ? conntrack::kSrcNat : conntrack::kDstNat;
    }
  }
  ct.status |= type == ManipType::kSrc ? conntrack::kSrcNatDone : conntrack::kDstNatDone;
}

void NatCore::setup_null_binding(Connection& ct, ManipType type, std::chrono::nanoseconds now) {
  NatRange range;
  range.flags = kMapIps;
  range.min_addr = range.max_addr = type == ManipType::kSrc ? ct.tuple[1].dst : ct.tuple[1].src;
  // A null binding keeps the conversation's own tuple, which no other shard can hold: the
  // port slice does not apply (it would move every routed connection's port).
  const PortSlice slice = slice_;
  slice_ = {};
  setup(ct, range, type, now);
  slice_ = slice;
}

}  // namespace flowsim::engine::nat
