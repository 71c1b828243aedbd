// SPDX-License-Identifier: Apache-2.0
#include "engine/defrag/ipv6_defrag.hpp"

#include <algorithm>
#include <cstring>
#include <optional>

#include "net/ipv6_ext_headers.hpp"
#include "net/ipv6_header.hpp"

namespace flowsim::engine::defrag {
namespace {

struct FragmentHeaderAt {
  std::size_t offset = 0;          // of the Fragment header
  std::size_t next_header_at = 0;  // of the next-header field that announced it
};

// find_prev_fhdr: the Fragment header behind the extension headers Linux walks over.
std::optional<FragmentHeaderAt> find_fragment_header(std::span<const std::uint8_t> d) {
  const auto ip = net::ConstIpv6Header::at(d, 0);
  if (!ip) return std::nullopt;
  std::uint8_t next = ip->next_header();
  FragmentHeaderAt at{net::Ipv6Header::kSize, 6};
  while (next != net::ip_proto::kFragment) {
    if (!net::is_ipv6_ext_header(next) || next == net::ip_proto::kNoNext) return std::nullopt;
    const auto ext = net::ConstIpv6ExtHeader::at(d, at.offset, next);
    if (!ext) return std::nullopt;
    at.next_header_at = at.offset;
    at.offset += ext->length();
    next = ext->next_header();
  }
  if (at.offset > d.size()) return std::nullopt;
  return at;
}

// ipv6frag_thdr_truncated: a first fragment must hold every header up to the transport
// header's fixed part (TCP 20, UDP 8, ICMPv6 4 bytes, one byte of anything else).
bool transport_header_truncated(std::span<const std::uint8_t> d) {
  const std::optional<net::Ipv6Transport> t = net::ipv6_skip_exthdr(d);
  if (!t || t->later_fragment()) return false;
  std::size_t need = 1;
  if (t->next_header == net::ip_proto::kTcp) need = 20;
  else if (t->next_header == net::ip_proto::kUdp) need = 8;
  else if (t->next_header == net::ip_proto::kIcmpv6) need = 4;
  return t->offset + need > d.size();
}

}  // namespace

Ipv6Defrag::Result Ipv6Defrag::add(std::span<const std::uint8_t> datagram, unsigned iif, std::chrono::nanoseconds now,
                                   std::vector<std::uint8_t>& out, Reassembled& info) {
  const auto ip = net::ConstIpv6Header::at(datagram, 0);
  if (!ip || ip->payload_length() == 0) return {Outcome::kPass, {}};  // jumbo payload: no Fragment header
  const std::optional<FragmentHeaderAt> fh_at = find_fragment_header(datagram);
  if (!fh_at || transport_header_truncated(datagram)) return {Outcome::kPass, {}};
  const auto fh = net::ConstIpv6FragmentHeader::at(datagram, fh_at->offset);
  if (!fh) return {Outcome::kDropped, DropReason::kMalformed};  // pskb_may_pull: -ENOMEM
  if (table_.over_limit()) return {Outcome::kDropped, DropReason::kDefragNoMemory};

  const auto it = table_.find_or_create(Key{ip->src().bytes(), ip->dst().bytes(), fh->id(), iif}, now);
  FragQueue& q = it->second;
  auto discard_queue = [&](DropReason reason) {
    table_.kill(it, table_.stats().killed);
    return Result{Outcome::kDropped, reason};
  };
  // A fragment refused without killing its queue; a queue it made stays empty until its
  // timer, as in the kernel (it holds no fragment, so nothing is lost with it).
  const Result refused{Outcome::kDropped, DropReason::kDefragInvalid};

  // nf_ct_frag6_queue.
  const std::size_t payload_len = ip->payload_length();
  const std::size_t data_at = fh_at->offset + net::Ipv6FragmentHeader::kSize;
  const std::size_t offset = fh->offset_bytes();
  if (net::Ipv6Header::kSize + payload_len < data_at) return refused;
  const std::size_t end = offset + net::Ipv6Header::kSize + payload_len - data_at;
  if (end > 65535) return refused;
  if (!fh->more_fragments()) {
    if (end < q.len || (q.last_in && end != q.len)) return refused;
    q.last_in = true;
    q.len = end;
  } else {
    if (end & 7) {
      // RFC 8200 wants a parameter problem; conntrack lets the fragment through as it is.
      table_.kill(it, table_.stats().killed);
      return {Outcome::kPass, {}};
    }
    if (end > q.len) {
      if (q.last_in) return refused;
      q.len = end;
    }
  }
  if (end == offset) return refused;

  switch (q.insert_run(offset, end)) {
    case FragQueue::Insert::kQueued: break;
    case FragQueue::Insert::kDuplicate: return {Outcome::kDropped, DropReason::kDefragDuplicate};
    case FragQueue::Insert::kOverlap: return discard_queue(DropReason::kDefragOverlap);
  }
  table_.add(q, offset, datagram.subspan(data_at, end - offset), fragment_truesize(datagram.size()));
  q.ecn |= ecn_bit(ip->traffic_class());
  q.max_size = std::max(q.max_size, static_cast<std::uint16_t>(payload_len));
  if (offset == 0) {
    q.first_in = true;
    q.first_header.assign(datagram.begin(), datagram.begin() + static_cast<std::ptrdiff_t>(fh_at->offset));
    q.first_header[fh_at->next_header_at] = fh->next_header();
  }
  if (!q.complete()) return {Outcome::kHeld, {}};

  // nf_ct_frag6_reasm.
  const std::uint8_t ecn = ecn_result(q.ecn);
  const std::size_t unfragmentable = q.first_header.size();
  const std::size_t new_payload = unfragmentable - net::Ipv6Header::kSize + q.len;
  if (ecn == kEcnInvalid || new_payload > 65535) return discard_queue(DropReason::kDefragInvalid);
  out.resize(unfragmentable + q.len);
  std::memcpy(out.data(), q.first_header.data(), unfragmentable);
  q.gather(out, unfragmentable, info.fragment_lengths);
  info.frag_max_size = static_cast<std::uint16_t>(net::Ipv6Header::kSize + q.max_size);
  info.pmtu = false;
  info.unfragmentable = unfragmentable;
  net::Ipv6Header::at(std::span<std::uint8_t>(out), 0)->set_payload_length(static_cast<std::uint16_t>(new_payload));
  out[1] = static_cast<std::uint8_t>(out[1] | (ecn << 4));  // ipv6_change_dsfield(0xff, ecn)
  table_.complete(it);
  return {Outcome::kReassembled, {}};
}

}  // namespace flowsim::engine::defrag
