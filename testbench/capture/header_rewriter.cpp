// SPDX-License-Identifier: Apache-2.0
#include "testbench/capture/header_rewriter.hpp"

#include <optional>

#include "net/byte_order.hpp"
#include "net/checksum.hpp"

namespace flowsim::capture {
namespace {

constexpr std::uint8_t kTcp = 6;
constexpr std::uint8_t kUdp = 17;
constexpr std::uint8_t kIcmp = 1;
constexpr std::uint8_t kIcmpv6 = 58;

// A checksum field that covers a word being changed. A UDP checksum of zero means "none"
// and stays zero; one that becomes zero is stored as 0xffff (RFC 768).
struct Sum {
  std::size_t offset = 0;
  bool udp = false;
};

class Patcher {
 public:
  Patcher(std::span<std::uint8_t> f, std::optional<std::size_t> outer) : f_(f), outer_(outer) {}

  // Sets the 16-bit word at `off` to `to`, keeping every checksum in `sums` (and the outer
  // one, which covers them too) right.
  void set16(std::size_t off, std::uint16_t to, std::initializer_list<std::optional<Sum>> sums) {
    if (off + 2 > f_.size()) return;
    const std::uint16_t from = net::load_be16(f_.data() + off);
    if (from == to) return;
    net::store_be16(f_.data() + off, to);
    note_outer(from, to);
    for (const auto& s : sums) {
      if (!s || s->offset + 2 > f_.size()) continue;
      const std::uint16_t old_sum = net::load_be16(f_.data() + s->offset);
      if (s->udp && old_sum == 0) continue;
      std::uint16_t new_sum = net::csum_replace2(old_sum, from, to);
      if (s->udp && new_sum == 0) new_sum = 0xffff;
      net::store_be16(f_.data() + s->offset, new_sum);
      note_outer(old_sum, new_sum);
    }
  }

 private:
  void note_outer(std::uint16_t from, std::uint16_t to) {
    if (!outer_ || *outer_ + 2 > f_.size()) return;
    net::store_be16(f_.data() + *outer_, net::csum_replace2(net::load_be16(f_.data() + *outer_), from, to));
  }

  std::span<std::uint8_t> f_;
  std::optional<std::size_t> outer_;
};

// Re-addresses the IP packet whose header is at `l3` (transport header at `l4`, 0 if none).
void rewrite_ip(Patcher& patch, std::size_t l3, std::size_t l4, std::uint8_t family,
                std::uint8_t proto, bool echo, const net::FiveTuple& to) {
  std::optional<Sum> ip_sum;
  if (family == 4) ip_sum = Sum{l3 + 10, false};
  std::optional<Sum> l4_sum;
  bool pseudo = false;
  if (l4 != 0) {
    if (proto == kTcp) {
      l4_sum = Sum{l4 + 16, false};
      pseudo = true;
    } else if (proto == kUdp) {
      l4_sum = Sum{l4 + 6, true};
      pseudo = true;
    } else if (proto == kIcmpv6 && family == 6) {
      l4_sum = Sum{l4 + 2, false};
      pseudo = true;
    } else if (proto == kIcmp && family == 4) {
      l4_sum = Sum{l4 + 2, false};
    }
  }
  const std::optional<Sum> pseudo_sum = pseudo ? l4_sum : std::nullopt;
  const std::size_t words = family == 4 ? 2 : 8;
  const std::size_t src = family == 4 ? l3 + 12 : l3 + 8;
  const std::size_t dst = family == 4 ? l3 + 16 : l3 + 24;
  for (std::size_t w = 0; w < words; ++w) {
    patch.set16(src + 2 * w, net::load_be16(to.src.data() + 2 * w), {ip_sum, pseudo_sum});
    patch.set16(dst + 2 * w, net::load_be16(to.dst.data() + 2 * w), {ip_sum, pseudo_sum});
  }
  if (l4 == 0) return;
  if (proto == kTcp || proto == kUdp) {
    patch.set16(l4, to.src_port, {l4_sum});
    patch.set16(l4 + 2, to.dst_port, {l4_sum});
  } else if (echo) {
    patch.set16(l4 + 4, to.src_port, {l4_sum});
  }
}

bool is_echo(std::uint8_t family, std::uint8_t proto, std::span<const std::uint8_t> f, std::size_t l4) {
  if (l4 == 0 || l4 >= f.size()) return false;
  if (family == 4) return proto == kIcmp && (f[l4] == 8 || f[l4] == 0);
  return proto == kIcmpv6 && (f[l4] == 128 || f[l4] == 129);
}

}  // namespace

void readdress(std::span<std::uint8_t> frame, const InspectedPacket& p, const net::FiveTuple& to) {
  if (!p.is_ip()) return;
  Patcher patch(frame, std::nullopt);
  rewrite_ip(patch, p.l3_offset, p.l4_offset, p.tuple.family, p.tuple.proto, p.kind == PacketKind::kIcmpEcho,
             to);
}

void readdress_icmp_error(std::span<std::uint8_t> frame, const InspectedPacket& p, const net::FiveTuple& outer,
                          const net::FiveTuple& quoted) {
  if (p.kind != PacketKind::kIcmpError) return;
  const std::uint8_t family = p.tuple.family;
  // The quoted packet first: its changes are covered by the outer ICMP checksum.
  {
    Patcher inner(frame, std::size_t{p.l4_offset} + 2);
    const std::size_t q3 = p.quoted_offset;
    std::size_t q4 = 0;
    if (family == 4) {
      q4 = q3 + std::size_t{frame[q3] & 0x0fu} * 4;
    } else {
      q4 = q3 + ipv6_transport(frame.subspan(q3)).offset;
    }
    if (q4 >= frame.size()) q4 = 0;
    rewrite_ip(inner, q3, q4, family, p.quoted.proto, is_echo(family, p.quoted.proto, frame, q4), quoted);
  }
  // Then the outer addresses; ICMPv6's checksum covers them through its pseudo-header.
  net::FiveTuple addresses = outer;
  addresses.src_port = addresses.dst_port = 0;
  Patcher patch(frame, std::nullopt);
  rewrite_ip(patch, p.l3_offset, family == 6 ? p.l4_offset : 0, family, p.tuple.proto, false, addresses);
}

}  // namespace flowsim::capture
