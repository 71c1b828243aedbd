// SPDX-License-Identifier: Apache-2.0
#include "engine/defrag/ipv4_defrag.hpp"

#include <algorithm>
#include <cstring>

#include "net/checksum.hpp"
#include "net/ipv4_header.hpp"

namespace flowsim::engine::defrag {

Ipv4Defrag::Result Ipv4Defrag::add(std::span<const std::uint8_t> datagram, std::chrono::nanoseconds now,
                                   std::vector<std::uint8_t>& out, Reassembled& info) {
  const auto ip = net::ConstIpv4Header::at(datagram, 0);
  if (!ip || ip->total_length() != datagram.size() || ip->total_length() < ip->header_length()) {
    return {Outcome::kDropped, DropReason::kMalformed};
  }
  // inet_frag_find: nothing is queued while the fragments held use more than the threshold.
  if (table_.over_limit()) return {Outcome::kDropped, DropReason::kDefragNoMemory};

  const auto it = table_.find_or_create(Key{ip->src().value(), ip->dst().value(), ip->id(), ip->protocol()}, now);
  FragQueue& q = it->second;
  auto discard_queue = [&](DropReason reason) {
    table_.kill(it, table_.stats().killed);
    return Result{Outcome::kDropped, reason};
  };

  // ip_frag_queue.
  const std::size_t ihl = ip->header_length();
  const std::size_t offset = ip->fragment_offset_bytes();
  std::size_t end = offset + datagram.size() - ihl;
  if (!ip->more_fragments()) {
    if (end < q.len || (q.last_in && end != q.len)) return discard_queue(DropReason::kDefragInvalid);
    q.last_in = true;
    q.len = end;
  } else {
    end &= ~std::size_t{7};
    if (end > q.len) {
      if (q.last_in) return discard_queue(DropReason::kDefragInvalid);
      q.len = end;
    }
  }
  if (end <= offset) return discard_queue(DropReason::kDefragInvalid);

  switch (q.insert_run(offset, end)) {
    case FragQueue::Insert::kQueued: break;
    case FragQueue::Insert::kDuplicate: return {Outcome::kDropped, DropReason::kDefragDuplicate};
    case FragQueue::Insert::kOverlap: return discard_queue(DropReason::kDefragOverlap);
  }
  table_.add(q, offset, datagram.subspan(ihl, end - offset), fragment_truesize(datagram.size()));
  q.ecn |= ecn_bit(ip->tos());
  if (offset == 0) {
    q.first_in = true;
    q.first_header.assign(datagram.begin(), datagram.begin() + static_cast<std::ptrdiff_t>(ihl));
  }
  const auto fragsize = static_cast<std::uint16_t>(end - offset + ihl);
  q.max_size = std::max(q.max_size, fragsize);
  if (ip->dont_fragment()) q.max_df_size = std::max(q.max_df_size, fragsize);

  if (!q.complete()) return {Outcome::kHeld, {}};

  // ip_frag_reasm.
  const std::uint8_t ecn = ecn_result(q.ecn);
  const std::size_t len = q.first_header.size() + q.len;
  if (ecn == kEcnInvalid || len > 65535) return discard_queue(DropReason::kDefragInvalid);
  out.resize(len);
  std::memcpy(out.data(), q.first_header.data(), q.first_header.size());
  q.gather(out, q.first_header.size(), info.fragment_lengths);
  info.frag_max_size = std::max(q.max_df_size, q.max_size);
  info.pmtu = q.max_df_size == q.max_size;
  auto h = net::Ipv4Header::at(std::span<std::uint8_t>(out), 0).value();
  h.set_total_length(static_cast<std::uint16_t>(len));
  h.set_tos(static_cast<std::uint8_t>(h.tos() | ecn));
  h.set_frag_off(info.pmtu ? net::Ipv4Header::kDf : 0);
  h.set_checksum(0);
  h.set_checksum(net::internet_checksum(h.header()));
  table_.complete(it);
  return {Outcome::kReassembled, {}};
}

}  // namespace flowsim::engine::defrag
